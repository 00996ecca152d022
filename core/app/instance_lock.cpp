#include "core/app/instance_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace b2b::app {
namespace {

constexpr char kLockName[] = "b2bsync.lock";

std::optional<pid_t> ReadPid(int fd) {
    char buf[32] = {};
    ssize_t const n = pread(fd, buf, sizeof buf - 1, 0);
    if (n <= 0) {
        return std::nullopt;
    }
    long const pid = std::strtol(buf, nullptr, 10);
    if (pid <= 0) {
        return std::nullopt;
    }
    return static_cast<pid_t>(pid);
}

}  // namespace

Result<InstanceLock> InstanceLock::Acquire(std::filesystem::path const& state_dir) {
    auto const path = state_dir / kLockName;
    int const fd = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0640);
    if (fd < 0) {
        return Error::Permanent("cannot open lock file " + path.string() + ": " + std::strerror(errno));
    }
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        int const err = errno;
        auto const holder = ReadPid(fd);
        close(fd);
        if (err == EWOULDBLOCK) {
            return Error::Permanent("another b2bsync is already running on state directory " + state_dir.string() +
                                    (holder ? " (pid " + std::to_string(*holder) + ")" : std::string()) +
                                    "; stop it first or give this instance its own state_dir");
        }
        return Error::Permanent("cannot lock " + path.string() + ": " + std::strerror(err));
    }
    std::string const pid = std::to_string(getpid()) + "\n";
    if (ftruncate(fd, 0) != 0 || pwrite(fd, pid.data(), pid.size(), 0) != static_cast<ssize_t>(pid.size())) {
        int const err = errno;
        close(fd);
        return Error::Permanent("cannot write lock file " + path.string() + ": " + std::strerror(err));
    }
    return InstanceLock(fd);
}

std::optional<pid_t> InstanceLock::Holder(std::filesystem::path const& state_dir) {
    auto const path = state_dir / kLockName;
    int const fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return std::nullopt;
    }
    std::optional<pid_t> holder;
    if (flock(fd, LOCK_SH | LOCK_NB) != 0) {
        holder = ReadPid(fd);
    } else {
        flock(fd, LOCK_UN);
    }
    close(fd);
    return holder;
}

InstanceLock::InstanceLock(InstanceLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }

InstanceLock::~InstanceLock() {
    if (fd_ >= 0) {
        close(fd_);  // releases the flock
    }
}

}  // namespace b2b::app
