// OAuthAuthenticator + RestClient against the real bitrix24_emulator (portal and OAuth server) over
// loopback: refresh on 401 expired_token with exactly one retry, one refresh for many concurrent
// callers, the rotated pair persisted and preferred over the dead seed, a revoked app failing
// permanently; and auth_connector keeping our own writes out of the offline queue.
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "connectors/bitrix24/batch.hpp"
#include "connectors/bitrix24/oauth_authenticator.hpp"
#include "connectors/bitrix24/oauth_tokens.hpp"
#include "connectors/bitrix24/rest_client.hpp"
#include "core/store/database.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"

namespace b2b::bitrix24 {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

constexpr char kClientId[] = "local.test0client";
constexpr char kClientSecret[] = "test-client-secret";

class OAuthEmulator : public ::testing::Test {
protected:
    void SetUp() override {
        auto const port_file = dir_ / "port";
        emulator_ = std::make_unique<test::ChildProcess>(test::ChildProcess::Options{
            B2B_BITRIX24_EMULATOR,
            {"--port", "0", "--port-file", port_file.string(), "--client-id", kClientId, "--client-secret",
             kClientSecret, "--access-ttl", "3600"},
            {},
            {},
            dir_ / "emulator.log"});
        ASSERT_TRUE(test::WaitUntil([&] { return !test::ReadFile(port_file).empty(); }, 10s)) << emulator_->Log();
        port_ = static_cast<std::uint16_t>(std::stoi(test::ReadFile(port_file)));
        control_ = std::make_unique<test::HttpClient>("127.0.0.1", port_);
        // The app was just installed: this refresh token is what an admin puts in the config.
        seed_ = std::string(Control("oauth/install").at("refresh_token").as_string());
        auto db = store::Database::Open(dir_ / "b2b.db");
        ASSERT_TRUE(db) << db.error().message;
        db_ = std::move(*db);
        store_ = std::make_unique<OAuthTokenStore>(*db_, SystemClock::Instance());
        limiter_ = std::make_unique<Limiter>(LimiterOptions{}, SystemClock::Instance());
        NewClient();
    }

    // A fresh authenticator and client on the same store: what a daemon restart builds.
    void NewClient(std::string auth_connector = "b2bsync", std::string seed = {}) {
        client_.reset();
        OAuthServerOptions server;
        server.token_url = Base() + "/oauth/token/";
        server.client_id = kClientId;
        server.client_secret = kClientSecret;
        server.timeout = 5s;
        auto auth = OAuthAuthenticator::Create(OAuthSettings{Base() + "/", seed.empty() ? seed_ : seed}, server,
                                               *store_, SystemClock::Instance());
        ASSERT_TRUE(auth) << auth.error().message;
        auth_ = std::move(*auth);
        RestOptions options;
        options.timeout = 5s;
        options.auth_connector = std::move(auth_connector);
        client_ = std::make_unique<RestClient>(*auth_, *limiter_, SystemClock::Instance(), options);
    }

    std::string Base() const { return "http://127.0.0.1:" + std::to_string(port_); }
    json::object Control(std::string const& path, json::object const& body = {}) {
        auto reply = control_->Post("/_emulator/" + path, json::serialize(body), {{"Content-Type", "application/json"}});
        EXPECT_EQ(reply.status, 200) << path << ": " << reply.body;
        auto parsed = json::parse(reply.body);
        return parsed.is_object() ? parsed.as_object() : json::object{};
    }
    json::object State() { return json::parse(control_->Get("/_emulator/state").body).as_object(); }
    std::int64_t Counter(std::string const& name) { return State().at("counters").at(name).as_int64(); }
    void ExpireAccessToken() { Control("clock", json::object{{"advance", 3700}}); }
    Result<Reply> Read() { return client_->Call("crm.category.list", json::object{{"entityTypeId", 2}}); }
    std::optional<OAuthTokens> Stored() {
        auto loaded = store_->Load("127.0.0.1:" + std::to_string(port_));
        EXPECT_TRUE(loaded) << loaded.error().message;
        return loaded ? *loaded : std::nullopt;
    }

