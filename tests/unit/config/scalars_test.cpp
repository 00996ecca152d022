#include "core/config/scalars.hpp"

#include <gtest/gtest.h>

#include "core/config/suggest.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/unit/config/test_env.hpp"

namespace b2b::config {
namespace {

using namespace std::chrono_literals;

TEST(ParseDuration, AcceptsEveryUnitAndCompoundForms) {
    EXPECT_EQ(ParseDuration("500ms").value(), 500ms);
    EXPECT_EQ(ParseDuration("30s").value(), 30s);
    EXPECT_EQ(ParseDuration("15m").value(), 15min);
    EXPECT_EQ(ParseDuration("2h").value(), 2h);
    EXPECT_EQ(ParseDuration("7d").value(), 7 * 24h);
    EXPECT_EQ(ParseDuration("1h30m").value(), 90min);
    EXPECT_EQ(ParseDuration("1m30s250ms").value(), 90250ms);
    EXPECT_EQ(ParseDuration("0s").value(), 0ms);
}

TEST(ParseDuration, RejectsBareNumbersSpacesAndUnknownUnits) {
    for (char const* bad : {"", "30", "10 minutes", "1.5s", "-1s", "5w", "s", "1h 30m"}) {
        auto r = ParseDuration(bad);
        ASSERT_FALSE(r) << bad;
        EXPECT_EQ(r.error().message, "invalid duration " + QuoteText(bad) +
                                         "; use a number with a unit (ms, s, m, h, d), e.g. \"30s\"");
    }
    EXPECT_EQ(ParseDuration("99999999999999999999d").error().message,
              "duration \"99999999999999999999d\" is too large");
    EXPECT_EQ(ParseDuration("9999999999999999d").error().message, "duration \"9999999999999999d\" is too large");
}

TEST(ParseSize, BinaryAndDecimalUnits) {
    EXPECT_EQ(ParseSize("1024").value(), 1024u);
    EXPECT_EQ(ParseSize("10B").value(), 10u);
    EXPECT_EQ(ParseSize("2KiB").value(), 2048u);
    EXPECT_EQ(ParseSize("64MiB").value(), 64u * 1024 * 1024);
    EXPECT_EQ(ParseSize("1GiB").value(), 1024u * 1024 * 1024);
    EXPECT_EQ(ParseSize("3KB").value(), 3000u);
    EXPECT_EQ(ParseSize("5MB").value(), 5'000'000u);
    EXPECT_EQ(ParseSize("1GB").value(), 1'000'000'000u);
    EXPECT_EQ(ParseSize("64 MB").error().message,
              "invalid size \"64 MB\"; use bytes or a number with a unit (B, KiB, MiB, GiB, KB, MB, GB), e.g. \"64MiB\"");
    EXPECT_FALSE(ParseSize("64mb"));
    EXPECT_EQ(ParseSize("99999999999GiB").error().message, "size \"99999999999GiB\" is too large");
}

TEST(ParseInt, RangeMessages) {
    EXPECT_EQ(ParseInt("42", 1, 64).value(), 42);
    EXPECT_EQ(ParseInt("-3", -5, 5).value(), -3);
    EXPECT_EQ(ParseInt("eight", 1, 64).error().message, "expected an integer, got \"eight\"");
    EXPECT_EQ(ParseInt("4.0", 1, 64).error().message, "expected an integer, got \"4.0\"");
    EXPECT_EQ(ParseInt("100", 1, 64).error().message, "100 is out of range; must be between 1 and 64");
    EXPECT_EQ(ParseInt("0", 1, std::numeric_limits<std::int64_t>::max()).error().message,
              "0 is out of range; must be at least 1");
}

TEST(ParseReal, AcceptsDecimalsAndChecksRange) {
    EXPECT_DOUBLE_EQ(ParseReal("2.5", 1.0, 10.0).value(), 2.5);
    EXPECT_EQ(ParseReal("1.5", 0.0, 1.0).error().message, "1.5 is out of range; must be between 0 and 1");
    EXPECT_EQ(ParseReal("0.5", 1.0, std::numeric_limits<double>::max()).error().message,
              "0.5 is out of range; must be at least 1");
    EXPECT_EQ(ParseReal("nan", 0.0, 1.0).error().message, "expected a number, got \"nan\"");
}

TEST(ParseBool, OnlyTrueAndFalse) {
    EXPECT_TRUE(ParseBool("true").value());
    EXPECT_FALSE(ParseBool("false").value());
    EXPECT_EQ(ParseBool("yes").error().message, "expected true or false, got \"yes\"");
}

TEST(ParseListenAddress, Ipv4Ipv6AndNames) {
    EXPECT_EQ(ParseListenAddress("127.0.0.1:9090").value(), (ListenAddress{"127.0.0.1", 9090}));
    EXPECT_EQ(ParseListenAddress("[::1]:0").value(), (ListenAddress{"::1", 0}));
    EXPECT_EQ(ParseListenAddress("localhost:8080").value(), (ListenAddress{"localhost", 8080}));
    EXPECT_EQ(ParseListenAddress("[::1]:0").value().ToString(), "[::1]:0");
    EXPECT_EQ(ParseListenAddress("0.0.0.0:70000").error().message,
              "invalid listen address \"0.0.0.0:70000\": port \"70000\" is not a number between 0 and 65535");
    EXPECT_EQ(ParseListenAddress("8080").error().message,
              "invalid listen address \"8080\": expected host:port, e.g. \"127.0.0.1:8080\"");
    EXPECT_EQ(ParseListenAddress("256.1.1.1:80").error().message,
              "invalid listen address \"256.1.1.1:80\": host \"256.1.1.1\" is not an IPv4/IPv6 address or a host name");
    EXPECT_EQ(ParseListenAddress("bad_host:80").error().message,
              "invalid listen address \"bad_host:80\": host \"bad_host\" is not an IPv4/IPv6 address or a host name");
    EXPECT_EQ(ParseListenAddress("::1:80").error().message,
              "invalid listen address \"::1:80\": write IPv6 addresses in brackets, e.g. \"[::1]:8080\"");
}

TEST(ValidateUrl, SchemeHostAndPassword) {
    std::vector<std::string> const http = {"http", "https"};
    EXPECT_EQ(ValidateUrl("https://crm.example.com/rest/1/x/", http).value(), "https://crm.example.com/rest/1/x/");
    EXPECT_EQ(ValidateUrl("htp:/x", http).error().message, "invalid URL \"htp:/x\": scheme must be http or https");
    EXPECT_EQ(ValidateUrl("http:/x", http).error().message, "invalid URL \"http:/x\": missing host");
    EXPECT_EQ(ValidateUrl("not a url", http).error().message,
              "invalid URL \"not a url\": not an absolute URL, e.g. \"https://example.com/hook\"");
    EXPECT_EQ(ValidateUrl("https://u:p@h/", http).error().message,
              "invalid URL \"https://u:p@h/\": must not contain a password; put credentials in a secret field");
}

TEST(ResolveSecret, LiteralCredentialNameAndAbsolutePath) {
    b2b::test::TempDir dir;
    dir.WriteFile("sink_token", "s3cret\n");
    auto const abs = dir.WriteFile("other/abs_token", "abs\r\n");
    auto const env = test::EnvOf({}, dir.path());
    EXPECT_EQ(ResolveSecret("plain", env).value().Reveal(), "plain");
    EXPECT_EQ(ResolveSecret("file:sink_token", env).value().Reveal(), "s3cret");
    EXPECT_EQ(ResolveSecret("file:" + abs.string(), test::EnvOf()).value().Reveal(), "abs");
    EXPECT_EQ(ResolveSecret("file:a/b", env).error().message,
              "credential name \"a/b\" must not contain \"/\"; use file:/absolute/path for a path");
    EXPECT_EQ(ResolveSecret("file:x", test::EnvOf()).error().message,
              "\"file:x\" needs $CREDENTIALS_DIRECTORY (systemd LoadCredential=), which is not set");
    EXPECT_EQ(ResolveSecret("file:other", env).error().message,
              "cannot read credential file \"" + (dir.path() / "other").string() + "\": Is a directory");
}

TEST(Suggest, ClosestMatchOnlyForPlausibleTypos) {
    std::vector<std::string> const keys = {"listen", "max_body", "header_timeout"};
    EXPECT_EQ(ClosestMatch("lisen", keys), "listen");
    EXPECT_EQ(ClosestMatch("Listen", keys), "listen");
    EXPECT_EQ(ClosestMatch("max_bdoy", keys), "max_body");
    EXPECT_EQ(ClosestMatch("zzz", keys), std::nullopt);
    EXPECT_EQ(EditDistance("kitten", "sitting"), 3u);
}

}  // namespace
}  // namespace b2b::config

namespace b2b::config {
namespace {

TEST(UtcOffset, AcceptsTheUsualSpellings) {
    EXPECT_EQ(ParseUtcOffsetText("+03:00").value(), std::chrono::minutes(180));
    EXPECT_EQ(ParseUtcOffsetText("-05:30").value(), std::chrono::minutes(-330));
    EXPECT_EQ(ParseUtcOffsetText("+0300").value(), std::chrono::minutes(180));
    EXPECT_EQ(ParseUtcOffsetText("+03").value(), std::chrono::minutes(180));
    EXPECT_EQ(ParseUtcOffsetText("Z").value(), std::chrono::minutes(0));
    EXPECT_EQ(ParseUtcOffsetText("+18:00").value(), std::chrono::minutes(1080));
}

TEST(UtcOffset, RejectsZonesAndNonsenseWithOneMessage) {
    for (std::string_view bad : {"Europe/Moscow", "3", "+3:00", "+03:60", "+19:00", "+03:", "+03:0", "MSK", ""}) {
        auto r = ParseUtcOffsetText(bad);
        ASSERT_FALSE(r.has_value()) << bad;
        EXPECT_EQ(r.error().message, "invalid UTC offset \"" + std::string(bad) + "\"; use +HH:MM, e.g. \"+03:00\"");
    }
}

}  // namespace
}  // namespace b2b::config
