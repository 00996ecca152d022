// Bitrix24 at scale: 2,000 orders from 500 counterparties through the real pipeline (SQLite store,
// JobQueue, Dispatcher with several workers, Bitrix24Deliverer, RestClient) to the real emulator
// at its default 50/2 bucket with a sped-up clock and 10% injected faults, lost replies included.
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "connectors/bitrix24/deliverer.hpp"
#include "connectors/bitrix24/rest_client.hpp"
#include "core/store/database.hpp"
#include "core/store/job_queue.hpp"
#include "core/sync/dispatcher.hpp"
#include "core/util/metrics.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"

namespace b2b::bitrix24 {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

constexpr char const* kCode = "s3cr3tcode";
constexpr double kClockSpeed = 200;  // one real second = 200 emulated seconds
constexpr int kCounterparties = 500;
constexpr int kOrdersPerCounterparty = 4;
constexpr int kOrders = kCounterparties * kOrdersPerCounterparty;

/// Our side of the emulated time: the emulator's own "now" (read once from its control API),
/// advanced at the emulator's speed. Everything that schedules on our side (limiter, queue
/// backoff, 429 parks against the emulator's operating_reset_at) runs on it, so the limiter's
/// bucket model drains exactly as the emulator's does. The limiter still *sleeps* in real time
/// for the emulated milliseconds it computes, i.e. kClockSpeed times too long: that only makes
/// it more conservative (never a 503), it costs throughput, which the benchmark measures instead.
class MirrorClock final : public Clock {
public:
    MirrorClock(double emulator_now_unix, double speed)
        : base_ms_(emulator_now_unix * 1000.0), speed_(speed), base_steady_(std::chrono::steady_clock::now()) {}
    UnixMillis NowMillis() const override {
        double const real_ms =
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - base_steady_).count();
        return static_cast<UnixMillis>(base_ms_ + real_ms * speed_);
    }

private:
    double base_ms_;
    double speed_;
    std::chrono::steady_clock::time_point base_steady_;
};

std::string Inn(int counterparty) { return std::to_string(7700000000LL + counterparty * 13); }

json::object CounterpartyJson(int i) {
    return json::object{{"id", "cp-" + std::to_string(i)},
                        {"name", "Контрагент " + std::to_string(i)},
                        {"inn", Inn(i)},
                        {"kpp", "770101001"}};
}

json::object OrderJson(int order, int counterparty) {
    return json::object{
        {"id", "order-" + std::to_string(order)},
        {"title", "Заказ " + std::to_string(order)},
        {"counterparty", CounterpartyJson(counterparty)},
        {"assigned_by_id", 1},
        {"currency", "RUB"},
        {"lines", json::array{json::object{{"name", "Болт М8"}, {"price", "899.10"}, {"quantity", "2"}},
                              json::object{{"name", "Гайка М8"}, {"price", "0.35"}, {"quantity", "10"}}}}};
}

class Bitrix24Scale : public ::testing::Test {
protected:
    void SetUp() override {
        auto const port_file = dir_ / "port";
        std::vector<std::string> args{"--port",  "0",        "--port-file", port_file.string(),
                                      "--webhook-user", "1", "--webhook-code", kCode,
                                      "--seed",  "11",       "--burst",     "50",
                                      "--drain", "2",        "--clock-speed", std::to_string(kClockSpeed)};
        emulator_ = std::make_unique<test::ChildProcess>(
            test::ChildProcess::Options{B2B_BITRIX24_EMULATOR, args, {}, {}, dir_ / "emulator.log"});
        ASSERT_TRUE(test::WaitUntil([&] { return !test::ReadFile(port_file).empty(); }, 10s)) << emulator_->Log();
        port_ = static_cast<std::uint16_t>(std::stoi(test::ReadFile(port_file)));
        control_ = std::make_unique<test::HttpClient>("127.0.0.1", port_);
        // "advance 0" answers the emulator's current time without moving it.
        auto now = json::parse(Control("/_emulator/clock", json::object{{"advance", 0}})).at("now");
        clock_ = std::make_unique<MirrorClock>(now.to_number<double>(), kClockSpeed);

        auto auth = WebhookAuthenticator::Create("http://127.0.0.1:" + std::to_string(port_) + "/rest/1/" + kCode);
        ASSERT_TRUE(auth);
        auth_ = std::move(*auth);
        LimiterOptions limits;  // the defaults: 50 burst, 2/s (the emulator's defaults too)
        // The mirror clock is a loopback round trip (× kClockSpeed) off the emulator's: keep a
        // little more than the default one request free.
        limits.headroom = 3;
        limiter_ = std::make_unique<Limiter>(limits, *clock_);
        RestOptions options;
        options.timeout = 10s;                // real time (libcurl)
        options.max_limiter_wait = 2'000ms;  // compared with emulated waits; longer ones reschedule the job
        client_ = std::make_unique<RestClient>(*auth_, *limiter_, *clock_, options);

        auto db = store::Database::Open(dir_ / "state.db");
        ASSERT_TRUE(db) << db.error().message;
        db_ = std::move(*db);
        store::RetryPolicy policy;
        policy.initial = 1'000ms;  // emulated: 5 ms real
        policy.max = 60'000ms;
        policy.max_attempts = 1'000;  // this test is about duplicates, not about the retry budget
        queue_ = std::make_unique<store::JobQueue>(*db_, *clock_, policy);
    }

