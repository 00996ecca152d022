#pragma once

#include <iosfwd>
#include <string>

#include "core/domain/currency.hpp"
#include "core/domain/decimal.hpp"
#include "core/domain/quantity.hpp"
#include "core/util/error.hpp"

namespace b2b {

/// An amount in a currency. The amount may carry up to 4 fractional digits (unit prices often do);
/// totals are brought to the currency's minor units with RoundToMinor or come out of Multiply.
struct Money {
    Decimal amount;
    Currency currency;

    friend bool operator==(Money const&, Money const&) = default;
};

/// a + b. Permanent errors: `cannot add 10 RUB and 5 USD: different currencies` (never a silent
/// sum), overflow.
Result<Money> Add(Money const& a, Money const& b);
/// a - b, with the same errors as Add.
Result<Money> Sub(Money const& a, Money const& b);

/// Line sum: unit price x quantity, the exact product rounded ONCE to the currency's minor units
/// (2 for RUB) with `rounding` (default half away from zero, like 1C's Окр()). Rounding once matters:
/// rounding to 4 digits first and then to 2 can differ (0.004951 -> 0.0050 -> 0.01, exact -> 0.00).
/// Permanent error on overflow.
Result<Money> Multiply(Money const& price, Quantity const& quantity,
                       Rounding rounding = Rounding::kHalfAwayFromZero);

/// `m` rounded to its currency's minor units. Permanent error on overflow.
Result<Money> RoundToMinor(Money const& m, Rounding rounding = Rounding::kHalfAwayFromZero);

/// "1234.50 RUB": at least the currency's minor digits, more if the amount has them.
std::string ToString(Money const& m);
std::ostream& operator<<(std::ostream& os, Money const& m);

}  // namespace b2b
