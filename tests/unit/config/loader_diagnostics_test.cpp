// One test per diagnostic kind, asserting the exact operator-facing text (file:line:col included).
#include "core/config/loader.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/support/temp_dir.hpp"
#include "tests/unit/config/test_env.hpp"

namespace b2b::config {
namespace {

std::vector<std::string> Messages(LoadOutcome const& outcome) {
    std::vector<std::string> out;
    for (auto const& d : outcome.diagnostics) {
        out.push_back(d.ToString());
    }
    return out;
}

std::vector<std::string> Check(std::string_view yaml, Environment const& env = test::EnvOf()) {
    auto outcome = LoadString(yaml, "b2bsync.yaml", env);
    EXPECT_FALSE(outcome.ok());
    EXPECT_FALSE(outcome.config.has_value());
    return Messages(outcome);
}

using ::testing::ElementsAre;

TEST(ConfigDiagnostics, UnknownKeySuggestsClosestKey) {
    EXPECT_THAT(Check("instance: a\n"
                      "server:\n"
                      "  max_body: 1MiB\n"
                      "  lisen: \"127.0.0.1:1\"\n"),
                ElementsAre("b2bsync.yaml:4:3: unknown key \"lisen\" in \"server\"; did you mean \"listen\"?"));
    EXPECT_THAT(Check("instanse: a\n"),
                ElementsAre("b2bsync.yaml:1:1: unknown key \"instanse\" at the top level; did you mean \"instance\"?"));
    EXPECT_THAT(Check("targets:\n  sink:\n    url: http://h/\n    tiemout: 5s\n"),
                ElementsAre("b2bsync.yaml:4:5: unknown key \"tiemout\" in \"targets.sink\"; did you mean \"timeout\"?"));
}

TEST(ConfigDiagnostics, UnknownKeyWithoutCloseMatchListsValidKeys) {
    EXPECT_THAT(Check("admin:\n  port: 9090\n"),
                ElementsAre("b2bsync.yaml:2:3: unknown key \"port\" in \"admin\"; valid keys: listen"));
    EXPECT_THAT(Check("shutdown:\n  zzzzzzzz: 1\n"),
                ElementsAre("b2bsync.yaml:2:3: unknown key \"zzzzzzzz\" in \"shutdown\"; valid keys: grace"));
}

TEST(ConfigDiagnostics, WrongType) {
    EXPECT_THAT(Check("queue:\n  workers: eight\n"),
                ElementsAre("b2bsync.yaml:2:12: \"queue.workers\": expected an integer, got \"eight\""));
    EXPECT_THAT(Check("server:\n  listen:\n    host: x\n"),
                ElementsAre("b2bsync.yaml:3:5: \"server.listen\": expected a listen address (host:port), got a map"));
    EXPECT_THAT(Check("server: 8080\n"), ElementsAre("b2bsync.yaml:1:9: \"server\": expected a map, got \"8080\""));
    EXPECT_THAT(Check("targets: [a, b]\n"), ElementsAre("b2bsync.yaml:1:10: \"targets\": expected a map, got a list"));
    EXPECT_THAT(Check("queue:\n  lease:\n  workers: 2\n"),
                ElementsAre("b2bsync.yaml:2:3: \"queue.lease\": invalid duration \"\"; use a number with a unit "
                            "(ms, s, m, h, d), e.g. \"30s\""));
}

TEST(ConfigDiagnostics, MissingRequiredKeyAtParentMap) {
    EXPECT_THAT(Check("targets:\n  sink:\n    timeout: 5s\n"),
                ElementsAre("b2bsync.yaml:3:5: \"targets.sink\": missing required key \"url\""));
    EXPECT_THAT(Check("targets:\n  sink: {}\n"),
                ElementsAre("b2bsync.yaml:2:9: \"targets.sink\": missing required key \"url\""));
    EXPECT_THAT(Check("targets:\n  sink:\n"),
                ElementsAre("b2bsync.yaml:2:3: \"targets.sink\": missing required key \"url\""));
}

TEST(ConfigDiagnostics, BadDuration) {
    EXPECT_THAT(Check("queue:\n  lease: 10 minutes\n"),
                ElementsAre("b2bsync.yaml:2:10: \"queue.lease\": invalid duration \"10 minutes\"; use a number with "
                            "a unit (ms, s, m, h, d), e.g. \"30s\""));
}

TEST(ConfigDiagnostics, UnsetEnvironmentVariable) {
    EXPECT_THAT(Check("targets:\n  sink:\n    url: http://h/\n    token: ${B2B_SINK_TOKEN}\n"),
                ElementsAre("b2bsync.yaml:4:12: \"targets.sink.token\": environment variable B2B_SINK_TOKEN is not set"));
}

TEST(ConfigDiagnostics, BadUrl) {
    EXPECT_THAT(Check("targets:\n  sink:\n    url: \"htp:/x\"\n"),
                ElementsAre("b2bsync.yaml:3:10: \"targets.sink.url\": invalid URL \"htp:/x\": scheme must be http or https"));
}

TEST(ConfigDiagnostics, DuplicateKey) {
    EXPECT_THAT(Check("server:\n"
                      "  listen: \"127.0.0.1:1\"\n"
                      "  max_body: 1MiB\n"
                      "  listen: \"127.0.0.1:2\"\n"),
                ElementsAre("b2bsync.yaml:4:3: duplicate key \"listen\" in \"server\" (first defined at line 2)"));
    EXPECT_THAT(Check("instance: a\ninstance: b\n"),
                ElementsAre("b2bsync.yaml:2:1: duplicate key \"instance\" at the top level (first defined at line 1)"));
    EXPECT_THAT(Check("targets:\n  a: {url: \"http://h/\"}\n  a: {url: \"http://h/\"}\n"),
                ElementsAre("b2bsync.yaml:3:3: duplicate key \"a\" in \"targets\" (first defined at line 2)"));
}

TEST(ConfigDiagnostics, YamlSyntaxErrorKeepsYamlCppMessageWithoutItsPosition) {
    EXPECT_THAT(Check("server:\n  listen: a: b\n"), ElementsAre("b2bsync.yaml:2:12: YAML syntax error: illegal map value"));
    EXPECT_THAT(Check("queue: [1, 2\n"),
                ElementsAre("b2bsync.yaml:2:1: YAML syntax error: end of sequence flow not found"));
}

TEST(ConfigDiagnostics, OutOfRangeInteger) {
    EXPECT_THAT(Check("queue:\n  workers: 100\n"),
                ElementsAre("b2bsync.yaml:2:12: \"queue.workers\": 100 is out of range; must be between 1 and 64"));
    EXPECT_THAT(Check("server:\n  max_connections: 0\n"),
                ElementsAre("b2bsync.yaml:2:20: \"server.max_connections\": 0 is out of range; must be at least 1"));
    EXPECT_THAT(Check("server:\n  max_connections: 99999999999\n"),
                ElementsAre("b2bsync.yaml:2:20: \"server.max_connections\": 99999999999 is out of range; must be at "
                            "most 2147483647"));
}

TEST(ConfigDiagnostics, OutOfRangeReal) {
    EXPECT_THAT(Check("queue:\n  backoff: {jitter: 1.5, multiplier: 0.5}\n"),
                ElementsAre("b2bsync.yaml:2:21: \"queue.backoff.jitter\": 1.5 is out of range; must be between 0 and 1",
                            "b2bsync.yaml:2:38: \"queue.backoff.multiplier\": 0.5 is out of range; must be at least 1"));
}

TEST(ConfigDiagnostics, BadEnum) {
    EXPECT_THAT(Check("log:\n  level: verbose\n"),
                ElementsAre("b2bsync.yaml:2:10: \"log.level\": invalid value \"verbose\"; must be one of trace, debug, "
                            "info, warn, error"));
}

TEST(ConfigDiagnostics, BadSize) {
    EXPECT_THAT(Check("server:\n  max_body: 64 MB\n"),
                ElementsAre("b2bsync.yaml:2:13: \"server.max_body\": invalid size \"64 MB\"; use bytes or a number "
                            "with a unit (B, KiB, MiB, GiB, KB, MB, GB), e.g. \"64MiB\""));
}

TEST(ConfigDiagnostics, BadListenAddress) {
    EXPECT_THAT(Check("admin:\n  listen: \"0.0.0.0:70000\"\n"),
                ElementsAre("b2bsync.yaml:2:11: \"admin.listen\": invalid listen address \"0.0.0.0:70000\": port "
                            "\"70000\" is not a number between 0 and 65535"));
}

TEST(ConfigDiagnostics, UnreadableCredentialFileNamesPathAndReason) {
    b2b::test::TempDir creds;
    auto const expected_path = (creds.path() / "sink_token").string();
    EXPECT_THAT(Check("targets:\n  sink:\n    url: http://h/\n    token: file:sink_token\n", test::EnvOf({}, creds.path())),
                ElementsAre("b2bsync.yaml:4:12: \"targets.sink.token\": cannot read credential file \"" +
                            expected_path + "\": No such file or directory"));
}

TEST(ConfigDiagnostics, InvalidTargetName) {
    EXPECT_THAT(Check("targets:\n  \"my sink\": {url: \"http://h/\"}\n"),
                ElementsAre("b2bsync.yaml:2:3: invalid name \"my sink\" in \"targets\"; use letters, digits, \"_\" and \"-\""));
}

TEST(ConfigDiagnostics, EmptyFileAndNonMapTopLevel) {
    EXPECT_THAT(Check(""), ElementsAre("b2bsync.yaml:1:1: the configuration is empty; expected a map of settings"));
    EXPECT_THAT(Check("# only a comment\n"),
                ElementsAre("b2bsync.yaml:1:1: the configuration is empty; expected a map of settings"));
    EXPECT_THAT(Check("- a\n- b\n"),
                ElementsAre("b2bsync.yaml:1:1: the top level must be a map of settings, got a list"));
    EXPECT_THAT(Check("hello\n"),
                ElementsAre("b2bsync.yaml:1:1: the top level must be a map of settings, got \"hello\""));
    EXPECT_THAT(Check("instance: a\n---\ninstance: b\n"),
                ElementsAre("b2bsync.yaml:3:1: only one YAML document is allowed; remove the \"---\" separator"));
}

TEST(ConfigDiagnostics, MissingFile) {
    b2b::test::TempDir dir;
    auto const file = dir.path() / "nope.yaml";
    auto outcome = LoadFile(file, test::EnvOf());
    EXPECT_FALSE(outcome.ok());
    EXPECT_THAT(Messages(outcome), ElementsAre(file.string() + ": cannot read: No such file or directory"));
}

TEST(ConfigDiagnostics, EveryProblemReportedInPositionOrder) {
    EXPECT_THAT(Check("targets:\n"                          // 1
                      "  sink:\n"                           // 2
                      "    url: \"ftp://h/\"\n"             // 3
                      "    token: ${NOPE}\n"                // 4
                      "queue:\n"                            // 5
                      "  workers: 0\n"                      // 6
                      "  lease: 10\n"                       // 7
                      "server:\n"                           // 8
                      "  lisen: x\n"                        // 9
                      "  max_body: lots\n"                  // 10
                      "instance: a\n"                       // 11
                      "instance: b\n"),                     // 12
                ElementsAre("b2bsync.yaml:3:10: \"targets.sink.url\": invalid URL \"ftp://h/\": scheme must be http or https",
                            "b2bsync.yaml:4:12: \"targets.sink.token\": environment variable NOPE is not set",
                            "b2bsync.yaml:6:12: \"queue.workers\": 0 is out of range; must be between 1 and 64",
                            "b2bsync.yaml:7:10: \"queue.lease\": invalid duration \"10\"; use a number with a unit "
                            "(ms, s, m, h, d), e.g. \"30s\"",
                            "b2bsync.yaml:9:3: unknown key \"lisen\" in \"server\"; did you mean \"listen\"?",
                            "b2bsync.yaml:10:13: \"server.max_body\": invalid size \"lots\"; use bytes or a number with "
                            "a unit (B, KiB, MiB, GiB, KB, MB, GB), e.g. \"64MiB\"",
                            "b2bsync.yaml:12:1: duplicate key \"instance\" at the top level (first defined at line 11)"));
}

TEST(ConfigDiagnostics, StructuredFieldsMatchTheText) {
    auto outcome = LoadString("queue:\n  workers: eight\n", "dir/b2bsync.yaml", test::EnvOf());
    ASSERT_EQ(outcome.diagnostics.size(), 1u);
    auto const& d = outcome.diagnostics.front();
    EXPECT_EQ(d.file, "dir/b2bsync.yaml");
    EXPECT_EQ(d.line, 2);
    EXPECT_EQ(d.column, 12);
    EXPECT_EQ(d.message, "\"queue.workers\": expected an integer, got \"eight\"");
}

}  // namespace
}  // namespace b2b::config
