#include "core/domain/money.hpp"

#include <gtest/gtest.h>

#include "core/domain/currency.hpp"
#include "core/domain/decimal_parse.hpp"
#include "core/domain/quantity.hpp"

namespace b2b {
namespace {

Decimal D(std::string_view s) { return ParseDecimal(s).value(); }
Money Rub(std::string_view s) { return Money{D(s), Currency::Rub()}; }
Quantity Pcs(std::string_view s) { return Quantity{D(s), ParseUnitCode("796").value()}; }

struct CurrencyCase {
    char const* in;
    char const* code;
};

class ParseCurrencyAccepts : public ::testing::TestWithParam<CurrencyCase> {};

TEST_P(ParseCurrencyAccepts, Alias) {
    auto r = ParseCurrency(GetParam().in);
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->Code(), GetParam().code);
}

INSTANTIATE_TEST_SUITE_P(Table, ParseCurrencyAccepts,
                         ::testing::Values(CurrencyCase{"руб", "RUB"}, CurrencyCase{"руб.", "RUB"},
                                           CurrencyCase{"Руб.", "RUB"}, CurrencyCase{"РУБ", "RUB"},
                                           CurrencyCase{" RUB ", "RUB"}, CurrencyCase{"rub", "RUB"},
                                           CurrencyCase{"RUR", "RUB"}, CurrencyCase{"643", "RUB"},
                                           CurrencyCase{"810", "RUB"}, CurrencyCase{"р.", "RUB"},
                                           CurrencyCase{"₽", "RUB"}, CurrencyCase{"грн", "UAH"},
                                           CurrencyCase{"грн.", "UAH"}, CurrencyCase{"980", "UAH"},
                                           CurrencyCase{"USD", "USD"}, CurrencyCase{"EUR", "EUR"},
                                           CurrencyCase{"KZT", "KZT"}, CurrencyCase{"тенге", "KZT"},
                                           CurrencyCase{"BYN", "BYN"}, CurrencyCase{"бел. руб.", "BYN"},
                                           CurrencyCase{"JPY", "JPY"}));

TEST(ParseCurrency, RejectsUnknownAndRedenominated) {
    auto unknown = ParseCurrency("тугрик");
    ASSERT_FALSE(unknown);
    EXPECT_EQ(unknown.error().message,
              "unknown currency \"тугрик\"; expected an ISO 4217 code such as RUB, USD, EUR or a 1C abbreviation "
              "such as руб.");
    EXPECT_FALSE(ParseCurrency(""));
    EXPECT_FALSE(ParseCurrency("999"));
    auto byr = ParseCurrency("BYR");
    ASSERT_FALSE(byr);
    EXPECT_EQ(byr.error().message,
              "currency \"BYR\" (old Belarusian rouble) was redenominated 10000:1 in 2016; send BYN amounts");
}

TEST(Currency, Properties) {
    EXPECT_EQ(Currency::Rub().NumericCode(), 643);
    EXPECT_EQ(Currency::Rub().MinorDigits(), 2);
    EXPECT_EQ(ParseCurrency("JPY").value().MinorDigits(), 0);
    EXPECT_EQ(Currency{}.Code(), "XXX");
    EXPECT_FALSE(Currency{} == Currency::Rub());
}

TEST(Money, AddSameCurrencyOnly) {
    EXPECT_EQ(Add(Rub("10.5"), Rub("0.25")).value(), Rub("10.75"));
    EXPECT_EQ(Sub(Rub("10.5"), Rub("0.25")).value(), Rub("10.25"));
    auto mixed = Add(Rub("10"), Money{D("5"), Currency::Usd()});
    ASSERT_FALSE(mixed);
    EXPECT_EQ(mixed.error().message, "cannot add 10.00 RUB and 5.00 USD: different currencies");
    auto none = Sub(Rub("10"), Money{D("1"), Currency{}});
    ASSERT_FALSE(none);
    EXPECT_EQ(none.error().message, "cannot subtract 10.00 RUB and 1.0000 XXX: different currencies");
    auto overflow = Add(Rub("922337203685477"), Rub("1"));
    ASSERT_FALSE(overflow);
    EXPECT_EQ(overflow.error().message, "decimal overflow: 922337203685477 + 1");
}

TEST(Money, MultiplyRoundsOnceToMinorUnits) {
    EXPECT_EQ(Multiply(Rub("123.45"), Pcs("3")).value(), Rub("370.35"));
    EXPECT_EQ(Multiply(Rub("10.005"), Pcs("1")).value(), Rub("10.01"));
    EXPECT_EQ(Multiply(Rub("10.005"), Pcs("1"), Rounding::kHalfEven).value(), Rub("10"));
    EXPECT_EQ(Multiply(Rub("-10.005"), Pcs("1")).value(), Rub("-10.01"));
    EXPECT_EQ(Multiply(Rub("99.99"), Pcs("0.125")).value(), Rub("12.5"));  // 12.49875
    // Exact 0.00495 -> 0.00; rounding to 4 digits first would give 0.0050 -> 0.01.
    EXPECT_EQ(Multiply(Rub("0.0099"), Pcs("0.5")).value(), Rub("0"));
    EXPECT_EQ(Multiply(Money{D("150.5"), ParseCurrency("JPY").value()}, Pcs("1")).value().amount, D("151"));
    auto overflow = Multiply(Rub("922337203685477"), Pcs("2"));
    ASSERT_FALSE(overflow);
    EXPECT_EQ(overflow.error().message, "decimal overflow: 922337203685477.00 RUB x 2");
}

TEST(Money, RoundToMinorAndFormat) {
    EXPECT_EQ(RoundToMinor(Rub("1.2345")).value(), Rub("1.23"));
    EXPECT_EQ(RoundToMinor(Rub("1.235")).value(), Rub("1.24"));
    EXPECT_EQ(ToString(Rub("1234.5")), "1234.50 RUB");
    EXPECT_EQ(ToString(Rub("1.2345")), "1.2345 RUB");
}

TEST(Quantity, UnitCodesAreTrimmedAndNormalised) {
    EXPECT_EQ(ParseUnitCode("796 ").value().Code(), "796");
    EXPECT_EQ(ParseUnitCode("6").value().Code(), "006");
    EXPECT_EQ(ParseUnitCode("шт").value().Code(), "796");
    EXPECT_EQ(ParseUnitCode("упак.").value().Code(), "778");
    EXPECT_EQ(UnitCode{}.Code(), "796");
    auto bad = ParseUnitCode("коробка");
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().message, "unknown unit \"коробка\"; expected an OKEI code such as 796");
    EXPECT_FALSE(ParseUnitCode("7960"));
    EXPECT_FALSE(ParseUnitCode(""));
}

TEST(Quantity, AddSameUnitOnly) {
    EXPECT_EQ(Add(Pcs("1.5"), Pcs("2")).value(), Pcs("3.5"));
    auto mixed = Add(Pcs("1"), Quantity{D("1"), ParseUnitCode("166").value()});
    ASSERT_FALSE(mixed);
    EXPECT_EQ(mixed.error().message, "cannot add quantities in different units: 796 and 166");
}

}  // namespace
}  // namespace b2b
