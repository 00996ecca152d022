#include "core/app/admin_commands.hpp"

#include <ctime>
#include <ostream>

#include <fmt/format.h>

#include "core/app/instance_lock.hpp"
#include "core/store/database.hpp"
#include "core/util/clock.hpp"

namespace b2b::app {
namespace {

// The CLI never creates a database: an admin pointing at the wrong config must not get a new,
// empty store that hides the real one.
Result<std::unique_ptr<store::Database>> OpenExisting(StatePaths const& paths) {
    if (!std::filesystem::exists(paths.database)) {
        return Error::Permanent("no database at " + paths.database.string() +
                                " (has the daemon run with this config? check state_dir and store.path)");
    }
    return store::Database::Open(paths.database);
}

std::string Shorten(std::string const& text, std::size_t max) {
    if (text.size() <= max) {
        return text;
    }
    return text.substr(0, max - 3) + "...";
}

void PrintJobsHeader(std::ostream& out) {
    out << fmt::format("{:>8}  {:<8}  {:<16}  {:<24}  {:<10}  {:>8}  {:<24}  {}\n", "ID", "STATE", "TARGET",
                       "ENTITY", "KIND", "ATTEMPTS", "NEXT_AT", "LAST_ERROR");
}

void PrintJob(std::ostream& out, store::Job const& job) {
    std::string const next = job.state == store::JobState::kPending ? FormatUtc(job.next_at) : "-";
    std::string error = job.last_error.empty() ? "-" : "[" + job.last_error_class + "] " + job.last_error;
    out << fmt::format("{:>8}  {:<8}  {:<16}  {:<24}  {:<10}  {:>8}  {:<24}  {}\n", job.id, ToString(job.state),
                       Shorten(job.target, 16), Shorten(job.entity_key, 24), Shorten(job.kind, 10),
                       fmt::format("{}/{}", job.attempts, job.max_attempts), next, Shorten(error, 200));
}

}  // namespace

std::string FormatUtc(UnixMillis t) {
    if (t == 0) {
        return "-";
    }
    std::time_t const secs = static_cast<std::time_t>(t / 1000);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
    return fmt::format("{}.{:03}Z", buf, static_cast<int>(t % 1000));
}

int PrintStatus(StatePaths const& paths, std::ostream& out, std::ostream& err) {
    auto const holder = InstanceLock::Holder(paths.state_dir);
    out << "state directory: " << paths.state_dir.string() << "\n";
    out << "daemon:          " << (holder ? "running (pid " + std::to_string(*holder) + ")" : "not running") << "\n";
    auto db = OpenExisting(paths);
    if (!db) {
        err << "b2bsync status: " << db.error().message << "\n";
        return kExitUnavailable;
    }
    auto& database = **db;
    {
        auto tx = store::Transaction::Begin(database, "read schema version", store::Transaction::Mode::kRead);
        if (!tx) {
            err << "b2bsync status: " << tx.error().message << "\n";
            return kExitFailure;
        }
        auto version = database.SchemaVersion();
        out << "database:        " << paths.database.string() << " (schema version "
            << (version ? std::to_string(*version) : "?") << ")\n";
    }
    store::JobQueue queue(database, SystemClock::Instance(), store::RetryPolicy{});
    auto stats = queue.Stats();
    if (!stats) {
        err << "b2bsync status: " << stats.error().message << "\n";
        return kExitFailure;
    }
    out << fmt::format("jobs:            pending {}, inflight {}, done {}, dead {}\n", stats->pending,
                       stats->inflight, stats->done, stats->dead);
    out << fmt::format("oldest pending:  {}\n",
                       stats->pending == 0 ? std::string("-")
                                           : fmt::format("{:.1f}s", stats->oldest_pending_age.count() / 1000.0));
    if (stats->dead > 0) {
        out << "attention:       " << stats->dead
            << " dead job(s): see `b2bsync jobs list --state dead`, fix the cause, then `b2bsync jobs retry`\n";
    }
    return kExitOk;
}

int ListJobs(StatePaths const& paths, JobsListOptions const& options, std::ostream& out, std::ostream& err) {
    auto db = OpenExisting(paths);
    if (!db) {
        err << "b2bsync jobs list: " << db.error().message << "\n";
        return kExitUnavailable;
    }
    store::JobQueue queue(**db, SystemClock::Instance(), store::RetryPolicy{});
    auto jobs = queue.List(options.filter);
    if (!jobs) {
        err << "b2bsync jobs list: " << jobs.error().message << "\n";
        return kExitFailure;
    }
    PrintJobsHeader(out);
    for (auto const& job : *jobs) {
        PrintJob(out, job);
    }
    out << jobs->size() << " job(s)\n";
    return kExitOk;
}

int RetryJobs(StatePaths const& paths, std::vector<std::int64_t> const& ids, bool all_dead, std::ostream& out,
              std::ostream& err) {
    auto db = OpenExisting(paths);
    if (!db) {
        err << "b2bsync jobs retry: " << db.error().message << "\n";
        return kExitUnavailable;
    }
    store::JobQueue queue(**db, SystemClock::Instance(), store::RetryPolicy{});
    std::vector<std::int64_t> targets = ids;
    if (all_dead) {
        store::JobFilter filter;
        filter.state = store::JobState::kDead;
        filter.limit = 1'000'000;
        auto dead = queue.List(filter);
        if (!dead) {
            err << "b2bsync jobs retry: " << dead.error().message << "\n";
            return kExitFailure;
        }
        for (auto const& job : *dead) {
            targets.push_back(job.id);
        }
    }
    int failures = 0;
    for (auto id : targets) {
        if (auto r = queue.Retry(id); !r) {
            err << "b2bsync jobs retry: job " << id << ": " << r.error().message << "\n";
            ++failures;
        } else {
            out << "job " << id << ": pending, will be delivered shortly\n";
        }
    }
    return failures == 0 ? kExitOk : kExitUsage;
}

int DropJobs(StatePaths const& paths, std::vector<std::int64_t> const& ids, std::ostream& out, std::ostream& err) {
    auto db = OpenExisting(paths);
    if (!db) {
        err << "b2bsync jobs drop: " << db.error().message << "\n";
        return kExitUnavailable;
    }
    store::JobQueue queue(**db, SystemClock::Instance(), store::RetryPolicy{});
    int failures = 0;
    for (auto id : ids) {
        if (auto r = queue.Drop(id); !r) {
            err << "b2bsync jobs drop: job " << id << ": " << r.error().message << "\n";
            ++failures;
        } else {
            out << "job " << id << ": dropped\n";
        }
    }
    return failures == 0 ? kExitOk : kExitUsage;
}

}  // namespace b2b::app
