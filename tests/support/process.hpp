#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace b2b::test {

/// A child process started by a test (the real daemon, an emulator). Its stdout and stderr go to
/// `log_file` so a failing test can print them. The destructor kills it (SIGKILL) if still running.
class ChildProcess {
public:
    struct Options {
        std::filesystem::path program;
        std::vector<std::string> args;
        std::map<std::string, std::string> env;  ///< added to (and overriding) the test's environment
        std::vector<std::string> unset_env;      ///< removed from the inherited environment
        std::filesystem::path log_file;          ///< appended to; empty = inherit the test's stderr
    };

    explicit ChildProcess(Options options);
    ~ChildProcess();
    ChildProcess(ChildProcess const&) = delete;
    ChildProcess& operator=(ChildProcess const&) = delete;

    pid_t pid() const { return pid_; }
    bool Running();
    void Signal(int signo) const;
    void Kill();  ///< SIGKILL and reap
    /// Waits for exit; returns the exit code (128+signal when killed by a signal), or nullopt on timeout.
    std::optional<int> Wait(std::chrono::milliseconds timeout);
    std::string Log() const;  ///< contents of log_file so far

private:
    Options options_;
    pid_t pid_ = -1;
    std::optional<int> exit_code_;
};

/// Runs a command to completion and returns {exit code, combined stdout+stderr}.
struct CommandResult {
    int exit_code = -1;
    std::string output;
};
CommandResult RunCommand(std::filesystem::path const& program, std::vector<std::string> const& args,
                         std::map<std::string, std::string> const& env = {},
                         std::chrono::milliseconds timeout = std::chrono::seconds(60));

/// Polls `condition` every 20 ms until it holds or `timeout` passes.
template <class F>
bool WaitUntil(F&& condition, std::chrono::milliseconds timeout);

/// Reads a whole file; empty string if it does not exist.
std::string ReadFile(std::filesystem::path const& path);

}  // namespace b2b::test

#include <thread>

namespace b2b::test {
template <class F>
bool WaitUntil(F&& condition, std::chrono::milliseconds timeout) {
    auto const deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (condition()) {
            return true;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return condition();
}
}  // namespace b2b::test
