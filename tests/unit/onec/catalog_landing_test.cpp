// Every CommerceML fixture landed into a real SQLite store, and the idempotency rules of
// commerceml.md §6: same package twice, partial vs full, orphans, unknown price types, crashes.
#include "connectors/onec/catalog_landing.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "core/store/catalog_repository.hpp"
#include "core/util/clock.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/unit/onec/collecting_visitor.hpp"
#include "tests/unit/store/store_test_util.hpp"

namespace b2b::onec::test {
namespace {

using namespace std::chrono_literals;
using store::test::BeginOrDie;
using store::test::QueryText;

constexpr char kGillImport[] = "gillbeits/import___b815e2db-7a65-4265-9241-5f0c4f0565a7.xml";
constexpr char kGillOffers[] = "gillbeits/offers___7f304edc-2527-4d3d-b058-6e4ee53de2e0.xml";
constexpr char kGillPrices[] = "gillbeits/prices___d66a6b51-ce9c-4e7a-8c7c-25079721107f.xml";
constexpr char kGillRests[] = "gillbeits/rests___1af6e7b8-a026-4690-9752-1c9d64cb914d.xml";
constexpr char kDobroImport[] = "dobromyslov/import0_1.xml";
constexpr char kDobroOffers[] = "dobromyslov/offers0_1.xml";

ReaderOptions Options() {
    ReaderOptions options;
    options.default_utc_offset = std::chrono::minutes(180);
    return options;
}

class CatalogLandingTest : public ::testing::Test {
protected:
    void SetUp() override {
        db_ = store::test::OpenOrDie(dir_ / "state.db");
        ASSERT_TRUE(db_);
    }

    /// Lands one fixture file completely (read, Finish) and returns the stats.
    LandingStats LandFile(std::string const& relative, std::string const& exchange, LandingOptions options = {}) {
        CatalogLanding landing(*db_, clock_, exchange, options);
        auto summary = ReadCommerceMlFile(FixturePath(relative), Options(), landing);
        EXPECT_TRUE(summary) << summary.error().message;
        if (summary) {
            EXPECT_EQ(summary->skipped, 0u) << relative;
        }
        auto st = landing.Finish();
        EXPECT_TRUE(st) << st.error().message;
        return landing.Stats();
    }

    LandingStats LandText(std::string const& xml, std::string const& exchange) {
        CatalogLanding landing(*db_, clock_, exchange);
        std::istringstream in(xml);
        auto summary = ReadCommerceMl(in, "test.xml", Options(), landing);
        EXPECT_TRUE(summary) << summary.error().message;
        auto st = landing.Finish();
        EXPECT_TRUE(st) << st.error().message;
        return landing.Stats();
    }

    store::CatalogCounts Counts() {
        auto tx = BeginOrDie(*db_, store::Transaction::Mode::kRead);
        return repo_.Counts(*tx).value();
    }

    std::optional<store::CatalogItemState> Product(std::string_view id) {
        auto tx = BeginOrDie(*db_, store::Transaction::Mode::kRead);
        return repo_.ProductState(*tx, id).value();
    }

    UnixMillis MaxUpdatedAt() {
        auto tx = BeginOrDie(*db_, store::Transaction::Mode::kRead);
        return repo_.MaxUpdatedAt(*tx).value();
    }

