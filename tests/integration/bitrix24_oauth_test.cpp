// The Bitrix24 connector inside the real daemon against the real bitrix24_emulator (portal and OAuth
// server on loopback): an OAuth app polling offline events, refreshing its token and keeping its
// own writes out of the queue; and the gate that holds jobs back, attempts untouched, while the
// portal is down.
#include <chrono>
#include <regex>
#include <string>
#include <thread>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <gtest/gtest.h>

#include "connectors/bitrix24/events_inbox.hpp"
#include "core/store/database.hpp"
#include "core/store/job_queue.hpp"
#include "core/util/clock.hpp"
#include "tests/support/daemon_harness.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"

namespace b2b::test {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

constexpr char kClientId[] = "local.it0client";
constexpr char kClientSecret[] = "it-client-secret-0123456789";

// The portal; restartable on the same port (an outage, then the portal comes back).
class Portal {
public:
    explicit Portal(TempDir const& dir) : dir_(dir) { Start("0"); }

    void Start(std::string const& port) {
        auto const port_file = dir_ / ("b24." + std::to_string(++starts_) + ".port");
        process_ = std::make_unique<ChildProcess>(ChildProcess::Options{
            B2B_BITRIX24_EMULATOR,
            {"--port", port, "--port-file", port_file.string(), "--webhook-user", "1", "--webhook-code", "code",
             "--client-id", kClientId, "--client-secret", kClientSecret},
            {},
            {},
            dir_ / "emulator.log"});
        if (!WaitUntil([&] { return !ReadFile(port_file).empty(); }, 10s)) {
            throw std::runtime_error("emulator did not start: " + process_->Log());
        }
        port_ = static_cast<std::uint16_t>(std::stoi(ReadFile(port_file)));
        control_ = std::make_unique<HttpClient>("127.0.0.1", port_);
    }
    void Down() { process_->Kill(); }
    void Up() { Start(std::to_string(port_)); }

