// `b2bsync status` and `b2bsync jobs list|retry|drop` on a real store, and the retried job then
// delivered by the real daemon.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/store/database.hpp"
#include "core/store/job_queue.hpp"
#include "tests/integration/enqueue.hpp"
#include "tests/support/daemon_harness.hpp"
#include "tests/support/http_sink.hpp"

namespace b2b::test {
namespace {

using ::testing::HasSubstr;

// Marks job `id` dead the way a deliverer's permanent error does.
void KillJob(std::filesystem::path const& db_path, std::int64_t id, std::string const& reason) {
    auto db = store::Database::Open(db_path);
    ASSERT_TRUE(db.has_value());
    store::JobQueue queue(**db, SystemClock::Instance(), store::RetryPolicy{});
    auto claimed = queue.Claim(100, std::chrono::seconds(30));
    ASSERT_TRUE(claimed.has_value());
    std::vector<std::int64_t> others;
    for (auto const& job : *claimed) {
        if (job.id == id) {
            ASSERT_TRUE(queue.Fail(id, Error::Permanent(reason)).has_value());
        }
    }
    ASSERT_TRUE(queue.RecoverInflight().has_value());
}

TEST(JobsCli, ListRetryDropAndStatusOnARealStore) {
    HttpSink sink;
    DaemonHarness daemon(B2B_DAEMON_PATH);
    daemon.WriteConfig(DaemonHarness::DefaultConfig("  sink:\n    url: " + sink.Url() + "\n"));

    // Before the daemon ever ran: the CLI refuses to invent an empty store.
    auto none = daemon.Cli({"status", "--config", daemon.ConfigPath().string()});
    EXPECT_EQ(none.exit_code, 69);
    EXPECT_THAT(none.output, HasSubstr("no database at " + daemon.DatabasePath().string()));

    std::filesystem::create_directories(daemon.StateDir());
    EnqueueJobs(daemon.DatabasePath(), "sink", 0, 3, 3, "cli");
    KillJob(daemon.DatabasePath(), 2, "sink: HTTP 422: order 2 rejected");

    auto status = daemon.Cli({"status", "--config", daemon.ConfigPath().string()});
    EXPECT_EQ(status.exit_code, 0) << status.output;
    EXPECT_THAT(status.output, HasSubstr("daemon:          not running\n"));
    EXPECT_THAT(status.output, HasSubstr("jobs:            pending 2, inflight 0, done 0, dead 1\n"));
    EXPECT_THAT(status.output, HasSubstr("1 dead job(s)"));

    auto dead = daemon.Cli({"jobs", "list", "--config", daemon.ConfigPath().string(), "--state", "dead"});
    EXPECT_EQ(dead.exit_code, 0) << dead.output;
    EXPECT_THAT(dead.output, HasSubstr("[permanent] sink: HTTP 422: order 2 rejected"));
    EXPECT_THAT(dead.output, HasSubstr("1 job(s)\n"));
    EXPECT_THAT(dead.output, ::testing::Not(HasSubstr("{\"job\"")));  // payloads never printed

    auto drop = daemon.Cli({"jobs", "drop", "--config", daemon.ConfigPath().string(), "3"});
    EXPECT_EQ(drop.exit_code, 0) << drop.output;
    EXPECT_EQ(drop.output, "job 3: dropped\n");
    auto missing = daemon.Cli({"jobs", "drop", "--config", daemon.ConfigPath().string(), "999"});
    EXPECT_EQ(missing.exit_code, 64);
    EXPECT_THAT(missing.output, HasSubstr("job 999:"));

    auto retry = daemon.Cli({"jobs", "retry", "--config", daemon.ConfigPath().string(), "--all-dead"});
    EXPECT_EQ(retry.exit_code, 0) << retry.output;
    EXPECT_EQ(retry.output, "job 2: pending, will be delivered shortly\n");

    daemon.Start();
    ASSERT_TRUE(WaitUntil([&] { return sink.DistinctKeys() == 2; }, std::chrono::seconds(15)));
    std::set<std::string> keys;
    for (auto const& d : sink.Deliveries()) {
        keys.insert(d.idempotency_key);
    }
    EXPECT_EQ(keys, (std::set<std::string>{"cli-0", "cli-1"}));
    EXPECT_EQ(daemon.Stop(), 0);

    auto after = daemon.Cli({"status", "--config", daemon.ConfigPath().string()});
    EXPECT_THAT(after.output, HasSubstr("jobs:            pending 0, inflight 0, done 2, dead 0\n"));
    auto help = daemon.Cli({"jobs", "retry", "--help"});
    EXPECT_EQ(help.exit_code, 0);
    EXPECT_THAT(help.output, HasSubstr("--all-dead"));
}

}  // namespace
}  // namespace b2b::test
