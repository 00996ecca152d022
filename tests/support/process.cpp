#include "tests/support/process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace b2b::test {
namespace {

std::vector<std::string> BuildEnvironment(std::map<std::string, std::string> const& extra,
                                          std::vector<std::string> const& unset) {
    std::map<std::string, std::string> merged;
    for (char** e = environ; *e != nullptr; ++e) {
        std::string entry(*e);
        auto const eq = entry.find('=');
        if (eq != std::string::npos) {
            merged[entry.substr(0, eq)] = entry.substr(eq + 1);
        }
    }
    for (auto const& name : unset) {
        merged.erase(name);
    }
    for (auto const& [k, v] : extra) {
        merged[k] = v;
    }
    std::vector<std::string> out;
    out.reserve(merged.size());
    for (auto const& [k, v] : merged) {
        out.push_back(k + "=" + v);
    }
    return out;
}

int DecodeStatus(int status) {
    if (WIFEXITED(status)) {
        return WEXITSTATUS(status);
    }
    if (WIFSIGNALED(status)) {
        return 128 + WTERMSIG(status);
    }
    return -1;
}

pid_t Spawn(std::filesystem::path const& program, std::vector<std::string> const& args,
            std::vector<std::string> const& env, int out_fd) {
    std::vector<std::string> argv_storage;
    argv_storage.push_back(program.string());
    argv_storage.insert(argv_storage.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : argv_storage) {
        argv.push_back(a.data());
    }
    argv.push_back(nullptr);
    std::vector<std::string> env_storage = env;
    std::vector<char*> envp;
    for (auto& e : env_storage) {
        envp.push_back(e.data());
    }
    envp.push_back(nullptr);

    pid_t const pid = fork();
    if (pid < 0) {
        throw std::runtime_error(std::string("fork failed: ") + std::strerror(errno));
    }
    if (pid == 0) {
        if (out_fd >= 0) {
            dup2(out_fd, STDOUT_FILENO);
            dup2(out_fd, STDERR_FILENO);
        }
        int const devnull = open("/dev/null", O_RDONLY);
        if (devnull >= 0) {
            dup2(devnull, STDIN_FILENO);
        }
        // The child gets its own process group so a test can signal it without hitting ctest.
        setpgid(0, 0);
        execve(argv[0], argv.data(), envp.data());
        _exit(127);
    }
    return pid;
}

}  // namespace

ChildProcess::ChildProcess(Options options) : options_(std::move(options)) {
    int fd = -1;
    if (!options_.log_file.empty()) {
        fd = open(options_.log_file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
        if (fd < 0) {
            throw std::runtime_error("cannot open log file " + options_.log_file.string());
        }
    }
    pid_ = Spawn(options_.program, options_.args, BuildEnvironment(options_.env, options_.unset_env), fd);
    if (fd >= 0) {
        close(fd);
    }
}

ChildProcess::~ChildProcess() {
    if (pid_ > 0 && !exit_code_) {
        Kill();
    }
}

bool ChildProcess::Running() {
    if (exit_code_) {
        return false;
    }
    int status = 0;
    pid_t const r = waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
        exit_code_ = DecodeStatus(status);
        return false;
    }
    return true;
}

void ChildProcess::Signal(int signo) const {
    if (pid_ > 0) {
        kill(pid_, signo);
    }
}

void ChildProcess::Kill() {
    if (pid_ <= 0 || exit_code_) {
        return;
    }
    kill(pid_, SIGKILL);
    int status = 0;
    if (waitpid(pid_, &status, 0) == pid_) {
        exit_code_ = DecodeStatus(status);
    }
}

std::optional<int> ChildProcess::Wait(std::chrono::milliseconds timeout) {
    auto const deadline = std::chrono::steady_clock::now() + timeout;
    while (Running()) {
        if (std::chrono::steady_clock::now() >= deadline) {
            return std::nullopt;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return exit_code_;
}

std::string ChildProcess::Log() const { return ReadFile(options_.log_file); }

std::string ReadFile(std::filesystem::path const& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

CommandResult RunCommand(std::filesystem::path const& program, std::vector<std::string> const& args,
                         std::map<std::string, std::string> const& env, std::chrono::milliseconds timeout) {
    char path_template[] = "/tmp/b2bsync-cmd-XXXXXX";
    int const fd = mkstemp(path_template);
    if (fd < 0) {
        throw std::runtime_error("mkstemp failed");
    }
    close(fd);
    CommandResult result;
    {
        ChildProcess child(ChildProcess::Options{program, args, env, {}, path_template});
        auto code = child.Wait(timeout);
        if (!code) {
            child.Kill();
            result.exit_code = -1;
        } else {
            result.exit_code = *code;
        }
    }
    result.output = ReadFile(path_template);
    std::filesystem::remove(path_template);
    return result;
}

}  // namespace b2b::test
