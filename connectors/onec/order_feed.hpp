#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "connectors/onec/cml_model.hpp"
#include "core/store/order_feed_repository.hpp"
#include "core/util/clock.hpp"
#include "core/util/error.hpp"

namespace b2b::onec {

/// The CmlDocument as the JSON text stored in onec_order_feed.document: every field of the model
/// (counterparties, lines, requisites and the lifted fields); Decimals as canonical strings
/// ("231.74"), times as ISO 8601 with their own offset, absent optionals and empty strings left out.
/// Decode(Encode(d)) reproduces d exactly.
std::string EncodeOrderDocument(CmlDocument const& document);

/// The inverse. Permanent error `corrupt order document in the store: <reason>` for anything
/// Encode does not produce (not JSON, unknown format, a bad decimal or time).
Result<CmlDocument> DecodeOrderDocument(std::string_view json);

/// An order waiting for 1C, as it will be written.
struct QueuedOrder {
    CmlDocument document;
    std::int64_t version = 0;
    UnixMillis queued_at = 0;
};

/// The orders 1C pulls with `type=sale&mode=query`: a typed front of store::OrderFeedRepository
/// (see there for the delivery contract). Thread-safe.
class OrderFeed {
public:
    OrderFeed(store::Database& db, Clock const& clock) : repository_(db, clock) {}

    /// Queues (or re-queues, bumping the version when the document changed) the order inside the
    /// caller's transaction — the flows call it in the same transaction as the order change.
    /// Returns the order's version. Permanent error when document.id is empty.
    Result<std::int64_t> Queue(store::Transaction& tx, CmlDocument const& document);

    /// Pending orders, oldest first. A row that does not decode is an error (Permanent) naming the
    /// order: the feed must not silently skip an order.
    Result<std::vector<QueuedOrder>> PendingForQuery();

    Status MarkOffered(std::string_view session_id, std::span<store::OfferedOrder const> offered) {
        return repository_.MarkOffered(session_id, offered);
    }
    Result<std::size_t> ConfirmOffered(std::string_view session_id) { return repository_.ConfirmOffered(session_id); }

private:
    store::OrderFeedRepository repository_;
};

}  // namespace b2b::onec
