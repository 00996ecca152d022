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

/// Every repository call runs in the caller's Transaction, so a link, an audit line and the jobs
/// they cause commit together. Times are UnixMillis UTC from the injected Clock.

/// (kind, canonical id) <-> (system, external id). One external id per system per entity, and an
/// external id belongs to one entity.
class LinkRepository {
public:
    explicit LinkRepository(Clock const& clock) : clock_(clock) {}

    /// Records or replaces the external id of (kind, canonical_id) in `system`.
    /// Errors: permanent when that external id is already linked to another canonical id.
    Status Put(Transaction& tx, std::string_view kind, std::string_view canonical_id, std::string_view system,
               std::string_view external_id);
    /// The external id of an entity in a system, if linked.
    Result<std::optional<std::string>> FindExternal(Transaction& tx, std::string_view kind,
                                                    std::string_view canonical_id, std::string_view system);
    /// The canonical id that an external id of a system is linked to, if any.
    Result<std::optional<std::string>> FindCanonical(Transaction& tx, std::string_view kind, std::string_view system,
                                                     std::string_view external_id);

private:
    Clock const& clock_;
};

/// Named watermarks of inbound feeds.
class CursorRepository {
public:
    explicit CursorRepository(Clock const& clock) : clock_(clock) {}
    Status Set(Transaction& tx, std::string_view name, std::string_view value);
    Result<std::optional<std::string>> Get(Transaction& tx, std::string_view name);

private:
    Clock const& clock_;
};

struct AuditEntry {
    UnixMillis at = 0;
    std::string actor;        ///< who: a user name, a robot name
    std::string system;       ///< where from: onec, site, bitrix24, b2bsync
    std::string entity_kind;  ///< order, counterparty, ...
    std::string entity_id;
    std::string field;
    std::optional<std::string> old_value, new_value;
    std::string reason;
};

/// Who changed what, from which system. Append-only.
class AuditLog {
public:
    explicit AuditLog(Clock const& clock) : clock_(clock) {}
    /// Appends `entry` stamped with now (entry.at is ignored).
    Status Append(Transaction& tx, AuditEntry const& entry);
    /// The history of one entity, oldest first.
    Result<std::vector<AuditEntry>> ForEntity(Transaction& tx, std::string_view entity_kind,
                                              std::string_view entity_id);

private:
    Clock const& clock_;
};

struct DeadLetter {
    std::int64_t id = 0;
    std::string source;  ///< e.g. "onec.catalog", "bitrix24.event"
    std::string entity;  ///< what it was about, e.g. "offer 5f3c…"
    std::string reason;  ///< the parser's or mapping's error message
    std::optional<std::string> payload;       ///< small items inline
    std::optional<std::string> payload_path;  ///< big ones stay in a file
    UnixMillis created_at = 0, retried_at = 0;
    std::string state;  ///< "new" | "retried"
};

/// Inbound items rejected by a parser or a mapping, kept for the operator to fix and retry.
class DeadLetterRepository {
public:
    explicit DeadLetterRepository(Clock const& clock) : clock_(clock) {}
    /// Stores a new dead letter (id, created_at and state are assigned). Returns its id.
    Result<std::int64_t> Add(Transaction& tx, DeadLetter const& letter);
    /// Newest first; `only_new` hides the ones already retried.
    Result<std::vector<DeadLetter>> List(Transaction& tx, bool only_new, int limit = 100);
    /// Errors: permanent when the id does not exist.
    Status MarkRetried(Transaction& tx, std::int64_t id);

private:
    Clock const& clock_;
};

}  // namespace b2b::store
