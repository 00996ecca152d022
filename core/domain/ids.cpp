#include "core/domain/ids.hpp"

#include "core/domain/text_util.hpp"

namespace b2b {

Result<OneCVariantRef> OneCId::SplitVariant() const {
    std::string_view const whole = value();
    std::size_t const hash = whole.find('#');
    std::string_view const product = text::Trim(whole.substr(0, hash));
    if (product.empty()) {
        return Error::Permanent("1C id " + text::QuoteForError(whole) + " has an empty product part");
    }
    OneCVariantRef ref{OneCId(std::string(product)), std::nullopt};
    if (hash != std::string_view::npos) {
        std::string_view const variant = text::Trim(whole.substr(hash + 1));
        if (!variant.empty()) {
            ref.variant = OneCId(std::string(variant));
        }
    }
    return ref;
}

}  // namespace b2b
