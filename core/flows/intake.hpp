#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "connectors/bitrix24/events_sink.hpp"
#include "connectors/site/order_sink.hpp"
#include "core/store/database.hpp"
#include "core/store/job_queue.hpp"
#include "core/util/clock.hpp"

/// Where what the peers send enters the flows: each intake turns it into "flows" jobs inside the
/// transaction that makes it durable, so nothing a peer handed over is lost and nothing is done
/// twice (idempotency keys), and the work itself runs in FlowDeliverer.
namespace b2b::flows {

/// Orders pulled from the site's exchange (or posted by its webhook): one site_order job per order
/// (idempotency key: the order's Ид and a hash of its document, so the same order offered again is
/// one job and a changed order is a new one), one dead letter per document that did not decode.
/// All in one transaction: Persist returns ok only once they are committed, and only then does the
/// exchange client confirm the export to the site.
class SiteOrderIntake final : public site::SiteOrderSink {
public:
    SiteOrderIntake(store::Database& db, Clock const& clock, store::JobQueue& queue)
        : db_(db), clock_(clock), queue_(queue) {}
    Status Persist(site::PulledOrders const& batch) override;

private:
    store::Database& db_;
    Clock const& clock_;
    store::JobQueue& queue_;
};

/// Moves up to `limit` rows of the landing tables' change log (inbound_changes, filled by
/// triggers as 1C's exchange lands documents and counterparties) into onec_document /
/// onec_counterparty jobs, in one transaction. Returns how many it moved.
Result<int> PumpInboundChanges(store::Database& db, store::JobQueue& queue, int limit);

/// A Bitrix24 stage change (from StageTracker, inside its transaction) as a deal_stage job.
/// `stage_name` turns the portal's STATUS_ID into the stage's name (the statuses table's bitrix24
/// column); an id it does not know is a permanent error naming it.
class StageChangeIntake final : public bitrix24::EventSink {
public:
    using StageName = std::function<std::optional<std::string>(std::string const& status_id)>;
    StageChangeIntake(store::JobQueue& queue, StageName stage_name)
        : queue_(queue), stage_name_(std::move(stage_name)) {}
    Status OnStageChange(store::Transaction& tx, bitrix24::StageChange const& change) override;

private:
    store::JobQueue& queue_;
    StageName stage_name_;
};

}  // namespace b2b::flows
