#include "core/store/repositories.hpp"

#include <gtest/gtest.h>

#include "tests/support/temp_dir.hpp"
#include "tests/unit/store/store_test_util.hpp"

namespace b2b::store {
namespace {

using std::chrono::milliseconds;

class RepositoriesTest : public ::testing::Test {
protected:
    RepositoriesTest() : db_(test::OpenOrDie(dir_ / "state.db")), tx_(test::BeginOrDie(*db_)) {}
    b2b::test::TempDir dir_;
    std::unique_ptr<Database> db_;
    FakeClock clock_{1000};
    std::unique_ptr<Transaction> tx_;
};

TEST_F(RepositoriesTest, LinksAreFoundInBothDirections) {
    LinkRepository links(clock_);
    ASSERT_TRUE(links.Put(*tx_, "order", "o-1", "bitrix24", "4412"));
    ASSERT_TRUE(links.Put(*tx_, "order", "o-1", "site", "S-17"));
    EXPECT_EQ(links.FindExternal(*tx_, "order", "o-1", "bitrix24").value(), "4412");
    EXPECT_EQ(links.FindCanonical(*tx_, "order", "site", "S-17").value(), "o-1");
    EXPECT_EQ(links.FindCanonical(*tx_, "order", "bitrix24", "S-17").value(), std::nullopt);
    EXPECT_EQ(links.FindExternal(*tx_, "company", "o-1", "bitrix24").value(), std::nullopt);
}

TEST_F(RepositoriesTest, PutReplacesTheExternalIdOfAnEntity) {
    LinkRepository links(clock_);
    ASSERT_TRUE(links.Put(*tx_, "order", "o-1", "bitrix24", "4412"));
    ASSERT_TRUE(links.Put(*tx_, "order", "o-1", "bitrix24", "4413"));
    EXPECT_EQ(links.FindExternal(*tx_, "order", "o-1", "bitrix24").value(), "4413");
    EXPECT_EQ(links.FindCanonical(*tx_, "order", "bitrix24", "4412").value(), std::nullopt);
}

TEST_F(RepositoriesTest, AnExternalIdCannotBelongToTwoEntities) {
    LinkRepository links(clock_);
    ASSERT_TRUE(links.Put(*tx_, "company", "c-1", "bitrix24", "77"));
    auto st = links.Put(*tx_, "company", "c-2", "bitrix24", "77");
    ASSERT_FALSE(st);
    EXPECT_EQ(st.error().error_class, ErrorClass::kPermanent);
    EXPECT_EQ(st.error().message, "store: put link: bitrix24 company 77 is already linked to company c-1, not c-2");
}

TEST_F(RepositoriesTest, CursorsSetAndOverwrite) {
    CursorRepository cursors(clock_);
    EXPECT_EQ(cursors.Get(*tx_, "site.orders").value(), std::nullopt);
    ASSERT_TRUE(cursors.Set(*tx_, "site.orders", "100"));
    ASSERT_TRUE(cursors.Set(*tx_, "site.orders", "250"));
    EXPECT_EQ(cursors.Get(*tx_, "site.orders").value(), "250");
}

TEST_F(RepositoriesTest, AuditKeepsNullOldValueAndStampsTime) {
    AuditLog audit(clock_);
    ASSERT_TRUE(audit.Append(*tx_, AuditEntry{.actor = "sync", .system = "onec", .entity_kind = "order",
                                              .entity_id = "o-1", .field = "status", .new_value = "posted"}));
    auto e = audit.ForEntity(*tx_, "order", "o-1");
    ASSERT_TRUE(e);
    ASSERT_EQ(e->size(), 1u);
    EXPECT_EQ((*e)[0].at, 1000);
    EXPECT_EQ((*e)[0].old_value, std::nullopt);
    EXPECT_EQ((*e)[0].new_value, "posted");
    EXPECT_EQ((*e)[0].system, "onec");
}

TEST_F(RepositoriesTest, DeadLettersAddListAndMarkRetried) {
    DeadLetterRepository letters(clock_);
    auto a = letters.Add(*tx_, DeadLetter{.source = "onec.catalog", .entity = "offer 5f3c", .reason = "no price",
                                          .payload_path = "/var/lib/b2bsync/dead/1.xml"});
    clock_.Advance(milliseconds(10));
    auto b = letters.Add(*tx_, DeadLetter{.source = "bitrix24.event", .entity = "deal 4412", .reason = "bad stage",
                                          .payload = "{\"x\":1}"});
    ASSERT_TRUE(a && b);
    auto all = letters.List(*tx_, false);
    ASSERT_TRUE(all);
    ASSERT_EQ(all->size(), 2u);
    EXPECT_EQ((*all)[0].id, *b);  // newest first
    EXPECT_EQ((*all)[0].payload, "{\"x\":1}");
    EXPECT_EQ((*all)[1].payload, std::nullopt);
    EXPECT_EQ((*all)[1].payload_path, "/var/lib/b2bsync/dead/1.xml");
    EXPECT_EQ((*all)[1].state, "new");

    clock_.Advance(milliseconds(5));
    ASSERT_TRUE(letters.MarkRetried(*tx_, *a));
    auto fresh = letters.List(*tx_, true);
    ASSERT_TRUE(fresh);
    ASSERT_EQ(fresh->size(), 1u);
    EXPECT_EQ((*fresh)[0].id, *b);
    auto again = letters.List(*tx_, false);
    EXPECT_EQ((*again)[1].state, "retried");
    EXPECT_EQ((*again)[1].retried_at, 1015);
    auto missing = letters.MarkRetried(*tx_, 999);
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().message, "store: mark dead letter retried: dead letter 999 not found");
}

}  // namespace
}  // namespace b2b::store
