#include "tests/emulators/bitrix24/tests/emulator_fixture.hpp"

namespace b2b::emu::bitrix24::test {
namespace {

TEST_F(EmulatorTest, GetQueryJsonBodyAndFormBodyHaveTheSameSemantics) {
    auto a = Get(Hook("crm.company.add?fields%5BTITLE%5D=Acme&fields%5BPHONE%5D%5B0%5D%5BVALUE%5D=%2B7999"));
    auto b = PostJson(Hook("crm.company.add.json"),
                      json::parse(R"({"fields":{"TITLE":"Acme","PHONE":[{"VALUE":"+7999"}]}})"));
    auto c = PostForm(Hook("crm.company.add"), "fields[TITLE]=Acme&fields[PHONE][0][VALUE]=%2B7999");
    ASSERT_EQ(a.status, 200u) << a.body;
    EXPECT_EQ(At(a.json, "result"), json::value(1));
    EXPECT_EQ(At(b.json, "result"), json::value(2));
    EXPECT_EQ(At(c.json, "result"), json::value(3));
    for (int id = 1; id <= 3; ++id) {
        auto got = Get(Hook("crm.company.get?id=" + std::to_string(id)));
        auto const& row = At(got.json, "result").as_object();
        EXPECT_EQ(row.at("TITLE"), json::value("Acme"));
        EXPECT_EQ(row.at("ID"), json::value(std::to_string(id)));  // legacy: ids are strings
        EXPECT_EQ(row.at("PHONE").as_array().at(0).as_object().at("VALUE"), json::value("+7999"));
    }
}

TEST_F(EmulatorTest, EnvelopeCarriesTimeWithOperating) {
    auto r = PostJson(Hook("crm.deal.add"), json::parse(R"({"fields":{"TITLE":"d"}})"));
    auto const& time = At(r.json, "time").as_object();
    for (char const* key : {"start", "finish", "duration", "processing", "date_start", "date_finish",
                            "operating_reset_at", "operating"}) {
        EXPECT_TRUE(time.contains(key)) << key;
    }
    EXPECT_TRUE(time.at("operating_reset_at").is_int64());
    EXPECT_NE(std::string(time.at("date_start").as_string()).find("+03:00"), std::string::npos);
}

TEST_F(EmulatorTest, WrongWebhookCodeIs401NoAuthFound) {
    auto r = Get("/rest/1/wrong/crm.company.list");
    EXPECT_EQ(r.status, 401u);
    EXPECT_EQ(At(r.json, "error"), json::value("NO_AUTH_FOUND"));
    auto other_user = Get(std::string("/rest/2/") + kCode + "/crm.company.list");
    EXPECT_EQ(other_user.status, 401u);
}

TEST_F(EmulatorTest, UnknownMethodIs404) {
    auto r = Get(Hook("crm.nothing.here"));
    EXPECT_EQ(r.status, 404u);
    EXPECT_EQ(At(r.json, "error"), json::value("ERROR_METHOD_NOT_FOUND"));
}

TEST_F(EmulatorTest, WebhookCannotBindEvents) {
    auto r = PostJson(Hook("event.bind"), json::parse(R"({"event":"ONCRMDEALUPDATE","handler":"http://x/"})"));
    EXPECT_EQ(r.status, 403u);
    EXPECT_EQ(At(r.json, "error"), json::value("ACCESS_DENIED"));
    EXPECT_EQ(At(r.json, "error_description"), json::value("Application context required"));
}

TEST_F(EmulatorTest, OAuthTokensExpireAndRefreshTokensRotate) {
    auto code = At(Control("oauth/code").json, "code").as_string();
    std::string grant = "/oauth/token/?grant_type=authorization_code&client_id=local.emu0client"
                        "&client_secret=emu-client-secret&code=" + std::string(code);
    auto pair = Get(grant);
    ASSERT_EQ(pair.status, 200u) << pair.body;
    EXPECT_EQ(At(pair.json, "expires_in"), json::value(3600));
    EXPECT_EQ(Get(grant).status, 400u);  // a code is single-use
    std::string access(At(pair.json, "access_token").as_string());
    std::string refresh(At(pair.json, "refresh_token").as_string());

    auto ok = Get("/rest/crm.company.list?auth=" + access);
    EXPECT_EQ(ok.status, 200u);
    auto in_body = PostJson("/rest/crm.company.list.json", json::object{{"auth", access}});
    EXPECT_EQ(in_body.status, 200u);

    AdvanceClock(3601);
    auto expired = Get("/rest/crm.company.list?auth=" + access);
    EXPECT_EQ(expired.status, 401u);
    EXPECT_EQ(At(expired.json, "error"), json::value("expired_token"));

    std::string refresh_url = "/oauth/token/?grant_type=refresh_token&client_id=local.emu0client"
                              "&client_secret=emu-client-secret&refresh_token=";
    auto renewed = Get(refresh_url + refresh);
    ASSERT_EQ(renewed.status, 200u);
    EXPECT_NE(At(renewed.json, "refresh_token"), json::value(refresh));
    auto reused = Get(refresh_url + refresh);
    EXPECT_EQ(reused.status, 400u);
    EXPECT_EQ(At(reused.json, "error"), json::value("invalid_grant"));
    auto again = Get("/rest/crm.company.list?auth=" + std::string(At(renewed.json, "access_token").as_string()));
    EXPECT_EQ(again.status, 200u);
    EXPECT_EQ(Get("/rest/crm.company.list?auth=garbage").status, 401u);
}

TEST_F(EmulatorTest, RevokedAppLosesEveryTokenAndRefreshesAreCounted) {
    auto pair = Control("oauth/install").json;
    std::string access(At(pair, "access_token").as_string());
    std::string refresh_url = "/oauth/token/?grant_type=refresh_token&client_id=local.emu0client"
                              "&client_secret=emu-client-secret&refresh_token=";
    auto renewed = Get(refresh_url + std::string(At(pair, "refresh_token").as_string()));
    ASSERT_EQ(renewed.status, 200u) << renewed.body;
    Control("oauth/revoke");
    EXPECT_EQ(Get("/rest/crm.company.list?auth=" + std::string(At(renewed.json, "access_token").as_string())).status,
              401u);
    auto refused = Get(refresh_url + std::string(At(renewed.json, "refresh_token").as_string()));
    EXPECT_EQ(refused.status, 400u);
    EXPECT_EQ(At(refused.json, "error"), json::value("invalid_grant"));
    auto const state = Get("/_emulator/state").json;
    EXPECT_EQ(At(At(state, "counters"), "oauth_refresh_grants"), json::value(1));
    EXPECT_EQ(At(At(state, "counters"), "oauth_refresh_rejected"), json::value(1));
}

}  // namespace
}  // namespace b2b::emu::bitrix24::test
