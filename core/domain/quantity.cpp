#include "core/domain/quantity.hpp"

#include <ostream>

#include "core/domain/text_util.hpp"

namespace b2b {
namespace {

struct UnitName {
    std::string_view name;
    std::string_view code;
};

constexpr UnitName kUnitNames[] = {
    {"шт", "796"},    {"кг", "166"},   {"г", "163"},   {"т", "168"},  {"м", "006"},   {"м2", "055"},
    {"м3", "113"},    {"л", "112"},    {"упак", "778"}, {"уп", "778"}, {"компл", "839"}, {"пар", "715"},
};

}  // namespace

Result<UnitCode> ParseUnitCode(std::string_view text) {
    std::string_view key = text::Trim(text);
    if (!key.empty() && key.size() <= 3 && key.find_first_not_of("0123456789") == std::string_view::npos) {
        return UnitCode(std::string(3 - key.size(), '0') + std::string(key));
    }
    if (!key.empty() && key.back() == '.') {
        key.remove_suffix(1);
    }
    for (auto const& u : kUnitNames) {
        if (key == u.name) {
            return UnitCode(std::string(u.code));
        }
    }
    return Error::Permanent("unknown unit " + text::QuoteForError(text) + "; expected an OKEI code such as 796");
}

Result<Quantity> Add(Quantity const& a, Quantity const& b) {
    if (!(a.unit == b.unit)) {
        return Error::Permanent("cannot add quantities in different units: " + a.unit.Code() + " and " +
                                b.unit.Code());
    }
    auto sum = Add(a.value, b.value);
    if (!sum) {
        return sum.error();
    }
    return Quantity{*sum, a.unit};
}

std::ostream& operator<<(std::ostream& os, UnitCode const& u) { return os << u.Code(); }
std::ostream& operator<<(std::ostream& os, Quantity const& q) { return os << q.value << " x " << q.unit; }

}  // namespace b2b
