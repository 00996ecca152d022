// The answer lines of the Bitrix exchange (commerceml.md §1.1-§1.3), pure parsing.
#include <gtest/gtest.h>

#include "connectors/site/exchange_answer.hpp"
#include "connectors/site/site_options.hpp"
#include "core/config/loader.hpp"
#include "tests/unit/config/test_env.hpp"

namespace b2b::site {
namespace {

TEST(ExchangeAnswer, CheckauthKeepsCookieAndTheSessidLineVerbatim) {
    // GIST-SALE's shape, with a timestamp line as catalog checkauth adds.
    auto a = ParseCheckauth("success\nPHPSESSID\n26ab0c\nsessid=5a56\ntimestamp=1733140000\n");
    ASSERT_TRUE(a) << a.error().message;
    EXPECT_EQ(a->cookie_name, "PHPSESSID");
    EXPECT_EQ(a->cookie_value, "26ab0c");
    EXPECT_EQ(a->sessid_param, "sessid=5a56");
    auto old_site = ParseCheckauth("\xEF\xBB\xBFsuccess\r\nwc1c-auth\r\nabc\r\n");
    ASSERT_TRUE(old_site);
    EXPECT_EQ(old_site->sessid_param, "");
    auto refused = ParseCheckauth("failure\n\xCD\xE5\xE2\xE5\xF0\xED\xFB\xE9 \xEF\xE0\xF0\xEE\xEB\xFC");  // cp1251
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().error_class, ErrorClass::kPermanent);
    EXPECT_NE(refused.error().message.find("Неверный пароль"), std::string::npos) << refused.error().message;
    EXPECT_FALSE(ParseCheckauth("success\n"));
}

TEST(ExchangeAnswer, InitReadsLimitAndTheSaleSessidRepeat) {
    auto a = ParseInit("zip=yes\nfile_limit=204800\nsessid=aecf\nversion=2.09\n");
    ASSERT_TRUE(a) << a.error().message;
    EXPECT_TRUE(a->zip);
    EXPECT_EQ(a->file_limit, 204800u);
    EXPECT_EQ(a->sessid_param, "sessid=aecf");
    EXPECT_EQ(a->version, "2.09");
    EXPECT_FALSE(ParseInit("failure\nAccess denied"));
    EXPECT_FALSE(ParseInit("zip=no\nfile_limit=lots\n"));
}

TEST(ExchangeAnswer, StatusWordsAreExactAndUnknownOnesStayUnknown) {
    EXPECT_EQ(ParseStatusAnswer("progress\n37%").status, AnswerStatus::kProgress);
    EXPECT_EQ(ParseStatusAnswer("error").status, AnswerStatus::kError);
    auto rollback = ParseStatusAnswer("rollback\n");
    EXPECT_EQ(rollback.status, AnswerStatus::kUnknown);
    EXPECT_EQ(rollback.word, "rollback");
    auto success = ParseStatusAnswer("success\nline one\n\nline two\n");
    EXPECT_EQ(success.lines, (std::vector<std::string>{"line one", "line two"}));
    EXPECT_EQ(success.Text(), "line one; line two");
}

TEST(SiteConfig, SectionLoadsAndMapsOntoTheConnectorOptions) {
    auto loaded = config::LoadString(
        "site:\n  mode: exchange\n  url: https://shop.example/bitrix/admin/1c_exchange.php\n  user: exchange\n"
        "  password: ${SITE_PASSWORD}\n  poll_interval: 30s\n  encoding: utf-8\n  utc_offset: \"+05:00\"\n",
        "test.yaml", config::test::EnvOf({{"SITE_PASSWORD", "hunter2"}}));
    ASSERT_TRUE(loaded.ok()) << (loaded.diagnostics.empty() ? "" : loaded.diagnostics[0].message);
    auto const& site = loaded.config->site;
    EXPECT_EQ(site.mode, config::SiteMode::kExchange);
    auto options = ExchangeOptionsFrom(site);
    EXPECT_EQ(options.url, "https://shop.example/bitrix/admin/1c_exchange.php");
    EXPECT_EQ(options.password, "hunter2");
    EXPECT_EQ(options.push_encoding, onec::CmlOutputEncoding::kUtf8Bom);
    EXPECT_EQ(options.utc_offset, std::chrono::minutes(300));
    EXPECT_EQ(PollerOptionsFrom(site).poll_interval, std::chrono::seconds(30));
    auto defaults = config::LoadString("instance: x\n", "test.yaml", config::test::EnvOf());
    ASSERT_TRUE(defaults.ok());
    EXPECT_EQ(defaults.config->site.mode, config::SiteMode::kOff);
    EXPECT_EQ(defaults.config->site.webhook_path, "/site/orders");
    EXPECT_EQ(WebhookOptionsFrom(defaults.config->site).tolerance, std::chrono::seconds(300));
}

}  // namespace
}  // namespace b2b::site
