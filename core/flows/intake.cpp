#include "core/flows/intake.hpp"

#include <boost/json.hpp>

#include "connectors/onec/order_feed.hpp"
#include "core/flows/flow_jobs.hpp"
#include "core/store/order_repository.hpp"
#include "core/store/repositories.hpp"

namespace b2b::flows {
namespace {

/// FNV-1a: a stable content hash for idempotency keys (std::hash may differ between builds).
std::string ContentHash(std::string_view text) {
    std::uint64_t h = 1469598103934665603ull;
    for (unsigned char c : text) {
        h ^= c;
        h *= 1099511628211ull;
    }
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
    return buf;
}

}  // namespace

Status SiteOrderIntake::Persist(site::PulledOrders const& batch) {
    auto tx = store::Transaction::Begin(db_, "site orders intake");
    if (!tx) {
        return tx.error();
    }
    for (auto const& document : batch.orders) {
        std::string payload = onec::EncodeOrderDocument(document);
        std::string key = "site-order:" + document.id + ":" + ContentHash(payload);
        auto queued = queue_.Enqueue(**tx, store::NewJob{kFlowsTarget, "order-" + document.id, kSiteOrder,
                                                         std::move(payload), std::move(key)});
        if (!queued) {
            return queued.error();
        }
    }
    store::DeadLetterRepository dead_letters(clock_);
    for (auto const& problem : batch.problems) {
        store::DeadLetter letter;
        letter.source = "site.order";
        letter.entity = problem.path;
        letter.reason = problem.message;
        if (auto added = dead_letters.Add(**tx, letter); !added) {
            return added.error();
        }
    }
    return (*tx)->Commit();
}

Result<int> PumpInboundChanges(store::Database& db, store::JobQueue& queue, int limit) {
    auto tx = store::Transaction::Begin(db, "pump inbound changes");
    if (!tx) {
        return tx.error();
    }
    auto changes = store::InboundChanges::Oldest(**tx, limit);
    if (!changes) {
        return changes.error();
    }
    for (auto const& change : *changes) {
        bool const document = change.source == "onec_document";
        std::string payload = boost::json::serialize(boost::json::object{{"onec_id", change.entity_id}});
        auto queued = queue.Enqueue(
            **tx, store::NewJob{kFlowsTarget, (document ? "onec-doc-" : "onec-cp-") + change.entity_id,
                                document ? kOnecDocument : kOnecCounterparty, std::move(payload),
                                "inbound:" + std::to_string(change.seq)});
        if (!queued) {
            return queued.error();
        }
        if (auto removed = store::InboundChanges::Remove(**tx, change.seq); !removed) {
            return removed.error();
        }
    }
    if (auto committed = (*tx)->Commit(); !committed) {
        return committed.error();
    }
    return static_cast<int>(changes->size());
}

Status StageChangeIntake::OnStageChange(store::Transaction& tx, bitrix24::StageChange const& change) {
    auto name = stage_name_ ? stage_name_(change.to) : std::nullopt;
    if (!name) {
        return Error::Permanent("deal " + std::to_string(change.deal_id) + ": stage \"" + change.to +
                                "\" is not a stage of the configured pipeline");
    }
    std::string payload = boost::json::serialize(
        boost::json::object{{"deal_id", change.deal_id}, {"stage_id", change.to}, {"stage_name", *name}});
    auto queued = queue_.Enqueue(tx, store::NewJob{kFlowsTarget, "deal-" + std::to_string(change.deal_id), kDealStage,
                                                   std::move(payload),
                                                   "deal-stage:" + std::to_string(change.inbox_id) + ":" + change.to});
    if (!queued) {
        return queued.error();
    }
    return {};
}

}  // namespace b2b::flows
