#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "connectors/bitrix24/entities.hpp"
#include "core/sync/deliverer.hpp"

namespace b2b::bitrix24 {

class StageTracker;

/// Job kinds (payloads documented in payload.hpp).
inline constexpr std::string_view kUpsertCompany = "upsert_company";
inline constexpr std::string_view kUpsertDeal = "upsert_deal";
inline constexpr std::string_view kUpsertContact = "upsert_contact";
inline constexpr std::string_view kAddComment = "add_comment";
inline constexpr std::string_view kAddTask = "add_task";
inline constexpr std::string_view kNotify = "notify";

/// The Bitrix24 target: delivers `upsert_company` and `upsert_deal` jobs through CrmWriter,
/// batching the jobs of one DeliverBatch call; then `upsert_contact`, `add_comment`, `add_task`
/// and `notify` jobs one by one with direct calls (activities.hpp), after the companies and deals
/// of the same call exist, so a contact or comment may name them. Each job gets its own Status: a permanent error
/// for a bad payload or an unknown kind, the classified REST error otherwise; one failing job
/// never fails the others. Safe to call from several workers at once (batches run one at a time).
class Bitrix24Deliverer final : public sync::Deliverer {
public:
    /// `client` must outlive the deliverer.
    Bitrix24Deliverer(RestClient& client, Pipeline pipeline);

    /// Resolves the pipeline and stage names on the portal first (see ResolvePipeline): an
    /// unknown name is a permanent start-up error.
    static Result<std::unique_ptr<Bitrix24Deliverer>> Create(RestClient& client, PipelineConfig const& config);

    /// Deals we create are recorded with the tracker at the stage we put them in, so the echo
    /// of our crm.deal.add is not taken for a manager's move (events_stages.hpp). Optional; set
    /// before the first DeliverBatch; the tracker must outlive the deliverer.
    void RecordOwnStagesWith(StageTracker* tracker) { stages_ = tracker; }

    /// What a delivery tells the rest of b2bsync: the portal id our canonical entity got
    /// ("order", "order-1001", 57) or ("counterparty", "cp-7707083893-773601001", 12).
    struct Link {
        std::string kind;
        std::string canonical_id;
        std::int64_t external_id = 0;
    };
    /// Called after each batch with the links of what it wrote or found (for the store's links
    /// table, so a deal's events can be traced back to the order). Optional; set before the first
    /// DeliverBatch. Recording is idempotent; a failure there is logged, the deliveries stand.
    void RecordLinksWith(std::function<void(std::vector<Link> const&)> recorder) { links_ = std::move(recorder); }
    /// Where the portal ids recorded earlier are read back ("order", "order-1001" -> 57), so a
    /// deal deleted in the portal is reported instead of made again. Optional.
    using KnownLink = std::function<std::optional<std::int64_t>(std::string const& kind, std::string const& id)>;
    void LookUpLinksWith(KnownLink known) { known_ = std::move(known); }

    /// The pipeline and stage ids resolved at creation.
    Pipeline const& pipeline() const { return writer_.pipeline(); }

    // sync::Deliverer
    std::vector<Status> DeliverBatch(std::span<store::Job const> jobs) override;
    void Cancel() override;

private:
    Status DeliverOne(store::Job const& job);

    RestClient& client_;
    CrmWriter writer_;
    StageTracker* stages_ = nullptr;
    std::function<void(std::vector<Link> const&)> links_;
    KnownLink known_;
    // One batch at a time: two workers delivering orders of the same new counterparty at once
    // would both miss it in their lookups and both create its company (the portal has no
    // uniqueness). The shared limiter is the bottleneck anyway, so this costs no throughput.
    std::mutex batch_mutex_;
};

}  // namespace b2b::bitrix24
