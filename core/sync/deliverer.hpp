#pragma once

#include <span>
#include <vector>

#include "core/store/job_queue.hpp"
#include "core/util/error.hpp"

namespace b2b::sync {

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
};

}  // namespace b2b::sync
