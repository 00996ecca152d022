#include "mappings/engine/text_case.hpp"

#include "core/domain/text_util.hpp"

namespace b2b::mapping {
namespace {

void Append(std::string& out, char32_t cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

/// Walks the text; two-byte sequences (where Cyrillic lives) go through `map`, the rest is copied.
template <class Map>
std::string Transform(std::string_view text, Map map) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        auto const c = static_cast<unsigned char>(text[i]);
        if (c < 0x80) {
            Append(out, map(static_cast<char32_t>(c)));
        } else if ((c & 0xE0) == 0xC0 && i + 1 < text.size() &&
                   (static_cast<unsigned char>(text[i + 1]) & 0xC0) == 0x80) {
            char32_t const cp =
                (static_cast<char32_t>(c & 0x1F) << 6) | (static_cast<unsigned char>(text[i + 1]) & 0x3F);
            Append(out, map(cp));
            ++i;
        } else {
            out += text[i];
        }
    }
    return out;
}

}  // namespace

std::string ToUpper(std::string_view text) {
    return Transform(text, [](char32_t cp) -> char32_t {
        if ((cp >= 'a' && cp <= 'z') || (cp >= 0x430 && cp <= 0x44F)) {
            return cp - 0x20;
        }
        return cp == 0x451 ? 0x401 : cp;  // ё -> Ё
    });
}

std::string ToLower(std::string_view text) {
    return Transform(text, [](char32_t cp) -> char32_t {
        if ((cp >= 'A' && cp <= 'Z') || (cp >= 0x410 && cp <= 0x42F)) {
            return cp + 0x20;
        }
        return cp == 0x401 ? 0x451 : cp;
    });
}

std::string_view TrimText(std::string_view text) { return text::Trim(text); }

}  // namespace b2b::mapping