    std::string Base() const { return "http://127.0.0.1:" + std::to_string(port_); }
    json::object State() { return json::parse(control_->Get("/_emulator/state").body).as_object(); }
    json::object Control(std::string const& path, json::object const& body = {}) {
        auto r = control_->Post("/_emulator/" + path, json::serialize(body), {{"Content-Type", "application/json"}});
        EXPECT_EQ(r.status, 200) << path << ": " << r.body;
        return json::parse(r.body).as_object();
    }

private:
    TempDir const& dir_;
    int starts_ = 0;
    std::unique_ptr<ChildProcess> process_;
    std::uint16_t port_ = 0;
    std::unique_ptr<HttpClient> control_;
};

std::string Deal(std::string const& id) {
    return R"({"id":")" + id + R"(","title":"Заказ","counterparty":{"id":"cp-42","name":"ООО Ромашка",)"
           R"("inn":"7701234567","kpp":"770101001"},"currency":"RUB","lines":[)"
           R"({"name":"Болт М8","product_id":0,"price":"899.10","quantity":"2","measure_code":796}]})";
}

void Enqueue(std::filesystem::path const& db_path, std::string const& order) {
    auto db = store::Database::Open(db_path);
    ASSERT_TRUE(db) << db.error().message;
    store::JobQueue queue(**db, SystemClock::Instance(), store::RetryPolicy{});
    auto tx = store::Transaction::Begin(**db, "test enqueue");
    ASSERT_TRUE(tx) << tx.error().message;
    ASSERT_TRUE(queue.Enqueue(**tx, store::NewJob{"bitrix24", "deal:" + order, "upsert_deal", Deal(order),
                                                  "upsert_deal-" + order}));
    ASSERT_TRUE((*tx)->Commit());
}

std::optional<store::Job> JobOf(std::filesystem::path const& db_path, std::string const& order) {
    auto db = store::Database::Open(db_path);
    if (!db) {
        return std::nullopt;
    }
    store::JobQueue queue(**db, SystemClock::Instance(), store::RetryPolicy{});
    store::JobFilter filter;
    filter.entity_key = "deal:" + order;
    auto jobs = queue.List(filter);
    return jobs && !jobs->empty() ? std::optional<store::Job>(jobs->front()) : std::nullopt;
}

// Few attempts and short backoff: without the gate a job would be dead within a second of an outage.
std::string FragileQueue(std::string yaml) {
    auto const at = yaml.find("max_attempts: 50");
    return yaml.replace(at, std::string("max_attempts: 50").size(), "max_attempts: 3");
}

std::size_t Deals(Portal& portal) { return portal.State().at("crm").at("deals").as_array().size(); }

TEST(Bitrix24OAuth, OfflineEventsWithAnAppThatRefreshesItsTokenAndIgnoresItsOwnEchoes) {
    TempDir emu_dir;
    Portal portal(emu_dir);
    auto const seed = std::string(portal.Control("oauth/install").at("refresh_token").as_string());
    DaemonHarness daemon(B2B_DAEMON_PATH);
    daemon.WriteConfig(DaemonHarness::DefaultConfig(
        "", "bitrix24:\n"
            "  auth: oauth\n"
            "  oauth:\n"
            "    portal_url: \"" + portal.Base() + "/\"\n"
            "    client_id: \"" + kClientId + "\"\n"
            "    client_secret: \"${B24_CLIENT_SECRET}\"\n"
            "    refresh_token: \"${B24_REFRESH_TOKEN}\"\n"
            "    server_url: \"" + portal.Base() + "/oauth/token/\"\n"
            "  pipeline: \"Опт\"\n"
            "  stages:\n"
            "    manager_check: \"Подготовка\"\n"
            "  events:\n"
            "    mode: offline\n"
            "    poll_interval: 200ms\n"));
    daemon.Start({{"B24_CLIENT_SECRET", kClientSecret}, {"B24_REFRESH_TOKEN", seed}});
    HttpClient admin("127.0.0.1", daemon.admin_port());
    auto ready = admin.Get("/readyz");
    EXPECT_EQ(ready.status, 200) << ready.body;

    // The app bound the deal events itself, as offline events with our auth_connector.
    ASSERT_TRUE(WaitUntil([&] { return portal.State().at("events").at("bindings").as_array().size() == 3; }, 20s))
        << daemon.Log();
    auto const state = portal.State();
    for (auto const& b : state.at("events").at("bindings").as_array()) {
        EXPECT_EQ(b.at("event_type"), "offline");
        EXPECT_EQ(b.at("auth_connector"), "b2bsync");
    }

    Enqueue(daemon.DatabasePath(), "order-1");
    ASSERT_TRUE(WaitUntil([&] { return JobOf(daemon.DatabasePath(), "order-1")->state == store::JobState::kDone; },
                          20s))
        << daemon.Log();
    // Several polls later the inbox is still empty: our own writes carried auth_connector, so the
    // portal queued nothing for them (without it, the add and the product rows would be there).
    auto const polls = [&] { return portal.State().at("counters").at("method_calls").at("event.offline.get").as_int64(); };
    auto const polls_before = polls();
    ASSERT_TRUE(WaitUntil([&] { return polls() >= polls_before + 3; }, 20s)) << daemon.Log();
    {
        auto db = store::Database::Open(daemon.DatabasePath());
        ASSERT_TRUE(db);
        bitrix24::EventInbox inbox(**db, SystemClock::Instance());
        auto all = inbox.All();
        ASSERT_TRUE(all);
        EXPECT_TRUE(all->empty()) << all->size() << " echoes of our own writes";
    }
    auto const deal_id = std::string(portal.State().at("crm").at("deals").as_array()[0].at("ID").as_string());

    // A manager moves the deal; the poller picks it up from the offline queue.
    portal.Control("deal/stage", json::object{{"id", std::stoll(deal_id)}, {"stage_id", "C1:PREPARATION"}});
    std::regex const moved("deal stage changed.* deal=" + deal_id + R"(.* to=C1:PREPARATION)");
    ASSERT_TRUE(WaitUntil([&] { return std::regex_search(daemon.Log(), moved); }, 20s)) << daemon.Log();

    // An hour later the access token has expired: the next poll refreshes it once and goes on.
    auto const grants = portal.State().at("counters").at("oauth_refresh_grants").as_int64();
    portal.Control("clock", json::object{{"advance", 3700}});
    portal.Control("deal/stage", json::object{{"id", std::stoll(deal_id)}, {"stage_id", "C1:UC_PROD"}});
    std::regex const moved_again("deal stage changed.* deal=" + deal_id + R"(.* to=C1:UC_PROD)");
    ASSERT_TRUE(WaitUntil([&] { return std::regex_search(daemon.Log(), moved_again); }, 20s)) << daemon.Log();
    EXPECT_EQ(portal.State().at("counters").at("oauth_refresh_grants").as_int64(), grants + 1);
    EXPECT_EQ(portal.State().at("counters").at("oauth_refresh_rejected").as_int64(), 0);
    EXPECT_NE(admin.Get("/metrics").body.find("\nb2b_bitrix24_oauth_refreshes_total 2\n"), std::string::npos)
        << "the seed refresh and the expiry refresh";

    // Restart: the stored pair is used (the seed in the environment is long dead).
    EXPECT_EQ(daemon.Stop(), 0);
    daemon.Start({{"B24_CLIENT_SECRET", kClientSecret}, {"B24_REFRESH_TOKEN", seed}});
    HttpClient admin_again("127.0.0.1", daemon.admin_port());
    EXPECT_EQ(admin_again.Get("/readyz").status, 200);
    EXPECT_EQ(portal.State().at("counters").at("oauth_refresh_rejected").as_int64(), 0);

    auto const log = daemon.Log();
    EXPECT_EQ(log.find(seed), std::string::npos) << "tokens are never logged";
    EXPECT_EQ(log.find(kClientSecret), std::string::npos) << "the client secret is never logged";
    EXPECT_EQ(daemon.Stop(), 0);
}

TEST(Bitrix24OAuth, RefusedRefreshTokenDegradesReadinessAndHoldsJobs) {
    TempDir emu_dir;
    Portal portal(emu_dir);
    auto const seed = std::string(portal.Control("oauth/install").at("refresh_token").as_string());
    DaemonHarness daemon(B2B_DAEMON_PATH);
    daemon.WriteConfig(FragileQueue(DaemonHarness::DefaultConfig(
        "", "bitrix24:\n"
            "  auth: oauth\n"
            "  oauth:\n"
            "    portal_url: \"" + portal.Base() + "/\"\n"
            "    client_id: \"" + kClientId + "\"\n"
            "    client_secret: \"" + kClientSecret + "\"\n"
            "    refresh_token: \"" + seed + "\"\n"
            "    server_url: \"" + portal.Base() + "/oauth/token/\"\n"
            "  pipeline: \"Опт\"\n")));
    daemon.Start();
    // 181 days without a refresh: both tokens are dead; the next call's refresh gets invalid_grant.
    portal.Control("clock", json::object{{"advance", 181.0 * 24 * 3600}});
    Enqueue(daemon.DatabasePath(), "order-7");
    HttpClient admin("127.0.0.1", daemon.admin_port());
    ASSERT_TRUE(WaitUntil([&] { return admin.Get("/readyz").body.find("invalid_grant") != std::string::npos; }, 20s))
        << admin.Get("/readyz").body << daemon.Log();
    EXPECT_NE(admin.Get("/readyz").status, 200);
    EXPECT_NE(daemon.Log().find("token refresh refused"), std::string::npos);
    std::this_thread::sleep_for(1s);
    auto const job = JobOf(daemon.DatabasePath(), "order-7");
    ASSERT_TRUE(job);
    EXPECT_NE(job->state, store::JobState::kDead) << "the job waits for the admin: " << job->last_error;
    EXPECT_EQ(daemon.Log().find(seed), std::string::npos);
    EXPECT_EQ(daemon.Stop(), 0);
}

TEST(Bitrix24OAuth, CheckRefusesOfflineEventsWithAWebhookAndIncompleteOAuthKeys) {
    DaemonHarness daemon(B2B_DAEMON_PATH);
    daemon.WriteConfig(DaemonHarness::DefaultConfig(
        "", "bitrix24:\n  webhook_url: \"https://portal.example/rest/1/code/\"\n  events: {mode: offline}\n"));
    auto webhook = daemon.Cli({"check-config", daemon.ConfigPath().string()});
    EXPECT_EQ(webhook.exit_code, 78) << webhook.output;
    EXPECT_NE(webhook.output.find("bitrix24.auth: oauth"), std::string::npos) << webhook.output;

    daemon.WriteConfig(DaemonHarness::DefaultConfig(
        "", "bitrix24:\n  auth: oauth\n  oauth: {portal_url: \"https://portal.example/\"}\n"));
    auto oauth = daemon.Cli({"check-config", daemon.ConfigPath().string()});
    EXPECT_EQ(oauth.exit_code, 78) << oauth.output;
    EXPECT_NE(oauth.output.find("bitrix24.oauth.client_id is empty"), std::string::npos) << oauth.output;
    EXPECT_NE(oauth.output.find("bitrix24.oauth.client_secret is empty"), std::string::npos) << oauth.output;
}

TEST(Bitrix24Gate, JobsWaitWithoutSpendingAttemptsWhileThePortalIsDown) {
    TempDir emu_dir;
    Portal portal(emu_dir);
    auto const webhook = portal.Base() + "/rest/1/code/";
    portal.Down();  // down before the daemon starts: the pipeline cannot be resolved
    DaemonHarness daemon(B2B_DAEMON_PATH);
    daemon.WriteConfig(FragileQueue(DaemonHarness::DefaultConfig(
        "", "bitrix24:\n  webhook_url: \"" + webhook + "\"\n  pipeline: \"Опт\"\n  timeout: 2s\n")));
    daemon.Start();
    HttpClient admin("127.0.0.1", daemon.admin_port());
    EXPECT_NE(admin.Get("/readyz").status, 200);

    Enqueue(daemon.DatabasePath(), "order-1");
    std::this_thread::sleep_for(3s);  // many backoff periods of the fragile queue
    auto job = JobOf(daemon.DatabasePath(), "order-1");
    ASSERT_TRUE(job);
    EXPECT_EQ(job->state, store::JobState::kPending) << job->last_error;
    EXPECT_EQ(job->attempts, 0) << job->last_error;

    portal.Up();
    ASSERT_TRUE(WaitUntil([&] { return JobOf(daemon.DatabasePath(), "order-1")->state == store::JobState::kDone; },
                          60s))
        << daemon.Log();
    EXPECT_EQ(JobOf(daemon.DatabasePath(), "order-1")->attempts, 1);
    ASSERT_TRUE(WaitUntil([&] { return admin.Get("/readyz").status == 200; }, 10s));

    // Down again while running: the first request that cannot connect closes the gate.
    portal.Down();
    Enqueue(daemon.DatabasePath(), "order-2");
    std::this_thread::sleep_for(3s);
    job = JobOf(daemon.DatabasePath(), "order-2");
    ASSERT_TRUE(job);
    EXPECT_EQ(job->state, store::JobState::kPending) << job->last_error;
    EXPECT_EQ(job->attempts, 0) << job->last_error;
    EXPECT_NE(job->last_error.find("unreachable"), std::string::npos) << job->last_error;
    EXPECT_NE(admin.Get("/readyz").body.find("unreachable"), std::string::npos);

    portal.Up();
    ASSERT_TRUE(WaitUntil([&] { return JobOf(daemon.DatabasePath(), "order-2")->state == store::JobState::kDone; },
                          60s))
        << daemon.Log();
    EXPECT_EQ(JobOf(daemon.DatabasePath(), "order-2")->attempts, 1);
    EXPECT_EQ(Deals(portal), 1u) << "the restarted emulator starts empty: only the second deal is there";
    EXPECT_EQ(daemon.Stop(), 0);
}

}  // namespace
}  // namespace b2b::test
