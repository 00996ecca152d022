#pragma once

#include <optional>
#include <string>

#include "core/domain/counterparty.hpp"
#include "core/store/database.hpp"
#include "core/util/error.hpp"

namespace b2b::flows {

/// What the flows read of a 1C document as the exchange landed it (table onec_documents).
struct OnecDocumentRow {
    std::string onec_id;
    std::string number;
    std::string onec_number;
    std::string operation;  ///< ХозОперация: "Заказ товара" for orders
    std::optional<bool> posted, cancelled, marked_deleted, paid, shipped;
    std::string status;  ///< "Статус заказа"
};

Result<std::optional<OnecDocumentRow>> ReadOnecDocument(store::Transaction& tx, std::string const& onec_id);

/// A counterparty as 1C's exchange landed it (table counterparties_onec), as the canonical
/// counterparty. Permanent error naming it when it has no INN (matching is by INN+KPP).
Result<std::optional<Counterparty>> ReadOnecCounterparty(store::Transaction& tx, std::string const& onec_id);

/// Whether the store has any of 1C's catalog yet (before the first catalog exchange there is
/// nothing to check order lines against).
Result<bool> HasCatalog(store::Transaction& tx);

/// Whether 1C's catalog knows an offer Ид ("product" or "product#variant", as an order line
/// carries it).
Result<bool> CatalogKnows(store::Transaction& tx, std::string const& offer_id);

/// The order document last queued for 1C under this Ид (onec_order_feed), as stored JSON.
Result<std::optional<std::string>> ReadFeedDocument(store::Transaction& tx, std::string const& order_id);

}  // namespace b2b::flows
