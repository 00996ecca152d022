#include "core/domain/decimal.hpp"

#include <gtest/gtest.h>

#include "core/domain/decimal_parse.hpp"

namespace b2b {
namespace {

Decimal D(std::string_view s) { return ParseDecimal(s).value(); }

constexpr auto kAway = Rounding::kHalfAwayFromZero;
constexpr auto kEven = Rounding::kHalfEven;
constexpr auto kZero = Rounding::kTowardZero;

TEST(DecimalFormat, CanonicalAndPadded) {
    EXPECT_EQ(D("1234.5").ToString(), "1234.5");
    EXPECT_EQ(D("1234.5").ToString(2), "1234.50");
    EXPECT_EQ(D("7").ToString(2), "7.00");
    EXPECT_EQ(D("1.2345").ToString(2), "1.2345");
    EXPECT_EQ(D("-0.05").ToString(), "-0.05");
    EXPECT_EQ(D("-0.0000").ToString(), "0");
    EXPECT_EQ(D("-0").ToString(4), "0.0000");
    EXPECT_EQ(Decimal::FromRaw(Decimal::kMaxRaw).ToString(), "922337203685477.5807");
    EXPECT_EQ(Decimal::FromRaw(Decimal::kMinRaw).ToString(), "-922337203685477.5807");
    EXPECT_EQ(D("3").ToString(9), "3.0000");
    EXPECT_EQ(D("1.2300").FractionDigits(), 2);
}

TEST(DecimalConstruct, FromScaledAndInteger) {
    EXPECT_EQ(Decimal::FromScaled(12345, 2).value(), D("123.45"));
    EXPECT_EQ(Decimal::FromInteger(-7).value(), D("-7"));
    auto r = Decimal::FromInteger(922337203685478);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message, "decimal overflow: 922337203685478e-0 is outside the decimal range");
    auto d = Decimal::FromScaled(1, 5);
    ASSERT_FALSE(d);
    EXPECT_EQ(d.error().message, "decimal: 5 fractional digits requested, allowed 0..4");
    EXPECT_THROW(Decimal::FromRaw(INT64_MIN), ErrorException);
}

TEST(DecimalArithmetic, AddSubOverflowIsAnError) {
    Decimal const max = Decimal::FromRaw(Decimal::kMaxRaw);
    EXPECT_EQ(Add(D("1.5"), D("2.25")).value(), D("3.75"));
    EXPECT_EQ(Sub(D("1.5"), D("2.25")).value(), D("-0.75"));
    auto over = Add(max, D("0.0001"));
    ASSERT_FALSE(over);
    EXPECT_EQ(over.error().message, "decimal overflow: 922337203685477.5807 + 0.0001");
    EXPECT_EQ(over.error().error_class, ErrorClass::kPermanent);
    auto under = Sub(-max, D("0.0001"));
    ASSERT_FALSE(under);
    EXPECT_EQ(under.error().message, "decimal overflow: -922337203685477.5807 - 0.0001");
    EXPECT_EQ(-(-max), max);
}

TEST(DecimalArithmetic, OperatorsThrowBugOnOverflow) {
    Decimal const max = Decimal::FromRaw(Decimal::kMaxRaw);
    EXPECT_EQ(D("1.1") + D("2.2"), D("3.3"));
    EXPECT_EQ(D("1.1") - D("2.2"), D("-1.1"));
    Decimal acc = D("1");
    acc += D("0.5");
    acc -= D("2");
    EXPECT_EQ(acc, D("-0.5"));
    try {
        (void)(max + D("1"));
        FAIL() << "no exception";
    } catch (ErrorException const& e) {
        EXPECT_EQ(e.error().error_class, ErrorClass::kBug);
        EXPECT_EQ(e.error().message, "decimal overflow: 922337203685477.5807 + 1");
    }
}

TEST(DecimalArithmetic, ComparisonAndAbs) {
    EXPECT_LT(D("-1"), D("0.0001"));
    EXPECT_GT(D("10"), D("9.9999"));
    EXPECT_EQ(D("-2.5").Abs(), D("2.5"));
    EXPECT_TRUE(D("0.0000").IsZero());
}

TEST(DecimalMul, ExactProductRoundedToFourDigits) {
    EXPECT_EQ(Mul(D("1.2345"), D("2")).value(), D("2.469"));
    EXPECT_EQ(Mul(D("0.0001"), D("0.5")).value(), D("0.0001"));            // 0.00005 away from zero
    EXPECT_EQ(Mul(D("0.0001"), D("0.5"), kEven).value(), D("0"));          // 0.00005 to even
    EXPECT_EQ(Mul(D("-0.0001"), D("0.5")).value(), D("-0.0001"));
    EXPECT_EQ(Mul(D("0.0003"), D("0.5"), kEven).value(), D("0.0002"));     // 0.00015 to even
    EXPECT_EQ(Mul(D("0.0009"), D("0.9999"), kZero).value(), D("0.0008"));  // 0.00089991
    auto r = Mul(D("922337203685477"), D("2"));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message, "decimal overflow: 922337203685477 * 2");
}

