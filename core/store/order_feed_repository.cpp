#include "core/store/order_feed_repository.hpp"

#include <utility>

namespace b2b::store {
namespace {

// Runs `body(tx)` in one write transaction and commits when it succeeded.
template <class Body>
auto InTransaction(Database& db, std::string_view purpose, Body body)
    -> decltype(body(std::declval<Transaction&>())) {
    auto tx = Transaction::Begin(db, purpose);
    if (!tx) {
        return tx.error();
    }
    auto result = body(**tx);
    if (!result) {
        return result;
    }
    if (auto st = (*tx)->Commit(); !st) {
        return st.error();
    }
    return result;
}

}  // namespace

Result<std::int64_t> OrderFeedRepository::Queue(Transaction& tx, std::string_view order_id,
                                                std::string_view document) {
    if (order_id.empty()) {
        return Error::Bug("order feed: an order without an id cannot be queued");
    }
    // An unchanged document keeps its version: re-queueing after a retried flow must not make 1C
    // receive the order again.
    auto upsert = tx.Prepare("queue order for 1C",
                             "INSERT INTO onec_order_feed (order_id, version, document, queued_at)"
                             " VALUES (?1, 1, ?2, ?3)"
                             " ON CONFLICT (order_id) DO UPDATE SET version = onec_order_feed.version + 1,"
                             " document = excluded.document, queued_at = excluded.queued_at"
                             " WHERE onec_order_feed.document <> excluded.document");
    if (!upsert) {
        return upsert.error();
    }
    upsert->Bind(1, order_id).Bind(2, document).Bind(3, clock_.NowMillis());
    if (auto st = upsert->Run(); !st) {
        return st.error();
    }
    auto select = tx.Prepare("read queued order version", "SELECT version FROM onec_order_feed WHERE order_id = ?1");
    if (!select) {
        return select.error();
    }
    select->Bind(1, order_id);
    auto row = select->Step();
    if (!row) {
        return row.error();
    }
    if (!*row) {
        return Error::Bug("order feed: order " + std::string(order_id) + " vanished right after queueing");
    }
    return select->ColumnInt64(0);
}

Result<std::vector<OrderFeedEntry>> OrderFeedRepository::PendingForQuery() {
    auto tx = Transaction::Begin(db_, "read pending orders for 1C", Transaction::Mode::kRead);
    if (!tx) {
        return tx.error();
    }
    auto s = (*tx)->Prepare("read pending orders for 1C",
                            "SELECT order_id, version, document, queued_at FROM onec_order_feed"
                            " WHERE confirmed_version < version ORDER BY queued_at, order_id");
    if (!s) {
        return s.error();
    }
    std::vector<OrderFeedEntry> entries;
    for (;;) {
        auto row = s->Step();
        if (!row) {
            return row.error();
        }
        if (!*row) {
            break;
        }
        entries.push_back(OrderFeedEntry{s->ColumnText(0), s->ColumnInt64(1), s->ColumnText(2), s->ColumnInt64(3)});
    }
    return entries;
}

Status OrderFeedRepository::MarkOffered(std::string_view session_id, std::span<OfferedOrder const> offered) {
    return InTransaction(db_, "record orders offered to 1C", [&](Transaction& tx) -> Status {
        auto clear = tx.Prepare("forget orders offered to 1C", "DELETE FROM onec_order_offers WHERE session_id = ?1");
        if (!clear) {
            return clear.error();
        }
        clear->Bind(1, session_id);
        if (auto st = clear->Run(); !st) {
            return st;
        }
        UnixMillis const now = clock_.NowMillis();
        for (auto const& order : offered) {
            auto insert = tx.Prepare("record order offered to 1C",
                                     "INSERT INTO onec_order_offers (session_id, order_id, version, offered_at)"
                                     " VALUES (?1, ?2, ?3, ?4)");
            if (!insert) {
                return insert.error();
            }
            insert->Bind(1, session_id).Bind(2, order.order_id).Bind(3, order.version).Bind(4, now);
            if (auto st = insert->Run(); !st) {
                return st;
            }
        }
        return {};
    });
}

Result<std::size_t> OrderFeedRepository::ConfirmOffered(std::string_view session_id) {
    return InTransaction(db_, "confirm orders offered to 1C", [&](Transaction& tx) -> Result<std::size_t> {
        // Correlated subqueries instead of UPDATE ... FROM keep the SQL portable (design.md §6).
        auto confirm = tx.Prepare(
            "confirm orders offered to 1C",
            "UPDATE onec_order_feed SET confirmed_version ="
            " (SELECT o.version FROM onec_order_offers o WHERE o.session_id = ?1"
            " AND o.order_id = onec_order_feed.order_id)"
            " WHERE order_id IN (SELECT o.order_id FROM onec_order_offers o WHERE o.session_id = ?1"
            " AND o.version > onec_order_feed.confirmed_version)");
        if (!confirm) {
            return confirm.error();
        }
        confirm->Bind(1, session_id);
        if (auto st = confirm->Run(); !st) {
            return st.error();
        }
        auto const confirmed = static_cast<std::size_t>(confirm->Changes());
        auto clear = tx.Prepare("forget orders offered to 1C", "DELETE FROM onec_order_offers WHERE session_id = ?1");
        if (!clear) {
            return clear.error();
        }
        clear->Bind(1, session_id);
        if (auto st = clear->Run(); !st) {
            return st.error();
        }
        return confirmed;
    });
}

Result<std::vector<OfferedOrder>> OrderFeedRepository::OfferedTo(std::string_view session_id) {
    auto tx = Transaction::Begin(db_, "read orders offered to 1C", Transaction::Mode::kRead);
    if (!tx) {
        return tx.error();
    }
    auto s = (*tx)->Prepare("read orders offered to 1C",
                            "SELECT order_id, version FROM onec_order_offers WHERE session_id = ?1 ORDER BY order_id");
    if (!s) {
        return s.error();
    }
    s->Bind(1, session_id);
    std::vector<OfferedOrder> offered;
    for (;;) {
        auto row = s->Step();
        if (!row) {
            return row.error();
        }
        if (!*row) {
            break;
        }
        offered.push_back(OfferedOrder{s->ColumnText(0), s->ColumnInt64(1)});
    }
    return offered;
}

}  // namespace b2b::store