    b2b::test::TempDir dir_;
    std::unique_ptr<store::Database> db_;
    FakeClock clock_;
    store::CatalogRepository repo_{clock_};
};

TEST_F(CatalogLandingTest, GillbeitsPackageLandsWithExactCounts) {
    auto classifier = LandFile(kGillImport, "ex1");
    EXPECT_EQ(classifier.groups.inserted, 97u);
    EXPECT_EQ(classifier.price_types.inserted, 1u);
    EXPECT_EQ(classifier.warehouses.inserted, 1u);
    EXPECT_EQ(classifier.units.inserted, 2u);
    EXPECT_EQ(classifier.products.Total(), 0u);  // this package's Каталог carries no Товары

    auto offers = LandFile(kGillOffers, "ex1");
    EXPECT_EQ(offers.offers.inserted, 978u);
    EXPECT_EQ(offers.orphan_offers, 978u);  // the goods were never sent: kept, counted
    auto prices = LandFile(kGillPrices, "ex1");
    EXPECT_EQ(prices.offers.unchanged, 978u);  // the Ид-only offer keeps its name
    EXPECT_EQ(prices.prices.inserted, 978u);
    EXPECT_EQ(prices.unknown_price_type_count, 0u);  // declared in the earlier classifier file
    auto rests = LandFile(kGillRests, "ex1");
    EXPECT_EQ(rests.offers.unchanged, 978u);
    EXPECT_EQ(rests.stock.inserted, 978u);
    EXPECT_EQ(rests.products_deactivated + rests.offers_deactivated, 0u);  // partial packages

    auto c = Counts();
    EXPECT_EQ(c.product_groups, 97);
    EXPECT_EQ(c.price_types, 1);
    EXPECT_EQ(c.offers, 978);
    EXPECT_EQ(c.active_offers, 978);
    EXPECT_EQ(c.prices, 978);
    EXPECT_EQ(c.stock, 978);
    EXPECT_EQ(QueryText(*db_, "SELECT SUM(price_raw) FROM prices"), "3665630000");  // 366563 RUB
    EXPECT_EQ(QueryText(*db_, "SELECT SUM(quantity_raw) FROM stock"), "19240000");  // 1924
    EXPECT_EQ(QueryText(*db_, "SELECT name FROM offers WHERE onec_id = '26b0dc1e-4d66-11e4-99fe-003048c64779'"),
              "Дезодорант для мужчин Чистая линия Фито защита без белых следов 150мл");
    EXPECT_EQ(QueryText(*db_, "SELECT declared_in || ':' || tax_included FROM price_types"), "classifier:1");
}

TEST_F(CatalogLandingTest, DobromyslovFullCatalogAndOffers) {
    auto products = LandFile(kDobroImport, "ex1");
    EXPECT_EQ(products.products.inserted, 36u);
    EXPECT_EQ(products.groups.inserted, 1u);
    auto offers = LandFile(kDobroOffers, "ex1");
    EXPECT_EQ(offers.offers.inserted, 44u);
    EXPECT_EQ(offers.price_types.inserted, 1u);  // 2.07: ТипыЦен inside ПакетПредложений
    EXPECT_EQ(offers.warehouses.inserted, 3u);
    EXPECT_EQ(offers.prices.inserted, 44u);
    EXPECT_EQ(offers.unknown_price_type_count, 0u);

    auto c = Counts();
    EXPECT_EQ(c.products, 36);
    EXPECT_EQ(c.active_products, 35);
    EXPECT_EQ(QueryText(*db_,
                        "SELECT active || ':' || (deleted_at IS NOT NULL) FROM products"
                        " WHERE onec_id = 'b631c9c1-49de-11e9-80c9-0cc47ab29cd1'"),
              "0:1");
    EXPECT_EQ(c.offers, 44);
    EXPECT_EQ(c.prices, 44);
    EXPECT_EQ(QueryText(*db_, "SELECT COUNT(*) FROM stock WHERE warehouse_id = ''"), "0");
    EXPECT_EQ(QueryText(*db_,
                        "SELECT group_concat(q, '/') FROM (SELECT SUM(quantity_raw) / 10000 AS q FROM stock"
                        " GROUP BY warehouse_id ORDER BY warehouse_id)"),
              "11/41/2763");
    EXPECT_EQ(QueryText(*db_, "SELECT declared_in FROM price_types"), "offer_package");
    EXPECT_EQ(QueryText(*db_, "SELECT unit || ':' || coefficient_raw FROM prices LIMIT 1"), "PCE:10000");
    EXPECT_EQ(c.offers_with_product, 44 - static_cast<std::int64_t>(offers.orphan_offers));
}

TEST_F(CatalogLandingTest, CounterpartiesAndDocumentsLand) {
    auto contractors = LandFile("argentcrusade/contractors-example.xml", "ex1");
    EXPECT_GT(contractors.counterparties.inserted, 0u);
    auto documents = LandFile("argentcrusade/documents-example.xml", "ex1");
    EXPECT_GT(documents.documents.inserted, 0u);
    auto orders = LandFile("dobromyslov/bitrix-query-response-full.xml", "ex1");
    EXPECT_EQ(orders.documents.inserted, 2u);
    EXPECT_EQ(QueryText(*db_,
                        "SELECT number || ' ' || date || ' ' || operation FROM onec_documents"
                        " WHERE onec_id = '132'"),
              "132 2021-02-11T18:45:21+03:00 Заказ товара");
    for (char const* file :
         {"carono-yii2/from.xml", "carono-yii2/to.xml", "dobromyslov/bitrix-query-response-empty.xml"}) {
        LandFile(file, "ex1");
    }
    EXPECT_EQ(static_cast<std::uint64_t>(Counts().counterparties), contractors.counterparties.inserted);
}

// Files are re-landed one by one: different fixtures reuse the same document Ид with other
// content, which is a real change when landed one after the other.
TEST_F(CatalogLandingTest, CounterpartiesAndDocumentsTwiceChangeNothing) {
    for (char const* file :
         {"argentcrusade/contractors-example.xml", "argentcrusade/documents-example.xml",
          "dobromyslov/bitrix-query-response-full.xml", "carono-yii2/from.xml", "carono-yii2/to.xml"}) {
        auto first = LandFile(file, "ex1");
        EXPECT_GT(first.All().inserted + first.All().updated, 0u) << file;
        auto const before = MaxUpdatedAt();
        clock_.Advance(1h);
        auto again = LandFile(file, "ex2");
        EXPECT_EQ(again.All().inserted + again.All().updated, 0u) << file;
        EXPECT_EQ(again.All().unchanged, first.All().Total()) << file;
        EXPECT_EQ(MaxUpdatedAt(), before) << file;
    }
}

TEST_F(CatalogLandingTest, SamePackageTwiceChangesNothing) {
    std::vector<char const*> const files = {kGillImport, kGillOffers,  kGillPrices,
                                            kGillRests,  kDobroImport, kDobroOffers};
    std::uint64_t first_total = 0;
    for (auto const* f : files) {
        first_total += LandFile(f, "ex1").All().Total();
    }
    auto const before = MaxUpdatedAt();
    auto const counts_before = Counts();
    clock_.Advance(24h);
    std::uint64_t second_total = 0;
    for (auto const* f : files) {
        auto stats = LandFile(f, "ex2");
        EXPECT_EQ(stats.All().inserted, 0u) << f;
        EXPECT_EQ(stats.All().updated, 0u) << f;
        EXPECT_EQ(stats.products_deactivated + stats.offers_deactivated, 0u) << f;
        second_total += stats.All().unchanged;
    }
    EXPECT_EQ(second_total, first_total);
    EXPECT_EQ(MaxUpdatedAt(), before);
    auto const counts_after = Counts();
    EXPECT_EQ(counts_after.products, counts_before.products);
    EXPECT_EQ(counts_after.active_products, counts_before.active_products);
    EXPECT_EQ(counts_after.offers, counts_before.offers);
    EXPECT_EQ(counts_after.stock, counts_before.stock);
}

std::string Catalog(bool only_changes, std::vector<std::string> const& product_ids) {
    std::string xml = R"(<?xml version="1.0" encoding="UTF-8"?>
<КоммерческаяИнформация ВерсияСхемы="2.07" ДатаФормирования="2024-01-01T10:00:00">
  <Каталог СодержитТолькоИзменения=")" +
                      std::string(only_changes ? "true" : "false") + R"(">
    <Ид>cat-1</Ид><ИдКлассификатора>cat-1</ИдКлассификатора><Наименование>Каталог</Наименование>
    <Товары>)";
    for (auto const& id : product_ids) {
        xml += "<Товар><Ид>" + id + "</Ид><Артикул>A-" + id + "</Артикул><Наименование>Товар " + id +
               "</Наименование></Товар>";
    }
    xml += "</Товары></Каталог></КоммерческаяИнформация>";
    return xml;
}

std::string OfferPackage(std::string const& price_types, std::string const& offers) {
    return R"(<?xml version="1.0" encoding="UTF-8"?>
<КоммерческаяИнформация ВерсияСхемы="2.07" ДатаФормирования="2024-01-01T10:00:00">
  <ПакетПредложений СодержитТолькоИзменения="true">
    <Ид>cat-1#</Ид><ИдКаталога>cat-1</ИдКаталога><Наименование>Пакет</Наименование>
    <ТипыЦен>)" +
           price_types + R"(</ТипыЦен>
    <Предложения>)" +
           offers + R"(</Предложения>
  </ПакетПредложений>
