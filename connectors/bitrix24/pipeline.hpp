#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "connectors/bitrix24/rest_client.hpp"
#include "core/util/error.hpp"

namespace b2b::bitrix24 {

/// What the config names (bitrix24.pipeline, bitrix24.stages): portal names, not ids, because
/// ids differ between portals and names are what an admin sees.
struct PipelineConfig {
    std::string pipeline = "Опт";
    /// Our stage names -> the portal's stage names in that pipeline, e.g. manager_check -> "Проверка менеджером".
    std::map<std::string, std::string> stages;
};

/// The resolved ids. `initial_stage_id` is the pipeline's first stage by SORT (where a new deal
/// lands when the order names no stage).
struct Pipeline {
    std::int64_t category_id = 0;
    std::string name;
    std::string initial_stage_id;
    std::map<std::string, std::string> stage_ids;  ///< our stage name -> STATUS_ID ("C1:NEW")
};

/// Resolves names to ids at start-up with crm.category.list (entityTypeId=2) and crm.status.list
/// (ENTITY_ID = DEAL_STAGE or DEAL_STAGE_<n>). Errors: permanent when the pipeline or a stage does
/// not exist, naming it and listing the portal's real ones, e.g.
///   bitrix24.pipeline: no deal pipeline named "Розница" on the portal; its pipelines are: "General", "Опт"
/// and whatever the calls returned (transient network trouble, permanent auth problems).
Result<Pipeline> ResolvePipeline(RestClient& client, PipelineConfig const& config);

}  // namespace b2b::bitrix24
