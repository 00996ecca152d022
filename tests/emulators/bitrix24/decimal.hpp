#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace b2b::emu::bitrix24 {

/// Fixed-point decimal with 4 fractional digits: enough for prices, quantities (kg) and
/// percentages, and exact, because money is never a double here.
struct Decimal {
    static constexpr std::int64_t kScale = 10'000;
    std::int64_t units = 0;  // value * kScale

    /// Parses "1000", "899.1", "-5.25", " 12.50 "; nullopt on anything else.
    static std::optional<Decimal> Parse(std::string_view text);
    /// Product rounded half away from zero to 4 digits.
    Decimal Times(Decimal other) const;
    Decimal Plus(Decimal other) const { return Decimal{units + other.units}; }
    /// "1000000.00": always exactly `digits` fractional digits (rounded half away from zero).
    std::string ToFixed(int digits) const;
    /// Shortest form without trailing zeros ("899.1", "450"), as PHP prints a float.
    std::string ToShortest() const;
};

}  // namespace b2b::emu::bitrix24
