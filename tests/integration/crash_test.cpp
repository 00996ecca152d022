// At-least-once under crashes: the real daemon delivers thousands of jobs to a loopback sink that
// fails some requests and loses some replies, and is killed with SIGKILL at random moments, then
// restarted. At the end every job has arrived (by idempotency key), none is lost, each entity's
// jobs first arrived in order, and the store agrees that every job is done.
#include <random>
#include <set>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/store/database.hpp"
#include "core/store/job_queue.hpp"
#include "tests/integration/enqueue.hpp"
#include "tests/support/daemon_harness.hpp"
#include "tests/support/http_sink.hpp"

namespace b2b::test {
namespace {

constexpr int kInitialJobs = 3000;
constexpr int kLateJobs = 1000;  // enqueued while the daemon runs and crashes
constexpr int kEntities = 200;
constexpr int kCrashes = 8;

TEST(CrashRecovery, SigkillAtRandomMomentsLosesNoJobAndKeepsPerEntityOrder) {
    std::uint64_t const seed = std::random_device{}();
    std::mt19937_64 rng(seed);
    SCOPED_TRACE("seed " + std::to_string(seed));

    HttpSink sink(HttpSink::Options{.fail_ratio = 0.05, .lose_reply_ratio = 0.02, .seed = seed});
    DaemonHarness daemon(B2B_DAEMON_PATH);
    daemon.WriteConfig(DaemonHarness::DefaultConfig("  sink:\n    url: " + sink.Url() + "\n    timeout: 2s\n"));
    std::filesystem::create_directories(daemon.StateDir());
    EnqueueJobs(daemon.DatabasePath(), "sink", 0, kInitialJobs, kEntities, "job");

    // More work arrives while the daemon runs and dies: the producer commits in small
    // transactions, as a connector would.
    std::atomic<bool> producing{true};
    std::thread producer([&] {
        for (int i = 0; i < kLateJobs; i += 50) {
            EnqueueJobs(daemon.DatabasePath(), "sink", kInitialJobs + i, 50, kEntities, "job", 50);
            std::this_thread::sleep_for(std::chrono::milliseconds(40));
        }
        producing = false;
    });

    std::uniform_int_distribution<int> uptime_ms(150, 900);
    for (int crash = 0; crash < kCrashes; ++crash) {
        daemon.Start();
        std::this_thread::sleep_for(std::chrono::milliseconds(uptime_ms(rng)));
        daemon.Crash();
    }
    producer.join();
    daemon.Start();

    int const total = kInitialJobs + kLateJobs;
    bool const all = WaitUntil([&] { return sink.DistinctKeys() == static_cast<std::size_t>(total); },
                               std::chrono::seconds(180));
    EXPECT_EQ(daemon.Stop(), 0);
    ASSERT_TRUE(all) << "delivered " << sink.DistinctKeys() << " of " << total;

    // Every key is one we enqueued; duplicates are allowed (at least once), losses are not.
    auto const deliveries = sink.Deliveries();
    std::map<std::string, std::uint64_t> first_arrival;
    for (auto const& d : deliveries) {
        first_arrival.emplace(d.idempotency_key, d.sequence);
    }
    ASSERT_EQ(first_arrival.size(), static_cast<std::size_t>(total));
    for (int i = 0; i < total; ++i) {
        ASSERT_TRUE(first_arrival.contains("job-" + std::to_string(i))) << "job-" << i << " never arrived";
    }
    // Per entity, job i+kEntities was enqueued after job i: it must first arrive after it.
    for (int i = 0; i + kEntities < total; ++i) {
        EXPECT_LT(first_arrival["job-" + std::to_string(i)], first_arrival["job-" + std::to_string(i + kEntities)])
            << "entity e" << (i % kEntities) << ": job-" << i + kEntities << " overtook job-" << i;
    }

    auto db = store::Database::Open(daemon.DatabasePath());
    ASSERT_TRUE(db.has_value());
    store::JobQueue queue(**db, SystemClock::Instance(), store::RetryPolicy{});
    auto stats = queue.Stats();
    ASSERT_TRUE(stats.has_value());
    EXPECT_EQ(stats->done, total);
    EXPECT_EQ(stats->pending + stats->inflight + stats->dead, 0);

    std::cout << "[crash test] seed=" << seed << " jobs=" << total << " crashes=" << kCrashes
              << " requests=" << sink.Requests() << " deliveries=" << deliveries.size()
              << " duplicates=" << deliveries.size() - first_arrival.size() << " injected_503=" << sink.Failed()
              << " lost_replies=" << sink.LostReplies() << "\n";
}

}  // namespace
}  // namespace b2b::test
