#include "core/store/repositories.hpp"

namespace b2b::store {
namespace {

// Steps a one-column query: the text of the first row, or nullopt when there is none.
Result<std::optional<std::string>> SingleText(Statement& s) {
    auto row = s.Step();
    if (!row) {
        return row.error();
    }
    if (!*row) {
        return std::optional<std::string>();
    }
    return std::optional<std::string>(s.ColumnText(0));
}

}  // namespace

Status LinkRepository::Put(Transaction& tx, std::string_view kind, std::string_view canonical_id,
                           std::string_view system, std::string_view external_id) {
    // Refuse to steal an external id from another entity: that would silently merge two records
    // (the duplicate/mismatch bugs of design.md §1).
    auto owner = FindCanonical(tx, kind, system, external_id);
    if (!owner) {
        return owner.error();
    }
    if (*owner && **owner != canonical_id) {
        return Error::Permanent("store: put link: " + std::string(system) + " " + std::string(kind) + " " +
                                std::string(external_id) + " is already linked to " + std::string(kind) + " " +
                                **owner + ", not " + std::string(canonical_id));
    }
    auto s = tx.Prepare("put link",
                        "INSERT INTO links (kind, canonical_id, system, external_id, updated_at)"
                        " VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (kind, canonical_id, system)"
                        " DO UPDATE SET external_id = excluded.external_id, updated_at = excluded.updated_at");
    if (!s) {
        return s.error();
    }
    s->Bind(1, kind).Bind(2, canonical_id).Bind(3, system).Bind(4, external_id).Bind(5, clock_.NowMillis());
    return s->Run();
}

Result<std::optional<std::string>> LinkRepository::FindExternal(Transaction& tx, std::string_view kind,
                                                                std::string_view canonical_id,
                                                                std::string_view system) {
    auto s = tx.Prepare("find link by canonical id",
                        "SELECT external_id FROM links WHERE kind = ?1 AND canonical_id = ?2 AND system = ?3");
    if (!s) {
        return s.error();
    }
    s->Bind(1, kind).Bind(2, canonical_id).Bind(3, system);
    return SingleText(*s);
}

Result<std::optional<std::string>> LinkRepository::FindCanonical(Transaction& tx, std::string_view kind,
                                                                 std::string_view system,
                                                                 std::string_view external_id) {
    auto s = tx.Prepare("find link by external id",
                        "SELECT canonical_id FROM links WHERE kind = ?1 AND system = ?2 AND external_id = ?3");
    if (!s) {
        return s.error();
    }
    s->Bind(1, kind).Bind(2, system).Bind(3, external_id);
    return SingleText(*s);
}

Status CursorRepository::Set(Transaction& tx, std::string_view name, std::string_view value) {
    auto s = tx.Prepare("set cursor",
                        "INSERT INTO cursors (name, value, updated_at) VALUES (?1, ?2, ?3)"
                        " ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at");
    if (!s) {
        return s.error();
    }
    s->Bind(1, name).Bind(2, value).Bind(3, clock_.NowMillis());
    return s->Run();
}

Result<std::optional<std::string>> CursorRepository::Get(Transaction& tx, std::string_view name) {
    auto s = tx.Prepare("get cursor", "SELECT value FROM cursors WHERE name = ?1");
    if (!s) {
        return s.error();
    }
    s->Bind(1, name);
    return SingleText(*s);
}

Status AuditLog::Append(Transaction& tx, AuditEntry const& e) {
    auto s = tx.Prepare("append audit",
                        "INSERT INTO audit (at, actor, system, entity_kind, entity_id, field, old_value, new_value,"
                        " reason) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
    if (!s) {
        return s.error();
    }
    s->Bind(1, clock_.NowMillis())
        .Bind(2, e.actor)
        .Bind(3, e.system)
        .Bind(4, e.entity_kind)
        .Bind(5, e.entity_id)
        .Bind(6, e.field)
        .BindOptional(7, e.old_value ? std::optional<std::string_view>(*e.old_value) : std::nullopt)
        .BindOptional(8, e.new_value ? std::optional<std::string_view>(*e.new_value) : std::nullopt)
        .Bind(9, e.reason);
    return s->Run();
}

Result<std::vector<AuditEntry>> AuditLog::ForEntity(Transaction& tx, std::string_view entity_kind,
                                                    std::string_view entity_id) {
    auto s = tx.Prepare("read audit",
                        "SELECT at, actor, system, entity_kind, entity_id, field, old_value, new_value, reason"
                        " FROM audit WHERE entity_kind = ?1 AND entity_id = ?2 ORDER BY id");
    if (!s) {
        return s.error();
    }
    s->Bind(1, entity_kind).Bind(2, entity_id);
    std::vector<AuditEntry> out;
    for (;;) {
        auto row = s->Step();
        if (!row) {
            return row.error();
        }
        if (!*row) {
            return out;
        }
        out.push_back(AuditEntry{s->ColumnInt64(0), s->ColumnText(1), s->ColumnText(2), s->ColumnText(3),
                                 s->ColumnText(4), s->ColumnText(5), s->ColumnOptionalText(6),
                                 s->ColumnOptionalText(7), s->ColumnText(8)});
    }
}

Result<std::int64_t> DeadLetterRepository::Add(Transaction& tx, DeadLetter const& d) {
    auto s = tx.Prepare("add dead letter",
                        "INSERT INTO dead_letters (source, entity, reason, payload, payload_path, created_at)"
                        " VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING id");
    if (!s) {
        return s.error();
    }
    s->Bind(1, d.source)
        .Bind(2, d.entity)
        .Bind(3, d.reason)
        .BindOptional(4, d.payload ? std::optional<std::string_view>(*d.payload) : std::nullopt)
        .BindOptional(5, d.payload_path ? std::optional<std::string_view>(*d.payload_path) : std::nullopt)
        .Bind(6, clock_.NowMillis());
    auto row = s->Step();
    if (!row) {
        return row.error();
    }
    std::int64_t const id = s->ColumnInt64(0);
    if (auto st = s->Run(); !st) {
        return st.error();
    }
    return id;
}

Result<std::vector<DeadLetter>> DeadLetterRepository::List(Transaction& tx, bool only_new, int limit) {
    auto s = tx.Prepare("list dead letters",
                        "SELECT id, source, entity, reason, payload, payload_path, created_at, retried_at, state"
                        " FROM dead_letters WHERE (?1 = 0 OR state = 'new') ORDER BY id DESC LIMIT ?2");
    if (!s) {
        return s.error();
    }
    s->Bind(1, only_new ? 1 : 0).Bind(2, limit);
    std::vector<DeadLetter> out;
    for (;;) {
        auto row = s->Step();
        if (!row) {
            return row.error();
        }
        if (!*row) {
            return out;
        }
        out.push_back(DeadLetter{s->ColumnInt64(0), s->ColumnText(1), s->ColumnText(2), s->ColumnText(3),
                                 s->ColumnOptionalText(4), s->ColumnOptionalText(5), s->ColumnInt64(6),
                                 s->ColumnInt64(7), s->ColumnText(8)});
    }
}

Status DeadLetterRepository::MarkRetried(Transaction& tx, std::int64_t id) {
    auto s = tx.Prepare("mark dead letter retried",
                        "UPDATE dead_letters SET state = 'retried', retried_at = ?2 WHERE id = ?1");
    if (!s) {
        return s.error();
    }
    s->Bind(1, id).Bind(2, clock_.NowMillis());
    if (auto st = s->Run(); !st) {
        return st.error();
    }
    if (s->Changes() == 0) {
        return Error::Permanent("store: mark dead letter retried: dead letter " + std::to_string(id) + " not found");
    }
    return {};
}

}  // namespace b2b::store
