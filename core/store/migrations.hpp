#pragma once

#include <span>
#include <string_view>

#include "core/util/error.hpp"

namespace b2b::store {

class Database;

/// One numbered schema change, from core/store/migrations/NNNN_name.sql. Shipped migrations are
/// never edited; a change to the schema is a new file with the next number.
struct Migration {
    int version;
    std::string_view name;
    std::string_view sql;
};

/// The migrations compiled into this binary, in version order (generated at build time).
std::span<Migration const> EmbeddedMigrations();

/// Brings the database up to the last of `known` (which must be ordered 1, 2, 3, ...): each
/// missing migration runs in its own transaction together with its row in schema_migrations
/// (version, name, applied_at), so a crash leaves the schema at a clean version.
/// Errors: permanent when the database has a version newer than `known` ends at (message names
/// both versions), or when a migration's SQL fails (message names the migration).
Status ApplyMigrations(Database& db, std::span<Migration const> known);

}  // namespace b2b::store
