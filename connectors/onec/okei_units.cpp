#include "connectors/onec/okei_units.hpp"

#include <array>

namespace b2b::onec {
namespace {

// ОКЕИ (OK 015-94) codes with their conventional Russian and UN/ECE Rec. 20 names.
constexpr std::array<OkeiUnit, 15> kUnits{{
    {"006", "м", "MTR"},
    {"055", "м2", "MTK"},
    {"112", "л", "LTR"},
    {"113", "м3", "MTQ"},
    {"163", "г", "GRM"},
    {"166", "кг", "KGM"},
    {"168", "т", "TNE"},
    {"356", "ч", "HUR"},
    {"704", "набор", "SET"},
    {"715", "пар", "NPR"},
    {"778", "упак", "NMP"},
    {"796", "шт", "PCE"},
    {"839", "компл", "SET"},
    {"018", "пог. м", "LM"},
    {"625", "лист", "LEF"},
}};

}  // namespace

std::optional<OkeiUnit> FindOkeiUnit(std::string_view code) {
    for (auto const& unit : kUnits) {
        if (unit.code == code) {
            return unit;
        }
    }
    return std::nullopt;
}

}  // namespace b2b::onec
