// The mappings as the real daemon uses them: refused at start with every problem and exit 78,
// checked by check-config, and on SIGHUP replaced only when valid.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/support/daemon_harness.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/process.hpp"

namespace b2b::test {
namespace {

using ::testing::HasSubstr;
namespace fs = std::filesystem;

/// A copy of the shipped mappings in the harness's directory, and a config pointing at it.
fs::path UseCopyOfShippedMappings(DaemonHarness& daemon) {
    fs::path const dir = daemon.dir() / "mappings";
    fs::copy(fs::path(B2B_SOURCE_DIR) / "mappings" / "default", dir, fs::copy_options::recursive);
    std::string cfg = DaemonHarness::DefaultConfig("");
    std::string const shipped = std::string(B2B_SOURCE_DIR) + "/mappings/default";
    cfg.replace(cfg.find(shipped), shipped.size(), dir.string());
    daemon.WriteConfig(cfg);
    return dir;
}

/// Replaces the first `from` in `file` with `to`.
void Edit(fs::path const& file, std::string const& from, std::string const& to) {
    std::ifstream in(file);
    std::stringstream text;
    text << in.rdbuf();
    std::string s = text.str();
    ASSERT_NE(s.find(from), std::string::npos) << from;
    s.replace(s.find(from), from.size(), to);
    std::ofstream(file, std::ios::trunc) << s;
}

TEST(Mappings, BadMappingsRefuseToStartWithExitCode78AndEveryProblem) {
    DaemonHarness daemon(B2B_DAEMON_PATH);
    fs::path const dir = UseCopyOfShippedMappings(daemon);
    Edit(dir / "deal.yaml", "OPPORTUNITY: order.total", "OPPORTUNITY: order.totl");
    Edit(dir / "tables.yaml", "key: stage", "key: stag");
    auto& child = daemon.Spawn();
    auto code = child.Wait(std::chrono::seconds(20));
    ASSERT_TRUE(code.has_value());
    EXPECT_EQ(*code, 78);
    EXPECT_THAT(daemon.Log(), HasSubstr((dir / "deal.yaml").string() +
                                        ":15:16: unknown path \"order.totl\"; did you mean \"order.total\"?\n"));
    EXPECT_THAT(daemon.Log(), HasSubstr((dir / "tables.yaml").string() +
                                        ":11:3: table \"statuses\": key column \"stag\" is not a column of its rows; "
                                        "did you mean \"stage\"?\n"));
    EXPECT_THAT(daemon.Log(), HasSubstr("problem(s) in the mappings in " + dir.string() + "; not starting\n"));

    auto check = daemon.Cli({"check-config", daemon.ConfigPath().string()});
    EXPECT_EQ(check.exit_code, 78);
    EXPECT_THAT(check.output, HasSubstr((dir / "deal.yaml").string() + ":15:16: unknown path \"order.totl\""));
}

TEST(Mappings, ReloadKeepsTheRunningMappingsWhenInvalidAndTakesThemWhenFixed) {
    DaemonHarness daemon(B2B_DAEMON_PATH);
    fs::path const dir = UseCopyOfShippedMappings(daemon);
    daemon.Start();
    EXPECT_THAT(daemon.LogSinceStart(), HasSubstr("msg=compiled dir=" + dir.string() + " mappings=7"));

    Edit(dir / "deal.yaml", "table(managers)", "table(manager)");
    daemon.process().Signal(SIGHUP);
    ASSERT_TRUE(WaitUntil(
        [&] {
            return daemon.LogSinceStart().find("keeping the running configuration and mappings") != std::string::npos;
        },
        std::chrono::seconds(10)))
        << daemon.LogSinceStart();
    EXPECT_THAT(daemon.LogSinceStart(), HasSubstr("component=mappings msg=\"reload rejected\" problem=\"" +
                                                  (dir / "deal.yaml").string() + ":19:67: unknown table"));
    HttpClient admin("127.0.0.1", daemon.admin_port());
    EXPECT_THAT(admin.Get("/metrics").body, HasSubstr("b2b_config_reloads_total{result=\"rejected\"} 1\n"));
    EXPECT_EQ(admin.Get("/healthz").status, 200);

    Edit(dir / "deal.yaml", "table(manager)", "table(managers)");
    daemon.process().Signal(SIGHUP);
    ASSERT_TRUE(
        WaitUntil([&] { return daemon.LogSinceStart().find("component=mappings msg=reloaded") != std::string::npos; },
                  std::chrono::seconds(10)))
        << daemon.LogSinceStart();
    EXPECT_THAT(admin.Get("/metrics").body, HasSubstr("b2b_config_reloads_total{result=\"ok\"} 1\n"));
    admin.Close();
    EXPECT_EQ(daemon.Stop(), 0);
}

}  // namespace
}  // namespace b2b::test
