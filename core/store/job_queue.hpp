#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/store/backoff.hpp"
#include "core/store/database.hpp"
#include "core/util/clock.hpp"
#include "core/util/error.hpp"

namespace b2b::store {

/// An outbound effect to deliver at least once. `idempotency_key` is unique over the queue's
/// history (until PurgeDone): enqueueing the same key again creates nothing.
struct NewJob {
    std::string target;           ///< deliverer name, e.g. "bitrix24.deal"
    std::string entity_key;       ///< jobs of one (target, entity_key) are delivered in id order
    std::string kind;             ///< what to do, e.g. "upsert"
    std::string payload;          ///< deliverer-specific body (never logged)
    std::string idempotency_key;  ///< e.g. "order:42:deal:v3"
    UnixMillis not_before = 0;    ///< not claimable before this time (0 = now)
};

enum class JobState { kPending, kInflight, kDone, kDead };

/// "pending", "inflight", "done", "dead" (as stored and as shown by `b2bsync jobs list`).
char const* ToString(JobState state) noexcept;
std::optional<JobState> ParseJobState(std::string_view text) noexcept;

struct Job {
    std::int64_t id = 0;
    std::string target, entity_key, kind, payload, idempotency_key;
    JobState state = JobState::kPending;
    int attempts = 0;  ///< deliveries started so far (incremented by Claim)
    int max_attempts = 0;
    UnixMillis next_at = 0, lease_until = 0, created_at = 0, updated_at = 0, done_at = 0;
    std::string last_error;
    std::string last_error_class;  ///< "transient" | "permanent" | "bug" | "" (never failed)
};

struct EnqueueResult {
    std::int64_t id = 0;
    bool inserted = false;  ///< false: a job with this idempotency key already existed (id is that job)
};

/// What Fail decided, so the caller can log and count it.
struct FailOutcome {
    bool dead = false;        ///< true: parked as dead; false: scheduled for retry at next_at
    int attempts = 0;         ///< attempts made so far
    UnixMillis next_at = 0;   ///< when the retry becomes claimable (meaningless when dead)
};

struct JobFilter {
    std::optional<JobState> state;
    std::optional<std::string> target;
    std::optional<std::string> entity_key;
    int limit = 100;
};

struct QueueStats {
    std::int64_t pending = 0, inflight = 0, done = 0, dead = 0;
    /// now − created_at of the oldest pending job; 0 when nothing is pending.
    std::chrono::milliseconds oldest_pending_age{0};
};

/// The durable job queue (outbox) in the store. Thread-safe: every call runs in its own
/// transaction on the database's writer connection, except Enqueue, which joins the caller's.
///
/// Ordering: a job is claimable only when no earlier job (lower id) of the same
/// (target, entity_key) is pending or inflight, so an entity's jobs are delivered one at a time,
/// in order, while different entities go in parallel. A dead job does NOT block its entity: one
/// poisoned job must not silently stop an entity forever; it stays visible in `jobs list` and in
/// b2b_jobs{state="dead"}, and the admin can Retry it.
class JobQueue {
public:
    /// Returns a uniformly distributed double in [0, 1); used for backoff jitter.
    using RandomSource = std::function<double()>;

    /// `db` and `clock` must outlive the queue. Without `random`, a seeded mt19937 is used.
    JobQueue(Database& db, Clock const& clock, RetryPolicy policy, RandomSource random = {});

    /// Inserts a pending job inside the caller's transaction (so the job commits or rolls back
    /// with the state change that caused it). The same idempotency_key twice creates no second
    /// job: inserted=false and the existing id. Errors: bug when target, entity_key or
    /// idempotency_key is empty; store errors otherwise.
    Result<EnqueueResult> Enqueue(Transaction& tx, NewJob const& job);

    /// Claims up to `limit` claimable jobs (pending and due, or inflight with an expired lease),
    /// oldest first, at most one per entity: state=inflight, attempts+1, lease_until=now+lease.
    /// One transaction, committed without fsync (Durability::kRelaxed): a claim lost to power
    /// failure only means the jobs are delivered again. Errors: transient on lock contention.
    Result<std::vector<Job>> Claim(int limit, std::chrono::milliseconds lease);

    /// Marks inflight jobs done, all in one transaction (group commit: one fsync per batch).
    /// Ids that are not inflight (dropped meanwhile) are ignored.
    Status Complete(std::span<std::int64_t const> ids);

    /// Records a failed attempt. Transient errors: pending again after BackoffDelay (honouring
    /// error.retry_after), or dead once attempts reach max_attempts. Permanent and bug: dead at
    /// once. last_error and its class are kept. Errors: permanent if the job does not exist.
    Result<FailOutcome> Fail(std::int64_t id, Error const& error);

    /// Puts inflight jobs back to pending without counting the attempt their claim started (the
    /// target was unavailable, so nothing was attempted): attempts - 1, due after `delay`,
    /// last_error = `reason` (class transient). One transaction. Ids not inflight are ignored.
    Status Defer(std::span<std::int64_t const> ids, std::chrono::milliseconds delay, std::string_view reason);

    // Admin (`b2bsync jobs ...`) ---------------------------------------------------------------

    /// Dead or pending -> pending now with attempts reset. Errors: permanent when the job does not
    /// exist or is inflight/done.
    Status Retry(std::int64_t id);
    /// Deletes a job that is not inflight. Errors: permanent when missing or inflight.
    Status Drop(std::int64_t id);
    /// Jobs matching the filter, by id.
    Result<std::vector<Job>> List(JobFilter const& filter);
    Result<std::optional<Job>> Get(std::int64_t id);
    Result<QueueStats> Stats();
    /// At daemon start (the instance lock guarantees no other dispatcher): every inflight job
    /// becomes pending and due now. Returns how many were recovered.
    Result<int> RecoverInflight();
    /// Deletes done jobs whose done_at is older than now − older_than. Returns how many.
    Result<int> PurgeDone(std::chrono::milliseconds older_than);

    Clock const& clock() const { return clock_; }
    RetryPolicy const& policy() const { return policy_; }

private:
    double NextRandom();

    Database& db_;
    Clock const& clock_;
    RetryPolicy policy_;
    RandomSource random_;
    std::mutex random_mutex_;
    std::mt19937_64 rng_;
};

}  // namespace b2b::store
