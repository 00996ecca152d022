// Property tests: thousands of seeded random values checked against an __int128 reference model
// that is written independently of the production rounding code (floor-based formulas).
#include <random>
#include <string>

#include <gtest/gtest.h>

#include "core/domain/decimal.hpp"
#include "core/domain/decimal_parse.hpp"

namespace b2b {
namespace {

__extension__ typedef __int128 I128;

constexpr int kIterations = 20'000;
constexpr I128 kMax = INT64_MAX;

/// Random raw values spread over all magnitudes (uniform bit length, then uniform value), both signs.
class RawGen {
public:
    explicit RawGen(std::uint64_t seed) : rng_(seed) {}
    std::int64_t Next() {
        int const bits = std::uniform_int_distribution<int>(0, 63)(rng_);
        std::uint64_t v = bits == 0 ? 0 : rng_() >> (64 - bits);
        if (v > static_cast<std::uint64_t>(INT64_MAX)) {
            v = INT64_MAX;
        }
        auto const s = static_cast<std::int64_t>(v);
        return (rng_() & 1) ? -s : s;
    }
    std::mt19937_64& rng() { return rng_; }

private:
    std::mt19937_64 rng_;
};

I128 Abs(I128 v) { return v < 0 ? -v : v; }

I128 FloorDiv(I128 n, I128 d) {  // d > 0
    I128 q = n / d;
    if (n % d != 0 && n < 0) {
        --q;
    }
    return q;
}

/// Reference rounding of n/d (d > 0), formulated differently from DivideRounded.
I128 RefRound(I128 n, I128 d, Rounding mode) {
    switch (mode) {
        case Rounding::kTowardZero:
            return n < 0 ? -(Abs(n) / d) : n / d;
        case Rounding::kHalfAwayFromZero: {
            I128 const m = (2 * Abs(n) + d) / (2 * d);
            return n < 0 ? -m : m;
        }
        case Rounding::kHalfEven: {
            I128 const f = FloorDiv(n, d);
            I128 const r = n - f * d;  // 0 <= r < d
            if (2 * r > d || (2 * r == d && f % 2 != 0)) {
                return f + 1;
            }
            return f;
        }
    }
    return 0;
}

constexpr Rounding kModes[] = {Rounding::kHalfAwayFromZero, Rounding::kHalfEven, Rounding::kTowardZero};

TEST(DecimalProperty, AddSubMatchReferenceAndInvert) {
    RawGen gen(0xB2B5'0001);
    for (int i = 0; i < kIterations; ++i) {
        auto const a = Decimal::FromRaw(gen.Next());
        auto const b = Decimal::FromRaw(gen.Next());
        I128 const ref = static_cast<I128>(a.raw()) + b.raw();
        auto const sum = Add(a, b);
        ASSERT_EQ(static_cast<bool>(sum), ref <= kMax && ref >= -kMax) << a << " + " << b;
        if (!sum) {
            continue;
        }
        ASSERT_EQ(static_cast<I128>(sum->raw()), ref);
        ASSERT_EQ(Add(b, a).value(), *sum) << "commutativity";
        ASSERT_EQ(Sub(*sum, b).value(), a) << "(a + b) - b == a";
    }
}

TEST(DecimalProperty, AdditionIsAssociativeWhenNothingOverflows) {
    RawGen gen(0xB2B5'0002);
    for (int i = 0; i < kIterations; ++i) {
        // Keep magnitudes below 2^61 so that every partial sum fits.
        auto const a = Decimal::FromRaw(gen.Next() / 4);
        auto const b = Decimal::FromRaw(gen.Next() / 4);
        auto const c = Decimal::FromRaw(gen.Next() / 4);
        ASSERT_EQ(Add(Add(a, b).value(), c).value(), Add(a, Add(b, c).value()).value()) << a << " " << b << " " << c;
    }
}

TEST(DecimalProperty, MulEqualsReferenceRoundedPerMode) {
    RawGen gen(0xB2B5'0003);
    int checked = 0;
    for (int i = 0; i < kIterations; ++i) {
        // Mix full-range values (mostly overflow) with smaller ones that usually fit.
        std::int64_t const ra = (i % 2) ? gen.Next() : gen.Next() >> 24;
        std::int64_t const rb = (i % 3) ? gen.Next() >> 32 : gen.Next();
        auto const a = Decimal::FromRaw(ra);
        auto const b = Decimal::FromRaw(rb);
        for (Rounding mode : kModes) {
            I128 const ref = RefRound(static_cast<I128>(ra) * rb, 10'000, mode);
            auto const product = Mul(a, b, mode);
            ASSERT_EQ(static_cast<bool>(product), ref <= kMax && ref >= -kMax) << a << " * " << b;
            if (product) {
                ASSERT_EQ(static_cast<I128>(product->raw()), ref) << a << " * " << b << " mode " << static_cast<int>(mode);
                ++checked;
            }
        }
    }
    EXPECT_GT(checked, kIterations);  // the generator must not make everything overflow
}

TEST(DecimalProperty, DivAndRoundToEqualReference) {
    RawGen gen(0xB2B5'0004);
    for (int i = 0; i < kIterations; ++i) {
        std::int64_t const ra = gen.Next() >> 8;
        std::int64_t rb = gen.Next() >> (i % 40);
        if (rb == 0) {
            rb = 3;
        }
        int const digits = i % 5;
        I128 const step = [&] {
            I128 s = 1;
            for (int k = digits; k < 4; ++k) {
                s *= 10;
            }
            return s;
        }();
        for (Rounding mode : kModes) {
            // a/b in units of 10^-digits = ra * 10^digits / rb; normalise the divisor's sign.
            I128 n = static_cast<I128>(ra) * (10'000 / step);
            I128 d = rb;
            if (d < 0) {
                n = -n;
                d = -d;
            }
            I128 const ref = RefRound(n, d, mode) * step;
            auto const q = Div(Decimal::FromRaw(ra), Decimal::FromRaw(rb), digits, mode);
            ASSERT_EQ(static_cast<bool>(q), ref <= kMax && ref >= -kMax);
            if (q) {
                ASSERT_EQ(static_cast<I128>(q->raw()), ref) << ra << " / " << rb << " digits " << digits;
            }
            I128 const rounded = RefRound(ra, step, mode) * step;
            ASSERT_EQ(static_cast<I128>(RoundTo(Decimal::FromRaw(ra), digits, mode).value().raw()), rounded);
        }
    }
}

/// Writes `d` the way 1C's Представление does: NBSP between thousands, ',' as the separator.
std::string OneCStyle(Decimal d) {
    std::string const canonical = d.ToString(2);
    std::size_t const point = canonical.find('.');
    std::string const sign = canonical[0] == '-' ? "-" : "";
    std::string const whole = canonical.substr(sign.size(), point - sign.size());
    std::string grouped;
    for (std::size_t i = 0; i < whole.size(); ++i) {
        if (i > 0 && (whole.size() - i) % 3 == 0) {
            grouped += "\xC2\xA0";
        }
        grouped += whole[i];
    }
    return " " + sign + grouped + "," + canonical.substr(point + 1) + " ";
}

TEST(DecimalProperty, ParseOfToStringRoundTrips) {
    RawGen gen(0xB2B5'0005);
    for (int i = 0; i < kIterations; ++i) {
        auto const x = Decimal::FromRaw(gen.Next());
        ASSERT_EQ(ParseDecimal(x.ToString()).value(), x) << x.ToString();
        ASSERT_EQ(ParseDecimal(x.ToString(4)).value(), x) << x.ToString(4);
        auto const grouped = ParseDecimal(OneCStyle(x));
        ASSERT_TRUE(grouped) << grouped.error().message;
        ASSERT_EQ(*grouped, x) << OneCStyle(x);
        ASSERT_EQ(x.IsNegative(), x.ToString()[0] == '-') << x;  // so "-0" never appears
    }
}

}  // namespace
}  // namespace b2b
