#include "tests/support/daemon_harness.hpp"

#include <csignal>
#include <regex>
#include <stdexcept>

namespace b2b::test {

DaemonHarness::DaemonHarness(std::filesystem::path daemon_path) : daemon_path_(std::move(daemon_path)) {}

DaemonHarness::~DaemonHarness() {
    if (process_) {
        process_->Kill();
    }
}

std::string DaemonHarness::DefaultConfig(std::string const& targets_yaml, std::string const& extra_yaml) {
    std::string yaml =
        "instance: test\n"
        "state_dir: state\n"
        "log:\n"
        "  level: info\n"
        "server:\n"
        "  listen: \"127.0.0.1:0\"\n"
        "  max_body: 1MiB\n"
        "  header_timeout: 2s\n"
        "  request_timeout: 3s\n"
        "  idle_timeout: 5s\n"
        "  max_connections: 64\n"
        "admin:\n"
        "  listen: \"127.0.0.1:0\"\n"
        "queue:\n"
        "  workers: 4\n"
        "  batch_size: 32\n"
        "  lease: 10s\n"
        "  max_attempts: 50\n"
        "  poll_interval: 100ms\n"
        "  backoff: {initial: 20ms, multiplier: 2.0, max: 500ms, jitter: 0.2}\n"
        "shutdown:\n"
        "  grace: 5s\n"
        "mappings:\n"
        "  dir: \"" B2B_SOURCE_DIR "/mappings/default\"\n";
    if (!targets_yaml.empty()) {
        yaml += "targets:\n" + targets_yaml;
    }
    return yaml + extra_yaml;
}

void DaemonHarness::WriteConfig(std::string const& yaml) { dir_.WriteFile("b2bsync.yaml", yaml); }

ChildProcess& DaemonHarness::Spawn(std::map<std::string, std::string> const& env) {
    log_offset_ = ReadFile(dir_ / "daemon.log").size();
    ChildProcess::Options options;
    options.program = daemon_path_;
    options.args = {"run", "--config", ConfigPath().string()};
    options.env = env;
    // Tests decide about systemd themselves; never inherit the runner's.
    for (char const* name : {"NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID", "JOURNAL_STREAM", "STATE_DIRECTORY",
                             "CREDENTIALS_DIRECTORY"}) {
        if (!env.contains(name)) {
            options.unset_env.emplace_back(name);
        }
    }
    options.log_file = dir_ / "daemon.log";
    process_ = std::make_unique<ChildProcess>(std::move(options));
    return *process_;
}

void DaemonHarness::Start(std::map<std::string, std::string> const& env) {
    Spawn(env);
    static std::regex const kServing(R"(msg=serving .*public=[^ ]*:(\d+) admin=[^ ]*:(\d+))");
    std::smatch m;
    bool const up = WaitUntil(
        [&] {
            std::string const log = LogSinceStart();
            if (std::regex_search(log, m, kServing)) {
                public_port_ = static_cast<std::uint16_t>(std::stoi(m[1].str()));
                admin_port_ = static_cast<std::uint16_t>(std::stoi(m[2].str()));
                return true;
            }
            return !process_->Running();
        },
        std::chrono::seconds(30));
    if (!up || public_port_ == 0 || !process_->Running()) {
        throw std::runtime_error("b2bsync did not start; its log:\n" + LogSinceStart());
    }
}

int DaemonHarness::Stop() {
    process_->Signal(SIGTERM);
    auto code = process_->Wait(std::chrono::seconds(30));
    if (!code) {
        throw std::runtime_error("b2bsync did not stop within 30 s after SIGTERM; its log:\n" + LogSinceStart());
    }
    return *code;
}

void DaemonHarness::Crash() { process_->Kill(); }

bool DaemonHarness::Running() { return process_ && process_->Running(); }

std::string DaemonHarness::Log() const { return ReadFile(dir_ / "daemon.log"); }

std::string DaemonHarness::LogSinceStart() const {
    std::string const log = Log();
    return log_offset_ <= log.size() ? log.substr(log_offset_) : log;
}

CommandResult DaemonHarness::Cli(std::vector<std::string> const& args) const {
    return RunCommand(daemon_path_, args);
}

}  // namespace b2b::test
