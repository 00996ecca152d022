#include "core/store/database.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <stdexcept>

#include "core/store/migrations.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/unit/store/store_test_util.hpp"

namespace b2b::store {
namespace {

using test::BeginOrDie;
using test::OpenOrDie;
using test::QueryText;

TEST(Database, OpensInWalWithFullSyncAndForeignKeys) {
    b2b::test::TempDir dir;
    auto db = OpenOrDie(dir / "state.db");
    ASSERT_TRUE(db);
    EXPECT_EQ(QueryText(*db, "PRAGMA journal_mode"), "wal");
    EXPECT_EQ(QueryText(*db, "PRAGMA synchronous"), "2");  // FULL
    EXPECT_EQ(QueryText(*db, "PRAGMA foreign_keys"), "1");
}

TEST(Database, RecordsEveryEmbeddedMigration) {
    b2b::test::TempDir dir;
    auto db = OpenOrDie(dir / "state.db");
    ASSERT_TRUE(db);
    auto all = EmbeddedMigrations();
    ASSERT_GE(all.size(), 2u);
    EXPECT_EQ(all[0].version, 1);
    EXPECT_EQ(all[0].name, "initial");
    EXPECT_EQ(QueryText(*db, "SELECT COUNT(*) FROM schema_migrations"), std::to_string(all.size()));
    std::string expected;
    for (auto const& m : all) {
        expected += (expected.empty() ? "" : ",") + std::to_string(m.version) + ":" + std::string(m.name);
    }
    EXPECT_EQ(QueryText(*db, "SELECT group_concat(version || ':' || name, ',') FROM "
                             "(SELECT version, name FROM schema_migrations ORDER BY version)"),
              expected);
    EXPECT_TRUE(expected.starts_with("1:initial,2:claim_indexes_audit_system,3:catalog,4:exchange_sessions,"
                                     "5:onec_order_feed,6:bitrix24_events"))
        << expected;
}

TEST(Database, OpenFailsWithPermanentErrorNamingThePath) {
    b2b::test::TempDir dir;
    auto db = Database::Open(dir / "no-such-dir" / "state.db");
    ASSERT_FALSE(db);
    EXPECT_EQ(db.error().error_class, ErrorClass::kPermanent);
    EXPECT_NE(db.error().message.find("store: open " + (dir / "no-such-dir" / "state.db").string()),
              std::string::npos)
        << db.error().message;
}

TEST(Database, UncommittedTransactionRollsBackOnDestruction) {
    b2b::test::TempDir dir;
    auto db = OpenOrDie(dir / "state.db");
    {
        auto tx = BeginOrDie(*db);
        ASSERT_TRUE(db->Execute("test insert", "INSERT INTO cursors VALUES ('a', '1', 0)"));
    }
    EXPECT_EQ(QueryText(*db, "SELECT COUNT(*) FROM cursors"), "0");
    {
        auto tx = BeginOrDie(*db);
        ASSERT_TRUE(db->Execute("test insert", "INSERT INTO cursors VALUES ('a', '1', 0)"));
        ASSERT_TRUE(tx->Commit());
    }
    EXPECT_EQ(QueryText(*db, "SELECT COUNT(*) FROM cursors"), "1");
}

TEST(Database, RelaxedTransactionCommitsAndRestoresFullSync) {
    b2b::test::TempDir dir;
    auto db = OpenOrDie(dir / "state.db");
    {
        auto tx = Transaction::Begin(*db, "relaxed", Transaction::Mode::kWrite, Transaction::Durability::kRelaxed);
        ASSERT_TRUE(tx);
        auto s = (*tx)->Prepare("read synchronous", "PRAGMA synchronous");
        ASSERT_TRUE(s && s->Step().value());
        EXPECT_EQ(s->ColumnText(0), "1");  // NORMAL inside the relaxed transaction
        ASSERT_TRUE(db->Execute("test insert", "INSERT INTO cursors VALUES ('a', '1', 0)"));
        ASSERT_TRUE((*tx)->Commit());
    }
    EXPECT_EQ(QueryText(*db, "SELECT COUNT(*) FROM cursors"), "1");
    EXPECT_EQ(QueryText(*db, "PRAGMA synchronous"), "2");
    {
        // A rolled-back relaxed transaction restores FULL too.
        auto tx = Transaction::Begin(*db, "relaxed", Transaction::Mode::kWrite, Transaction::Durability::kRelaxed);
        ASSERT_TRUE(tx);
    }
    EXPECT_EQ(QueryText(*db, "PRAGMA synchronous"), "2");
}

TEST(Database, NestedTransactionOnOneThreadIsAProgrammingError) {
    b2b::test::TempDir dir;
    auto db = OpenOrDie(dir / "state.db");
    auto tx = BeginOrDie(*db);
    EXPECT_THROW((void)Transaction::Begin(*db, "nested"), std::logic_error);
}

TEST(Database, PrepareOutsideATransactionIsAProgrammingError) {
    b2b::test::TempDir dir;
    auto db = OpenOrDie(dir / "state.db");
    EXPECT_THROW((void)db->Prepare("stray", "SELECT 1"), std::logic_error);
}

TEST(Database, ConstraintViolationIsPermanentAndNamesThePurpose) {
    b2b::test::TempDir dir;
    auto db = OpenOrDie(dir / "state.db");
    auto tx = BeginOrDie(*db);
    auto s = tx->Prepare("set cursor", "INSERT INTO cursors (name, value, updated_at) VALUES ('a', NULL, 0)");
    ASSERT_TRUE(s);
    auto st = s->Run();
    ASSERT_FALSE(st);
    EXPECT_EQ(st.error().error_class, ErrorClass::kPermanent);
    EXPECT_EQ(st.error().message, "store: set cursor: NOT NULL constraint failed: cursors.value");
}

TEST(Database, BadSqlIsABug) {
    b2b::test::TempDir dir;
    auto db = OpenOrDie(dir / "state.db");
    auto tx = BeginOrDie(*db);
    auto s = tx->Prepare("read nothing", "SELECT * FROM no_such_table");
    ASSERT_FALSE(s);
    EXPECT_EQ(s.error().error_class, ErrorClass::kBug);
    EXPECT_EQ(s.error().message, "store: read nothing: no such table: no_such_table");
}

TEST(Database, LockHeldByAnotherProcessIsTransientAndNamesThePurpose) {
    b2b::test::TempDir dir;
    auto db = OpenOrDie(dir / "state.db", DatabaseOptions{.busy_timeout = std::chrono::milliseconds(20)});
    ASSERT_TRUE(db);
    // Another connection (as the `b2bsync jobs` CLI would be) holds the write lock.
    sqlite3* other = nullptr;
    ASSERT_EQ(sqlite3_open((dir / "state.db").c_str(), &other), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);

    auto tx = Transaction::Begin(*db, "claim jobs");
    ASSERT_FALSE(tx);
    EXPECT_EQ(tx.error().error_class, ErrorClass::kTransient);
    EXPECT_EQ(tx.error().message, "store: claim jobs: database is locked");

    sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr);
    sqlite3_close(other);
    EXPECT_TRUE(Transaction::Begin(*db, "claim jobs"));
}

TEST(SqliteError, MapsCodesToClasses) {
    EXPECT_EQ(SqliteError(SQLITE_BUSY, "p", "d").error_class, ErrorClass::kTransient);
    EXPECT_EQ(SqliteError(SQLITE_LOCKED, "p", "d").error_class, ErrorClass::kTransient);
    EXPECT_EQ(SqliteError(SQLITE_BUSY_SNAPSHOT, "p", "d").error_class, ErrorClass::kTransient);
    EXPECT_EQ(SqliteError(SQLITE_MISUSE, "p", "d").error_class, ErrorClass::kBug);
    EXPECT_EQ(SqliteError(SQLITE_CONSTRAINT_UNIQUE, "p", "d").error_class, ErrorClass::kPermanent);
    EXPECT_EQ(SqliteError(SQLITE_IOERR_FSYNC, "p", "d").error_class, ErrorClass::kPermanent);
    EXPECT_EQ(SqliteError(SQLITE_FULL, "claim jobs", "database or disk is full").message,
              "store: claim jobs: database or disk is full");
}

}  // namespace
}  // namespace b2b::store
