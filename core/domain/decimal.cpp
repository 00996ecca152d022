#include "core/domain/decimal.hpp"

#include <algorithm>
#include <ostream>

#include "core/domain/int128.hpp"
#include "core/domain/rounding.hpp"

namespace b2b {
namespace {

Error Overflow(Decimal a, char op, Decimal b) {
    return Error::Permanent("decimal overflow: " + a.ToString() + " " + op + " " + b.ToString());
}

Error BadDigits(int digits) {
    return Error::Permanent("decimal: " + std::to_string(digits) + " fractional digits requested, allowed 0..4");
}

Decimal ValueOrBug(Result<Decimal> r) {
    if (!r) {
        throw ErrorException(Error::Bug(r.error().message));
    }
    return *r;
}

}  // namespace

Int128 DivideRounded(Int128 num, Int128 den, Rounding rounding) noexcept {
    if (den < 0) {
        num = -num;
        den = -den;
    }
    Int128 q = num / den;
    Int128 r = num % den;  // same sign as num
    if (r == 0 || rounding == Rounding::kTowardZero) {
        return q;
    }
    Int128 const twice = (r < 0 ? -r : r) * 2;
    Int128 const step = num < 0 ? -1 : 1;
    switch (rounding) {
        case Rounding::kHalfAwayFromZero:
            if (twice >= den) {
                q += step;
            }
            break;
        case Rounding::kHalfEven:
            if (twice > den || (twice == den && q % 2 != 0)) {
                q += step;
            }
            break;
        case Rounding::kTowardZero:
            break;
    }
    return q;
}

Decimal Decimal::FromRaw(std::int64_t raw) {
    if (raw == INT64_MIN) {
        throw ErrorException(Error::Bug("Decimal::FromRaw: INT64_MIN is outside the decimal range"));
    }
    return Decimal(raw);
}

Result<Decimal> Decimal::FromScaled(std::int64_t units, int digits) {
    if (digits < 0 || digits > kScale) {
        return BadDigits(digits);
    }
    Int128 const raw = static_cast<Int128>(units) * Pow10(kScale - digits);
    if (!FitsDecimalRaw(raw)) {
        return Error::Permanent("decimal overflow: " + std::to_string(units) + "e-" + std::to_string(digits) +
                                " is outside the decimal range");
    }
    return Decimal(static_cast<std::int64_t>(raw));
}

int Decimal::FractionDigits() const noexcept {
    std::int64_t frac = (raw_ < 0 ? -raw_ : raw_) % kOne;
    if (frac == 0) {
        return 0;
    }
    int digits = kScale;
    while (frac % 10 == 0) {
        frac /= 10;
        --digits;
    }
    return digits;
}

std::string Decimal::ToString() const { return ToString(0); }

std::string Decimal::ToString(int min_fraction_digits) const {
    if (min_fraction_digits < 0) {
        min_fraction_digits = 0;
    }
    if (min_fraction_digits > kScale) {
        min_fraction_digits = kScale;
    }
    // raw_ is never INT64_MIN, so the magnitude always fits.
    std::uint64_t const magnitude = static_cast<std::uint64_t>(raw_ < 0 ? -raw_ : raw_);
    std::string out;
    if (raw_ < 0) {
        out.push_back('-');
    }
    out += std::to_string(magnitude / kOne);
    int const digits = std::max(FractionDigits(), min_fraction_digits);
    if (digits > 0) {
        std::string frac = std::to_string(magnitude % kOne + kOne).substr(1);  // zero-padded to 4
        out.push_back('.');
        out.append(frac, 0, static_cast<std::size_t>(digits));
    }
    return out;
}

Result<Decimal> Add(Decimal a, Decimal b) {
    Int128 const sum = static_cast<Int128>(a.raw()) + b.raw();
    if (!FitsDecimalRaw(sum)) {
        return Overflow(a, '+', b);
    }
    return Decimal::FromRaw(static_cast<std::int64_t>(sum));
}

Result<Decimal> Sub(Decimal a, Decimal b) {
    Int128 const diff = static_cast<Int128>(a.raw()) - b.raw();
    if (!FitsDecimalRaw(diff)) {
        return Overflow(a, '-', b);
    }
    return Decimal::FromRaw(static_cast<std::int64_t>(diff));
}

Result<Decimal> Mul(Decimal a, Decimal b, Rounding rounding) {
    Int128 const product = DivideRounded(static_cast<Int128>(a.raw()) * b.raw(), Decimal::kOne, rounding);
    if (!FitsDecimalRaw(product)) {
        return Overflow(a, '*', b);
    }
    return Decimal::FromRaw(static_cast<std::int64_t>(product));
}

Result<Decimal> Div(Decimal a, Decimal b, int digits, Rounding rounding) {
    if (digits < 0 || digits > Decimal::kScale) {
        return BadDigits(digits);
    }
    if (b.IsZero()) {
        return Error::Permanent("division by zero: " + a.ToString() + " / 0");
    }
    // a/b = a.raw/b.raw; in units of 10^-digits that is a.raw * 10^digits / b.raw.
    Int128 const units = DivideRounded(static_cast<Int128>(a.raw()) * Pow10(digits), b.raw(), rounding);
    Int128 const raw = units * Pow10(Decimal::kScale - digits);
    if (!FitsDecimalRaw(raw)) {
        return Overflow(a, '/', b);
    }
    return Decimal::FromRaw(static_cast<std::int64_t>(raw));
}

Result<Decimal> RoundTo(Decimal value, int digits, Rounding rounding) {
    if (digits < 0 || digits > Decimal::kScale) {
        return BadDigits(digits);
    }
    std::int64_t const step = Pow10(Decimal::kScale - digits);
    Int128 const raw = DivideRounded(value.raw(), step, rounding) * step;
    if (!FitsDecimalRaw(raw)) {
        return Error::Permanent("decimal overflow: rounding " + value.ToString() + " to " + std::to_string(digits) +
                                " digits");
    }
    return Decimal::FromRaw(static_cast<std::int64_t>(raw));
}

Decimal operator+(Decimal a, Decimal b) { return ValueOrBug(Add(a, b)); }
Decimal operator-(Decimal a, Decimal b) { return ValueOrBug(Sub(a, b)); }
Decimal& operator+=(Decimal& a, Decimal b) { return a = a + b; }
Decimal& operator-=(Decimal& a, Decimal b) { return a = a - b; }

std::ostream& operator<<(std::ostream& os, Decimal d) { return os << d.ToString(); }

}  // namespace b2b
