#include "core/store/catalog_repository.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <vector>

#include <fmt/format.h>

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
    OfferRow offer{.onec_id = "o", .catalog_id = "cat", .product_id = "o"};
    std::vector<PriceRow> price{
        {.price_type_id = "t", .price_raw = 1'815'000, .currency = "RUB", .unit = "шт"}};
    std::vector<StockRow> stock{{.warehouse_id = "", .quantity_raw = 30'000}};
    auto first = repo_.UpsertOffer(*tx, offer, price, stock, "ex1").value();
    EXPECT_EQ(first.offer, UpsertOutcome::kInserted);
    EXPECT_EQ(first.prices.inserted, 1);
    EXPECT_EQ(first.stock.inserted, 1);
    auto again = repo_.UpsertOffer(*tx, offer, price, stock, "ex1").value();
    EXPECT_EQ(again.offer, UpsertOutcome::kUnchanged);
    EXPECT_EQ(again.prices.unchanged, 1);
    EXPECT_EQ(again.stock.unchanged, 1);
    price[0].coefficient_raw = 10'000;
    stock[0].quantity_raw = 0;
    auto changed = repo_.UpsertOffer(*tx, offer, price, stock, "ex1").value();
    EXPECT_EQ(changed.offer, UpsertOutcome::kUnchanged) << "the offer's own columns did not change";
    EXPECT_EQ(changed.prices.updated, 1);
    EXPECT_EQ(changed.stock.updated, 1);
    ASSERT_TRUE(tx->Commit());
    EXPECT_EQ(QueryText(*db_, "SELECT price_raw || ':' || coefficient_raw FROM prices"), "1815000:10000");
    EXPECT_EQ(QueryText(*db_, "SELECT quantity_raw FROM stock WHERE warehouse_id = ''"), "0");
}

// The 2.09+ module sends prices and rests of one offer in two files: each merges into the row and
// neither removes what the other brought, nor a price type a later package leaves out.
TEST_F(CatalogRepositoryTest, PricesAndRestsFromSeparateFilesMergeIntoTheOffer) {
    auto tx = BeginOrDie(*db_);
    OfferRow offer{.onec_id = "p#v", .catalog_id = "cat", .product_id = "p", .name = "Коврик"};
    std::vector<PriceRow> prices{
        {.price_type_id = "wholesale", .price_raw = 900'000, .currency = "RUB", .unit = "шт"},
        {.price_type_id = "retail", .price_raw = 1'200'000, .currency = "RUB", .unit = "шт"}};
    ASSERT_EQ(repo_.UpsertOffer(*tx, offer, prices, {}, "ex1").value().offer, UpsertOutcome::kInserted);
    OfferRow bare{.onec_id = "p#v", .catalog_id = "cat", .product_id = "p"};
    std::vector<StockRow> rests{{.warehouse_id = "w2", .quantity_raw = 50'000},
                                {.warehouse_id = "w1", .quantity_raw = 20'000}};
    auto r = repo_.UpsertOffer(*tx, bare, {}, rests, "ex1").value();
    EXPECT_EQ(r.offer, UpsertOutcome::kUnchanged);
    EXPECT_EQ(r.stock.inserted, 2);
    std::vector<PriceRow> one_price{
        {.price_type_id = "retail", .price_raw = 1'300'000, .currency = "RUB", .unit = "шт"}};
    r = repo_.UpsertOffer(*tx, bare, one_price, {}, "ex1").value();
    EXPECT_EQ(r.prices.updated, 1);
    EXPECT_EQ(r.prices.inserted + r.prices.unchanged, 0);
    ASSERT_TRUE(tx->Commit());
    EXPECT_EQ(QueryText(*db_, "SELECT group_concat(price_type_id || '=' || price_raw, ' ') FROM prices"),
              "retail=1300000 wholesale=900000");
    EXPECT_EQ(QueryText(*db_, "SELECT group_concat(warehouse_id || '=' || quantity_raw, ' ') FROM stock"),
              "w1=20000 w2=50000");
    EXPECT_EQ(QueryText(*db_, "SELECT name FROM offers"), "Коврик");
}

// Re-landing the same offer writes nothing, so no timestamp moves; a price change moves only the
// prices' timestamp, not the offer's version.
TEST_F(CatalogRepositoryTest, OnlyWhatChangedMovesItsTimestamp) {
    OfferRow offer{.onec_id = "o", .catalog_id = "cat", .product_id = "o", .name = "Шланг"};
    std::vector<PriceRow> price{{.price_type_id = "t", .price_raw = 10'000, .currency = "RUB"}};
    std::vector<StockRow> stock{{.warehouse_id = "w", .quantity_raw = 10'000}};
    auto land = [&](std::string const& exchange) {
        auto tx = BeginOrDie(*db_);
        auto r = repo_.UpsertOffer(*tx, offer, price, stock, exchange);
        EXPECT_TRUE(r) << r.error().message;
        EXPECT_TRUE(tx->Commit());
    };
    land("ex1");
    auto const t0 = clock_.NowMillis();
    clock_.Advance(std::chrono::seconds(5));
    land("ex1");
    EXPECT_EQ(QueryText(*db_, "SELECT updated_at || '/' || prices_updated_at || '/' || stock_updated_at || '/' ||"
                              " version FROM offers"),
              fmt::format("{0}/{0}/{0}/1", t0));
    price[0].price_raw = 20'000;
    land("ex2");
    EXPECT_EQ(QueryText(*db_, "SELECT updated_at || '/' || prices_updated_at || '/' || stock_updated_at || '/' ||"
                              " version || '/' || last_seen_exchange FROM offers"),
              fmt::format("{0}/{1}/{0}/1/ex2", t0, t0 + 5000));
    EXPECT_EQ(QueryText(*db_, "SELECT updated_at FROM prices"), std::to_string(t0 + 5000));
}

TEST_F(CatalogRepositoryTest, AHandEditedPackedColumnIsAClearError) {
    auto tx = BeginOrDie(*db_);
    OfferRow offer{.onec_id = "o", .catalog_id = "cat", .product_id = "o"};
    ASSERT_TRUE(repo_.UpsertOffer(*tx, offer, "ex1"));
    ASSERT_TRUE(tx->db().Execute("edit by hand", "UPDATE offers SET prices_json = '{\"t\": 5}'"));
    std::vector<PriceRow> price{{.price_type_id = "t", .price_raw = 10'000}};
    auto r = repo_.UpsertOffer(*tx, offer, price, {}, "ex1");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message,
              "offer o: prices_json is not an array of [price type, price, currency, unit, coefficient]");
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
