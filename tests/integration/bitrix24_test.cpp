// The Bitrix24 connector inside the real daemon, against the real bitrix24_emulator: jobs delivered
// to the portal, a config the portal contradicts refused with 78, events received and turned into
// stage changes.
#include <chrono>
#include <regex>
#include <string>

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

constexpr char kToken[] = "app-token-0123456789abcdef";
constexpr char kInn[] = "7701234567";

// The portal, on loopback; plain HTTP, so the webhook URL is http://.
class Emulator {
public:
    explicit Emulator(TempDir const& dir)
        : process_(ChildProcess::Options{B2B_BITRIX24_EMULATOR,
                                         {"--port", "0", "--port-file", (dir / "b24.port").string(), "--webhook-user",
                                          "1", "--webhook-code", "code", "--application-token", kToken},
                                         {},
                                         {},
                                         dir / "emulator.log"}) {
        if (!WaitUntil([&] { return !ReadFile(dir / "b24.port").empty(); }, 10s)) {
            throw std::runtime_error("emulator did not start: " + process_.Log());
        }
        port_ = static_cast<std::uint16_t>(std::stoi(ReadFile(dir / "b24.port")));
        control_ = std::make_unique<HttpClient>("127.0.0.1", port_);
    }

    std::string WebhookUrl() const { return "http://127.0.0.1:" + std::to_string(port_) + "/rest/1/code/"; }

    json::object State() {
        auto r = control_->Get("/_emulator/state");
        EXPECT_EQ(r.status, 200) << r.body;
        return json::parse(r.body).as_object();
    }
    json::object Crm() { return State().at("crm").as_object(); }

    HttpResponse Control(std::string const& path, json::object const& body) {
        return control_->Post("/_emulator/" + path, json::serialize(body), {{"Content-Type", "application/json"}});
    }

private:
    ChildProcess process_;
    std::uint16_t port_ = 0;
    std::unique_ptr<HttpClient> control_;
};

std::string Bitrix24Yaml(std::string const& webhook_url, std::string const& pipeline, std::string const& events) {
    return "bitrix24:\n"
           "  webhook_url: \"" +
           webhook_url +
           "\"\n"
           "  pipeline: \"" +
           pipeline +
           "\"\n"
           "  stages:\n"
           "    manager_check: \"Подготовка\"\n"
           "  application_token: \"" +
           std::string(kToken) + "\"\n" + events;
}

void Enqueue(std::filesystem::path const& db_path, std::string const& kind, std::string const& entity,
             std::string const& payload) {
    auto db = store::Database::Open(db_path);
    ASSERT_TRUE(db) << db.error().message;
    store::JobQueue queue(**db, SystemClock::Instance(), store::RetryPolicy{});
    auto tx = store::Transaction::Begin(**db, "test enqueue");
    ASSERT_TRUE(tx) << tx.error().message;
    store::NewJob job;
    job.target = "bitrix24";
    job.entity_key = entity;
    job.kind = kind;
    job.idempotency_key = kind + "-" + entity;
    job.payload = payload;
    ASSERT_TRUE(queue.Enqueue(**tx, job));
    ASSERT_TRUE((*tx)->Commit());
}

std::string Counterparty() {
    return R"({"id":"cp-42","name":"ООО Ромашка","inn":")" + std::string(kInn) + R"(","kpp":"770101001"})";
}

std::string Deal() {
    return R"({"id":"order-1001","title":"Заказ 1001","counterparty":)" + Counterparty() +
           R"(,"currency":"RUB","lines":[)"
           R"({"name":"Болт М8","product_id":0,"price":"899.10","quantity":"2","measure_code":796},)"
           R"({"name":"Гайка М8","product_id":0,"price":"10.00","quantity":"100","measure_code":796}]})";
}

std::size_t CountRequisitesWithInn(json::object const& crm) {
    std::size_t n = 0;
    for (auto const& row : crm.at("requisites").as_array()) {
        auto const* inn = row.as_object().if_contains("RQ_INN");
        n += (inn != nullptr && inn->is_string() && inn->as_string() == kInn) ? 1 : 0;
    }
    return n;
}

std::uint64_t MetricValue(std::uint16_t admin_port, std::string const& series) {
    HttpClient admin("127.0.0.1", admin_port);
    auto const text = admin.Get("/metrics").body;
    // At a line start: "# HELP <name> ..." must not match.
    auto const at = text.find("\n" + series + " ");
    return at == std::string::npos ? 0 : std::stoull(text.substr(at + series.size() + 2));
}

