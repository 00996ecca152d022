#include "core/domain/money.hpp"

#include <ostream>

#include "core/domain/int128.hpp"
#include "core/domain/rounding.hpp"

namespace b2b {
namespace {

Error Mismatch(char const* verb, Money const& a, Money const& b) {
    return Error::Permanent(std::string("cannot ") + verb + " " + ToString(a) + " and " + ToString(b) +
                            ": different currencies");
}

}  // namespace

Result<Money> Add(Money const& a, Money const& b) {
    if (!(a.currency == b.currency)) {
        return Mismatch("add", a, b);
    }
    auto sum = Add(a.amount, b.amount);
    if (!sum) {
        return sum.error();
    }
    return Money{*sum, a.currency};
}

Result<Money> Sub(Money const& a, Money const& b) {
    if (!(a.currency == b.currency)) {
        return Mismatch("subtract", a, b);
    }
    auto diff = Sub(a.amount, b.amount);
    if (!diff) {
        return diff.error();
    }
    return Money{*diff, a.currency};
}

Result<Money> Multiply(Money const& price, Quantity const& quantity, Rounding rounding) {
    int const digits = price.currency.MinorDigits();
    // The raw product has 8 fractional digits; one division brings it to `digits`.
    Int128 const exact = static_cast<Int128>(price.amount.raw()) * quantity.value.raw();
    Int128 const units = DivideRounded(exact, Pow10(2 * Decimal::kScale - digits), rounding);
    Int128 const raw = units * Pow10(Decimal::kScale - digits);
    if (!FitsDecimalRaw(raw)) {
        return Error::Permanent("decimal overflow: " + ToString(price) + " x " + quantity.value.ToString());
    }
    return Money{Decimal::FromRaw(static_cast<std::int64_t>(raw)), price.currency};
}

Result<Money> RoundToMinor(Money const& m, Rounding rounding) {
    auto rounded = RoundTo(m.amount, m.currency.MinorDigits(), rounding);
    if (!rounded) {
        return rounded.error();
    }
    return Money{*rounded, m.currency};
}

std::string ToString(Money const& m) {
    return m.amount.ToString(m.currency.MinorDigits()) + " " + std::string(m.currency.Code());
}

std::ostream& operator<<(std::ostream& os, Money const& m) { return os << ToString(m); }

}  // namespace b2b
