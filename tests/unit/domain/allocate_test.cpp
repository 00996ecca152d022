#include "core/domain/allocate.hpp"

#include <random>
#include <vector>

#include <gtest/gtest.h>

#include "core/domain/decimal_parse.hpp"

namespace b2b {
namespace {

__extension__ typedef __int128 I128;

Decimal D(std::string_view s) { return ParseDecimal(s).value(); }

std::vector<std::string> Strings(std::vector<Decimal> const& v) {
    std::vector<std::string> out;
    for (auto d : v) {
        out.push_back(d.ToString(2));
    }
    return out;
}

TEST(Allocate, EvenSplitGivesExtraUnitsToEarlierParts) {
    EXPECT_EQ(Strings(Allocate(D("100"), 3, 2).value()), (std::vector<std::string>{"33.34", "33.33", "33.33"}));
    EXPECT_EQ(Strings(Allocate(D("-100"), 3, 2).value()), (std::vector<std::string>{"-33.34", "-33.33", "-33.33"}));
    EXPECT_EQ(Strings(Allocate(D("0.02"), 3, 2).value()), (std::vector<std::string>{"0.01", "0.01", "0.00"}));
    EXPECT_EQ(Strings(Allocate(D("7"), 1, 0).value()), (std::vector<std::string>{"7.00"}));
}

TEST(Allocate, Errors) {
    auto zero = Allocate(D("10"), 0, 2);
    ASSERT_FALSE(zero);
    EXPECT_EQ(zero.error().message, "cannot split 10 into 0 parts");
    auto fraction = Allocate(D("10.005"), 2, 2);
    ASSERT_FALSE(fraction);
    EXPECT_EQ(fraction.error().message, "cannot split 10.005 into units of 0.01; round it first");
    auto digits = Allocate(D("1"), 2, 5);
    ASSERT_FALSE(digits);
    EXPECT_EQ(digits.error().message, "allocate: 5 fractional digits requested, allowed 0..4");
}

TEST(AllocateByWeights, OrderDiscountOverLinesLosesNoKopeck) {
    // 100.00 discount over lines of 1000, 2000 and 3000: exact shares 16.666.., 33.333.., 50.
    std::vector<Decimal> const lines{D("1000"), D("2000"), D("3000")};
    EXPECT_EQ(Strings(AllocateByWeights(D("100"), lines, 2).value()),
              (std::vector<std::string>{"16.67", "33.33", "50.00"}));
    // A zero-sum line gets nothing, ties go to the earlier line.
    std::vector<Decimal> const tie{D("1"), D("0"), D("1")};
    EXPECT_EQ(Strings(AllocateByWeights(D("0.01"), tie, 2).value()), (std::vector<std::string>{"0.01", "0.00", "0.00"}));
    EXPECT_EQ(Strings(AllocateByWeights(D("-0.03"), tie, 2).value()),
              (std::vector<std::string>{"-0.02", "0.00", "-0.01"}));
}

TEST(AllocateByWeights, Errors) {
    std::vector<Decimal> const none;
    EXPECT_EQ(AllocateByWeights(D("1"), none, 2).error().message, "cannot split 1 over no weights");
    std::vector<Decimal> const zeros{D("0"), D("0")};
    EXPECT_EQ(AllocateByWeights(D("1"), zeros, 2).error().message, "cannot split 1: all weights are zero");
    std::vector<Decimal> const negative{D("1"), D("-2")};
    EXPECT_EQ(AllocateByWeights(D("1"), negative, 2).error().message, "cannot split 1: weight 1 is negative (-2)");
    std::vector<Decimal> const ok{D("1")};
    EXPECT_EQ(AllocateByWeights(D("1.001"), ok, 2).error().message,
              "cannot split 1.001 into units of 0.01; round it first");
}

TEST(AllocateProperty, PartsSumExactlyAndStayWithinOneUnit) {
    std::mt19937_64 rng(0xB2B5'A110);
    for (int i = 0; i < 5'000; ++i) {
        int const digits = static_cast<int>(rng() % 5);
        I128 step = 1;
        for (int k = digits; k < 4; ++k) {
            step *= 10;
        }
        auto const units = static_cast<std::int64_t>(rng() % 100'000'000'000ULL) - 50'000'000'000LL;
        Decimal const total = Decimal::FromRaw(static_cast<std::int64_t>(units * step));
        std::size_t const n = 1 + rng() % 40;

        auto const even = Allocate(total, n, digits).value();
        ASSERT_EQ(even.size(), n);
        I128 sum = 0;
        std::int64_t lo = INT64_MAX;
        std::int64_t hi = -INT64_MAX;
        for (auto d : even) {
            sum += d.raw();
            lo = std::min(lo, d.raw());
            hi = std::max(hi, d.raw());
            ASSERT_EQ(d.raw() % step, 0);
        }
        ASSERT_EQ(sum, static_cast<I128>(total.raw()));
        ASSERT_LE(static_cast<I128>(hi) - lo, step) << total << " / " << n;

        std::vector<Decimal> weights;
        I128 weight_sum = 0;
        for (std::size_t k = 0; k < n; ++k) {
            // Up to 10^9 with 4 digits, a quarter of them zero.
            auto const w = (rng() % 4 == 0) ? 0 : static_cast<std::int64_t>(rng() % 10'000'000'000'000ULL);
            weights.push_back(Decimal::FromRaw(w));
            weight_sum += w;
        }
        if (weight_sum == 0) {
            continue;
        }
        auto const shares = AllocateByWeights(total, weights, digits).value();
        sum = 0;
        for (std::size_t k = 0; k < n; ++k) {
            sum += shares[k].raw();
            // |share - total * w / W| < one unit  <=>  |share * W - total * w| < step * W
            I128 const diff = static_cast<I128>(shares[k].raw()) * weight_sum - static_cast<I128>(total.raw()) * weights[k].raw();
            ASSERT_LT(diff < 0 ? -diff : diff, step * weight_sum) << "part " << k;
            if (weights[k].IsZero()) {
                ASSERT_TRUE(shares[k].IsZero());
            }
        }
        ASSERT_EQ(sum, static_cast<I128>(total.raw()));
    }
}

TEST(Percent, OfAndDiscount) {
    EXPECT_EQ(PercentOf(D("1999.99"), D("15"), 2).value(), D("300"));  // 299.9985
    EXPECT_EQ(PercentOf(D("1999.99"), D("15"), 2, Rounding::kTowardZero).value(), D("299.99"));
    EXPECT_EQ(PercentOf(D("1999.99"), D("15"), 4).value(), D("299.9985"));
    EXPECT_EQ(PercentOf(D("-10.05"), D("50"), 2).value(), D("-5.03"));
    EXPECT_EQ(ApplyDiscountPercent(D("1999.99"), D("15"), 2).value(), D("1699.99"));
    EXPECT_EQ(ApplyDiscountPercent(D("100"), D("100"), 2).value(), D("0"));
    EXPECT_EQ(ApplyDiscountPercent(D("100"), D("12.5"), 2).value(), D("87.5"));
    auto over = ApplyDiscountPercent(D("100"), D("100.01"), 2);
    ASSERT_FALSE(over);
    EXPECT_EQ(over.error().message, "discount of 100.01% is outside 0..100");
    auto negative = ApplyDiscountPercent(D("100"), D("-1"), 2);
    ASSERT_FALSE(negative);
    EXPECT_EQ(negative.error().message, "discount of -1% is outside 0..100");
    auto overflow = PercentOf(D("922337203685477"), D("200"), 2);
    ASSERT_FALSE(overflow);
    EXPECT_EQ(overflow.error().message, "decimal overflow: 200% of 922337203685477");
}

}  // namespace
}  // namespace b2b
