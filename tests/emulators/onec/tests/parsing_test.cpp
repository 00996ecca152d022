#include "tests/emulators/onec/answer.hpp"
#include "tests/emulators/onec/cp1251.hpp"
#include "tests/emulators/onec/options.hpp"

#include <gtest/gtest.h>

namespace b2b::emu::onec {
namespace {

TEST(Cp1251, DecodesCyrillicAndPunctuation) {
    EXPECT_EQ(Cp1251ToUtf8("\xC0\xE1\xE2\xFF \xA8\xB8 \xB9 \x96 \x88"), "Абвя Ёё № – €");
    EXPECT_EQ(Cp1251ToUtf8("\x98"), "\xEF\xBF\xBD");
    EXPECT_EQ(Cp1251ToUtf8("plain"), "plain");
}

TEST(Cp1251, AnswerTextFollowsCharsetThenValidity) {
    EXPECT_EQ(DecodeAnswerText("\xCE\xEA", "text/plain; charset=windows-1251"), "Ок");
    EXPECT_EQ(DecodeAnswerText("Ок", "text/plain; charset=UTF-8"), "Ок");
    EXPECT_EQ(DecodeAnswerText("Ок", ""), "Ок");
    EXPECT_EQ(DecodeAnswerText("\xCE\xEA", ""), "Ок");
    EXPECT_FALSE(IsValidUtf8("\xC0\x80"));      // overlong
    EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));  // surrogate
    EXPECT_FALSE(IsValidUtf8("\xD0"));          // truncated
}

TEST(Answer, CheckauthInNewAndOldShapes) {
    auto const full = ParseCheckauth(ParseAnswer("success\r\nPHPSESSID\r\nv\r\ntimestamp=17\r\nsessid=ab\r\n", ""));
    ASSERT_TRUE(full);
    EXPECT_EQ(full->cookie_name, "PHPSESSID");
    EXPECT_EQ(full->cookie_value, "v");
    EXPECT_EQ(full->sessid, "ab");
    EXPECT_EQ(full->timestamp, "17");

    auto const old = ParseCheckauth(ParseAnswer("\xEF\xBB\xBFsuccess\nwc1c-auth\nx", ""));
    ASSERT_TRUE(old);
    EXPECT_FALSE(old->sessid);
    EXPECT_FALSE(old->timestamp);

    EXPECT_FALSE(ParseCheckauth(ParseAnswer("success\n", "")));  // DJCML's bug: no cookie lines
}

TEST(Answer, InitLines) {
    auto const init = ParseInit(ParseAnswer("zip=yes\nfile_limit=204800\nsessid=s\nversion=2.09\n", ""));
    ASSERT_TRUE(init);
    EXPECT_TRUE(init->zip);
    EXPECT_EQ(init->file_limit, 204800u);
    EXPECT_EQ(init->sessid, "s");
    EXPECT_FALSE(ParseInit(ParseAnswer("failure\nno", "")));
}

TEST(CommandLine, UsageErrorsExitWithTwo) {
    EXPECT_EQ(ParseCommandLine({"sim"}).exit_code, kExitUsage);
    EXPECT_EQ(ParseCommandLine({"sim", "--url", "http://x/", "--user", "u", "--type", "bogus"}).exit_code, kExitUsage);
    EXPECT_EQ(ParseCommandLine({"sim", "--url", "http://x/", "--user", "u", "--type", "sale", "--timeout", "soon"})
                  .exit_code,
              kExitUsage);
    EXPECT_EQ(ParseCommandLine({"sim", "--url", "http://x/", "--user", "u", "--type", "sale", "--password-env",
                                "B2B_ONEC_SIM_SURELY_UNSET"})
                  .exit_code,
              kExitUsage);
    EXPECT_EQ(ParseCommandLine({"sim", "--help"}).exit_code, kExitSuccess);
}

TEST(CommandLine, ParsesAnExchange) {
    auto const parsed = ParseCommandLine({"sim", "--url", "http://127.0.0.1:1/1c_exchange.php", "--user", "u",
                                          "--password", "p", "--type", "catalog", "--zip", "no", "--timeout", "500ms",
                                          "--full", "--old-1c", "--drop-after-bytes", "10", "--stop-after-imports",
                                          "0"});
    ASSERT_TRUE(parsed.options) << parsed.message;
    EXPECT_EQ(parsed.options->type, ExchangeType::kCatalog);
    EXPECT_EQ(parsed.options->zip, ZipMode::kNo);
    EXPECT_EQ(parsed.options->timeout, std::chrono::milliseconds(500));
    EXPECT_TRUE(parsed.options->full);
    EXPECT_TRUE(parsed.options->old_1c);
    EXPECT_EQ(parsed.options->drop_after_bytes, 10u);
    EXPECT_EQ(parsed.options->stop_after_imports, 0u);
    EXPECT_EQ(ParseDuration("2m"), std::chrono::minutes(2));
    EXPECT_EQ(ParseDuration("60"), std::chrono::seconds(60));
}

}  // namespace
}  // namespace b2b::emu::onec
