#include "core/sync/dispatcher.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <map>
#include <set>
#include <stdexcept>
#include <thread>

#include "core/store/database.hpp"
#include "core/util/clock.hpp"
#include "tests/support/temp_dir.hpp"

namespace b2b::sync {
namespace {

using std::chrono::milliseconds;
using store::Job;
using store::JobState;

// Waits for a condition that the dispatcher's threads will make true; the deadline only guards
// against a hang, it is not a timing assertion.
bool WaitUntil(std::function<bool()> const& done, milliseconds deadline = milliseconds(20000)) {
    auto const until = std::chrono::steady_clock::now() + deadline;
    while (!done()) {
        if (std::chrono::steady_clock::now() > until) {
            return false;
        }
        std::this_thread::sleep_for(milliseconds(1));
    }
    return true;
}

// Decides each delivery with a function of (job, how many times this job was delivered before),
// records the order of deliveries per entity, and checks no entity is ever delivered twice at once.
class ScriptedDeliverer final : public Deliverer {
public:
    using Script = std::function<Status(Job const&, int previous_deliveries)>;
    explicit ScriptedDeliverer(Script script) : script_(std::move(script)) {}

    // Deliverer
    std::vector<Status> DeliverBatch(std::span<Job const> jobs) override {
        std::vector<Status> out;
        for (auto const& j : jobs) {
            int previous = 0;
            {
                std::lock_guard lock(mutex_);
                if (!busy_entities_.insert(j.entity_key).second) {
                    overlaps_++;
                }
                previous = deliveries_[j.id]++;
                order_[j.entity_key].push_back(j.id);
            }
            out.push_back(script_(j, previous));
            std::lock_guard lock(mutex_);
            busy_entities_.erase(j.entity_key);
        }
        return out;
    }

    std::map<std::int64_t, int> Deliveries() {
        std::lock_guard lock(mutex_);
        return deliveries_;
    }
    std::map<std::string, std::vector<std::int64_t>> Order() {
        std::lock_guard lock(mutex_);
        return order_;
    }
    int Overlaps() {
        std::lock_guard lock(mutex_);
        return overlaps_;
    }

private:
    Script script_;
    std::mutex mutex_;
    std::map<std::int64_t, int> deliveries_;
    std::map<std::string, std::vector<std::int64_t>> order_;
    std::set<std::string> busy_entities_;
    int overlaps_ = 0;
};

class DispatcherTest : public ::testing::Test {
protected:
    DispatcherTest()
        : db_(std::move(store::Database::Open(dir_ / "state.db").value())),
          // No backoff delay: a retried job is due again at once, so the FakeClock never has to move.
          queue_(*db_, clock_,
                 store::RetryPolicy{.initial = milliseconds(0), .max = milliseconds(0), .jitter = 0,
                                    .max_attempts = 3}) {}

    std::vector<std::int64_t> Enqueue(std::vector<std::pair<std::string, std::string>> const& jobs) {
        auto tx = store::Transaction::Begin(*db_, "test enqueue").value();
        std::vector<std::int64_t> ids;
        for (auto const& [target, entity] : jobs) {
            auto r = queue_.Enqueue(*tx, store::NewJob{target, entity, "upsert", "{}",
                                                       "key-" + std::to_string(next_key_++)});
            ids.push_back(r.value().id);
        }
        EXPECT_TRUE(tx->Commit());
        return ids;
    }

    store::QueueStats Stats() { return queue_.Stats().value(); }
    Job Get(std::int64_t id) { return queue_.Get(id).value().value(); }
    bool AllSettled(std::int64_t total) {
        auto s = Stats();
        return s.done + s.dead == total;
    }
    std::string Metrics() { return registry_.Render(); }
    bool HasLine(std::string const& line) { return Metrics().find(line + "\n") != std::string::npos; }

