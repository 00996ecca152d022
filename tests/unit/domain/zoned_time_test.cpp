#include "core/domain/zoned_time.hpp"

#include <random>

#include <gtest/gtest.h>

namespace b2b {
namespace {

using std::chrono::minutes;

constexpr minutes kMsk{180};  // the 1C server's zone from config

struct TimeOk {
    char const* in;
    char const* utc;        // expected instant, printed at +00:00
    char const* formatted;  // FormatIso8601 of the parsed value
};

ZonedTime AtUtc(ZonedTime t) { return ZonedTime{t.utc, minutes{0}}; }

class ParseIso8601Accepts : public ::testing::TestWithParam<TimeOk> {};

TEST_P(ParseIso8601Accepts, Form) {
    auto r = ParseIso8601(GetParam().in, kMsk);
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(FormatIso8601(AtUtc(*r)), GetParam().utc);
    EXPECT_EQ(FormatIso8601(*r), GetParam().formatted);
}

INSTANTIATE_TEST_SUITE_P(
    Table, ParseIso8601Accepts,
    ::testing::Values(
        TimeOk{"2024-12-02T11:45:21+03:00", "2024-12-02T08:45:21+00:00", "2024-12-02T11:45:21+03:00"},
        TimeOk{"2024-12-02T11:45:21Z", "2024-12-02T11:45:21+00:00", "2024-12-02T11:45:21+00:00"},
        TimeOk{"2024-12-02T11:45:21+0300", "2024-12-02T08:45:21+00:00", "2024-12-02T11:45:21+03:00"},
        TimeOk{"2024-12-02T11:45:21+05", "2024-12-02T06:45:21+00:00", "2024-12-02T11:45:21+05:00"},
        TimeOk{"2024-12-02T01:15:00-05:30", "2024-12-02T06:45:00+00:00", "2024-12-02T01:15:00-05:30"},
        TimeOk{"2024-12-02T11:45:21.123456+03:00", "2024-12-02T08:45:21.123+00:00",
               "2024-12-02T11:45:21.123+03:00"},
        TimeOk{"2024-12-02T11:45:21,5Z", "2024-12-02T11:45:21.500+00:00", "2024-12-02T11:45:21.500+00:00"},
        // No offset: the default (+03:00), never UTC.
        TimeOk{"2014-06-01T0:36:33", "2014-05-31T21:36:33+00:00", "2014-06-01T00:36:33+03:00"},
        TimeOk{"2007-10-30", "2007-10-29T21:00:00+00:00", "2007-10-30T00:00:00+03:00"},
        TimeOk{"2024-12-02 11:45:21", "2024-12-02T08:45:21+00:00", "2024-12-02T11:45:21+03:00"},
        TimeOk{"2024-12-02T11:45", "2024-12-02T08:45:00+00:00", "2024-12-02T11:45:00+03:00"},
        TimeOk{"02.12.2024 11:45:21", "2024-12-02T08:45:21+00:00", "2024-12-02T11:45:21+03:00"},
        TimeOk{"2.1.2024 9:05", "2024-01-02T06:05:00+00:00", "2024-01-02T09:05:00+03:00"},
        TimeOk{"29.02.2024", "2024-02-28T21:00:00+00:00", "2024-02-29T00:00:00+03:00"},
        TimeOk{"  2024-12-31T23:59:59+03:00\r\n", "2024-12-31T20:59:59+00:00", "2024-12-31T23:59:59+03:00"},
        TimeOk{"2025-01-01T01:00:00+03:00", "2024-12-31T22:00:00+00:00", "2025-01-01T01:00:00+03:00"},
        TimeOk{"0001-01-01T00:00:00", "0000-12-31T21:00:00+00:00", "0001-01-01T00:00:00+03:00"}));

struct TimeErr {
    char const* in;
    char const* message;
};

class ParseIso8601Rejects : public ::testing::TestWithParam<TimeErr> {};

TEST_P(ParseIso8601Rejects, WithMessage) {
    auto r = ParseIso8601(GetParam().in, kMsk);
    ASSERT_FALSE(r) << GetParam().in << " parsed as " << *r;
    EXPECT_EQ(r.error().message, GetParam().message);
    EXPECT_EQ(r.error().error_class, ErrorClass::kPermanent);
}

INSTANTIATE_TEST_SUITE_P(
    Table, ParseIso8601Rejects,
    ::testing::Values(
        TimeErr{"", R"(invalid date-time "": empty)"},
        TimeErr{"2024-02-30", R"(invalid date-time "2024-02-30": day 30 does not exist in 2024-02)"},
        TimeErr{"2023-02-29T10:00:00", R"(invalid date-time "2023-02-29T10:00:00": day 29 does not exist in 2023-02)"},
        TimeErr{"31.04.2024 10:00", R"(invalid date-time "31.04.2024 10:00": day 31 does not exist in 2024-04)"},
        TimeErr{"2024-13-01", R"(invalid date-time "2024-13-01": month 13 is out of range 1..12)"},
        TimeErr{"2024-12-02T25:00:00", R"(invalid date-time "2024-12-02T25:00:00": hour 25 is out of range 0..23)"},
        TimeErr{"2024-12-02T24:00:00", R"(invalid date-time "2024-12-02T24:00:00": hour 24 is out of range 0..23)"},
        TimeErr{"2024-12-02T10:60:00", R"(invalid date-time "2024-12-02T10:60:00": minute 60 is out of range 0..59)"},
        TimeErr{"2024-12-02T10:00:60", R"(invalid date-time "2024-12-02T10:00:60": second 60 is out of range 0..59)"},
        TimeErr{"2024-12-02T10:00:00+19:00",
                R"(invalid date-time "2024-12-02T10:00:00+19:00": offset +19:00 is out of range ±18:00)"},
        TimeErr{"2024-12-02T10:00:00+03:", R"(invalid date-time "2024-12-02T10:00:00+03:": bad UTC offset)"},
        TimeErr{"2024-12-02T10:00:00 MSK", R"(invalid date-time "2024-12-02T10:00:00 MSK": unexpected " MSK")"},
        TimeErr{"2024-12-02T10:00:00.", R"(invalid date-time "2024-12-02T10:00:00.": no digits after the decimal point of the seconds)"},
        TimeErr{"02.12.2024 11:45:21+03:00", R"(invalid date-time "02.12.2024 11:45:21+03:00": unexpected "+03:00")"},
        TimeErr{"2024/12/02", R"(invalid date-time "2024/12/02": unrecognised format, expected yyyy-mm-ddThh:mm:ss±hh:mm or dd.mm.yyyy hh:mm:ss)"},
        TimeErr{"24-12-02", R"(invalid date-time "24-12-02": unrecognised format, expected yyyy-mm-ddThh:mm:ss±hh:mm or dd.mm.yyyy hh:mm:ss)"},
        TimeErr{"2024-12-02T", R"(invalid date-time "2024-12-02T": unrecognised format, expected yyyy-mm-ddThh:mm:ss±hh:mm or dd.mm.yyyy hh:mm:ss)"},
        TimeErr{"yesterday", R"(invalid date-time "yesterday": unrecognised format, expected yyyy-mm-ddThh:mm:ss±hh:mm or dd.mm.yyyy hh:mm:ss)"}));

TEST(ParseIso8601, DefaultOffsetIsUsedOnlyWithoutAnExplicitOne) {
    auto const local = ParseIso8601("2024-06-01T12:00:00", minutes{-300}).value();
    EXPECT_EQ(local.offset, minutes{-300});
    EXPECT_EQ(FormatIso8601(AtUtc(local)), "2024-06-01T17:00:00+00:00");
    auto const explicit_zone = ParseIso8601("2024-06-01T12:00:00+03:00", minutes{-300}).value();
    EXPECT_EQ(explicit_zone.offset, minutes{180});
    EXPECT_TRUE(SameInstant(explicit_zone, ParseIso8601("2024-06-01T09:00:00Z", minutes{0}).value()));
    EXPECT_FALSE(explicit_zone == ParseIso8601("2024-06-01T09:00:00Z", minutes{0}).value());
    EXPECT_EQ(explicit_zone.utc.time_since_epoch().count(), 1'717'232'400'000);
    auto bad = ParseIso8601("2024-06-01", minutes{19 * 60});
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().message, R"(invalid date-time "2024-06-01": default offset +19:00 is out of range ±18:00)");
}

TEST(ParseDateAndTime, CommerceMlPair) {
    auto const t = ParseDateAndTime("2007-10-30", "12:34:56", kMsk).value();
    EXPECT_EQ(FormatIso8601(t), "2007-10-30T12:34:56+03:00");
    EXPECT_EQ(FormatIso8601(ParseDateAndTime("30.10.2007", " 9:05:00 ", kMsk).value()), "2007-10-30T09:05:00+03:00");
    EXPECT_EQ(FormatIso8601(ParseDateAndTime("2007-10-30", "12:34:56+05:00", kMsk).value()),
              "2007-10-30T12:34:56+05:00");
    auto bad_day = ParseDateAndTime("2007-02-30", "12:00:00", kMsk);
    ASSERT_FALSE(bad_day);
    EXPECT_EQ(bad_day.error().message, R"(invalid date "2007-02-30" and time "12:00:00": day 30 does not exist in 2007-02)");
    auto with_time = ParseDateAndTime("2007-10-30T10:00:00", "12:00:00", kMsk);
    ASSERT_FALSE(with_time);
    EXPECT_EQ(with_time.error().message,
              R"(invalid date "2007-10-30T10:00:00" and time "12:00:00": the date part contains a time)");
    auto no_time = ParseDateAndTime("2007-10-30", "", kMsk);
    ASSERT_FALSE(no_time);
    EXPECT_EQ(no_time.error().message, R"(invalid date "2007-10-30" and time "": empty time)");
    auto bad_hour = ParseDateAndTime("2007-10-30", "25:00:00", kMsk);
    ASSERT_FALSE(bad_hour);
    EXPECT_EQ(bad_hour.error().message, R"(invalid date "2007-10-30" and time "25:00:00": hour 25 is out of range 0..23)");
}

TEST(ParseUtcOffset, ConfigForms) {
    EXPECT_EQ(ParseUtcOffset("+03:00").value(), minutes{180});
    EXPECT_EQ(ParseUtcOffset("-05:30").value(), minutes{-330});
    EXPECT_EQ(ParseUtcOffset("+0300").value(), minutes{180});
    EXPECT_EQ(ParseUtcOffset("+03").value(), minutes{180});
    EXPECT_EQ(ParseUtcOffset("Z").value(), minutes{0});
    EXPECT_EQ(ParseUtcOffset("UTC").value(), minutes{0});
    auto bad = ParseUtcOffset("Europe/Moscow");
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().message, R"(invalid UTC offset "Europe/Moscow"; expected +hh:mm, -hh:mm or Z)");
    EXPECT_FALSE(ParseUtcOffset("+19:00"));
    EXPECT_FALSE(ParseUtcOffset("+03:00x"));
    EXPECT_FALSE(ParseUtcOffset(""));
}

