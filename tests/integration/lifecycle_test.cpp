// The daemon's life as systemd and an admin see it: READY/WATCHDOG/STOPPING over NOTIFY_SOCKET,
// health endpoints, graceful SIGTERM, a second instance refused, SIGHUP reloads.
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <csignal>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/integration/enqueue.hpp"
#include "tests/support/daemon_harness.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/http_sink.hpp"

namespace b2b::test {
namespace {

using ::testing::HasSubstr;

/// A NOTIFY_SOCKET of our own: a unix datagram socket collecting sd_notify messages.
class NotifySocket {
public:
    explicit NotifySocket(std::filesystem::path path) : path_(std::move(path)) {
        fd_ = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        std::strncpy(addr.sun_path, path_.c_str(), sizeof(addr.sun_path) - 1);
        if (bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
            throw std::runtime_error("cannot bind notify socket " + path_.string());
        }
    }
    ~NotifySocket() { close(fd_); }

    /// Waits up to `timeout` for a datagram containing `what`; returns every message seen.
    bool WaitFor(std::string const& what, std::chrono::milliseconds timeout) {
        auto const deadline = std::chrono::steady_clock::now() + timeout;
        while (std::chrono::steady_clock::now() < deadline) {
            for (auto const& m : messages_) {
                if (m.find(what) != std::string::npos) {
                    return true;
                }
            }
            pollfd p{fd_, POLLIN, 0};
            if (poll(&p, 1, 50) > 0) {
                char buf[4096];
                ssize_t const n = recv(fd_, buf, sizeof buf, 0);
                if (n > 0) {
                    messages_.emplace_back(buf, static_cast<std::size_t>(n));
                }
            }
        }
        return false;
    }
    int Count(std::string const& what) const {
        int n = 0;
        for (auto const& m : messages_) {
            n += m.find(what) != std::string::npos ? 1 : 0;
        }
        return n;
    }
    std::string const& path() const { return path_.native(); }

private:
    std::filesystem::path path_;
    int fd_ = -1;
    std::vector<std::string> messages_;
};

TEST(Lifecycle, NotifiesSystemdServesHealthAndStopsGracefully) {
    DaemonHarness daemon(B2B_DAEMON_PATH);
    daemon.WriteConfig(DaemonHarness::DefaultConfig(""));
    NotifySocket notify(daemon.dir() / "notify.sock");
    // WATCHDOG_USEC=200ms: the daemon must ping every 100 ms from its event loop.
    daemon.Start({{"NOTIFY_SOCKET", notify.path()}, {"WATCHDOG_USEC", "200000"}});

    EXPECT_TRUE(notify.WaitFor("READY=1", std::chrono::seconds(10)));
    ASSERT_TRUE(notify.WaitFor("WATCHDOG=1", std::chrono::seconds(5)));
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    notify.WaitFor("never", std::chrono::milliseconds(100));
    EXPECT_GE(notify.Count("WATCHDOG=1"), 3) << "watchdog pings must keep coming";

    HttpClient admin("127.0.0.1", daemon.admin_port());
    auto health = admin.Get("/healthz");
    EXPECT_EQ(health.status, 200);
    EXPECT_EQ(health.body, "ok\n");
    auto ready = admin.Get("/readyz");
    EXPECT_EQ(ready.status, 200);
    EXPECT_EQ(ready.body, "ready\nstore: ok\ndispatcher: ok (4 workers, 0 targets)\n");
    auto metrics = admin.Get("/metrics");
    EXPECT_EQ(metrics.status, 200);
    EXPECT_EQ(metrics.Header("content-type"), "text/plain; version=0.0.4; charset=utf-8");
    EXPECT_THAT(metrics.body, HasSubstr("b2b_jobs{state=\"pending\"} 0\n"));
    EXPECT_THAT(metrics.body, HasSubstr("b2b_job_oldest_pending_age_seconds 0\n"));
    EXPECT_THAT(metrics.body, HasSubstr("b2b_http_requests_total{listener=\"admin\",route=\"/readyz\",status=\"200\"} 1\n"));
    EXPECT_THAT(metrics.body, HasSubstr("b2b_build_info{version=\"0.1.0\",instance=\"test\"} 1\n"));
    EXPECT_THAT(metrics.body, HasSubstr("process_resident_memory_bytes "));
    admin.Close();

    EXPECT_EQ(daemon.Stop(), 0);
    EXPECT_TRUE(notify.WaitFor("STOPPING=1", std::chrono::seconds(5)));
    EXPECT_THAT(daemon.LogSinceStart(), HasSubstr("msg=stopped"));
}

TEST(Lifecycle, SecondInstanceOnTheSameStateDirectoryIsRefusedAndTheFirstKeepsServing) {
    DaemonHarness first(B2B_DAEMON_PATH);
    first.WriteConfig(DaemonHarness::DefaultConfig(""));
    first.Start();
    auto const result = first.Cli({"run", "--config", first.ConfigPath().string()});
    EXPECT_EQ(result.exit_code, 1);
    EXPECT_THAT(result.output, HasSubstr("b2bsync: cannot start: another b2bsync is already running on state directory " +
                                         first.StateDir().string() + " (pid " +
                                         std::to_string(first.process().pid()) + ")"));
    HttpClient admin("127.0.0.1", first.admin_port());
    EXPECT_EQ(admin.Get("/healthz").status, 200);
    EXPECT_EQ(admin.Get("/readyz").status, 200);
    EXPECT_EQ(first.Stop(), 0);
}

TEST(Lifecycle, SighupAppliesAValidConfigAndKeepsTheRunningOneWhenInvalid) {
    HttpSink old_sink;
    HttpSink new_sink;
    DaemonHarness daemon(B2B_DAEMON_PATH);
    daemon.WriteConfig(DaemonHarness::DefaultConfig("  sink:\n    url: " + old_sink.Url() + "\n"));
    NotifySocket notify(daemon.dir() / "notify.sock");
    daemon.Start({{"NOTIFY_SOCKET", notify.path()}});
    ASSERT_TRUE(notify.WaitFor("READY=1", std::chrono::seconds(10)));

    // Valid: the target's URL moves to the new sink, the log level changes, a listener change is
    // reported as needing a restart.
    std::string cfg = DaemonHarness::DefaultConfig("  sink:\n    url: " + new_sink.Url() + "\n");
    cfg.replace(cfg.find("level: info"), 11, "level: debug");
    cfg.replace(cfg.find("max_connections: 64"), 19, "max_connections: 65");
    daemon.WriteConfig(cfg);
    daemon.process().Signal(SIGHUP);
    ASSERT_TRUE(WaitUntil([&] { return daemon.LogSinceStart().find("msg=reloaded") != std::string::npos; },
                          std::chrono::seconds(10)))
        << daemon.LogSinceStart();
    EXPECT_TRUE(notify.WaitFor("RELOADING=1", std::chrono::seconds(5)));
    EXPECT_THAT(daemon.LogSinceStart(),
                HasSubstr("msg=\"changed key needs a restart to take effect; keeping the running value\" "
                          "key=server.max_connections"));

    HttpClient admin("127.0.0.1", daemon.admin_port());
    EXPECT_THAT(admin.Get("/metrics").body, HasSubstr("b2b_config_reloads_total{result=\"ok\"} 1\n"));
    // The new URL is live for the next deliveries.
    EnqueueJobs(daemon.DatabasePath(), "sink", 0, 3, 3, "after-reload");
    ASSERT_TRUE(WaitUntil([&] { return new_sink.DistinctKeys() == 3; }, std::chrono::seconds(10)));
    EXPECT_EQ(old_sink.Requests(), 0u);

    // Invalid: every problem logged with file:line:col, the running config stays, still serving.
    daemon.WriteConfig(cfg + "queue_typo: 1\n");
    daemon.process().Signal(SIGHUP);
    ASSERT_TRUE(WaitUntil([&] { return daemon.LogSinceStart().find("keeping the running configuration") !=
                                       std::string::npos; },
                          std::chrono::seconds(10)));
    std::string const config_path = daemon.ConfigPath().string();
    auto const typo_line = std::count(cfg.begin(), cfg.end(), '\n') + 1;
    EXPECT_THAT(daemon.LogSinceStart(), HasSubstr("msg=\"reload rejected\" problem=\"" + config_path + ":" +
                                                  std::to_string(typo_line) + ":1: unknown key"));
    EXPECT_THAT(admin.Get("/metrics").body, HasSubstr("b2b_config_reloads_total{result=\"rejected\"} 1\n"));
    EXPECT_EQ(admin.Get("/healthz").status, 200);
    admin.Close();
    EXPECT_EQ(daemon.Stop(), 0);
}

TEST(Lifecycle, InvalidConfigRefusesToStartWithExitCode78AndEveryProblem) {
    DaemonHarness daemon(B2B_DAEMON_PATH);
    daemon.WriteConfig("instance: x\nserver:\n  lisen: \"127.0.0.1:0\"\nqueue:\n  workers: eight\n");
    auto& child = daemon.Spawn();
    auto code = child.Wait(std::chrono::seconds(20));
    ASSERT_TRUE(code.has_value());
    EXPECT_EQ(*code, 78);
    std::string const path = daemon.ConfigPath().string();
    EXPECT_THAT(daemon.Log(), HasSubstr(path + ":3:3: unknown key \"lisen\" in \"server\"; did you mean \"listen\"?\n"));
    EXPECT_THAT(daemon.Log(), HasSubstr(path + ":5:12: \"queue.workers\": expected an integer, got \"eight\"\n"));
    EXPECT_THAT(daemon.Log(), HasSubstr("b2bsync: 2 problem(s) in " + path + "; not starting\n"));
}

TEST(CheckConfig, ExitsZeroOnTheShippedExampleAnd78WithMessagesOnABadFile) {
    DaemonHarness harness(B2B_DAEMON_PATH);
    auto const example = std::filesystem::path(B2B_SOURCE_DIR) / "config" / "b2bsync.example.yaml";
    auto ok = harness.Cli({"check-config", example.string()});
    EXPECT_EQ(ok.exit_code, 0) << ok.output;
    EXPECT_EQ(ok.output, example.string() + ": ok\n");

    auto bad_path = harness.dir().WriteFile("bad.yaml", "targets:\n  sink:\n    url: \"htp:/x\"\n    timeout: 10 minutes\n");
    auto bad = harness.Cli({"check-config", bad_path.string()});
    EXPECT_EQ(bad.exit_code, 78);
    EXPECT_THAT(bad.output, HasSubstr(bad_path.string() + ":3:10: \"targets.sink.url\": invalid URL \"htp:/x\""));
    EXPECT_THAT(bad.output, HasSubstr(bad_path.string() + ":4:14: \"targets.sink.timeout\": invalid duration"));
    EXPECT_THAT(bad.output, HasSubstr("2 problem(s) in " + bad_path.string()));
}

}  // namespace
}  // namespace b2b::test
