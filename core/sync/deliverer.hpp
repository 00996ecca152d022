#pragma once

#include <chrono>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/store/job_queue.hpp"
#include "core/util/error.hpp"

namespace b2b::sync {

/// Why a whole target cannot take deliveries right now (its remote is unreachable, not connected
/// yet, its credentials were refused), and when to look again.
struct Unavailable {
    std::string reason;  ///< for logs and `jobs list` (last_error); never a secret
    std::chrono::milliseconds retry_after{1000};
};

/// Delivers jobs of one target (e.g. "bitrix24.deal"); registered with the Dispatcher by name.
/// Connectors never retry on their own: they classify each failure (transient, with retry_after
/// when the remote said so, or permanent) and the dispatcher decides (design.md §5).
class Deliverer {
public:
    virtual ~Deliverer() = default;

    /// Called on a dispatcher worker thread, possibly on several threads at once (with different
    /// entities); may block (HTTP). Returns one Status per job, in the same order. Jobs of one
    /// entity never appear twice in a batch. Throwing is a bug: the dispatcher fails the whole
    /// batch with class bug.
    virtual std::vector<Status> DeliverBatch(std::span<store::Job const> jobs) = 0;

    /// Called from Dispatcher::Stop when the grace period ran out while a batch of this target
    /// was still in DeliverBatch: abort blocking I/O so the worker can exit. Results of such a
    /// batch are discarded and its jobs recovered at next start. Default: nothing.
    virtual void Cancel() {}

    /// Asked before each batch and again after it. While it returns a value the dispatcher puts
    /// the target's claimed jobs back (JobQueue::Defer) without delivering them and without
    /// spending an attempt, so an outage of the remote cannot walk jobs to dead. Asked after a
    /// batch, a value also turns that batch's transient failures into deferrals (the remote went
    /// away under them). Called from several worker threads; must be cheap and never block.
    /// Default: always available.
    virtual std::optional<Unavailable> Availability() const { return std::nullopt; }
};

}  // namespace b2b::sync
