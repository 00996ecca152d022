#include "core/store/order_repository.hpp"

namespace b2b::store {

Result<std::optional<StoredOrder>> OrderRepository::Find(Transaction& tx, std::string_view id) {
    auto stmt = tx.Prepare("find order",
                           "SELECT id, number, stage, document, version, created_at, updated_at FROM orders WHERE id = ?1");
    if (!stmt) {
        return stmt.error();
    }
    stmt->Bind(1, id);
    auto row = stmt->Step();
    if (!row) {
        return row.error();
    }
    if (!*row) {
        return std::optional<StoredOrder>{};
    }
    return std::optional<StoredOrder>(StoredOrder{stmt->ColumnText(0), stmt->ColumnText(1), stmt->ColumnText(2),
                                                  stmt->ColumnText(3), stmt->ColumnInt64(4), stmt->ColumnInt64(5),
                                                  stmt->ColumnInt64(6)});
}

Result<std::int64_t> OrderRepository::Save(Transaction& tx, StoredOrder const& order) {
    auto existing = Find(tx, order.id);
    if (!existing) {
        return existing.error();
    }
    UnixMillis const now = clock_.NowMillis();
    if (!*existing) {
        auto insert = tx.Prepare("insert order",
                                 "INSERT INTO orders (id, number, stage, document, version, created_at, updated_at) "
                                 "VALUES (?1, ?2, ?3, ?4, 1, ?5, ?5)");
        if (!insert) {
            return insert.error();
        }
        insert->Bind(1, order.id).Bind(2, order.number).Bind(3, order.stage).Bind(4, order.document).Bind(5, now);
        if (auto status = insert->Run(); !status) {
            return status.error();
        }
        return std::int64_t{1};
    }
    StoredOrder const& current = **existing;
    if (current.number == order.number && current.stage == order.stage && current.document == order.document) {
        return current.version;
    }
    auto update = tx.Prepare("update order",
                             "UPDATE orders SET number = ?2, stage = ?3, document = ?4, version = version + 1, "
                             "updated_at = ?5 WHERE id = ?1");
    if (!update) {
        return update.error();
    }
    update->Bind(1, order.id).Bind(2, order.number).Bind(3, order.stage).Bind(4, order.document).Bind(5, now);
    if (auto status = update->Run(); !status) {
        return status.error();
    }
    return current.version + 1;
}

Result<std::vector<std::string>> OrderRepository::Ids(Transaction& tx) {
    auto stmt = tx.Prepare("list order ids", "SELECT id FROM orders ORDER BY id");
    if (!stmt) {
        return stmt.error();
    }
    std::vector<std::string> ids;
    for (;;) {
        auto row = stmt->Step();
        if (!row) {
            return row.error();
        }
        if (!*row) {
            return ids;
        }
        ids.push_back(stmt->ColumnText(0));
    }
}

Result<std::vector<InboundChange>> InboundChanges::Oldest(Transaction& tx, int limit) {
    auto stmt = tx.Prepare("read inbound changes",
                           "SELECT seq, source, entity_id FROM inbound_changes ORDER BY seq LIMIT ?1");
    if (!stmt) {
        return stmt.error();
    }
    stmt->Bind(1, limit);
    std::vector<InboundChange> changes;
    for (;;) {
        auto row = stmt->Step();
        if (!row) {
            return row.error();
        }
        if (!*row) {
            return changes;
        }
        changes.push_back({stmt->ColumnInt64(0), stmt->ColumnText(1), stmt->ColumnText(2)});
    }
}

Status InboundChanges::Remove(Transaction& tx, std::int64_t seq) {
    auto stmt = tx.Prepare("remove inbound change", "DELETE FROM inbound_changes WHERE seq = ?1");
    if (!stmt) {
        return stmt.error();
    }
    stmt->Bind(1, seq);
    return stmt->Run();
}

Result<std::int64_t> InboundChanges::Count(Transaction& tx) {
    auto stmt = tx.Prepare("count inbound changes", "SELECT COUNT(*) FROM inbound_changes");
    if (!stmt) {
        return stmt.error();
    }
    auto row = stmt->Step();
    if (!row) {
        return row.error();
    }
    return stmt->ColumnInt64(0);
}

}  // namespace b2b::store
