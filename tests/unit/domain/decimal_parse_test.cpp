#include "core/domain/decimal_parse.hpp"

#include <gtest/gtest.h>

namespace b2b {
namespace {

struct ParseOk {
    char const* in;
    char const* out;
};

class ParseDecimalAccepts : public ::testing::TestWithParam<ParseOk> {};

TEST_P(ParseDecimalAccepts, Form) {
    auto r = ParseDecimal(GetParam().in);
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->ToString(), GetParam().out);
}

INSTANTIATE_TEST_SUITE_P(
    Table, ParseDecimalAccepts,
    ::testing::Values(ParseOk{"0", "0"}, ParseOk{"1.0000", "1"}, ParseOk{"1234.5000", "1234.5"},
                      ParseOk{"1 234,50", "1234.5"}, ParseOk{"96 287", "96287"},
                      ParseOk{"96\xC2\xA0" "287", "96287"},              // NBSP
                      ParseOk{"1\xE2\x80\xAF" "234\xE2\x80\xAF" "567,8", "1234567.8"},  // narrow NBSP
                      ParseOk{"1\xE2\x80\x89" "000", "1000"},            // thin space
                      ParseOk{"-1 234.5", "-1234.5"}, ParseOk{"+42", "42"}, ParseOk{"  7,25\t\r\n", "7.25"},
                      ParseOk{"\xC2\xA0" "12\xC2\xA0", "12"}, ParseOk{"-0", "0"}, ParseOk{"-0.0000", "0"},
                      ParseOk{".5", "0.5"}, ParseOk{"-.25", "-0.25"}, ParseOk{"007", "7"},
                      ParseOk{"1.000000", "1"}, ParseOk{"0.12340", "0.1234"}, ParseOk{"23 000", "23000"},
                      ParseOk{"922337203685477.5807", "922337203685477.5807"},
                      ParseOk{"-922337203685477.5807", "-922337203685477.5807"}));

struct ParseErr {
    char const* in;
    char const* message;
};

class ParseDecimalRejects : public ::testing::TestWithParam<ParseErr> {};

TEST_P(ParseDecimalRejects, WithMessage) {
    auto r = ParseDecimal(GetParam().in);
    ASSERT_FALSE(r) << GetParam().in << " parsed as " << r.value();
    EXPECT_EQ(r.error().message, GetParam().message);
    EXPECT_EQ(r.error().error_class, ErrorClass::kPermanent);
}

INSTANTIATE_TEST_SUITE_P(
    Table, ParseDecimalRejects,
    ::testing::Values(
        ParseErr{"", R"(invalid decimal "": empty)"}, ParseErr{"   ", R"(invalid decimal "   ": empty)"},
        ParseErr{"abc", R"(invalid decimal "abc": not a number)"},
        ParseErr{"-", R"(invalid decimal "-": not a number)"}, ParseErr{".", R"(invalid decimal ".": not a number)"},
        ParseErr{"+-5", R"(invalid decimal "+-5": not a number)"},
        ParseErr{"12abc", R"(invalid decimal "12abc": unexpected "abc")"},
        ParseErr{"1e5", R"(invalid decimal "1e5": unexpected "e5")"},
        ParseErr{"1.2.3", R"(invalid decimal "1.2.3": more than one decimal separator)"},
        ParseErr{"1,234.50", R"(invalid decimal "1,234.50": more than one decimal separator)"},
        ParseErr{"1..5", R"(invalid decimal "1..5": more than one decimal separator)"},
        ParseErr{"0.12345", R"(invalid decimal "0.12345": more than 4 fractional digits)"},
        ParseErr{"1.000001", R"(invalid decimal "1.000001": more than 4 fractional digits)"},
        ParseErr{"5.", R"(invalid decimal "5.": no digits after the decimal separator)"},
        ParseErr{"1 23", R"(invalid decimal "1 23": misplaced digit group separator)"},
        ParseErr{"1234 567", R"(invalid decimal "1234 567": misplaced digit group separator)"},
        ParseErr{"12  345", R"(invalid decimal "12  345": unexpected "  345")"},
        ParseErr{"1 234 ,5", R"(invalid decimal "1 234 ,5": unexpected " ,5")"},
        ParseErr{"- 5", R"(invalid decimal "- 5": misplaced digit group separator)"},
        ParseErr{"922337203685477.5808", R"(invalid decimal "922337203685477.5808": out of range)"},
        ParseErr{"99999999999999999999999999", R"(invalid decimal "99999999999999999999999999": out of range)"},
        ParseErr{"12 356 руб.", R"(invalid decimal "12 356 руб.": unexpected " руб.")"}));

TEST(ParseDecimal, LongInputIsCutInTheMessage) {
    std::string const input = std::string(70, '1') + "ы";
    auto r = ParseDecimal(input);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message, "invalid decimal \"" + std::string(64, '1') + "...\": unexpected \"ы\"");
}

TEST(ParseDecimal, CutNeverSplitsAUtf8Character) {
    std::string const input = "1" + std::string(40, 'x') + "ыыыыыыыыыыыы";  // 'ы' is 2 bytes; byte 64 is mid-char
    auto r = ParseDecimal(input);
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("\"1" + std::string(40, 'x') + "ыыыыыыыыыыы...\":"), std::string::npos)
        << r.error().message;
}

TEST(ParseDecimalLenient, StripsTrailingUnitText) {
    EXPECT_EQ(ParseDecimalLenient("12 356 руб. за шт").value().ToString(), "12356");
    EXPECT_EQ(ParseDecimalLenient("96\xC2\xA0" "287 руб. за шт").value().ToString(), "96287");
    EXPECT_EQ(ParseDecimalLenient("1 234,5 RUB").value().ToString(), "1234.5");
    EXPECT_EQ(ParseDecimalLenient("99.90руб").value().ToString(), "99.9");
    EXPECT_EQ(ParseDecimalLenient("100. руб").value().ToString(), "100");
    EXPECT_EQ(ParseDecimalLenient("  42  ").value().ToString(), "42");
}

TEST(ParseDecimalLenient, RejectsTextFirstAndBadNumbers) {
    auto text_first = ParseDecimalLenient("руб 100");
    ASSERT_FALSE(text_first);
    EXPECT_EQ(text_first.error().message, R"(invalid decimal "руб 100": not a number)");
    auto empty = ParseDecimalLenient("");
    ASSERT_FALSE(empty);
    EXPECT_EQ(empty.error().message, R"(invalid decimal "": not a number)");
    auto frac = ParseDecimalLenient("0.12345 руб");
    ASSERT_FALSE(frac);
    EXPECT_EQ(frac.error().message, R"(invalid decimal "0.12345 руб": more than 4 fractional digits)");
}

}  // namespace
}  // namespace b2b
