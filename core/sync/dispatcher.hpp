#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/store/job_queue.hpp"
#include "core/sync/deliverer.hpp"
#include "core/util/metrics.hpp"

namespace b2b::sync {

struct DispatcherOptions {
    int workers = 4;                         ///< threads claiming and delivering batches
    int batch_size = 64;                     ///< jobs claimed per transaction (and completed per commit)
    std::chrono::milliseconds lease{60000};  ///< a claimed job is re-claimable after this (worker died)
    std::chrono::milliseconds poll_interval{500};  ///< idle re-check: retries coming due, other processes
};

/// Moves jobs from the JobQueue to the registered Deliverers: claim a batch, deliver per target,
/// complete the successes in one transaction, Fail() the rest (retry with backoff or dead).
///
/// A target whose Deliverer reports itself unavailable gets its claimed jobs deferred, not
/// delivered: back to pending without spending an attempt (see Deliverer::Availability).
///
/// Metrics (names are part of the daemon's interface):
///   b2b_job_deliveries_total{target,result="ok|transient|permanent|bug"}, b2b_job_retries_total{target},
///   b2b_jobs_dead_total{target}, b2b_job_deferrals_total{target}, and at scrape time b2b_jobs{state} and b2b_job_oldest_pending_age_seconds.
///
/// Lifecycle: Register* -> Start -> Notify* -> Stop. The queue and registry must outlive the
/// dispatcher. Register before Start; Notify is safe from any thread.
class Dispatcher {
public:
    Dispatcher(store::JobQueue& queue, DispatcherOptions options, metrics::Registry& registry);
    /// Stops with no grace if still running, then joins every worker (waiting for deliverers
    /// that were cancelled but have not returned yet).
    ~Dispatcher();
    Dispatcher(Dispatcher const&) = delete;
    Dispatcher& operator=(Dispatcher const&) = delete;

    /// Jobs whose target has no deliverer are failed permanently ("no deliverer registered ...").
    void Register(std::string target, std::shared_ptr<Deliverer> deliverer);

    /// Starts the worker threads. Call RecoverInflight() on the queue before, at daemon start.
    void Start();

    /// Wakes idle workers now (call after a transaction that enqueued jobs has committed), instead
    /// of waiting for poll_interval.
    void Notify();

    /// Stops claiming, then waits up to `grace` for batches in flight. Returns true if every
    /// worker finished. Otherwise calls Cancel() on every deliverer and returns false; the results
    /// of those unfinished batches are discarded, so their jobs stay inflight and are recovered
    /// (RecoverInflight) at the next start — delivery is at least once, never lost.
    bool Stop(std::chrono::milliseconds grace);

    /// True once Stop was called.
    bool StopRequested() const { return stop_.load(); }

private:
    struct TargetCounters {
        metrics::Counter* ok;
        metrics::Counter* transient;
        metrics::Counter* permanent;
        metrics::Counter* bug;
        metrics::Counter* retries;
        metrics::Counter* dead;
        metrics::Counter* deferred;
    };
    struct CollectorState;

    void WorkerLoop();
    void ProcessBatch(std::vector<store::Job>& jobs);
    std::vector<Status> DeliverGroup(std::string const& target, std::span<store::Job const> jobs);
    void Record(std::span<store::Job const> jobs, std::vector<Status> const& results,
                std::optional<Unavailable> const& unavailable);
    void Defer(std::span<store::Job const> jobs, Unavailable const& unavailable);
    std::optional<Unavailable> AvailabilityOf(std::string const& target);
    Status CompleteGrouped(std::vector<std::int64_t> const& ids);
    TargetCounters& CountersFor(std::string const& target);
    void JoinAll();

    store::JobQueue& queue_;
    DispatcherOptions options_;
    metrics::Registry& registry_;
    std::shared_ptr<CollectorState> collector_state_;

    std::map<std::string, std::shared_ptr<Deliverer>, std::less<>> deliverers_;  // fixed after Start

    std::mutex counters_mutex_;
    std::map<std::string, TargetCounters, std::less<>> counters_;
    std::map<std::string, std::string, std::less<>> unavailable_logged_;  // target -> reason last logged

    std::mutex mutex_;
    std::condition_variable wake_;      // workers wait here when idle
    std::condition_variable finished_;  // Stop waits here for workers to exit
    std::uint64_t notify_generation_ = 0;
    int running_workers_ = 0;
    std::atomic<bool> stop_{false};
    std::atomic<bool> abandoned_{false};  // grace ran out: discard results of batches still out
    std::vector<std::thread> threads_;

    // Group commit of completions (leader/follower): while one worker's Complete transaction
    // fsyncs, the others queue their ids; the next leader commits them all with one fsync.
    std::mutex complete_mutex_;
    std::condition_variable complete_cv_;
    std::vector<std::int64_t> complete_pending_;
    std::uint64_t complete_requested_ = 0;  // ticket of the newest queued request
    std::uint64_t complete_done_ = 0;       // every ticket <= this has been committed (or failed)
    bool complete_leader_busy_ = false;
    std::map<std::uint64_t, Status> complete_results_;  // recent groups, by their last ticket
};

}  // namespace b2b::sync
