#pragma once

#include <sys/types.h>

#include <filesystem>
#include <optional>

#include "core/util/error.hpp"

namespace b2b::app {

/// Guarantees one daemon per state directory: an exclusive flock(2) on `<state_dir>/b2bsync.lock`,
/// held for the life of the process (the kernel drops it when the process dies, even on SIGKILL,
/// so a crash never leaves a stale lock). The file holds the holder's pid for `status`.
class InstanceLock {
public:
    /// Fails (permanent) when another process holds the lock, naming its pid and the directory.
    static Result<InstanceLock> Acquire(std::filesystem::path const& state_dir);

    /// The pid of the running daemon on `state_dir`, or nullopt when none holds the lock.
    static std::optional<pid_t> Holder(std::filesystem::path const& state_dir);

    InstanceLock(InstanceLock&& other) noexcept;
    InstanceLock& operator=(InstanceLock&&) = delete;
    InstanceLock(InstanceLock const&) = delete;
    ~InstanceLock();

private:
    explicit InstanceLock(int fd) : fd_(fd) {}
    int fd_ = -1;
};

}  // namespace b2b::app