TEST(Bitrix24Daemon, DeliversCompanyAndDealJobsToThePortal) {
    TempDir emu_dir;
    Emulator emulator(emu_dir);
    DaemonHarness daemon(B2B_DAEMON_PATH);
    daemon.WriteConfig(DaemonHarness::DefaultConfig("", Bitrix24Yaml(emulator.WebhookUrl(), "Опт", "")));
    daemon.Start();
    HttpClient admin("127.0.0.1", daemon.admin_port());
    auto ready = admin.Get("/readyz");
    EXPECT_EQ(ready.status, 200) << ready.body;
    EXPECT_NE(ready.body.find("bitrix24: ok"), std::string::npos) << ready.body;
    EXPECT_EQ(ready.body.find("code"), std::string::npos) << "the webhook URL is a secret: " << ready.body;

    Enqueue(daemon.DatabasePath(), "upsert_company", "company:cp-42", Counterparty());
    Enqueue(daemon.DatabasePath(), "upsert_deal", "deal:order-1001", Deal());
    ASSERT_TRUE(WaitUntil(
        [&] {
            auto crm = emulator.Crm();
            return crm.at("deals").as_array().size() == 1 && !crm.at("product_rows").as_object().empty();
        },
        20s))
        << daemon.Log();
    // Let any stray second attempt land before counting.
    ASSERT_TRUE(WaitUntil([&] { return MetricValue(daemon.admin_port(),
                                                   R"(b2b_job_deliveries_total{target="bitrix24",result="ok"})") == 2; },
                          10s))
        << daemon.Log();
    auto crm = emulator.Crm();
    EXPECT_EQ(crm.at("companies").as_array().size(), 1u) << json::serialize(crm);
    EXPECT_EQ(CountRequisitesWithInn(crm), 1u) << json::serialize(crm);
    ASSERT_EQ(crm.at("deals").as_array().size(), 1u);
    auto const deal_id = std::string(crm.at("deals").as_array()[0].at("ID").as_string());
    auto const& rows = crm.at("product_rows").as_object();
    ASSERT_TRUE(rows.contains(deal_id)) << json::serialize(rows);
    EXPECT_EQ(rows.at(deal_id).as_array().size(), 2u);
    EXPECT_EQ(daemon.Log().find(emulator.WebhookUrl()), std::string::npos) << "the webhook URL must never be logged";
    EXPECT_EQ(daemon.Stop(), 0);
}

TEST(Bitrix24Daemon, UnknownPipelineIsAConfigErrorListingThePortalsPipelines) {
    TempDir emu_dir;
    Emulator emulator(emu_dir);
    DaemonHarness daemon(B2B_DAEMON_PATH);
    daemon.WriteConfig(DaemonHarness::DefaultConfig("", Bitrix24Yaml(emulator.WebhookUrl(), "Розница", "")));
    auto& process = daemon.Spawn();
    auto const code = process.Wait(30s);
    ASSERT_TRUE(code.has_value()) << daemon.Log();
    EXPECT_EQ(*code, 78) << daemon.Log();
    auto const log = daemon.Log();
    EXPECT_NE(log.find("Розница"), std::string::npos) << log;
    EXPECT_NE(log.find("\"General\""), std::string::npos) << log;
    EXPECT_NE(log.find("\"Опт\""), std::string::npos) << log;
}

TEST(Bitrix24Daemon, OnlineEventsRejectForgedTokensAndReportStageChanges) {
    TempDir emu_dir;
    Emulator emulator(emu_dir);
    DaemonHarness daemon(B2B_DAEMON_PATH);
    daemon.WriteConfig(DaemonHarness::DefaultConfig(
        "", Bitrix24Yaml(emulator.WebhookUrl(), "Опт",
                         "  events:\n    mode: online\n    path: /bitrix24/events\n    poll_interval: 200ms\n")));
    daemon.Start();

    HttpClient events("127.0.0.1", daemon.public_port());
    auto forged = events.Post("/bitrix24/events",
                              "event=ONCRMDEALUPDATE&event_handler_id=3&data%5BFIELDS%5D%5BID%5D=1&ts=1736405807"
                              "&auth%5Bdomain%5D=portal.bitrix24.ru&auth%5Bapplication_token%5D=forged",
                              {{"Content-Type", "application/x-www-form-urlencoded"}});
    EXPECT_EQ(forged.status, 401) << forged.body;
    EXPECT_EQ(MetricValue(daemon.admin_port(), R"(b2b_bitrix24_events_total{result="forged"})"), 1u);
    EXPECT_EQ(daemon.Log().find("application_token=forged"), std::string::npos);

    auto const handler = "http://127.0.0.1:" + std::to_string(daemon.public_port()) + "/bitrix24/events";
    for (char const* event : {"ONCRMDEALADD", "ONCRMDEALUPDATE"}) {
        auto bound = emulator.Control("events/bind", json::object{{"event", event}, {"handler", handler}});
        ASSERT_EQ(bound.status, 200) << bound.body;
    }
    // Our own deal: its events (add, product rows update; their order is not fixed) make the daemon
    // start watching it. Wait until every stored event is processed.
    Enqueue(daemon.DatabasePath(), "upsert_deal", "deal:order-1001", Deal());
    auto const all_processed = [&] {
        auto db = store::Database::Open(daemon.DatabasePath());
        if (!db) {
            return false;
        }
        bitrix24::EventInbox inbox(**db, SystemClock::Instance());
        auto all = inbox.All();
        auto pending = inbox.Pending(10);
        return all && pending && !all->empty() && pending->empty();
    };
    ASSERT_TRUE(WaitUntil(all_processed, 20s)) << daemon.Log();
    auto const deal_id = std::string(emulator.Crm().at("deals").as_array()[0].at("ID").as_string());

    // A manager drags the card.
    auto moved =
        emulator.Control("deal/stage", json::object{{"id", std::stoll(deal_id)}, {"stage_id", "C1:PREPARATION"}});
    ASSERT_EQ(moved.status, 200) << moved.body;
    std::regex const manager_move("deal stage changed.* deal=" + deal_id + R"( from=C1:NEW to=C1:PREPARATION)");
    ASSERT_TRUE(WaitUntil([&] { return std::regex_search(daemon.Log(), manager_move); }, 20s)) << daemon.Log();
    // Only the manager's move: the deal we created was recorded at its stage, so the echo of our
    // own crm.deal.add is not a change.
    EXPECT_EQ(MetricValue(daemon.admin_port(), "b2b_bitrix24_stage_changes_total"), 1u);
    EXPECT_EQ(daemon.Stop(), 0);
}

}  // namespace
}  // namespace b2b::test
