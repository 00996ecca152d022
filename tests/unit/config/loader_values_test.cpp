#include "core/config/loader.hpp"

#include <sstream>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "tests/support/temp_dir.hpp"
#include "tests/unit/config/test_env.hpp"

namespace b2b::config {
namespace {

using namespace std::chrono_literals;

AppConfig LoadOk(std::string_view yaml, Environment const& env = test::EnvOf(),
                 std::string const& label = "/etc/b2bsync/b2bsync.yaml") {
    auto outcome = LoadString(yaml, label, env);
    for (auto const& d : outcome.diagnostics) {
        ADD_FAILURE() << d.ToString();
    }
    EXPECT_TRUE(outcome.ok());
    if (!outcome.config) {
        return DefaultConfig();
    }
    return *outcome.config;
}

TEST(ConfigValues, DefaultsAppliedToEveryKey) {
    AppConfig const c = LoadOk("{}\n");
    EXPECT_EQ(c.instance, "main");
    EXPECT_EQ(c.state_dir, "/var/lib/b2bsync");
    EXPECT_EQ(c.log.level, log::Level::kInfo);
    EXPECT_EQ(c.server.listen, (ListenAddress{"0.0.0.0", 8080}));
    EXPECT_EQ(c.server.max_body, 64u * 1024 * 1024);
    EXPECT_EQ(c.server.header_timeout, 10s);
    EXPECT_EQ(c.server.request_timeout, 120s);
    EXPECT_EQ(c.server.idle_timeout, 60s);
    EXPECT_EQ(c.server.max_connections, 256);
    EXPECT_EQ(c.admin.listen, (ListenAddress{"127.0.0.1", 9090}));
    EXPECT_EQ(c.store.path, "/var/lib/b2bsync/b2bsync.db");
    EXPECT_EQ(c.store.busy_timeout, 5s);
    EXPECT_EQ(c.store.done_retention, 7 * 24h);
    EXPECT_EQ(c.queue.workers, 4);
    EXPECT_EQ(c.queue.batch_size, 64);
    EXPECT_EQ(c.queue.lease, 60s);
    EXPECT_EQ(c.queue.max_attempts, 10);
    EXPECT_EQ(c.queue.poll_interval, 500ms);
    EXPECT_EQ(c.queue.backoff.initial, 1s);
    EXPECT_DOUBLE_EQ(c.queue.backoff.multiplier, 2.0);
    EXPECT_EQ(c.queue.backoff.max, 15min);
    EXPECT_DOUBLE_EQ(c.queue.backoff.jitter, 0.2);
    EXPECT_EQ(c.shutdown.grace, 20s);
    EXPECT_TRUE(c.targets.empty());
}

TEST(ConfigValues, DefaultConfigEqualsLoadingAnEmptyMap) {
    AppConfig const c = DefaultConfig();
    EXPECT_EQ(c.queue.workers, 4);
    EXPECT_EQ(c.state_dir, "/var/lib/b2bsync");
}

TEST(ConfigValues, EveryKeyBindsIntoTheTypedStruct) {
    AppConfig const c = LoadOk(R"(instance: eu-1
state_dir: /srv/b2b
log: {level: debug}
server:
  listen: "[::]:8443"
  max_body: 1GB
  header_timeout: 5s
  request_timeout: 1h30m
  idle_timeout: 2m
  max_connections: 1000
admin:
  listen: localhost:9100
store:
  path: /data/state.db
  busy_timeout: 250ms
  done_retention: 30d
queue:
  workers: 64
  batch_size: 1000
  lease: 2m
  max_attempts: 1
  poll_interval: 1s
  backoff: {initial: 500ms, multiplier: 1.5, max: 1h, jitter: 0}
shutdown:
  grace: 45s
targets:
  sink:
    url: https://hooks.example.com/b2b?x=1
    timeout: 3s
    token: literal-token
  audit:
    url: http://10.0.0.7:8080/in
)");
    EXPECT_EQ(c.instance, "eu-1");
    EXPECT_EQ(c.state_dir, "/srv/b2b");
    EXPECT_EQ(c.log.level, log::Level::kDebug);
    EXPECT_EQ(c.server.listen, (ListenAddress{"::", 8443}));
    EXPECT_EQ(c.server.max_body, 1'000'000'000u);
    EXPECT_EQ(c.server.header_timeout, 5s);
    EXPECT_EQ(c.server.request_timeout, 90min);
    EXPECT_EQ(c.server.idle_timeout, 2min);
    EXPECT_EQ(c.server.max_connections, 1000);
    EXPECT_EQ(c.admin.listen, (ListenAddress{"localhost", 9100}));
    EXPECT_EQ(c.store.path, "/data/state.db");
    EXPECT_EQ(c.store.busy_timeout, 250ms);
    EXPECT_EQ(c.store.done_retention, 30 * 24h);
    EXPECT_EQ(c.queue.workers, 64);
    EXPECT_EQ(c.queue.batch_size, 1000);
    EXPECT_EQ(c.queue.lease, 2min);
    EXPECT_EQ(c.queue.max_attempts, 1);
    EXPECT_EQ(c.queue.poll_interval, 1s);
    EXPECT_EQ(c.queue.backoff.initial, 500ms);
    EXPECT_DOUBLE_EQ(c.queue.backoff.multiplier, 1.5);
    EXPECT_EQ(c.queue.backoff.max, 1h);
    EXPECT_DOUBLE_EQ(c.queue.backoff.jitter, 0.0);
    EXPECT_EQ(c.shutdown.grace, 45s);
    ASSERT_EQ(c.targets.size(), 2u);
    EXPECT_EQ(c.targets.at("sink").url, "https://hooks.example.com/b2b?x=1");
    EXPECT_EQ(c.targets.at("sink").timeout, 3s);
    EXPECT_EQ(c.targets.at("sink").token.Reveal(), "literal-token");
    EXPECT_EQ(c.targets.at("audit").url, "http://10.0.0.7:8080/in");
    EXPECT_EQ(c.targets.at("audit").timeout, 10s);
    EXPECT_TRUE(c.targets.at("audit").token.IsEmpty());
}

TEST(ConfigValues, EnvironmentSubstitutionEmbeddedDefaultAndEscape) {
    auto const env = test::EnvOf({{"HOST", "10.1.2.3"}, {"B2B_WORKERS", "8"}, {"SINK_TOKEN", "tok"}});
    AppConfig const c = LoadOk(R"(instance: "cost $${NOT_A_VAR} ${MISSING:-eu}"
server:
  listen: "${HOST}:8080"
admin:
  listen: "${ADMIN_HOST:-127.0.0.1}:${ADMIN_PORT:-9191}"
queue:
  workers: ${B2B_WORKERS}
targets:
  sink:
    url: "${B2B_SINK_URL:-http://127.0.0.1:9999/hook}"
    token: ${SINK_TOKEN}
)",
                               env);
    EXPECT_EQ(c.instance, "cost ${NOT_A_VAR} eu");
    EXPECT_EQ(c.server.listen, (ListenAddress{"10.1.2.3", 8080}));
    EXPECT_EQ(c.admin.listen, (ListenAddress{"127.0.0.1", 9191}));
    EXPECT_EQ(c.queue.workers, 8);
    EXPECT_EQ(c.targets.at("sink").url, "http://127.0.0.1:9999/hook");
    EXPECT_EQ(c.targets.at("sink").token.Reveal(), "tok");
}

TEST(ConfigValues, SubstitutedValueIsStillValidated) {
    auto outcome = LoadString("queue:\n  workers: ${W}\n", "b2bsync.yaml", test::EnvOf({{"W", "many"}}));
    ASSERT_EQ(outcome.diagnostics.size(), 1u);
    EXPECT_EQ(outcome.diagnostics[0].ToString(),
              "b2bsync.yaml:2:12: \"queue.workers\": expected an integer, got \"many\"");
}

TEST(ConfigValues, CredentialFilesRelativeToCredentialsDirAndAbsolute) {
    b2b::test::TempDir creds;
    creds.WriteFile("sink_token", "from-credentials\n");
    auto const abs = creds.WriteFile("elsewhere/audit.token", "from-absolute");
    AppConfig const c = LoadOk("targets:\n"
                               "  sink: {url: \"http://h/\", token: \"file:sink_token\"}\n"
                               "  audit: {url: \"http://h/\", token: \"file:" + abs.string() + "\"}\n",
                               test::EnvOf({}, creds.path()));
    EXPECT_EQ(c.targets.at("sink").token.Reveal(), "from-credentials");
    EXPECT_EQ(c.targets.at("audit").token.Reveal(), "from-absolute");
}

TEST(ConfigValues, StateDirResolution) {
    // Relative: against the config file's directory; store.path joins state_dir.
    AppConfig const relative = LoadOk("state_dir: ../var/b2bsync\n", test::EnvOf(), "/opt/b2b/config/b2bsync.yaml");
    EXPECT_EQ(relative.state_dir, "/opt/b2b/var/b2bsync");
    EXPECT_EQ(relative.store.path, "/opt/b2b/var/b2bsync/b2bsync.db");
    // Empty: systemd's $STATE_DIRECTORY (first of several).
    AppConfig const systemd =
        LoadOk("store: {path: sub/s.db}\n", test::EnvOf({{"STATE_DIRECTORY", "/var/lib/b2bsync:/var/lib/other"}}));
    EXPECT_EQ(systemd.state_dir, "/var/lib/b2bsync");
    EXPECT_EQ(systemd.store.path, "/var/lib/b2bsync/sub/s.db");
}

TEST(ConfigValues, LoadFileResolvesAgainstTheFilesDirectory) {
    b2b::test::TempDir dir;
    auto const file = dir.WriteFile("etc/b2bsync.yaml", "state_dir: state\n");
    auto outcome = LoadFile(file, test::EnvOf());
    ASSERT_TRUE(outcome.ok());
    EXPECT_EQ(outcome.config->state_dir, (dir.path() / "etc/state").lexically_normal());
}

TEST(ConfigValues, SecretNeverPrintsItsValue) {
    Secret const s("hunter2");
    std::ostringstream out;
    out << s;
    EXPECT_EQ(out.str(), "***");
    EXPECT_EQ(fmt::format("token={}", s), "token=***");
    EXPECT_EQ(s.Reveal(), "hunter2");
}

TEST(ConfigValues, ExampleConfigIsValid) {
    auto const file = std::filesystem::path(B2B_SOURCE_DIR) / "config/b2bsync.example.yaml";
    auto outcome = LoadFile(file, test::EnvOf());
    for (auto const& d : outcome.diagnostics) {
        ADD_FAILURE() << d.ToString();
    }
    ASSERT_TRUE(outcome.ok());
    AppConfig const& c = *outcome.config;
    EXPECT_EQ(c.state_dir, (std::filesystem::path(B2B_SOURCE_DIR) / "var/b2bsync").lexically_normal());
    EXPECT_EQ(c.server.listen.host, "127.0.0.1");
    EXPECT_EQ(c.admin.listen.host, "127.0.0.1");
    ASSERT_EQ(c.targets.count("sink"), 1u);
    EXPECT_EQ(c.targets.at("sink").url, "http://127.0.0.1:9999/hook");
    EXPECT_TRUE(c.targets.at("sink").token.IsEmpty());
}

}  // namespace
}  // namespace b2b::config