</КоммерческаяИнформация>)";
}

std::string Offer(std::string const& id, std::string const& type_id, std::string const& price) {
    return "<Предложение><Ид>" + id + "</Ид><Наименование>Предложение " + id +
           "</Наименование><Цены><Цена><ИдТипаЦены>" + type_id + "</ИдТипаЦены><ЦенаЗаЕдиницу>" + price +
           "</ЦенаЗаЕдиницу><Валюта>RUB</Валюта></Цена></Цены><Количество>3</Количество></Предложение>";
}

constexpr char kRetailType[] =
    "<ТипЦены><Ид>type-retail</Ид><Наименование>Розница</Наименование><Валюта>RUB</Валюта></ТипЦены>";

TEST_F(CatalogLandingTest, PartialPackageNeverDeactivatesFullPackageDoes) {
    LandText(Catalog(false, {"p1", "p2", "p3"}), "ex1");
    clock_.Advance(1s);
    auto partial = LandText(Catalog(true, {"p1", "p2"}), "ex2");
    EXPECT_EQ(partial.products_deactivated, 0u);
    EXPECT_TRUE(Product("p3")->active);

    clock_.Advance(1s);
    auto full = LandText(Catalog(false, {"p1", "p2"}), "ex3");
    EXPECT_EQ(full.products_deactivated, 1u);
    EXPECT_EQ(full.products.unchanged, 2u);
    auto p3 = Product("p3");
    ASSERT_TRUE(p3);  // still present
    EXPECT_FALSE(p3->active);
    EXPECT_EQ(p3->deactivated_at, clock_.NowMillis());
    EXPECT_EQ(Counts().products, 3);
    EXPECT_EQ(Counts().active_products, 2);

    // The same full package again: p3 stays inactive, nothing counts as changed.
    auto again = LandText(Catalog(false, {"p1", "p2"}), "ex4");
    EXPECT_EQ(again.products_deactivated, 0u);
    EXPECT_EQ(again.products.unchanged, 2u);
}

