#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "core/store/database.hpp"
#include "tests/support/temp_dir.hpp"

namespace b2b::store::test {

inline std::unique_ptr<Database> OpenOrDie(std::filesystem::path const& path, DatabaseOptions options = {}) {
    auto db = Database::Open(path, options);
    if (!db) {
        ADD_FAILURE() << db.error().message;
        return nullptr;
    }
    return std::move(*db);
}

inline std::unique_ptr<Transaction> BeginOrDie(Database& db, Transaction::Mode mode = Transaction::Mode::kWrite) {
    auto tx = Transaction::Begin(db, "test", mode);
    if (!tx) {
        ADD_FAILURE() << tx.error().message;
        return nullptr;
    }
    return std::move(*tx);
}

/// Runs a one-value query (PRAGMA, COUNT) and returns the first column as text.
inline std::string QueryText(Database& db, char const* sql) {
    auto tx = BeginOrDie(db, Transaction::Mode::kRead);
    auto s = tx->Prepare("test query", sql);
    if (!s) {
        ADD_FAILURE() << s.error().message;
        return {};
    }
    auto row = s->Step();
    if (!row || !*row) {
        ADD_FAILURE() << "no row for " << sql;
        return {};
    }
    return s->ColumnText(0);
}

}  // namespace b2b::store::test
