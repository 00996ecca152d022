#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/store/database.hpp"
#include "core/util/clock.hpp"
#include "core/util/error.hpp"

namespace b2b::store {

/// A canonical order as the flows keep it (table `orders`, migration 0009). The document's format
/// belongs to the flows; the store only keeps it with the fields it is searched by.
struct StoredOrder {
    std::string id;
    std::string number;
    std::string stage;
    std::string document;
    std::int64_t version = 0;  ///< 1 for a new order; bumped by every Save that changed it
    UnixMillis created_at = 0;
    UnixMillis updated_at = 0;
};

/// Canonical orders. Every call runs inside the caller's transaction, so an order change and the
/// jobs it causes commit together.
class OrderRepository {
public:
    explicit OrderRepository(Clock const& clock) : clock_(clock) {}

    Result<std::optional<StoredOrder>> Find(Transaction& tx, std::string_view id);

    /// Inserts the order (version 1) or, when number, stage or document differ from the stored row,
    /// updates it and bumps the version. Returns the version now stored (unchanged when nothing
    /// differed). `order.version` and the times are ignored.
    Result<std::int64_t> Save(Transaction& tx, StoredOrder const& order);

    /// Every order id, for whole-store checks (tests, `status`); sorted.
    Result<std::vector<std::string>> Ids(Transaction& tx);

private:
    Clock const& clock_;
};

/// One row of `inbound_changes`: something 1C's exchange landed that the flows have not applied.
struct InboundChange {
    std::int64_t seq = 0;
    std::string source;  ///< "onec_document" or "onec_counterparty"
    std::string entity_id;
};

/// The change log filled by triggers on the landing tables (migration 0009).
class InboundChanges {
public:
    /// The oldest `limit` changes not applied yet, in commit order.
    static Result<std::vector<InboundChange>> Oldest(Transaction& tx, int limit);
    /// Removes a change: call in the transaction that applied it.
    static Status Remove(Transaction& tx, std::int64_t seq);
    /// How many wait (a gauge for /metrics and `status`).
    static Result<std::int64_t> Count(Transaction& tx);
};

}  // namespace b2b::store
