#pragma once

#include <cstdint>
#include <filesystem>
#include <iosfwd>
#include <vector>

#include "core/store/job_queue.hpp"

namespace b2b::app {

/// Where a config puts the daemon's state; the CLI commands below work on these paths.
struct StatePaths {
    std::filesystem::path state_dir;
    std::filesystem::path database;
};

/// Exit codes shared by the CLI (sysexits.h names).
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 64;     ///< EX_USAGE: bad arguments (unknown job id, ...)
inline constexpr int kExitUnavailable = 69;  ///< EX_UNAVAILABLE: no database yet
inline constexpr int kExitConfig = 78;    ///< EX_CONFIG: the config is invalid (systemd won't restart)

/// `b2bsync status`: whether a daemon holds the state directory, the schema version, queue depth
/// by state, the oldest pending job's age and the dead letters. Reads only.
int PrintStatus(StatePaths const& paths, std::ostream& out, std::ostream& err);

struct JobsListOptions {
    store::JobFilter filter;
};
/// `b2bsync jobs list`: one line per job, newest last; never prints payloads.
int ListJobs(StatePaths const& paths, JobsListOptions const& options, std::ostream& out, std::ostream& err);

/// `b2bsync jobs retry`: each id (or every dead job with all_dead) becomes pending now.
int RetryJobs(StatePaths const& paths, std::vector<std::int64_t> const& ids, bool all_dead, std::ostream& out,
              std::ostream& err);

/// `b2bsync jobs drop`: deletes each job (not while it is being delivered).
int DropJobs(StatePaths const& paths, std::vector<std::int64_t> const& ids, std::ostream& out, std::ostream& err);

/// "2026-11-30T15:40:00.123Z" for a UnixMillis value; "-" for 0.
std::string FormatUtc(UnixMillis t);

}  // namespace b2b::app
