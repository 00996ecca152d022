#pragma once

#include <array>
#include <iosfwd>
#include <string>
#include <string_view>

#include "core/util/error.hpp"

namespace b2b {

/// An ISO 4217 currency, identified by its alpha code. Only currencies from a built-in table can be
/// made (via ParseCurrency), so every Currency knows its minor units. A default-constructed Currency
/// is "XXX" (ISO 4217 "no currency"): it never equals a real one, so adding it to roubles fails
/// instead of silently succeeding; its minor units are 4 (nothing is rounded away).
class Currency {
public:
    constexpr Currency() = default;

    /// Well-known values for code and tests.
    static Currency Rub();
    static Currency Usd();
    static Currency Eur();

    /// The alpha code, e.g. "RUB".
    std::string_view Code() const noexcept { return {code_.data(), code_.size()}; }
    /// The numeric code, e.g. 643 for RUB (999 for XXX).
    int NumericCode() const noexcept { return numeric_; }
    /// Digits after the point in the smallest coin: 2 for RUB, 0 for JPY.
    int MinorDigits() const noexcept { return minor_digits_; }

    friend bool operator==(Currency const& a, Currency const& b) noexcept { return a.code_ == b.code_; }

private:
    constexpr Currency(std::array<char, 3> code, int numeric, int minor_digits)
        : code_(code), numeric_(numeric), minor_digits_(minor_digits) {}
    friend struct CurrencyTable;

    std::array<char, 3> code_{'X', 'X', 'X'};
    int numeric_ = 999;
    int minor_digits_ = 4;
};

/// Maps what 1C and Bitrix send to a Currency: ISO codes in any case ("RUB", "usd"), numeric codes
/// ("643"), and Russian abbreviations 1C configurations use ("руб", "руб.", "Руб.", "р.", "₽",
/// "грн" -> UAH, "тенге"/"тг" -> KZT, "бел. руб." -> BYN). "RUR" (the pre-1998 code that 1C and old
/// Bitrix still use as a label for today's rouble) is read as RUB. Surrounding whitespace is ignored.
/// Permanent errors: `unknown currency "<input>"`, and for "BYR" a message saying it was
/// redenominated (10000:1 in 2016), because treating it as BYN would silently change amounts.
Result<Currency> ParseCurrency(std::string_view text);

std::ostream& operator<<(std::ostream& os, Currency const& c);

}  // namespace b2b
