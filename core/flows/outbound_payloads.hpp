#pragma once

#include <string>

#include "connectors/onec/cml_model.hpp"
#include "core/domain/counterparty.hpp"
#include "core/domain/order.hpp"
#include "core/util/error.hpp"
#include "mappings/engine/mapping_set.hpp"

namespace b2b::flows {

/// The Bitrix24 deliverer's `upsert_deal` payload (connectors/bitrix24/payload.hpp) for an order,
/// with the title, responsible manager and product rows computed by the `deal` mapping, and every
/// other scalar field of that mapping under "fields" (UF_CRM_*, COMMENTS, ...) for a new deal and,
/// under "update_fields", those of them Bitrix24 does not own (`owner:`) for an existing one. STAGE_ID and
/// COMPANY_ID are left to the deliverer (it resolves the stage key and finds or creates the
/// company). Errors: the mapping's, naming the order and the mapping file:line.
Result<std::string> DealPayload(Order const& order, mapping::MappingSet const& set);

/// The `upsert_company` payload for a counterparty (INN/KPP, name, legal form).
std::string CompanyPayload(Counterparty const& counterparty);

/// The order document 1C gets on its next `mode=query`: the site's document, with the requisites
/// of the `onec_order` mapping set (replacing same-named ones) and 1C's number when known.
Result<onec::CmlDocument> OnecOrderDocument(Order const& order, onec::CmlDocument const& site_document,
                                            mapping::MappingSet const& set);

/// The order document b2bsync (as 1C) sends back to the site: Ид and number of the site's order,
/// requisites from the `site_order` mapping (status letter, paid, cancelled, 1C number).
Result<onec::CmlDocument> SiteStatusDocument(Order const& order, onec::CmlDocument const& site_document,
                                             mapping::MappingSet const& set);

}  // namespace b2b::flows
