#pragma once

// Puts jobs into a daemon's store from the test process, the way a connector's state change
// does: in one transaction with whatever else changes (here: nothing else). SQLite's WAL and
// busy_timeout let this run while the daemon is up.
#include <filesystem>
#include <stdexcept>
#include <string>

#include "core/store/database.hpp"
#include "core/store/job_queue.hpp"
#include "core/util/clock.hpp"

namespace b2b::test {

/// Enqueues jobs `first`..`first+count-1` for `target`; job i belongs to entity "e<i % entities>"
/// and has idempotency key "<prefix>-<i>"; the payload is a small JSON object naming both.
inline void EnqueueJobs(std::filesystem::path const& db_path, std::string const& target, int first, int count,
                        int entities, std::string const& prefix, int per_transaction = 100) {
    auto db = store::Database::Open(db_path);
    if (!db) {
        throw std::runtime_error("open store: " + db.error().message);
    }
    store::JobQueue queue(**db, SystemClock::Instance(), store::RetryPolicy{});
    for (int start = first; start < first + count; start += per_transaction) {
        auto tx = store::Transaction::Begin(**db, "test enqueue");
        if (!tx) {
            throw std::runtime_error("begin: " + tx.error().message);
        }
        for (int i = start; i < std::min(first + count, start + per_transaction); ++i) {
            store::NewJob job;
            job.target = target;
            job.entity_key = "e" + std::to_string(i % entities);
            job.kind = "upsert";
            job.idempotency_key = prefix + "-" + std::to_string(i);
            job.payload = "{\"job\":" + std::to_string(i) + ",\"entity\":\"" + job.entity_key + "\"}";
            if (auto r = queue.Enqueue(**tx, job); !r) {
                throw std::runtime_error("enqueue: " + r.error().message);
            }
        }
        if (auto r = (*tx)->Commit(); !r) {
            throw std::runtime_error("commit: " + r.error().message);
        }
    }
}

}  // namespace b2b::test
