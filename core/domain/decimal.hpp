#pragma once

#include <compare>
#include <cstdint>
#include <iosfwd>
#include <string>

#include "core/util/error.hpp"

namespace b2b {

/// How an exact value is brought to fewer fractional digits.
enum class Rounding {
    /// 2.345 -> 2.35, -2.345 -> -2.35. The default everywhere, because it is what 1C's `Окр()` does by
    /// default (РежимОкругления.Окр15как20) and what buyers and accountants expect on invoices.
    kHalfAwayFromZero,
    /// Banker's rounding: 2.345 -> 2.34, 2.355 -> 2.36. Use only where a peer is known to do it.
    kHalfEven,
    /// Truncation: 2.349 -> 2.34, -2.349 -> -2.34 (1C's Окр15как10 is NOT this; it is half-down).
    kTowardZero,
};

/// Signed fixed-point number with exactly 4 fractional digits, stored as a count of 1/10000 in an
/// int64 (the range of SQL Server `money`): -922337203685477.5807 .. 922337203685477.5807. The
/// raw value INT64_MIN is never produced, so negation cannot overflow.
///
/// Money and quantities are Decimals, never double. Checked operations (Add, Sub, Mul, Div, RoundTo)
/// return Result with a Permanent error on overflow or division by zero; the operators + and -
/// are for values known to be small (they throw ErrorException with ErrorClass::kBug on overflow,
/// i.e. treat it as a programming error, caught at the nearest pipeline boundary). Never UB.
class Decimal {
public:
    static constexpr int kScale = 4;
    static constexpr std::int64_t kOne = 10'000;
    static constexpr std::int64_t kMaxRaw = INT64_MAX;
    static constexpr std::int64_t kMinRaw = -INT64_MAX;

    constexpr Decimal() = default;

    /// From a count of 1/10000. Precondition: raw != INT64_MIN (throws ErrorException kBug if it is).
    static Decimal FromRaw(std::int64_t raw);
    /// `units` x 10^-digits, e.g. FromScaled(12345, 2) == 123.45. digits must be 0..4; Permanent
    /// error when the value is out of range or digits are out of 0..4.
    static Result<Decimal> FromScaled(std::int64_t units, int digits);
    /// A whole number; Permanent error out of range (|n| > 922337203685477).
    static Result<Decimal> FromInteger(std::int64_t n) { return FromScaled(n, 0); }

    constexpr std::int64_t raw() const noexcept { return raw_; }
    constexpr bool IsZero() const noexcept { return raw_ == 0; }
    constexpr bool IsNegative() const noexcept { return raw_ < 0; }
    /// How many fractional digits are significant (0..4): 1.2300 -> 2.
    int FractionDigits() const noexcept;

    friend constexpr bool operator==(Decimal, Decimal) = default;
    friend constexpr std::strong_ordering operator<=>(Decimal, Decimal) = default;

    constexpr Decimal operator-() const noexcept { return Decimal(-raw_); }
    constexpr Decimal Abs() const noexcept { return raw_ < 0 ? Decimal(-raw_) : *this; }

    /// Canonical text: no trailing fractional zeros, '.' separator, no '+', never "-0": "1234.5", "-3", "0".
    std::string ToString() const;
    /// As ToString() but with at least `min_fraction_digits` (clamped to 0..4) fractional digits:
    /// ToString(2) of 1234.5 is "1234.50", of 7 is "7.00", of 1.2345 is "1.2345".
    std::string ToString(int min_fraction_digits) const;

private:
    constexpr explicit Decimal(std::int64_t raw) : raw_(raw) {}

    std::int64_t raw_ = 0;
};

/// a + b; Permanent error "decimal overflow: <a> + <b>" when the sum leaves the range.
Result<Decimal> Add(Decimal a, Decimal b);
/// a - b; Permanent error "decimal overflow: <a> - <b>".
Result<Decimal> Sub(Decimal a, Decimal b);
/// The exact product a x b rounded to 4 fractional digits; Permanent error on overflow.
Result<Decimal> Mul(Decimal a, Decimal b, Rounding rounding = Rounding::kHalfAwayFromZero);
/// The exact quotient a / b rounded to `digits` (0..4) fractional digits; Permanent error
/// "division by zero: <a> / 0", on overflow, or when digits is outside 0..4.
Result<Decimal> Div(Decimal a, Decimal b, int digits = Decimal::kScale,
                    Rounding rounding = Rounding::kHalfAwayFromZero);
/// `value` rounded to `digits` (0..4) fractional digits. Errors: overflow (rounding up near the
/// range limit) and digits outside 0..4.
Result<Decimal> RoundTo(Decimal value, int digits, Rounding rounding = Rounding::kHalfAwayFromZero);

/// Asserting operators: throw ErrorException (ErrorClass::kBug) on overflow. Use Add/Sub for
/// anything derived from outside data.
Decimal operator+(Decimal a, Decimal b);
Decimal operator-(Decimal a, Decimal b);
Decimal& operator+=(Decimal& a, Decimal b);
Decimal& operator-=(Decimal& a, Decimal b);

/// For gtest and logs: prints ToString().
std::ostream& operator<<(std::ostream& os, Decimal d);

}  // namespace b2b
