#include "core/store/migrations.hpp"

#include <chrono>
#include <set>
#include <string>

#include "core/store/database.hpp"
#include "core/util/log.hpp"

namespace b2b::store {
namespace {

constexpr char const* kCreateSchemaMigrations =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version INTEGER NOT NULL PRIMARY KEY,"
    " name TEXT NOT NULL,"
    " applied_at INTEGER NOT NULL)";

std::int64_t WallNowMillis() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

Status ApplyOne(Database& db, Migration const& m) {
    auto tx = Transaction::Begin(db, "apply migration");
    if (!tx) {
        return tx.error();
    }
    std::string const sql(m.sql);
    if (auto st = db.Execute("apply migration", sql.c_str()); !st) {
        return Error::Permanent("store: migration " + std::to_string(m.version) + "_" + std::string(m.name) +
                                " failed: " + st.error().message);
    }
    auto ins = (*tx)->Prepare("record migration",
                              "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?1, ?2, ?3)");
    if (!ins) {
        return ins.error();
    }
    ins->Bind(1, m.version).Bind(2, m.name).Bind(3, WallNowMillis());
    if (auto st = ins->Run(); !st) {
        return st.error();
    }
    return (*tx)->Commit();
}

}  // namespace

Status ApplyMigrations(Database& db, std::span<Migration const> known) {
    int current = 0;
    std::set<int> applied;
    {
        auto tx = Transaction::Begin(db, "read schema version");
        if (!tx) {
            return tx.error();
        }
        if (auto st = db.Execute("create schema_migrations", kCreateSchemaMigrations); !st) {
            return st.error();
        }
        auto v = db.SchemaVersion();
        if (!v) {
            return v.error();
        }
        current = *v;
        auto versions = db.Prepare("read applied migrations", "SELECT version FROM schema_migrations");
        if (!versions) {
            return versions.error();
        }
        for (;;) {
            auto row = versions->Step();
            if (!row) {
                return row.error();
            }
            if (!*row) {
                break;
            }
            applied.insert(static_cast<int>(versions->ColumnInt64(0)));
        }
        if (auto st = (*tx)->Commit(); !st) {
            return st.error();
        }
    }
    int const newest_known = known.empty() ? 0 : known.back().version;
    if (current > newest_known) {
        // Running an old binary on a newer schema could silently corrupt data: refuse to start.
        return Error::Permanent("store: " + db.path().string() + ": database schema version " +
                                std::to_string(current) + " is newer than this binary knows (" +
                                std::to_string(newest_known) + "); run a newer b2bsync or restore a backup");
    }
    // Each migration is tracked by its own number, not by "everything up to the highest": a
    // database that got 0009 from one build and meets 0007 in the next still gets 0007.
    for (auto const& m : known) {
        if (applied.contains(m.version)) {
            continue;
        }
        if (auto st = ApplyOne(db, m); !st) {
            return st.error();
        }
        log::Info("store", "migration applied", {{"version", m.version}, {"name", m.name}});
    }
    return {};
}

}  // namespace b2b::store
