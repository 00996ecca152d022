#pragma once

#include <optional>
#include <string_view>

namespace b2b::onec {

/// Short and international names of a unit from the Russian unit classifier (ОКЕИ).
struct OkeiUnit {
    std::string_view code;           ///< "796"
    std::string_view short_name;     ///< "шт": the text of БазоваяЕдиница
    std::string_view international;  ///< "PCE": БазоваяЕдиница@МеждународноеСокращение
};

/// The unit for an ОКЕИ code among the common ones shops sell in (pieces, mass, length, area,
/// volume, packs, sets, hours); nullopt for any other code. Order DTOs carry only the code and the
/// full name, while Bitrix also sends the short and international names, which 1C uses to match
/// the unit when the code is missing from its catalogue.
std::optional<OkeiUnit> FindOkeiUnit(std::string_view code);

}  // namespace b2b::onec
