#pragma once

#include <iosfwd>
#include <string>
#include <string_view>

#include "core/domain/decimal.hpp"
#include "core/util/error.hpp"

namespace b2b {

/// A unit of measure as an OKEI code, always 3 digits ("796" = шт, "166" = кг, "006" = м).
/// Made only through ParseUnitCode, so it is always trimmed and normalised.
class UnitCode {
public:
    /// "796", the piece; the unit of anything that does not say otherwise.
    UnitCode() : code_("796") {}

    std::string const& Code() const noexcept { return code_; }
    friend bool operator==(UnitCode const&, UnitCode const&) = default;

private:
    explicit UnitCode(std::string code) : code_(std::move(code)) {}
    friend Result<UnitCode> ParseUnitCode(std::string_view text);

    std::string code_;
};

/// Reads an OKEI code as 1C sends it: trimmed ("796 " -> "796"), 1-3 digits zero-padded ("6" ->
/// "006"), or one of the common Russian short names 1C puts in БазоваяЕдиница text (шт, кг, г, т,
/// м, м2, м3, л, упак, компл, пар, уп). Permanent error `unknown unit "<input>"` otherwise; map
/// anything else in the mapping tables.
Result<UnitCode> ParseUnitCode(std::string_view text);

/// An amount of goods in a unit. Quantities are decimals (1C sends "1.0000", weights "0.125").
struct Quantity {
    Decimal value;
    UnitCode unit;

    friend bool operator==(Quantity const&, Quantity const&) = default;
};

/// a + b when both are in the same unit. Permanent errors: different units (no conversion is
/// guessed), overflow.
Result<Quantity> Add(Quantity const& a, Quantity const& b);

std::ostream& operator<<(std::ostream& os, UnitCode const& u);
/// Prints "1.5 x 796".
std::ostream& operator<<(std::ostream& os, Quantity const& q);

}  // namespace b2b
