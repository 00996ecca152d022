#include "core/store/migrations.hpp"

#include <gtest/gtest.h>

#include "core/store/database.hpp"
#include "core/store/repositories.hpp"
#include "core/util/clock.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/unit/store/store_test_util.hpp"

namespace b2b::store {
namespace {

// The newest migration this binary ships; tests must not hard-code it, or every new migration
// would break them.
int LatestVersion() { return EmbeddedMigrations().back().version; }

using test::BeginOrDie;
using test::QueryText;

TEST(Migrations, UpgradeFromVersionOneKeepsDataAndAddsTheNewSchema) {
    b2b::test::TempDir dir;
    auto const path = dir / "state.db";
    {
        auto old_db = Database::OpenWithMigrationsUpToForTest(path, {}, 1);
        ASSERT_TRUE(old_db) << old_db.error().message;
        auto& db = **old_db;
        EXPECT_EQ(QueryText(db, "SELECT MAX(version) FROM schema_migrations"), "1");
        // Version 1 has no audit.system column and no claim indexes.
        EXPECT_EQ(QueryText(db, "SELECT COUNT(*) FROM pragma_table_info('audit') WHERE name = 'system'"), "0");
        auto tx = BeginOrDie(db);
        ASSERT_TRUE(db.Execute("seed", R"(
            INSERT INTO links VALUES ('order', 'o-1', 'bitrix24', '4412', 5);
            INSERT INTO jobs (target, entity_key, kind, payload, idempotency_key, state, max_attempts, next_at,
                              created_at, updated_at)
                VALUES ('bitrix24.deal', 'order:o-1', 'upsert', '{}', 'k1', 'pending', 10, 0, 1, 1);
            INSERT INTO audit (at, actor, entity_kind, entity_id, field, old_value, new_value, reason)
                VALUES (7, 'robot', 'order', 'o-1', 'stage', 'NEW', 'WON', 'paid');
        )"));
        ASSERT_TRUE(tx->Commit());
    }
    auto db = test::OpenOrDie(path);
    ASSERT_TRUE(db);
    EXPECT_EQ(QueryText(*db, "SELECT MAX(version) FROM schema_migrations"), std::to_string(LatestVersion()));
    EXPECT_EQ(QueryText(*db, "SELECT external_id FROM links WHERE canonical_id = 'o-1'"), "4412");
    EXPECT_EQ(QueryText(*db, "SELECT idempotency_key || ':' || state FROM jobs"), "k1:pending");
    EXPECT_EQ(QueryText(*db, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name IN "
                             "('jobs_active_by_id', 'jobs_active_by_entity', 'jobs_by_state_done_at')"),
              "3");
    // The old audit row got the new column's default; new rows can set it.
    FakeClock clock;
    AuditLog audit(clock);
    auto tx = BeginOrDie(*db);
    ASSERT_TRUE(audit.Append(*tx, AuditEntry{.actor = "ivanov", .system = "bitrix24", .entity_kind = "order",
                                             .entity_id = "o-1", .field = "stage", .old_value = "WON",
                                             .new_value = "LOSE", .reason = "manager"}));
    auto entries = audit.ForEntity(*tx, "order", "o-1");
    ASSERT_TRUE(entries);
    ASSERT_EQ(entries->size(), 2u);
    EXPECT_EQ((*entries)[0].actor, "robot");
    EXPECT_EQ((*entries)[0].system, "");
    EXPECT_EQ((*entries)[0].new_value, "WON");
    EXPECT_EQ((*entries)[1].system, "bitrix24");
}

// 0010 moves prices and stock into the offer row and rebuilds products/offers in arrival order:
// every value, timestamp and flag must read back the same through the views of the old names.
TEST(Migrations, PackingPricesAndStockKeepsEveryValue) {
    b2b::test::TempDir dir;
    auto const path = dir / "state.db";
    {
        auto old_db = Database::OpenWithMigrationsUpToForTest(path, {}, 9);
        ASSERT_TRUE(old_db) << old_db.error().message;
        auto& db = **old_db;
        auto tx = BeginOrDie(db);
        ASSERT_TRUE(db.Execute("seed", R"(
            INSERT INTO products VALUES ('p1', 'cat', 'A-1', '460', 'Шланг', '796', 'шт', '["g"]', 'm', 'M', 0, 1,
                                         NULL, NULL, 'ex1', 2, 100, 200);
            INSERT INTO offers VALUES ('p1#v', 'cat', 'p1', 'Шланг, синий', 'A-1', '', '796', 0, 1, NULL, NULL, 'ex1',
                                       1, 100, 150);
            INSERT INTO prices VALUES ('p1#v', 'retail', 1815000, 'RUB', 'шт', NULL, 100, 300);
            INSERT INTO prices VALUES ('p1#v', 'opt "A"', 900000, 'RUB', 'шт', 10000, 100, 120);
            INSERT INTO stock VALUES ('p1#v', 'w1', 30000, 100, 400);
            INSERT INTO stock VALUES ('p1#v', '', 5000, 100, 110);
            INSERT INTO prices VALUES ('ghost#1', 'retail', 10000, 'RUB', 'шт', NULL, 50, 60);
        )"));
        ASSERT_TRUE(tx->Commit());
    }
    auto db = test::OpenOrDie(path);
    ASSERT_TRUE(db);
    EXPECT_EQ(QueryText(*db, "SELECT group_concat(offer_id || '/' || price_type_id || '=' || price_raw || '/' ||"
                             " currency || '/' || unit || '/' || COALESCE(coefficient_raw, '-') || '@' || updated_at,"
                             " ' ') FROM (SELECT * FROM prices ORDER BY offer_id, price_type_id)"),
              "ghost#1/retail=10000/RUB/шт/-@60 p1#v/opt \"A\"=900000/RUB/шт/10000@300 p1#v/retail=1815000/RUB/шт/-@300");
    EXPECT_EQ(QueryText(*db, "SELECT group_concat(warehouse_id || '=' || quantity_raw || '@' || updated_at, ' ')"
                             " FROM (SELECT * FROM stock ORDER BY warehouse_id)"),
              "=5000@400 w1=30000@400");
    EXPECT_EQ(QueryText(*db, "SELECT name || '/' || version || '/' || updated_at || '/' || last_seen_exchange"
                             " FROM offers WHERE onec_id = 'p1#v'"),
              "Шланг, синий/1/150/ex1");
    EXPECT_EQ(QueryText(*db, "SELECT product_id || '/' || active FROM offers WHERE onec_id = 'ghost#1'"), "ghost/0");
    EXPECT_EQ(QueryText(*db, "SELECT name || '/' || group_ids_json || '/' || version FROM products"), "Шланг/[\"g\"]/2");
}

TEST(Migrations, ReopeningAppliesNothingTwice) {
    b2b::test::TempDir dir;
    { ASSERT_TRUE(test::OpenOrDie(dir / "state.db")); }
    auto db = test::OpenOrDie(dir / "state.db");
    ASSERT_TRUE(db);
    EXPECT_EQ(QueryText(*db, "SELECT COUNT(*) FROM schema_migrations"), std::to_string(EmbeddedMigrations().size()));
}

TEST(Migrations, RefusesADatabaseNewerThanTheBinary) {
    b2b::test::TempDir dir;
    auto const path = dir / "state.db";
    { ASSERT_TRUE(test::OpenOrDie(path)); }
    auto db = Database::OpenWithMigrationsUpToForTest(path, {}, 1);
    ASSERT_FALSE(db);
    EXPECT_EQ(db.error().error_class, ErrorClass::kPermanent);
    EXPECT_EQ(db.error().message, "store: " + path.string() +
                                      ": database schema version " + std::to_string(LatestVersion()) +
                                      " is newer than this binary knows (1); "
                                      "run a newer b2bsync or restore a backup");
}

TEST(Migrations, AFailingMigrationLeavesTheSchemaAtTheLastGoodVersion) {
    b2b::test::TempDir dir;
    auto db = Database::OpenWithMigrationsUpToForTest(dir / "state.db", {}, 0);
    ASSERT_TRUE(db);
    Migration const broken[] = {
        {1, "ok", "CREATE TABLE a (x INTEGER);"},
        {2, "broken", "CREATE TABLE b (x INTEGER); INSERT INTO nowhere VALUES (1);"},
    };
    auto st = ApplyMigrations(**db, broken);
    ASSERT_FALSE(st);
    EXPECT_EQ(st.error().error_class, ErrorClass::kPermanent);
    EXPECT_EQ(st.error().message, "store: migration 2_broken failed: store: apply migration: no such table: nowhere");
    EXPECT_EQ(QueryText(**db, "SELECT MAX(version) FROM schema_migrations"), "1");
    // Table b was rolled back with its migration.
    EXPECT_EQ(QueryText(**db, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'b'"), "0");
}

TEST(Migrations, AMigrationNumberedBelowTheNewestAppliedOneIsStillApplied) {
    // Two branches each added a migration; the database got 9 first, then meets 7.
    b2b::test::TempDir dir;
    auto db = Database::OpenWithMigrationsUpToForTest(dir / "state.db", {}, 0);
    ASSERT_TRUE(db);
    Migration const first[] = {
        {1, "base", "CREATE TABLE a (x INTEGER);"},
        {9, "later", "CREATE TABLE c (x INTEGER);"},
    };
    ASSERT_TRUE(ApplyMigrations(**db, first));
    Migration const merged[] = {
        {1, "base", "CREATE TABLE a (x INTEGER);"},
        {7, "between", "CREATE TABLE b (x INTEGER);"},
        {9, "later", "CREATE TABLE c (x INTEGER);"},
    };
    ASSERT_TRUE(ApplyMigrations(**db, merged));
    EXPECT_EQ(QueryText(**db, "SELECT COUNT(*) FROM sqlite_master WHERE name IN ('a', 'b', 'c')"), "3");
    EXPECT_EQ(QueryText(**db, "SELECT group_concat(version) FROM (SELECT version FROM schema_migrations ORDER BY 1)"),
              "1,7,9");
    ASSERT_TRUE(ApplyMigrations(**db, merged)) << "nothing is applied twice";
}

}  // namespace
}  // namespace b2b::store
