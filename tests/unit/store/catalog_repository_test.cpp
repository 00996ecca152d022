#include "core/store/catalog_repository.hpp"

#include <gtest/gtest.h>

#include <chrono>

#include "core/util/clock.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/unit/store/store_test_util.hpp"

namespace b2b::store {
namespace {

using namespace std::chrono_literals;
using test::BeginOrDie;
using test::QueryText;

class CatalogRepositoryTest : public ::testing::Test {
protected:
    void SetUp() override {
        db_ = test::OpenOrDie(dir_ / "state.db");
        ASSERT_TRUE(db_);
    }

    b2b::test::TempDir dir_;
    std::unique_ptr<Database> db_;
    FakeClock clock_;
    CatalogRepository repo_{clock_};
};

ProductRow Product() {
    return ProductRow{.onec_id = "p1",
                      .catalog_id = "cat",
                      .article = "A-1",
                      .barcode = "460",
                      .name = "Коврик",
                      .base_unit_code = "796",
                      .base_unit_name = "Штука",
                      .group_ids_json = R"(["g1"])",
                      .manufacturer_id = "",
                      .manufacturer_name = "Crazy Boom",
                      .marked_deleted = false};
}

TEST_F(CatalogRepositoryTest, SameRowTwiceIsUnchangedAndKeepsUpdatedAt) {
    auto const t0 = clock_.NowMillis();
    {
        auto tx = BeginOrDie(*db_);
        EXPECT_EQ(repo_.UpsertProduct(*tx, Product(), "ex1").value(), UpsertOutcome::kInserted);
        ASSERT_TRUE(tx->Commit());
    }
    clock_.Advance(1s);
    auto tx = BeginOrDie(*db_);
    EXPECT_EQ(repo_.UpsertProduct(*tx, Product(), "ex2").value(), UpsertOutcome::kUnchanged);
    auto state = repo_.ProductState(*tx, "p1").value();
    ASSERT_TRUE(state);
    EXPECT_EQ(state->updated_at, t0);
    EXPECT_EQ(state->version, 1);
    EXPECT_EQ(state->last_seen_exchange, "ex2");  // bookkeeping, not a change
    EXPECT_TRUE(state->active);

    auto renamed = Product();
    renamed.name = "Коврик большой";
    EXPECT_EQ(repo_.UpsertProduct(*tx, renamed, "ex2").value(), UpsertOutcome::kUpdated);
    state = repo_.ProductState(*tx, "p1").value();
    EXPECT_EQ(state->updated_at, t0 + 1000);
    EXPECT_EQ(state->version, 2);
}

TEST_F(CatalogRepositoryTest, DeletionMarkDeactivatesAndKeepsFirstDeletedAt) {
    auto const t0 = clock_.NowMillis();
    auto tx = BeginOrDie(*db_);
    auto deleted = Product();
    deleted.marked_deleted = true;
    EXPECT_EQ(repo_.UpsertProduct(*tx, deleted, "ex1").value(), UpsertOutcome::kInserted);
    clock_.Advance(5s);
    EXPECT_EQ(repo_.UpsertProduct(*tx, deleted, "ex2").value(), UpsertOutcome::kUnchanged);
    auto state = repo_.ProductState(*tx, "p1").value();
    EXPECT_FALSE(state->active);
    EXPECT_TRUE(state->marked_deleted);
    EXPECT_EQ(state->deleted_at, t0);
    EXPECT_EQ(repo_.UpsertProduct(*tx, Product(), "ex3").value(), UpsertOutcome::kUpdated);
    state = repo_.ProductState(*tx, "p1").value();
    EXPECT_TRUE(state->active);
    EXPECT_EQ(state->deleted_at, std::nullopt);
    EXPECT_EQ(repo_.Counts(*tx).value().products, 1);
}

TEST_F(CatalogRepositoryTest, DeactivatesOnlyItemsOfTheCatalogNotSeenInTheExchange) {
    auto tx = BeginOrDie(*db_);
    auto a = Product();
    auto b = Product();
    b.onec_id = "p2";
    auto other = Product();
    other.onec_id = "p3";
    other.catalog_id = "other";
    ASSERT_TRUE(repo_.UpsertProduct(*tx, a, "ex1"));
    ASSERT_TRUE(repo_.UpsertProduct(*tx, b, "ex1"));
    ASSERT_TRUE(repo_.UpsertProduct(*tx, other, "ex1"));
    clock_.Advance(1s);
    ASSERT_TRUE(repo_.UpsertProduct(*tx, a, "ex2"));
    EXPECT_EQ(repo_.DeactivateProductsNotSeen(*tx, "cat", "ex2").value(), 1);
    EXPECT_TRUE(repo_.ProductState(*tx, "p1").value()->active);
    auto p2 = repo_.ProductState(*tx, "p2").value();
    EXPECT_FALSE(p2->active);
    EXPECT_EQ(p2->deactivated_at, clock_.NowMillis());
    EXPECT_FALSE(p2->marked_deleted);
    EXPECT_TRUE(repo_.ProductState(*tx, "p3").value()->active);
    EXPECT_EQ(repo_.DeactivateProductsNotSeen(*tx, "cat", "ex2").value(), 0);  // already inactive
    // Listed again: reactivated, and that is a change.
    EXPECT_EQ(repo_.UpsertProduct(*tx, b, "ex3").value(), UpsertOutcome::kUpdated);
    p2 = repo_.ProductState(*tx, "p2").value();
    EXPECT_TRUE(p2->active);
    EXPECT_EQ(p2->deactivated_at, std::nullopt);
}

TEST_F(CatalogRepositoryTest, OfferWithoutNameKeepsTheStoredName) {
    auto tx = BeginOrDie(*db_);
    OfferRow named{.onec_id = "p1#v1", .catalog_id = "cat", .product_id = "p1", .name = "Коврик, синий"};
    ASSERT_EQ(repo_.UpsertOffer(*tx, named, "ex1").value(), UpsertOutcome::kInserted);
    OfferRow from_prices{.onec_id = "p1#v1", .catalog_id = "cat", .product_id = "p1"};
    EXPECT_EQ(repo_.UpsertOffer(*tx, from_prices, "ex1").value(), UpsertOutcome::kUnchanged);
    ASSERT_TRUE(tx->Commit());
    EXPECT_EQ(QueryText(*db_, "SELECT name FROM offers"), "Коврик, синий");
}

TEST_F(CatalogRepositoryTest, PricesAndStockCompareRawAmounts) {
    auto tx = BeginOrDie(*db_);
    PriceRow price{.offer_id = "o", .price_type_id = "t", .price_raw = 1'815'000, .currency = "RUB", .unit = "шт"};
    EXPECT_EQ(repo_.UpsertPrice(*tx, price).value(), UpsertOutcome::kInserted);
    EXPECT_EQ(repo_.UpsertPrice(*tx, price).value(), UpsertOutcome::kUnchanged);
    price.coefficient_raw = 10'000;
    EXPECT_EQ(repo_.UpsertPrice(*tx, price).value(), UpsertOutcome::kUpdated);
    StockRow stock{.offer_id = "o", .warehouse_id = "", .quantity_raw = 30'000};
    EXPECT_EQ(repo_.UpsertStock(*tx, stock).value(), UpsertOutcome::kInserted);
    stock.quantity_raw = 0;
    EXPECT_EQ(repo_.UpsertStock(*tx, stock).value(), UpsertOutcome::kUpdated);
    ASSERT_TRUE(tx->Commit());
    EXPECT_EQ(QueryText(*db_, "SELECT price_raw || ':' || coefficient_raw FROM prices"), "1815000:10000");
    EXPECT_EQ(QueryText(*db_, "SELECT quantity_raw FROM stock WHERE warehouse_id = ''"), "0");
}

TEST_F(CatalogRepositoryTest, PriceTypeKeepsWhereItWasFirstDeclared) {
    auto tx = BeginOrDie(*db_);
    PriceTypeRow t{.onec_id = "t", .name = "Опт", .currency = "RUB", .declared_in = "classifier"};
    ASSERT_EQ(repo_.UpsertPriceType(*tx, t).value(), UpsertOutcome::kInserted);
    t.declared_in = "offer_package";
    EXPECT_EQ(repo_.UpsertPriceType(*tx, t).value(), UpsertOutcome::kUnchanged);
    EXPECT_TRUE(repo_.PriceTypeExists(*tx, "t").value());
    EXPECT_FALSE(repo_.PriceTypeExists(*tx, "u").value());
    ASSERT_TRUE(tx->Commit());
    EXPECT_EQ(QueryText(*db_, "SELECT declared_in FROM price_types"), "classifier");
}

TEST_F(CatalogRepositoryTest, CounterpartiesAreFoundByInnAndKpp) {
    auto tx = BeginOrDie(*db_);
    OnecCounterpartyRow c{
        .onec_id = "c1", .name = "ООО Ромашка", .inn = "7701234567", .kpp = "770101001", .details_json = "{}"};
    EXPECT_EQ(repo_.UpsertCounterparty(*tx, c).value(), UpsertOutcome::kInserted);
    EXPECT_EQ(repo_.UpsertCounterparty(*tx, c).value(), UpsertOutcome::kUnchanged);
    OnecDocumentRow d{.onec_id = "d1",
                      .number = "132",
                      .sum_raw = 12'345'600,
                      .posted = true,
                      .counterparties_json = "[]",
                      .requisites_json = "[]",
                      .lines_json = "[]"};
    EXPECT_EQ(repo_.UpsertDocument(*tx, d).value(), UpsertOutcome::kInserted);
    d.paid = true;
    EXPECT_EQ(repo_.UpsertDocument(*tx, d).value(), UpsertOutcome::kUpdated);
    ASSERT_TRUE(tx->Commit());
    EXPECT_EQ(QueryText(*db_, "SELECT onec_id FROM counterparties_onec WHERE inn = '7701234567' AND kpp = '770101001'"),
              "c1");
    EXPECT_EQ(QueryText(*db_, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'counterparties_onec_by_inn_kpp'"), "1");
    EXPECT_EQ(QueryText(*db_,
                        "SELECT sum_raw || ':' || posted || ':' || paid || ':' || (shipped IS NULL) FROM "
                        "onec_documents"),
              "12345600:1:1:1");
}

}  // namespace
}  // namespace b2b::store
