// The store features bulk landing relies on: the page cache size option, binding without a copy,
// and making relaxed commits durable with one WAL sync.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "core/store/database.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/unit/store/store_test_util.hpp"

namespace b2b::store::test {
namespace {

TEST(DatabaseBulk, CacheSizeIsTheOptionInKibAndDefaultsTo32Mib) {
    b2b::test::TempDir dir;
    auto by_default = OpenOrDie(dir / "a.db");
    ASSERT_TRUE(by_default);
    EXPECT_EQ(QueryText(*by_default, "PRAGMA cache_size"), "-32768");

    auto sized = OpenOrDie(dir / "b.db", DatabaseOptions{.cache_size_kib = 4096});
    ASSERT_TRUE(sized);
    EXPECT_EQ(QueryText(*sized, "PRAGMA cache_size"), "-4096");

    auto sqlite_default = OpenOrDie(dir / "c.db", DatabaseOptions{.cache_size_kib = 0});
    ASSERT_TRUE(sqlite_default);
    EXPECT_EQ(QueryText(*sqlite_default, "PRAGMA cache_size"), "-2000");
}

TEST(DatabaseBulk, BindStaticStoresTheBytesAndRebindingInALoopStoresEachRow) {
    b2b::test::TempDir dir;
    auto db = OpenOrDie(dir / "state.db");
    ASSERT_TRUE(db);
    {
        auto tx = BeginOrDie(*db);
        ASSERT_TRUE(tx->db().Execute("create table", "CREATE TABLE t (k TEXT PRIMARY KEY, v TEXT NOT NULL)"));
        for (std::string const key : {"first", "second", ""}) {
            std::string const value = "value of " + key;
            auto s = tx->Prepare("insert", "INSERT INTO t (k, v) VALUES (?1, ?2)");
            ASSERT_TRUE(s);
            s->BindStatic(1, key).BindStatic(2, value);
            ASSERT_TRUE(s->Run());
        }
        ASSERT_TRUE(tx->Commit());
    }
    EXPECT_EQ(QueryText(*db, "SELECT group_concat(k || '=' || v, ';') FROM (SELECT * FROM t ORDER BY k)"),
              "=value of ;first=value of first;second=value of second");
}

TEST(DatabaseBulk, SyncWalAfterRelaxedCommitsKeepsEveryRow) {
    b2b::test::TempDir dir;
    auto const path = dir / "state.db";
    {
        auto db = OpenOrDie(path);
        ASSERT_TRUE(db);
        {
            auto tx = BeginOrDie(*db);
            ASSERT_TRUE(tx->db().Execute("create table", "CREATE TABLE t (k INTEGER PRIMARY KEY)"));
            ASSERT_TRUE(tx->Commit());
        }
        for (int i = 0; i < 3; ++i) {
            auto tx = Transaction::Begin(*db, "relaxed insert", Transaction::Mode::kWrite,
                                         Transaction::Durability::kRelaxed);
            ASSERT_TRUE(tx);
            auto s = (*tx)->Prepare("insert", "INSERT INTO t (k) VALUES (?1)");
            ASSERT_TRUE(s);
            s->Bind(1, i);
            ASSERT_TRUE(s->Run());
            ASSERT_TRUE((*tx)->Commit());
        }
        EXPECT_TRUE(std::filesystem::exists(path.string() + "-wal"));
        ASSERT_TRUE(db->SyncWal());
        // The connection is back to synchronous=FULL for everyone else.
        EXPECT_EQ(QueryText(*db, "PRAGMA synchronous"), "2");
    }
    auto reopened = OpenOrDie(path);
    ASSERT_TRUE(reopened);
    EXPECT_EQ(QueryText(*reopened, "SELECT COUNT(*) FROM t"), "3");
    // Without a WAL file (closed cleanly: checkpointed and removed) there is nothing to sync.
    reopened.reset();
    EXPECT_FALSE(std::filesystem::exists(path.string() + "-wal"));
    auto again = OpenOrDie(path);
    ASSERT_TRUE(again);
    EXPECT_TRUE(again->SyncWal());
}

}  // namespace
}  // namespace b2b::store::test
