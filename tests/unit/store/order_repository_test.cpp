// Canonical orders (versioned saves) and the change log the landing tables feed by trigger.
#include "core/store/order_repository.hpp"

#include <gtest/gtest.h>

#include "tests/unit/store/store_test_util.hpp"

namespace b2b::store {
namespace {

using test::BeginOrDie;
using test::QueryText;

class OrderRepositoryTest : public ::testing::Test {
protected:
    OrderRepositoryTest() : db_(test::OpenOrDie(dir_ / "state.db")), clock_(1'764'500'000'000), orders_(clock_) {}

    std::int64_t Save(StoredOrder const& order) {
        auto tx = BeginOrDie(*db_);
        auto version = orders_.Save(*tx, order);
        EXPECT_TRUE(version) << version.error().message;
        EXPECT_TRUE(tx->Commit());
        return version ? *version : -1;
    }

    void Exec(char const* sql) {
        auto tx = BeginOrDie(*db_);
        ASSERT_TRUE(db_->Execute("test", sql));
        ASSERT_TRUE(tx->Commit());
    }

    b2b::test::TempDir dir_;
    std::unique_ptr<Database> db_;
    FakeClock clock_;
    OrderRepository orders_;
};

TEST_F(OrderRepositoryTest, SaveBumpsTheVersionOnlyWhenSomethingChanged) {
    StoredOrder order{.id = "order-1", .number = "1001", .stage = "manager_check", .document = "{\"a\":1}"};
    EXPECT_EQ(Save(order), 1);
    EXPECT_EQ(Save(order), 1) << "saving the same order again is not a change";
    order.stage = "warehouse";
    clock_.Advance(std::chrono::milliseconds(10));
    EXPECT_EQ(Save(order), 2);
    order.document = "{\"a\":2}";
    EXPECT_EQ(Save(order), 3);

    auto tx = BeginOrDie(*db_, Transaction::Mode::kRead);
    auto found = orders_.Find(*tx, "order-1");
    ASSERT_TRUE(found && *found);
    EXPECT_EQ((*found)->stage, "warehouse");
    EXPECT_EQ((*found)->document, "{\"a\":2}");
    EXPECT_EQ((*found)->version, 3);
    EXPECT_EQ((*found)->created_at, 1'764'500'000'000);
    EXPECT_EQ((*found)->updated_at, 1'764'500'000'010);
    auto missing = orders_.Find(*tx, "order-2");
    ASSERT_TRUE(missing);
    EXPECT_FALSE(*missing);
}

TEST_F(OrderRepositoryTest, LandedDocumentsAndCounterpartiesAreLoggedInCommitOrder) {
    Exec("INSERT INTO onec_documents (onec_id, number, onec_number, operation, role, currency, status, comment, "
         "counterparties_json, requisites_json, lines_json, received_at, updated_at) VALUES "
         "('doc-1', '1001', '', 'Заказ товара', 'Продавец', 'RUB', '', '', '[]', '[]', '[]', 1, 1)");
    Exec("INSERT INTO counterparties_onec (onec_id, name, full_name, official_name, inn, kpp, okpo, role, "
         "details_json, marked_deleted, created_at, updated_at) VALUES "
         "('cp-1', 'Ромашка', '', '', '7701234567', '770101001', '', '', '{}', 0, 2, 2)");
    Exec("UPDATE onec_documents SET status = 'Отгружен', updated_at = 3 WHERE onec_id = 'doc-1'");

    auto tx = BeginOrDie(*db_);
    auto changes = InboundChanges::Oldest(*tx, 10);
    ASSERT_TRUE(changes) << changes.error().message;
    ASSERT_EQ(changes->size(), 3u);
    EXPECT_EQ((*changes)[0].source, "onec_document");
    EXPECT_EQ((*changes)[0].entity_id, "doc-1");
    EXPECT_EQ((*changes)[1].source, "onec_counterparty");
    EXPECT_EQ((*changes)[1].entity_id, "cp-1");
    EXPECT_EQ((*changes)[2].entity_id, "doc-1");
    EXPECT_LT((*changes)[0].seq, (*changes)[1].seq);
    ASSERT_TRUE(InboundChanges::Remove(*tx, (*changes)[0].seq));
    auto count = InboundChanges::Count(*tx);
    ASSERT_TRUE(count);
    EXPECT_EQ(*count, 2);
    ASSERT_TRUE(tx->Commit());
}

TEST_F(OrderRepositoryTest, ARolledBackLandingLeavesNoChangeBehind) {
    {
        auto tx = BeginOrDie(*db_);
        ASSERT_TRUE(db_->Execute(
            "test", "INSERT INTO onec_documents (onec_id, number, onec_number, operation, role, currency, status, "
                    "comment, counterparties_json, requisites_json, lines_json, received_at, updated_at) VALUES "
                    "('doc-9', '9', '', 'Заказ товара', '', 'RUB', '', '', '[]', '[]', '[]', 1, 1)"));
        // destroyed without Commit: rolled back
    }
    EXPECT_EQ(QueryText(*db_, "SELECT COUNT(*) FROM inbound_changes"), "0");
}

}  // namespace
}  // namespace b2b::store
