#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"

namespace b2b::test {

/// Runs the real `b2bsync` binary as a child process on a config in a temp directory, the way an
/// admin would: listeners on 127.0.0.1 with ephemeral ports (read back from the "serving" log line),
/// state under <tmp>/state. Survives restarts: the same directory, config and log file.
class DaemonHarness {
public:
    /// `daemon_path` is the built binary (B2B_DAEMON_PATH in integration tests).
    explicit DaemonHarness(std::filesystem::path daemon_path);
    ~DaemonHarness();

    /// A complete, valid config with test-friendly timings; `targets_yaml` is inserted under
    /// `targets:` (e.g. "  sink:\n    url: http://...\n"), `extra_yaml` appended at top level.
    static std::string DefaultConfig(std::string const& targets_yaml, std::string const& extra_yaml = "");

    void WriteConfig(std::string const& yaml);
    std::filesystem::path ConfigPath() const { return dir_ / "b2bsync.yaml"; }
    std::filesystem::path StateDir() const { return dir_ / "state"; }
    std::filesystem::path DatabasePath() const { return dir_ / "state" / "b2bsync.db"; }
    TempDir const& dir() const { return dir_; }

    /// Starts the daemon and waits until it logs "serving" (or exits, or 30 s pass: then throws
    /// with the log). `env` is added to the child's environment.
    void Start(std::map<std::string, std::string> const& env = {});
    /// Starts the daemon without waiting (for tests of start-up failures).
    ChildProcess& Spawn(std::map<std::string, std::string> const& env = {});

    /// SIGTERM, then waits for the exit code (throws after 30 s).
    int Stop();
    /// SIGKILL: the crash case.
    void Crash();
    bool Running();
    ChildProcess& process() { return *process_; }

    std::uint16_t public_port() const { return public_port_; }
    std::uint16_t admin_port() const { return admin_port_; }

    /// Everything the daemon printed, across restarts; LogSinceStart only since the last Start.
    std::string Log() const;
    std::string LogSinceStart() const;

    /// Runs `b2bsync ARGS...` (a CLI command) to completion.
    CommandResult Cli(std::vector<std::string> const& args) const;

private:
    std::filesystem::path daemon_path_;
    TempDir dir_;
    std::unique_ptr<ChildProcess> process_;
    std::size_t log_offset_ = 0;
    std::uint16_t public_port_ = 0;
    std::uint16_t admin_port_ = 0;
};

}  // namespace b2b::test
