#include "core/sync/dispatcher.hpp"

#include <exception>
#include <stdexcept>
#include <utility>

#include "core/util/log.hpp"

namespace b2b::sync {

using store::Job;

// Shared with the registry's collector, which may outlive the dispatcher: the destructor clears
// `queue` so a late scrape reports nothing instead of touching a dead queue.
struct Dispatcher::CollectorState {
    explicit CollectorState(store::JobQueue* q) : queue(q) {}
    std::mutex mutex;
    store::JobQueue* queue;
};

namespace {

constexpr char const* kComponent = "dispatcher";

}  // namespace

Dispatcher::Dispatcher(store::JobQueue& queue, DispatcherOptions options, metrics::Registry& registry)
    : queue_(queue),
      options_(options),
      registry_(registry),
      collector_state_(std::make_shared<CollectorState>(&queue)) {
    if (options_.workers < 1 || options_.batch_size < 1) {
        throw std::invalid_argument("Dispatcher: workers and batch_size must be >= 1");
    }
    registry_.AddCollector([state = collector_state_](metrics::SampleWriter& w) {
        std::lock_guard lock(state->mutex);
        if (state->queue == nullptr) {
            return;
        }
        auto stats = state->queue->Stats();
        if (!stats) {
            log::Warn(kComponent, "queue stats unavailable for metrics", {{"error", stats.error().message}});
            return;
        }
        constexpr char const* kHelp = "Jobs in the durable queue by state.";
        w.Gauge("b2b_jobs", kHelp, {{"state", "pending"}}, static_cast<double>(stats->pending));
        w.Gauge("b2b_jobs", kHelp, {{"state", "inflight"}}, static_cast<double>(stats->inflight));
        w.Gauge("b2b_jobs", kHelp, {{"state", "done"}}, static_cast<double>(stats->done));
        w.Gauge("b2b_jobs", kHelp, {{"state", "dead"}}, static_cast<double>(stats->dead));
        w.Gauge("b2b_job_oldest_pending_age_seconds", "Age of the oldest pending job.", {},
                static_cast<double>(stats->oldest_pending_age.count()) / 1000.0);
    });
}

Dispatcher::~Dispatcher() {
    if (!threads_.empty() && !stop_.load()) {
        Stop(std::chrono::milliseconds(0));
    }
    JoinAll();
    std::lock_guard lock(collector_state_->mutex);
    collector_state_->queue = nullptr;
}

void Dispatcher::Register(std::string target, std::shared_ptr<Deliverer> deliverer) {
    if (!threads_.empty()) {
        throw std::logic_error("Dispatcher::Register after Start: " + target);
    }
    deliverers_[std::move(target)] = std::move(deliverer);
}

void Dispatcher::Start() {
    if (!threads_.empty()) {
        throw std::logic_error("Dispatcher::Start called twice");
    }
    {
        std::lock_guard lock(mutex_);
        running_workers_ = options_.workers;
    }
    for (int i = 0; i < options_.workers; ++i) {
        threads_.emplace_back([this] { WorkerLoop(); });
    }
    log::Info(kComponent, "started",
              {{"workers", options_.workers}, {"batch_size", options_.batch_size},
               {"targets", static_cast<std::int64_t>(deliverers_.size())}});
}

void Dispatcher::Notify() {
    {
        std::lock_guard lock(mutex_);
        ++notify_generation_;
    }
    wake_.notify_all();
}

bool Dispatcher::Stop(std::chrono::milliseconds grace) {
    {
        std::lock_guard lock(mutex_);
        stop_.store(true);
    }
    wake_.notify_all();
    bool drained = false;
    {
        std::unique_lock lock(mutex_);
        drained = finished_.wait_for(lock, grace, [this] { return running_workers_ == 0; });
    }
    if (drained) {
        JoinAll();
        log::Info(kComponent, "stopped");
        return true;
    }
    abandoned_.store(true);
    int still_running = 0;
    {
        std::lock_guard lock(mutex_);
        still_running = running_workers_;
    }
    log::Warn(kComponent, "stop grace expired; unfinished deliveries will be redone after restart",
              {{"grace_ms", static_cast<std::int64_t>(grace.count())}, {"workers_busy", still_running}});
    for (auto const& [target, deliverer] : deliverers_) {
        deliverer->Cancel();
    }
    return false;
}

void Dispatcher::JoinAll() {
    for (auto& t : threads_) {
        if (t.joinable()) {
            t.join();
        }
    }
}

void Dispatcher::WorkerLoop() {
    while (!stop_.load()) {
        std::uint64_t generation = 0;
        {
            std::lock_guard lock(mutex_);
            generation = notify_generation_;
        }
        auto claimed = queue_.Claim(options_.batch_size, options_.lease);
        if (claimed && !claimed->empty()) {
            ProcessBatch(*claimed);
            continue;
        }
        if (!claimed) {
            log::Warn(kComponent, "claim failed; will retry", {{"error", claimed.error().message}});
        }
        // Idle: sleep until Notify (a commit added work), Stop, or the poll interval (retries
        // coming due). Reading the generation before Claim means a Notify racing with an empty
        // claim is not lost.
        std::unique_lock lock(mutex_);
        wake_.wait_for(lock, options_.poll_interval,
                       [&] { return stop_.load() || notify_generation_ != generation; });
    }
    std::lock_guard lock(mutex_);
    --running_workers_;
    finished_.notify_all();
}

void Dispatcher::ProcessBatch(std::vector<Job>& jobs) {
    // Group by target, keeping claim (id) order inside each group. A claim holds at most one job
    // per entity, so the groups can go out in any order.
    std::map<std::string, std::vector<Job>, std::less<>> by_target;
    for (auto& j : jobs) {
        by_target[j.target].push_back(std::move(j));
    }
    for (auto& [target, group] : by_target) {
        if (auto unavailable = AvailabilityOf(target)) {
            Defer(group, *unavailable);
            continue;
        }
        std::vector<Status> results = DeliverGroup(target, group);
        if (abandoned_.load()) {
            // Stop gave up on us: the daemon may be tearing down; leave the jobs inflight.
            return;
        }
        Record(group, results, AvailabilityOf(target));
    }
}

std::optional<Unavailable> Dispatcher::AvailabilityOf(std::string const& target) {
    auto it = deliverers_.find(target);
    std::optional<Unavailable> unavailable;
    if (it != deliverers_.end()) {
        try {
            unavailable = it->second->Availability();
        } catch (std::exception const& e) {
            log::Error(kComponent, "deliverer availability check threw; treating the target as available",
                       {{"target", target}, {"what", e.what()}});
        }
    }
    // Log transitions only: during an outage every claim asks, and the answer rarely changes.
    std::lock_guard lock(counters_mutex_);
    auto& logged = unavailable_logged_[target];
    std::string const now_reason = unavailable ? unavailable->reason : std::string();
    if (now_reason != logged) {
        if (unavailable) {
            log::Warn(kComponent, "target unavailable; its jobs wait without spending attempts",
                      {{"target", target}, {"reason", now_reason}});
        } else {
            log::Info(kComponent, "target available again; deliveries resume", {{"target", target}});
        }
        logged = now_reason;
    }
    return unavailable;
}

void Dispatcher::Defer(std::span<Job const> jobs, Unavailable const& unavailable) {
    std::vector<std::int64_t> ids;
    ids.reserve(jobs.size());
    for (auto const& j : jobs) {
        ids.push_back(j.id);
    }
    if (auto st = queue_.Defer(ids, unavailable.retry_after, unavailable.reason); !st) {
        // They stay inflight and come back after the lease: late, but with nothing lost.
        log::Error(kComponent, "could not defer jobs; they are retried after the lease",
                   {{"target", jobs.front().target}, {"jobs", static_cast<std::int64_t>(ids.size())},
                    {"error", st.error().message}});
        return;
    }
    CountersFor(std::string(jobs.front().target)).deferred->Inc(ids.size());
}

std::vector<Status> Dispatcher::DeliverGroup(std::string const& target, std::span<Job const> jobs) {
    auto it = deliverers_.find(target);
    if (it == deliverers_.end()) {
        return std::vector<Status>(
            jobs.size(), Status(Error::Permanent("no deliverer registered for target '" + target +
                                                 "'; check the connector configuration")));
    }
    std::vector<Status> results;
    try {
        results = it->second->DeliverBatch(jobs);
    } catch (std::exception const& e) {
        // The dispatcher boundary (style.md §9.4): a throwing deliverer is a bug; fail the batch
        // with class bug (dead, visible, retryable by the admin) rather than kill the daemon.
        log::Error(kComponent, "deliverer threw; failing its batch as bug",
                   {{"target", target}, {"jobs", static_cast<std::int64_t>(jobs.size())}, {"what", e.what()}});
        return std::vector<Status>(jobs.size(),
                                   Status(Error::Bug("deliverer for target '" + target + "' threw: " + e.what())));
    }
    if (results.size() != jobs.size()) {
        log::Error(kComponent, "deliverer returned the wrong number of results; failing its batch as bug",
                   {{"target", target}, {"jobs", static_cast<std::int64_t>(jobs.size())},
                    {"results", static_cast<std::int64_t>(results.size())}});
        return std::vector<Status>(
            jobs.size(), Status(Error::Bug("deliverer for target '" + target + "' returned " +
                                           std::to_string(results.size()) + " results for " +
                                           std::to_string(jobs.size()) + " jobs")));
    }
    return results;
}

void Dispatcher::Record(std::span<Job const> jobs, std::vector<Status> const& results,
                        std::optional<Unavailable> const& unavailable) {
    std::vector<std::int64_t> ok;
    ok.reserve(jobs.size());
    for (std::size_t i = 0; i < jobs.size(); ++i) {
        if (results[i]) {
            ok.push_back(jobs[i].id);
        }
    }
    auto& counters = CountersFor(std::string(jobs.front().target));
    if (!ok.empty()) {
        if (auto st = CompleteGrouped(ok); !st) {
            // The deliveries happened; the jobs stay inflight and are redelivered after the lease
            // (at least once; targets are idempotent by external id).
            log::Error(kComponent, "could not record completed jobs; they will be redelivered",
                       {{"target", jobs.front().target}, {"jobs", static_cast<std::int64_t>(ok.size())},
                        {"error", st.error().message}});
        }
        counters.ok->Inc(ok.size());
    }
    // The target went away under this batch: its transient failures are the outage's, not the
    // jobs'. They are deferred like the jobs claimed after them (a retry checks by external id, so
    // a write whose reply was lost is not duplicated).
    std::vector<Job> deferred;
    for (std::size_t i = 0; i < jobs.size(); ++i) {
        if (results[i]) {
            continue;
        }
        Job const& job = jobs[i];
        Error const& error = results[i].error();
        if (unavailable && error.IsTransient()) {
            deferred.push_back(job);
            continue;
        }
        switch (error.error_class) {
            case ErrorClass::kTransient:
                counters.transient->Inc();
                break;
            case ErrorClass::kPermanent:
                counters.permanent->Inc();
                break;
            case ErrorClass::kBug:
                counters.bug->Inc();
                break;
        }
        auto outcome = queue_.Fail(job.id, error);
        if (!outcome) {
            log::Error(kComponent, "could not record a failed delivery; it will be redelivered",
                       {{"job", job.id}, {"target", job.target}, {"error", outcome.error().message}});
            continue;
        }
        if (outcome->dead) {
            counters.dead->Inc();
            log::Error(kComponent, "job is dead",
                       {{"job", job.id}, {"target", job.target}, {"entity", job.entity_key},
                        {"attempt", outcome->attempts}, {"class", ToString(error.error_class)},
                        {"reason", error.message}});
        } else {
            counters.retries->Inc();
            log::Warn(kComponent, "delivery failed; will retry",
                      {{"job", job.id}, {"target", job.target}, {"entity", job.entity_key},
                       {"attempt", outcome->attempts}, {"class", ToString(error.error_class)},
                       {"reason", error.message},
                       {"retry_in_ms", outcome->next_at - queue_.clock().NowMillis()}});
        }
    }
    if (!deferred.empty()) {
        Defer(deferred, *unavailable);
    }
}

Status Dispatcher::CompleteGrouped(std::vector<std::int64_t> const& ids) {
    std::unique_lock lock(complete_mutex_);
    complete_pending_.insert(complete_pending_.end(), ids.begin(), ids.end());
    std::uint64_t const ticket = ++complete_requested_;
    while (complete_done_ < ticket) {
        if (complete_leader_busy_) {
            complete_cv_.wait(lock);
            continue;
        }
        complete_leader_busy_ = true;
        std::vector<std::int64_t> batch = std::move(complete_pending_);
        complete_pending_.clear();
        std::uint64_t const upto = complete_requested_;
        lock.unlock();
        Status st = queue_.Complete(batch);
        lock.lock();
        complete_results_.emplace(upto, st);
        while (complete_results_.size() > 64) {
            complete_results_.erase(complete_results_.begin());
        }
        complete_done_ = upto;
        complete_leader_busy_ = false;
        complete_cv_.notify_all();
    }
    // Groups are consecutive ticket ranges keyed by their last ticket, so ours is the first
    // group whose key is >= our ticket. At most `workers` groups can still have waiters, so a
    // short history is enough.
    auto it = complete_results_.lower_bound(ticket);
    if (it == complete_results_.end()) {
        return Error::Bug("dispatcher: completion group result missing");
    }
    return it->second;
}

Dispatcher::TargetCounters& Dispatcher::CountersFor(std::string const& target) {
    std::lock_guard lock(counters_mutex_);
    auto it = counters_.find(target);
    if (it != counters_.end()) {
        return it->second;
    }
    constexpr char const* kDeliveries = "Job delivery attempts by target and result.";
    auto delivery = [&](char const* result) {
        return &registry_.GetCounter("b2b_job_deliveries_total", kDeliveries, {{"target", target}, {"result", result}});
    };
    TargetCounters c{delivery("ok"),
                     delivery("transient"),
                     delivery("permanent"),
                     delivery("bug"),
                     &registry_.GetCounter("b2b_job_retries_total", "Job deliveries scheduled for retry.",
                                           {{"target", target}}),
                     &registry_.GetCounter("b2b_jobs_dead_total", "Jobs parked as dead.", {{"target", target}}),
                     &registry_.GetCounter("b2b_job_deferrals_total",
                                           "Claimed jobs put back without an attempt because their target was "
                                           "unavailable.",
                                           {{"target", target}})};
    return counters_.emplace(target, c).first->second;
}

}  // namespace b2b::sync
