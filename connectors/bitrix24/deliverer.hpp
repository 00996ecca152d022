#pragma once

#include <memory>

#include "connectors/bitrix24/entities.hpp"
#include "core/sync/deliverer.hpp"

namespace b2b::bitrix24 {

/// Job kinds (payloads documented in payload.hpp).
inline constexpr std::string_view kUpsertCompany = "upsert_company";
inline constexpr std::string_view kUpsertDeal = "upsert_deal";

/// The Bitrix24 target: delivers `upsert_company` and `upsert_deal` jobs through CrmWriter,
/// batching the jobs of one DeliverBatch call. Each job gets its own Status: a permanent error
/// for a bad payload or an unknown kind, the classified REST error otherwise; one failing job
/// never fails the others. Safe to call from several workers at once.
class Bitrix24Deliverer final : public sync::Deliverer {
public:
    /// `client` must outlive the deliverer.
    Bitrix24Deliverer(RestClient& client, Pipeline pipeline);

    /// Resolves the pipeline and stage names on the portal first (see ResolvePipeline): an
    /// unknown name is a permanent start-up error.
    static Result<std::unique_ptr<Bitrix24Deliverer>> Create(RestClient& client, PipelineConfig const& config);

    // sync::Deliverer
    std::vector<Status> DeliverBatch(std::span<store::Job const> jobs) override;
    void Cancel() override;

private:
    RestClient& client_;
    CrmWriter writer_;
};

}  // namespace b2b::bitrix24
