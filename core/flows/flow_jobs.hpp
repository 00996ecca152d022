#pragma once

/// Names shared by the code that enqueues flow work and the deliverers that carry it out.
namespace b2b::flows {

/// The local target: jobs that turn something a peer sent into canonical state and outbound jobs.
/// Running them through the durable queue gives the flows what outbound jobs have: a crash
/// re-runs them (they are idempotent), a mapping error parks them dead with the mapping's
/// file:line, and `b2bsync jobs retry` completes them after the admin fixed the mapping.
inline constexpr char const* kFlowsTarget = "flows";
inline constexpr char const* kSiteOrder = "site_order";            ///< payload: the site's order document
inline constexpr char const* kOnecDocument = "onec_document";      ///< payload: {"onec_id": ...}
inline constexpr char const* kOnecCounterparty = "onec_counterparty";  ///< payload: {"onec_id": ...}
inline constexpr char const* kDealStage = "deal_stage";  ///< payload: {"deal_id", "stage_id", "stage_name"}

/// Outbound targets the flows enqueue for.
inline constexpr char const* kBitrix24Target = "bitrix24";
inline constexpr char const* kSiteTarget = "site";
inline constexpr char const* kSiteOrderStatus = "order_status";  ///< payload: site_order.yaml output

/// Links-table kinds.
inline constexpr char const* kOrderKind = "order";
inline constexpr char const* kCounterpartyKind = "counterparty";

}  // namespace b2b::flows
