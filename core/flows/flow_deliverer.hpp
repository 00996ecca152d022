#pragma once

#include <functional>
#include <memory>
#include <span>
#include <vector>

#include "core/store/database.hpp"
#include "core/store/job_queue.hpp"
#include "core/sync/deliverer.hpp"
#include "core/util/clock.hpp"
#include "mappings/engine/mapping_set.hpp"

namespace b2b::flows {

/// The mappings in force; swapped atomically on SIGHUP, so each job sees one whole set.
using MappingsProvider = std::function<std::shared_ptr<mapping::MappingSet const>()>;

/// Runs the jobs of the "flows" target (flow_jobs.hpp): each in one store transaction that updates
/// the canonical order or counterparty, writes links and audit entries, and enqueues the outbound
/// jobs (Bitrix24 deal/company, the site's order status, 1C's order feed) — so a crash leaves
/// either all of it or none, and a re-run after a crash changes nothing (saves compare, enqueues
/// carry idempotency keys with the order's version).
///
/// Errors are permanent when the input or the mappings are wrong (an order without INN, a status
/// with no row in the statuses table: the message names the entity and the mapping file:line);
/// the job is parked dead and `b2bsync jobs retry` re-runs it after the fix.
class FlowDeliverer final : public sync::Deliverer {
public:
    FlowDeliverer(store::Database& db, Clock const& clock, store::JobQueue& queue, MappingsProvider mappings);
    ~FlowDeliverer() override;

    std::vector<Status> DeliverBatch(std::span<store::Job const> jobs) override;

    /// Runs one job (DeliverBatch does this per job). Public for tests.
    Status Run(store::Job const& job);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace b2b::flows