TEST(FormatIso8601, RoundTripsThroughParse) {
    for (char const* text : {"2024-12-02T11:45:21+03:00", "1999-01-01T00:00:00.001-11:00", "2100-02-28T23:59:59+14:00"}) {
        auto const t = ParseIso8601(text, minutes{0}).value();
        EXPECT_EQ(FormatIso8601(t), text);
        EXPECT_EQ(ParseIso8601(FormatIso8601(t), minutes{0}).value(), t);
    }
}

}  // namespace
}  // namespace b2b

namespace b2b {
namespace {

TEST(ZonedTimeProperty, FormatThenParseIsIdentity) {
    std::mt19937_64 rng(0xB2B5'7173);
    // 1900-01-01 .. 2100-01-01 in milliseconds, offsets in whole quarter hours within ±14:00.
    constexpr std::int64_t kFrom = -2'208'988'800'000;
    constexpr std::int64_t kTo = 4'102'444'800'000;
    for (int i = 0; i < 5'000; ++i) {
        auto const ms = kFrom + static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(kTo - kFrom));
        minutes const offset{static_cast<int>(rng() % 113) * 15 - 14 * 60};
        ZonedTime const t{std::chrono::sys_time<std::chrono::milliseconds>{std::chrono::milliseconds{ms}}, offset};
        auto const text = FormatIso8601(t);
        auto const back = ParseIso8601(text, minutes{0});
        ASSERT_TRUE(back) << back.error().message;
        ASSERT_EQ(*back, t) << text;
    }
}

}  // namespace
}  // namespace b2b
