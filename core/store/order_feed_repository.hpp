#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/store/database.hpp"
#include "core/util/clock.hpp"
#include "core/util/error.hpp"

namespace b2b::store {

/// One order of the feed (migration 0005). `document` is opaque here: the 1C connector stores the
/// CmlDocument it will write as JSON (connectors/onec/order_feed.hpp), so the store does not depend
/// on CommerceML types.
struct OrderFeedEntry {
    std::string order_id;  ///< the Документ Ид
    std::int64_t version = 0;
    std::string document;
    UnixMillis queued_at = 0;
};

/// An order at the version a session was offered.
struct OfferedOrder {
    std::string order_id;
    std::int64_t version = 0;
    friend bool operator==(OfferedOrder const&, OfferedOrder const&) = default;
};

/// The orders waiting to be offered to 1C with `type=sale&mode=query`, with at-least-once delivery
/// and a commit point (commerceml.md §1.7, §6 quirk 10): a query records what it offered
/// (MarkOffered); mode=success confirms exactly those versions (ConfirmOffered). An order queued or
/// changed after the query keeps a newer version and so stays pending.
///
/// Thread-safe (the Database is). Errors are the store's: transient on lock contention, permanent
/// otherwise (style.md §9.4).
class OrderFeedRepository {
public:
    OrderFeedRepository(Database& db, Clock const& clock) : db_(db), clock_(clock) {}

    /// Upserts the order inside the caller's transaction (the flow that changed the order), bumping
    /// its version; returns the new version (1 for a new order). Precondition: order_id non-empty.
    Result<std::int64_t> Queue(Transaction& tx, std::string_view order_id, std::string_view document);

    /// Every order not confirmed at its current version, oldest queued_at first (ties by order id).
    Result<std::vector<OrderFeedEntry>> PendingForQuery();

    /// Replaces what `session_id` was offered by `offered` (the latest query is what 1C holds).
    /// The session must exist in exchange_sessions (rows go with it); unknown order ids are an error.
    Status MarkOffered(std::string_view session_id, std::span<OfferedOrder const> offered);

    /// Confirms the versions the session was offered and forgets its offer; returns how many orders
    /// became confirmed (an order already confirmed at a newer version is left alone). A session
    /// that was offered nothing confirms nothing.
    Result<std::size_t> ConfirmOffered(std::string_view session_id);

    /// What the session's latest query offered, by order id (for tests and the status CLI).
    Result<std::vector<OfferedOrder>> OfferedTo(std::string_view session_id);

private:
    Database& db_;
    Clock const& clock_;
};

}  // namespace b2b::store