    b2b::test::TempDir dir_;
    std::unique_ptr<store::Database> db_;
    FakeClock clock_;
    store::JobQueue queue_;
    metrics::Registry registry_;
    int next_key_ = 0;
};

TEST_F(DispatcherTest, DeliversEveryJobExactlyOnce) {
    std::vector<std::pair<std::string, std::string>> work;
    for (int i = 0; i < 200; ++i) {
        work.emplace_back("t", "entity-" + std::to_string(i % 20));
    }
    auto ids = Enqueue(work);
    auto deliverer = std::make_shared<ScriptedDeliverer>([](Job const&, int) { return Status{}; });
    Dispatcher d(queue_, DispatcherOptions{.workers = 4, .batch_size = 16, .poll_interval = milliseconds(5)},
                 registry_);
    d.Register("t", deliverer);
    d.Start();
    ASSERT_TRUE(WaitUntil([&] { return Stats().done == 200; }));
    EXPECT_TRUE(d.Stop(milliseconds(10000)));
    auto deliveries = deliverer->Deliveries();
    ASSERT_EQ(deliveries.size(), 200u);
    for (auto id : ids) {
        EXPECT_EQ(deliveries[id], 1) << id;
    }
    EXPECT_TRUE(HasLine("b2b_job_deliveries_total{target=\"t\",result=\"ok\"} 200"));
    EXPECT_TRUE(HasLine("b2b_jobs{state=\"done\"} 200"));
    EXPECT_TRUE(HasLine("b2b_jobs{state=\"pending\"} 0"));
    EXPECT_TRUE(HasLine("b2b_job_oldest_pending_age_seconds 0"));
}

TEST_F(DispatcherTest, TransientErrorIsRetriedThenSucceeds) {
    auto ids = Enqueue({{"t", "order:1"}});
    auto deliverer = std::make_shared<ScriptedDeliverer>([](Job const&, int previous) {
        return previous == 0 ? Status(Error::Transient("503 from bitrix24")) : Status{};
    });
    Dispatcher d(queue_, DispatcherOptions{.workers = 2, .poll_interval = milliseconds(5)}, registry_);
    d.Register("t", deliverer);
    d.Start();
    ASSERT_TRUE(WaitUntil([&] { return Stats().done == 1; }));
    d.Stop(milliseconds(10000));
    Job j = Get(ids[0]);
    EXPECT_EQ(j.attempts, 2);
    EXPECT_EQ(j.last_error, "503 from bitrix24");
    EXPECT_EQ(j.last_error_class, "transient");
    EXPECT_TRUE(HasLine("b2b_job_deliveries_total{target=\"t\",result=\"transient\"} 1"));
    EXPECT_TRUE(HasLine("b2b_job_deliveries_total{target=\"t\",result=\"ok\"} 1"));
    EXPECT_TRUE(HasLine("b2b_job_retries_total{target=\"t\"} 1"));
}

TEST_F(DispatcherTest, PermanentErrorIsDeadAfterOneAttempt) {
    auto ids = Enqueue({{"t", "order:1"}});
    auto deliverer =
        std::make_shared<ScriptedDeliverer>([](Job const&, int) { return Status(Error::Permanent("400 bad INN")); });
    Dispatcher d(queue_, DispatcherOptions{.workers = 1, .poll_interval = milliseconds(5)}, registry_);
    d.Register("t", deliverer);
    d.Start();
    ASSERT_TRUE(WaitUntil([&] { return Stats().dead == 1; }));
    d.Stop(milliseconds(10000));
    EXPECT_EQ(deliverer->Deliveries()[ids[0]], 1);
    Job j = Get(ids[0]);
    EXPECT_EQ(j.attempts, 1);
    EXPECT_EQ(j.last_error, "400 bad INN");
    EXPECT_EQ(j.last_error_class, "permanent");
    EXPECT_TRUE(HasLine("b2b_jobs_dead_total{target=\"t\"} 1"));
    EXPECT_TRUE(HasLine("b2b_jobs{state=\"dead\"} 1"));
    EXPECT_FALSE(HasLine("b2b_job_retries_total{target=\"t\"} 1"));
}

TEST_F(DispatcherTest, TransientErrorsUpToMaxAttemptsEndDead) {
    auto ids = Enqueue({{"t", "order:1"}});
    auto deliverer =
        std::make_shared<ScriptedDeliverer>([](Job const&, int) { return Status(Error::Transient("timeout")); });
    Dispatcher d(queue_, DispatcherOptions{.workers = 2, .poll_interval = milliseconds(5)}, registry_);
    d.Register("t", deliverer);
    d.Start();
    ASSERT_TRUE(WaitUntil([&] { return Stats().dead == 1; }));
    d.Stop(milliseconds(10000));
    EXPECT_EQ(deliverer->Deliveries()[ids[0]], 3);
    EXPECT_EQ(Get(ids[0]).attempts, 3);
    EXPECT_TRUE(HasLine("b2b_job_deliveries_total{target=\"t\",result=\"transient\"} 3"));
    EXPECT_TRUE(HasLine("b2b_job_retries_total{target=\"t\"} 2"));
    EXPECT_TRUE(HasLine("b2b_jobs_dead_total{target=\"t\"} 1"));
}

TEST_F(DispatcherTest, PerEntityOrderHoldsUnderFourWorkersWithRetries) {
    constexpr int kEntities = 40;
    constexpr int kPerEntity = 15;
    std::vector<std::pair<std::string, std::string>> work;
    for (int n = 0; n < kPerEntity; ++n) {
        for (int e = 0; e < kEntities; ++e) {
            work.emplace_back(e % 2 == 0 ? "bitrix24.deal" : "site.status", "order:" + std::to_string(e));
        }
    }
    auto ids = Enqueue(work);
    std::map<std::string, std::vector<std::int64_t>> expected;
    for (std::size_t i = 0; i < ids.size(); ++i) {
        expected[work[i].second].push_back(ids[i]);
    }
    // Every 7th job fails once, transiently: its retry must still come before its successors.
    auto script = [](Job const& j, int previous) {
        return j.id % 7 == 0 && previous == 0 ? Status(Error::Transient("flaky")) : Status{};
    };
    auto deals = std::make_shared<ScriptedDeliverer>(script);
    auto site = std::make_shared<ScriptedDeliverer>(script);
    Dispatcher d(queue_, DispatcherOptions{.workers = 4, .batch_size = 8, .poll_interval = milliseconds(5)},
                 registry_);
    d.Register("bitrix24.deal", deals);
    d.Register("site.status", site);
    d.Start();
    ASSERT_TRUE(WaitUntil([&] { return Stats().done == kEntities * kPerEntity; }));
    d.Stop(milliseconds(10000));

    std::map<std::string, std::vector<std::int64_t>> delivered = deals->Order();
    delivered.merge(site->Order());
    ASSERT_EQ(delivered.size(), static_cast<std::size_t>(kEntities));
    for (auto const& [entity, order] : delivered) {
        // Successful deliveries in enqueue order; a retried id appears twice in a row.
        std::vector<std::int64_t> dedup;
        for (auto id : order) {
            if (dedup.empty() || dedup.back() != id) {
                dedup.push_back(id);
            }
        }
        EXPECT_EQ(dedup, expected[entity]) << entity;
    }
    EXPECT_EQ(deals->Overlaps() + site->Overlaps(), 0);
}

TEST_F(DispatcherTest, JobForUnknownTargetIsDeadWithAClearMessage) {
    auto ids = Enqueue({{"erp.order", "order:1"}});
    Dispatcher d(queue_, DispatcherOptions{.workers = 1, .poll_interval = milliseconds(5)}, registry_);
    d.Start();
    ASSERT_TRUE(WaitUntil([&] { return Stats().dead == 1; }));
    d.Stop(milliseconds(10000));
    Job j = Get(ids[0]);
    EXPECT_EQ(j.last_error, "no deliverer registered for target 'erp.order'; check the connector configuration");
    EXPECT_EQ(j.last_error_class, "permanent");
}

class ThrowingDeliverer final : public Deliverer {
public:
    std::vector<Status> DeliverBatch(std::span<Job const>) override { throw std::runtime_error("boom"); }
};

TEST_F(DispatcherTest, ThrowingDelivererFailsItsBatchAsBugAndTheDispatcherLivesOn) {
    auto ids = Enqueue({{"bad", "a"}, {"bad", "b"}, {"good", "c"}});
    auto good = std::make_shared<ScriptedDeliverer>([](Job const&, int) { return Status{}; });
    Dispatcher d(queue_, DispatcherOptions{.workers = 1, .poll_interval = milliseconds(5)}, registry_);
    d.Register("bad", std::make_shared<ThrowingDeliverer>());
    d.Register("good", good);
    d.Start();
    ASSERT_TRUE(WaitUntil([&] { return AllSettled(3); }));
    d.Stop(milliseconds(10000));
    for (auto id : {ids[0], ids[1]}) {
        Job j = Get(id);
        EXPECT_EQ(j.state, JobState::kDead);
        EXPECT_EQ(j.last_error, "deliverer for target 'bad' threw: boom");
        EXPECT_EQ(j.last_error_class, "bug");
    }
    EXPECT_EQ(Get(ids[2]).state, JobState::kDone);
    EXPECT_TRUE(HasLine("b2b_job_deliveries_total{target=\"bad\",result=\"bug\"} 2"));
    EXPECT_TRUE(HasLine("b2b_jobs_dead_total{target=\"bad\"} 2"));
}

TEST_F(DispatcherTest, NotifyWakesIdleWorkersWithoutWaitingForThePoll) {
    auto deliverer = std::make_shared<ScriptedDeliverer>([](Job const&, int) { return Status{}; });
    // An hour-long poll: after the first claim, only Notify can get a job delivered within the
    // test's deadline. The priming job makes the worker claim (and go idle) before the real one.
    Dispatcher d(queue_, DispatcherOptions{.workers = 1, .poll_interval = std::chrono::hours(1)}, registry_);
    d.Register("t", deliverer);
    Enqueue({{"t", "prime"}});
    d.Start();
    ASSERT_TRUE(WaitUntil([&] { return Stats().done == 1; }));
    Enqueue({{"t", "order:1"}});
    d.Notify();
    ASSERT_TRUE(WaitUntil([&] { return Stats().done == 2; }));
    EXPECT_TRUE(d.Stop(milliseconds(10000)));
}

// Blocks in DeliverBatch until the test lets it go: either once Stop has been requested
// (graceful drain) or only when cancelled.
class BlockingDeliverer final : public Deliverer {
public:
    explicit BlockingDeliverer(std::function<bool()> release) : release_(std::move(release)) {}
    std::vector<Status> DeliverBatch(std::span<Job const> jobs) override {
        entered_ = true;
        while (!release_() && !cancelled_) {
            std::this_thread::yield();
        }
        return std::vector<Status>(jobs.size());
    }
    void Cancel() override { cancelled_ = true; }
    std::atomic<bool> entered_{false};
    std::atomic<bool> cancelled_{false};

private:
    std::function<bool()> release_;
};

TEST_F(DispatcherTest, StopWaitsForABatchInFlightToFinish) {
    auto ids = Enqueue({{"t", "order:1"}});
    std::unique_ptr<Dispatcher> d;
    auto deliverer = std::make_shared<BlockingDeliverer>([&] { return d->StopRequested(); });
    d = std::make_unique<Dispatcher>(queue_, DispatcherOptions{.workers = 1, .poll_interval = milliseconds(5)},
                                     registry_);
    d->Register("t", deliverer);
    d->Start();
    ASSERT_TRUE(WaitUntil([&] { return deliverer->entered_.load(); }));
    EXPECT_TRUE(d->Stop(milliseconds(20000)));
    EXPECT_FALSE(deliverer->cancelled_);
    EXPECT_EQ(Get(ids[0]).state, JobState::kDone);
}

TEST_F(DispatcherTest, StopAfterGraceCancelsAndLeavesTheJobForRecovery) {
    auto ids = Enqueue({{"t", "order:1"}});
    auto deliverer = std::make_shared<BlockingDeliverer>([] { return false; });
    {
        Dispatcher d(queue_, DispatcherOptions{.workers = 1, .poll_interval = milliseconds(5)}, registry_);
        d.Register("t", deliverer);
        d.Start();
        ASSERT_TRUE(WaitUntil([&] { return deliverer->entered_.load(); }));
        EXPECT_FALSE(d.Stop(milliseconds(10)));
        EXPECT_TRUE(deliverer->cancelled_);
    }
    // The cancelled batch's result was discarded: the job is still inflight, as after a crash.
    EXPECT_EQ(Get(ids[0]).state, JobState::kInflight);
    EXPECT_EQ(queue_.RecoverInflight().value(), 1);
    EXPECT_EQ(Get(ids[0]).state, JobState::kPending);
    // The registry outlives the dispatcher; its collector must not touch the dead dispatcher.
    EXPECT_EQ(Metrics().find("b2b_jobs{"), std::string::npos);
}

// A target that can be switched off, as the bitrix24 gate is while the portal is unreachable.
class GatedDeliverer final : public Deliverer {
public:
    using Script = std::function<Status(Job const&, GatedDeliverer&)>;
    explicit GatedDeliverer(Script script) : script_(std::move(script)) {}