    std::string Control(std::string const& path, json::value const& body) {
        auto r = control_->Post(path, json::serialize(body), {{"Content-Type", "application/json"}});
        EXPECT_EQ(r.status, 200) << path << ": " << r.body;
        return r.body;
    }
    json::value State() { return json::parse(control_->Get("/_emulator/state").body); }

    test::TempDir dir_;
    std::unique_ptr<test::ChildProcess> emulator_;
    std::uint16_t port_ = 0;
    std::unique_ptr<test::HttpClient> control_;
    std::unique_ptr<MirrorClock> clock_;
    std::unique_ptr<WebhookAuthenticator> auth_;
    std::unique_ptr<Limiter> limiter_;
    std::unique_ptr<RestClient> client_;
    std::unique_ptr<store::Database> db_;
    std::unique_ptr<store::JobQueue> queue_;
};

TEST_F(Bitrix24Scale, TwoThousandOrdersUnderTenPercentFaultsMakeNoDuplicatesAndNoQueryLimit) {
    auto created = Bitrix24Deliverer::Create(*client_, PipelineConfig{"Опт", {}});
    ASSERT_TRUE(created) << created.error().message;
    std::shared_ptr<Bitrix24Deliverer> deliverer = std::move(*created);

    // Every job of one counterparty (its company and its orders' deals) shares one entity key:
    // the queue delivers an entity's jobs one at a time, so two workers never look a company up
    // at once, both miss it and both create it (the portal has no uniqueness, bitrix24.md §1.5).
    // Orders are interleaved across counterparties, and the deal payload carries the
    // counterparty, so a deal never depends on its company job having run first.
    {
        auto tx = store::Transaction::Begin(*db_, "scale test enqueue");
        ASSERT_TRUE(tx) << tx.error().message;
        for (int c = 0; c < kCounterparties; ++c) {
            auto r = queue_->Enqueue(**tx, store::NewJob{"bitrix24", "cp-" + std::to_string(c),
                                                         std::string(kUpsertCompany),
                                                         json::serialize(CounterpartyJson(c)),
                                                         "company:" + std::to_string(c), 0});
            ASSERT_TRUE(r) << r.error().message;
        }
        for (int o = 0; o < kOrders; ++o) {
            int const c = o % kCounterparties;
            auto r = queue_->Enqueue(**tx, store::NewJob{"bitrix24", "cp-" + std::to_string(c),
                                                         std::string(kUpsertDeal), json::serialize(OrderJson(o, c)),
                                                         "deal:" + std::to_string(o), 0});
            ASSERT_TRUE(r) << r.error().message;
        }
        ASSERT_TRUE((*tx)->Commit());
    }

    // 10% of all REST calls fail, evenly over the four kinds (first matching rule wins, so the
    // later rules' probabilities are raised to keep each kind at 2.5% of all calls).
    Control("/_emulator/faults",
            json::object{{"seed", 23},
                         {"rules", json::array{json::object{{"kind", "html"}, {"status", 503}, {"probability", 0.025}},
                                               json::object{{"kind", "429"}, {"probability", 0.025 / 0.975}},
                                               json::object{{"kind", "reset"}, {"probability", 0.025 / 0.95}},
                                               json::object{{"kind", "lost_reply"}, {"probability", 0.025 / 0.925}}}}});

    metrics::Registry registry;
    sync::DispatcherOptions options;
    options.workers = 4;
    options.lease = std::chrono::milliseconds(3'600'000);  // emulated: 18 s real, longer than any batch
    options.poll_interval = 20ms;                           // real: retries come due every few ms
    sync::Dispatcher dispatcher(*queue_, options, registry);
    dispatcher.Register("bitrix24", deliverer);
    auto const started = std::chrono::steady_clock::now();
    dispatcher.Start();
    dispatcher.Notify();
    constexpr std::int64_t kJobs = kCounterparties + kOrders;
    bool const finished = test::WaitUntil(
        [&] {
            auto s = queue_->Stats();
            return s && s->done + s->dead == kJobs;
        },
        55s);
    EXPECT_TRUE(dispatcher.Stop(10s));
    auto const real_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    auto const stats = queue_->Stats();
    ASSERT_TRUE(stats);
    ASSERT_TRUE(finished) << "done " << stats->done << ", dead " << stats->dead << ", pending " << stats->pending
                          << " after " << real_seconds << " s";
    EXPECT_EQ(stats->dead, 0);
    EXPECT_EQ(stats->done, kJobs);

    auto const state = State();
    auto const& crm = state.at("crm");
    auto const counters = state.at("counters").as_object();
    auto const requests = counters.at("requests").to_number<std::int64_t>();
    auto const faults = counters.at("faults_injected").to_number<std::int64_t>();
    std::printf("[ scale    ] %lld jobs in %.1f s real, %lld HTTP requests (%.3f per order), %lld faults injected\n",
                static_cast<long long>(kJobs), real_seconds, static_cast<long long>(requests),
                static_cast<double>(requests) / kOrders, static_cast<long long>(faults));

    EXPECT_EQ(counters.at("query_limit_503"), 0) << json::serialize(counters);
    EXPECT_EQ(client_->stats().query_limit_503.load(), 0u);
    EXPECT_GT(requests, 100) << "the run must exceed the 50-request burst to exercise the limiter";
    // The fault rate must be what the issue asks for (10% ± sampling noise), with replies lost.
    EXPECT_GT(static_cast<double>(faults) / static_cast<double>(requests), 0.05) << json::serialize(counters);

    std::set<std::string> company_origins;
    std::map<std::string, std::string> company_id_of;  // counterparty -> its company's ID
    for (auto const& c : crm.at("companies").as_array()) {
        company_origins.insert(std::string(c.at("ORIGIN_ID").as_string()));
        company_id_of[std::string(c.at("ORIGIN_ID").as_string())] = json::serialize(c.at("ID"));
    }
    EXPECT_EQ(crm.at("companies").as_array().size(), static_cast<std::size_t>(kCounterparties));
    EXPECT_EQ(company_origins.size(), static_cast<std::size_t>(kCounterparties));

    std::set<std::string> inn_kpp;
    for (auto const& r : crm.at("requisites").as_array()) {
        inn_kpp.insert(json::serialize(r.at("RQ_INN")) + "/" + json::serialize(r.at("RQ_KPP")));
    }
    EXPECT_EQ(crm.at("requisites").as_array().size(), static_cast<std::size_t>(kCounterparties));
    EXPECT_EQ(inn_kpp.size(), static_cast<std::size_t>(kCounterparties));

    EXPECT_TRUE(crm.at("contacts").as_array().empty()) << "deals are for companies; no contact may appear";

    auto const& deals = crm.at("deals").as_array();
    auto const& rows = crm.at("product_rows").as_object();
    std::set<std::string> deal_origins;
    std::size_t deals_with_both_rows = 0;
    std::size_t deals_with_their_company = 0;
    for (auto const& d : deals) {
        std::string const origin(d.at("ORIGIN_ID").as_string());
        deal_origins.insert(origin);
        // Company, requisite, deal and rows travel as one $result chain: whatever a fault cut,
        // each deal must end up with its own counterparty's company.
        int const order = std::stoi(origin.substr(origin.find('-') + 1));
        if (json::serialize(d.at("COMPANY_ID")) == company_id_of["cp-" + std::to_string(order % kCounterparties)]) {
            ++deals_with_their_company;
        }
        auto const id = json::serialize(d.at("ID"));
        auto const key = id.front() == '"' ? id.substr(1, id.size() - 2) : id;
        if (auto const* r = rows.if_contains(key); r && r->as_array().size() == 2) {
            ++deals_with_both_rows;
        }
    }
    EXPECT_EQ(deals.size(), static_cast<std::size_t>(kOrders));
    EXPECT_EQ(deal_origins.size(), static_cast<std::size_t>(kOrders));
    EXPECT_EQ(deals_with_both_rows, static_cast<std::size_t>(kOrders));
    EXPECT_EQ(deals_with_their_company, static_cast<std::size_t>(kOrders));
}

}  // namespace
}  // namespace b2b::bitrix24