    test::TempDir dir_;
    std::unique_ptr<test::ChildProcess> emulator_;
    std::uint16_t port_ = 0;
    std::unique_ptr<test::HttpClient> control_;
    std::string seed_;
    std::unique_ptr<store::Database> db_;
    std::unique_ptr<OAuthTokenStore> store_;
    std::unique_ptr<Limiter> limiter_;
    std::unique_ptr<OAuthAuthenticator> auth_;
    std::unique_ptr<RestClient> client_;
};

TEST_F(OAuthEmulator, FirstCallRefreshesTheSeedAndStoresTheRotatedPairBeforeUsingIt) {
    EXPECT_FALSE(Stored());
    auto reply = Read();
    ASSERT_TRUE(reply) << reply.error().message;
    EXPECT_EQ(Counter("oauth_refresh_grants"), 1);
    auto stored = Stored();
    ASSERT_TRUE(stored);
    EXPECT_FALSE(stored->access_token.empty());
    EXPECT_NE(stored->refresh_token, seed_) << "the server rotated the refresh token; the new one must be kept";
    EXPECT_GT(stored->expires_at, 0);
    EXPECT_EQ(auth_->refreshes(), 1u);
}

TEST_F(OAuthEmulator, ExpiredTokenIsRefreshedOnceAndTheCallRetriedWithTheNewToken) {
    ASSERT_TRUE(Read());
    auto const first = Stored()->access_token;
    auto const auth_401 = Counter("auth_401");
    ExpireAccessToken();
    auto const calls = Counter("requests");
    auto reply = Read();
    ASSERT_TRUE(reply) << reply.error().message;
    EXPECT_EQ(Counter("oauth_refresh_grants"), 2);
    EXPECT_EQ(Counter("auth_401"), auth_401 + 1) << "one 401 expired_token, then the retry succeeds";
    EXPECT_EQ(Counter("requests"), calls + 2) << "the call and exactly one retry";
    EXPECT_NE(Stored()->access_token, first);
}

TEST_F(OAuthEmulator, ConcurrentCallersWithAnExpiredTokenShareOneRefresh) {
    ASSERT_TRUE(Read());
    ExpireAccessToken();
    constexpr int kCallers = 8;
    std::atomic<int> ok{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < kCallers; ++i) {
        threads.emplace_back([&] { ok += Read() ? 1 : 0; });
    }
    for (auto& t : threads) {
        t.join();
    }
    EXPECT_EQ(ok.load(), kCallers);
    EXPECT_EQ(Counter("oauth_refresh_grants"), 2) << "the seed refresh, then one for all eight callers";
    EXPECT_EQ(Counter("oauth_refresh_rejected"), 0) << "nobody refreshed with a token already rotated away";
}

TEST_F(OAuthEmulator, RestartUsesTheStoredPairNotTheDeadSeed) {
    ASSERT_TRUE(Read());
    NewClient();  // the config still holds the seed, which the first refresh killed
    ASSERT_TRUE(Read());
    EXPECT_EQ(Counter("oauth_refresh_grants"), 1) << "the stored access token is still valid: no refresh";
    ExpireAccessToken();
    ASSERT_TRUE(Read());
    EXPECT_EQ(Counter("oauth_refresh_grants"), 2);
    EXPECT_EQ(Counter("oauth_refresh_rejected"), 0) << "the stored refresh token was used, not the seed";
}

TEST_F(OAuthEmulator, ANewSeedInTheConfigWinsOverTheStoredPair) {
    ASSERT_TRUE(Read());
    Control("oauth/revoke");  // the app was removed: the stored pair is dead
    // The admin reinstalls the app and puts its new refresh token in the config.
    auto const reinstalled = std::string(Control("oauth/install").at("refresh_token").as_string());
    NewClient("b2bsync", reinstalled);
    auto reply = Read();
    ASSERT_TRUE(reply) << reply.error().message;
    EXPECT_EQ(Counter("oauth_refresh_grants"), 2);
    EXPECT_EQ(Counter("oauth_refresh_rejected"), 0);
    EXPECT_EQ(Stored()->seed, reinstalled);
    EXPECT_TRUE(auth_->Problem().empty());
}

TEST_F(OAuthEmulator, DeadRefreshTokenFailsPermanentlyAndStopsRefreshing) {
    ASSERT_TRUE(Read());
    // 181 days idle: the access token expired and so did the refresh token (180 days, §1.2).
    Control("clock", json::object{{"advance", 181.0 * 24 * 3600}});
    auto reply = Read();
    ASSERT_FALSE(reply);
    EXPECT_EQ(reply.error().error_class, ErrorClass::kPermanent) << reply.error().message;
    EXPECT_NE(reply.error().message.find("invalid_grant"), std::string::npos) << reply.error().message;
    EXPECT_NE(auth_->Problem().find("re-authorise"), std::string::npos) << auth_->Problem();
    auto const rejected = Counter("oauth_refresh_rejected");
    auto const requests = Counter("requests");
    auto again = Read();
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error().error_class, ErrorClass::kPermanent);
    EXPECT_EQ(Counter("oauth_refresh_rejected"), rejected) << "no refresh storm against the OAuth server";
    EXPECT_EQ(Counter("requests"), requests) << "no calls with credentials known to be dead";
    for (auto const& secret : {seed_, std::string(kClientSecret)}) {
        EXPECT_EQ(reply.error().message.find(secret), std::string::npos) << "secrets stay out of messages";
    }
}

TEST_F(OAuthEmulator, WritesCarryingOurAuthConnectorAreNotQueuedAsOfflineEvents) {
    for (char const* event : {"ONCRMDEALADD", "ONCRMDEALUPDATE"}) {
        auto bound = client_->Call(
            "event.bind", json::object{{"event", event}, {"event_type", "offline"}, {"auth_connector", "b2bsync"}});
        ASSERT_TRUE(bound) << bound.error().message;
    }
    auto added = client_->Call("crm.deal.add", json::object{{"fields", json::object{{"TITLE", "ours"}}}});
    ASSERT_TRUE(added) << added.error().message;
    std::vector<BatchCommand> batch{
        {"upd", "crm.deal.update", json::object{{"id", added->result}, {"fields", json::object{{"TITLE", "x"}}}}},
        {"add", "crm.deal.add", json::object{{"fields", json::object{{"TITLE", "ours too"}}}}}};
    auto ran = client_->Batch(batch);
    ASSERT_TRUE(ran) << ran.error().message;
    for (auto const& outcome : *ran) {
        ASSERT_TRUE(outcome.reply) << outcome.reply.error().message;
    }
    EXPECT_TRUE(State().at("events").at("offline_queue").as_array().empty())
        << json::serialize(State().at("events"));

    // A manager's change is queued, and so is a write without our connector.
    Control("deal/stage", json::object{{"id", added->result}, {"stage_id", "PREPARATION"}});
    NewClient("");
    ASSERT_TRUE(client_->Call("crm.deal.add", json::object{{"fields", json::object{{"TITLE", "anonymous"}}}}));
    EXPECT_EQ(State().at("events").at("offline_queue").as_array().size(), 2u) << json::serialize(State().at("events"));
}

}  // namespace
}  // namespace b2b::bitrix24