TEST(DecimalDiv, QuotientRoundedToRequestedDigits) {
    EXPECT_EQ(Div(D("10"), D("3")).value(), D("3.3333"));
    EXPECT_EQ(Div(D("20"), D("3")).value(), D("6.6667"));
    EXPECT_EQ(Div(D("20"), D("3"), 2).value(), D("6.67"));
    EXPECT_EQ(Div(D("-20"), D("3"), 2).value(), D("-6.67"));
    EXPECT_EQ(Div(D("20"), D("-3"), 2, kZero).value(), D("-6.66"));
    EXPECT_EQ(Div(D("5"), D("2"), 0, kEven).value(), D("2"));
    EXPECT_EQ(Div(D("7"), D("2"), 0, kEven).value(), D("4"));
    EXPECT_EQ(Div(D("1"), D("0.0001")).value(), D("10000"));
    auto zero = Div(D("5"), D("0"));
    ASSERT_FALSE(zero);
    EXPECT_EQ(zero.error().message, "division by zero: 5 / 0");
    auto over = Div(D("922337203685477"), D("0.1"));
    ASSERT_FALSE(over);
    EXPECT_EQ(over.error().message, "decimal overflow: 922337203685477 / 0.1");
}

struct RoundCase {
    char const* in;
    int digits;
    Rounding mode;
    char const* out;
};

class DecimalRoundTo : public ::testing::TestWithParam<RoundCase> {};

TEST_P(DecimalRoundTo, HalfCasesInBothSigns) {
    auto const& c = GetParam();
    EXPECT_EQ(RoundTo(D(c.in), c.digits, c.mode).value().ToString(), c.out) << c.in << " to " << c.digits;
}

INSTANTIATE_TEST_SUITE_P(
    Table, DecimalRoundTo,
    ::testing::Values(RoundCase{"2.345", 2, kAway, "2.35"}, RoundCase{"-2.345", 2, kAway, "-2.35"},
                      RoundCase{"2.345", 2, kEven, "2.34"}, RoundCase{"-2.345", 2, kEven, "-2.34"},
                      RoundCase{"2.355", 2, kEven, "2.36"}, RoundCase{"-2.355", 2, kEven, "-2.36"},
                      RoundCase{"2.345", 2, kZero, "2.34"}, RoundCase{"-2.349", 2, kZero, "-2.34"},
                      RoundCase{"2.3449", 2, kAway, "2.34"}, RoundCase{"-2.3451", 2, kEven, "-2.35"},
                      RoundCase{"0.5", 0, kAway, "1"}, RoundCase{"-0.5", 0, kAway, "-1"},
                      RoundCase{"0.5", 0, kEven, "0"}, RoundCase{"-0.5", 0, kEven, "0"},
                      RoundCase{"1.5", 0, kEven, "2"}, RoundCase{"-1.5", 0, kEven, "-2"},
                      RoundCase{"2.5", 0, kEven, "2"}, RoundCase{"-2.5", 0, kEven, "-2"},
                      RoundCase{"0.9999", 0, kZero, "0"}, RoundCase{"-0.4", 0, kAway, "0"},
                      RoundCase{"1.2346", 4, kEven, "1.2346"}));

TEST(DecimalRoundToErrors, OverflowAndDigits) {
    auto over = RoundTo(Decimal::FromRaw(Decimal::kMaxRaw), 0);
    ASSERT_FALSE(over);
    EXPECT_EQ(over.error().message, "decimal overflow: rounding 922337203685477.5807 to 0 digits");
    EXPECT_EQ(RoundTo(Decimal::FromRaw(Decimal::kMaxRaw), 0, kZero).value().ToString(), "922337203685477");
    auto digits = RoundTo(D("1"), -1);
    ASSERT_FALSE(digits);
    EXPECT_EQ(digits.error().message, "decimal: -1 fractional digits requested, allowed 0..4");
}

}  // namespace
}  // namespace b2b