TEST_F(CatalogLandingTest, PricesBeforeProductsAreOrphansUntilTheProductsArrive) {
    auto offers = LandText(
        OfferPackage(kRetailType, Offer("p1#v1", "type-retail", "181.5") + Offer("p1#v2", "type-retail", "190") +
                                      Offer("p2", "type-retail", "99.99")),
        "ex1");
    EXPECT_EQ(offers.offers.inserted, 3u);
    EXPECT_EQ(offers.orphan_offers, 3u);
    EXPECT_EQ(Counts().offers_with_product, 0);
    EXPECT_EQ(QueryText(*db_, "SELECT price_raw FROM prices WHERE offer_id = 'p1#v1'"), "1815000");
    EXPECT_EQ(QueryText(*db_, "SELECT quantity_raw FROM stock WHERE offer_id = 'p2' AND warehouse_id = ''"), "30000");

    auto products = LandText(Catalog(true, {"p1", "p2"}), "ex1");
    EXPECT_EQ(products.products.inserted, 2u);
    EXPECT_EQ(Counts().offers_with_product, 3);
    EXPECT_EQ(QueryText(*db_,
                        "SELECT group_concat(o.onec_id, ',') FROM offers o JOIN products p"
                        " ON p.onec_id = o.product_id WHERE p.article = 'A-p1' ORDER BY o.onec_id"),
              "p1#v1,p1#v2");
}