    std::vector<Status> DeliverBatch(std::span<Job const> jobs) override {
        std::vector<Status> out;
        for (auto const& j : jobs) {
            delivered_++;
            out.push_back(script_(j, *this));
        }
        return out;
    }
    std::optional<Unavailable> Availability() const override {
        if (closed_.load()) {
            return Unavailable{"portal unreachable", milliseconds(1000)};
        }
        return std::nullopt;
    }
    void SetClosed(bool closed) { closed_ = closed; }
    int delivered() const { return delivered_.load(); }

private:
    Script script_;
    std::atomic<bool> closed_{false};
    std::atomic<int> delivered_{0};
};

std::uint64_t CounterValue(std::string const& metrics, std::string const& series) {
    auto const at = metrics.find("\n" + series + " ");
    return at == std::string::npos ? 0 : std::stoull(metrics.substr(at + series.size() + 2));
}

TEST_F(DispatcherTest, JobsOfAnUnavailableTargetWaitWithoutSpendingAttempts) {
    auto ids = Enqueue({{"t", "order:1"}, {"t", "order:2"}, {"t", "order:3"}});
    auto deliverer = std::make_shared<GatedDeliverer>([](Job const&, GatedDeliverer&) { return Status{}; });
    deliverer->SetClosed(true);
    Dispatcher d(queue_, DispatcherOptions{.workers = 2, .poll_interval = milliseconds(5)}, registry_);
    d.Register("t", deliverer);
    d.Start();
    // Many more rounds than max_attempts (3): without the gate every job would be dead by now.
    for (std::uint64_t round = 1; round <= 5; ++round) {
        ASSERT_TRUE(WaitUntil([&] {
            return CounterValue(Metrics(), R"(b2b_job_deferrals_total{target="t"})") == 3 * round;
        })) << Metrics();
        for (auto id : ids) {
            Job j = Get(id);
            EXPECT_EQ(j.state, JobState::kPending);
            EXPECT_EQ(j.attempts, 0);
            EXPECT_EQ(j.last_error, "portal unreachable");
            EXPECT_EQ(j.next_at, clock_.NowMillis() + 1000) << "due again after the deliverer's retry_after";
        }
        clock_.Advance(milliseconds(1000));
    }
    EXPECT_EQ(deliverer->delivered(), 0);
    deliverer->SetClosed(false);
    ASSERT_TRUE(WaitUntil([&] { return Stats().done == 3; }));
    d.Stop(milliseconds(10000));
    for (auto id : ids) {
        EXPECT_EQ(Get(id).attempts, 1);
    }
    EXPECT_EQ(Stats().dead, 0);
}

TEST_F(DispatcherTest, TransientFailuresOfTheBatchThatFoundTheTargetGoneAreDeferred) {
    auto ids = Enqueue({{"t", "order:1"}, {"t", "order:2"}});
    auto deliverer = std::make_shared<GatedDeliverer>([](Job const& job, GatedDeliverer& self) {
        if (job.entity_key == "order:2") {
            return Status(Error::Permanent("400 bad INN"));  // not the outage's fault: dead as usual
        }
        self.SetClosed(true);  // connection refused: the portal went away under this batch
        return Status(Error::Transient("connect refused"));
    });
    Dispatcher d(queue_, DispatcherOptions{.workers = 1, .batch_size = 8, .poll_interval = milliseconds(5)},
                 registry_);
    d.Register("t", deliverer);
    d.Start();
    ASSERT_TRUE(WaitUntil([&] { return Stats().dead == 1 && Get(ids[0]).state == JobState::kPending; }));
    d.Stop(milliseconds(10000));
    EXPECT_EQ(Get(ids[0]).attempts, 0) << "a job the outage failed keeps its attempt";
    EXPECT_EQ(Get(ids[1]).attempts, 1);
    EXPECT_EQ(CounterValue(Metrics(), R"(b2b_job_deferrals_total{target="t"})"), 1u);
    EXPECT_EQ(CounterValue(Metrics(), R"(b2b_job_deliveries_total{target="t",result="transient"})"), 0u);
}

}  // namespace
}  // namespace b2b::sync