TEST_F(CatalogLandingTest, UnknownPriceTypeIsKeptAndReported) {
    auto stats =
        LandText(OfferPackage(kRetailType, Offer("p1", "type-retail", "10") + Offer("p2", "type-vip", "8")), "ex1");
    EXPECT_EQ(stats.prices.inserted, 2u);
    EXPECT_EQ(stats.unknown_price_type_count, 1u);
    ASSERT_EQ(stats.unknown_price_types.size(), 1u);
    EXPECT_EQ(stats.unknown_price_types[0], (UnknownPriceType{"p2", "type-vip"}));
    EXPECT_EQ(QueryText(*db_, "SELECT price_raw FROM prices WHERE offer_id = 'p2' AND price_type_id = 'type-vip'"),
              "80000");
    EXPECT_NE(stats.Summary().find("unknown price types 1"), std::string::npos) << stats.Summary();

    // Declared in an earlier package: matched by Ид, no warning.
    auto later = LandText(OfferPackage("", Offer("p3", "type-retail", "11")), "ex2");
    EXPECT_EQ(later.unknown_price_type_count, 0u);
}

TEST_F(CatalogLandingTest, CrashBetweenFlushesLosesNothingFlushedAndRelandingIsIdempotent) {
    auto const path = FixturePath(kGillPrices);
    std::uint64_t flushed = 0;
    {
        LandingOptions options;
        options.batch_size = 100;
        CatalogLanding landing(*db_, clock_, "ex1", options);
        std::ifstream in(path, std::ios::binary);
        CmlStreamReader reader(in, "prices.xml", Options(), landing);
        ASSERT_TRUE(reader.Next(250));
        ASSERT_TRUE(landing.Flush());   // the endpoint's commit point after a slice
        ASSERT_TRUE(reader.Next(120));  // 100 more auto-flushed, 20 buffered
        flushed = landing.Stats().offers.Total();
        // Dropped here without Flush: the "crash".
    }
    EXPECT_EQ(flushed, 350u);
    EXPECT_EQ(Counts().offers, 350);
    EXPECT_EQ(Counts().prices, 350);

    clock_.Advance(1min);
    auto again = LandFile(kGillPrices, "ex1", LandingOptions{.batch_size = 64});
    EXPECT_EQ(again.offers.inserted, 978u - 350u);
    EXPECT_EQ(again.offers.unchanged, 350u);
    EXPECT_EQ(again.prices.inserted, 978u - 350u);
    EXPECT_EQ(again.prices.updated, 0u);
    EXPECT_EQ(Counts().offers, 978);
    EXPECT_EQ(Counts().prices, 978);
    EXPECT_EQ(QueryText(*db_, "SELECT SUM(price_raw) FROM prices"), "3665630000");
}

TEST_F(CatalogLandingTest, MeasureGillbeitsOffersPricesRests) {
    auto const start = std::chrono::steady_clock::now();
    std::uint64_t records = 0;
    for (auto const* f : {kGillOffers, kGillPrices, kGillRests}) {
        records += LandFile(f, "ex1").offers.Total();
    }
    auto const first = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    auto const start2 = std::chrono::steady_clock::now();
    for (auto const* f : {kGillOffers, kGillPrices, kGillRests}) {
        LandFile(f, "ex2");
    }
    auto const second = std::chrono::duration<double>(std::chrono::steady_clock::now() - start2).count();
    std::printf(
        "landing gillbeits offers+prices+rests: %llu records, first %.3f s (%.0f rec/s), "
        "re-land %.3f s (%.0f rec/s)\n",
        static_cast<unsigned long long>(records), first, static_cast<double>(records) / first, second,
        static_cast<double>(records) / second);
}

}  // namespace
}  // namespace b2b::onec::test
