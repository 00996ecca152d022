// CatalogLanding's writer thread against a real SQLite store: batches handed over between flushes,
// one transaction across batches, a writer failure (the store locked by another connection) that
// fails the landing and a re-read that repairs it without counting twice, and the destructor's
// "handed over is committed, buffered is dropped".
#include <gtest/gtest.h>

#include <chrono>
#include <sstream>
#include <string>

#include "connectors/onec/catalog_landing.hpp"
#include "core/store/catalog_repository.hpp"
#include "core/util/clock.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/unit/store/store_test_util.hpp"

namespace b2b::onec::test {
namespace {

using namespace std::chrono_literals;
using store::test::BeginOrDie;

constexpr int kOffers = 25;

std::string OfferPackage(int count, std::string const& price) {
    std::string xml = R"(<?xml version="1.0" encoding="UTF-8"?>
<КоммерческаяИнформация ВерсияСхемы="2.07" ДатаФормирования="2024-01-01T10:00:00">
  <ПакетПредложений СодержитТолькоИзменения="true">
    <Ид>cat-1#</Ид><ИдКаталога>cat-1</ИдКаталога><Наименование>Пакет</Наименование>
    <ТипыЦен><ТипЦены><Ид>type-retail</Ид><Наименование>Розница</Наименование><Валюта>RUB</Валюта></ТипЦены></ТипыЦен>
    <Склады><Склад><Ид>wh-1</Ид><Наименование>Основной</Наименование></Склад></Склады>
    <Предложения>)";
    for (int i = 0; i < count; ++i) {
        std::string const id = "p" + std::to_string(i);
        xml += "<Предложение><Ид>" + id + "</Ид><Наименование>Предложение " + id +
               "</Наименование><Цены><Цена><ИдТипаЦены>type-retail</ИдТипаЦены><ЦенаЗаЕдиницу>" + price +
               "</ЦенаЗаЕдиницу><Валюта>RUB</Валюта></Цена></Цены>"
               "<Остатки><Остаток><Склад><Ид>wh-1</Ид><Количество>3</Количество></Склад></Остаток></Остатки>"
               "</Предложение>";
    }
    return xml + "</Предложения></ПакетПредложений></КоммерческаяИнформация>";
}

class LandingPipelineTest : public ::testing::Test {
protected:
    void SetUp() override {
        // A short busy timeout: the lock test waits for it once per attempt.
        db_ = store::test::OpenOrDie(dir_ / "state.db", store::DatabaseOptions{.busy_timeout = 20ms});
        ASSERT_TRUE(db_);
    }

    /// Reads the whole package into `landing` (no Finish, no Flush).
    static void Read(CatalogLanding& landing, std::string const& xml) {
        std::istringstream in(xml);
        CmlStreamReader reader(in, "offers.xml", ReaderOptions{}, landing);
        while (!reader.Done()) {
            ASSERT_TRUE(reader.Next(1000));
        }
    }

    store::CatalogCounts Counts() {
        auto tx = BeginOrDie(*db_, store::Transaction::Mode::kRead);
        return repo_.Counts(*tx).value();
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

TEST_F(LandingPipelineTest, SmallBatchesAndTransactionsLandEverythingOnceAndRelandChangesNothing) {
    {
        CatalogLanding landing(*db_, clock_, "ex1",
                               LandingOptions{.batch_size = 3, .max_queued_batches = 1, .max_records_per_transaction = 5});
        Read(landing, OfferPackage(kOffers, "10"));
        ASSERT_TRUE(landing.Finish());
        EXPECT_EQ(landing.Stats().offers.inserted, static_cast<std::uint64_t>(kOffers));
        EXPECT_EQ(landing.Stats().prices.inserted, static_cast<std::uint64_t>(kOffers));
        EXPECT_EQ(landing.Stats().stock.inserted, static_cast<std::uint64_t>(kOffers));
    }
    EXPECT_EQ(Counts().offers, kOffers);
    EXPECT_EQ(Counts().stock, kOffers);
    UnixMillis const landed_at = MaxUpdatedAt();

    clock_.Advance(1min);
    CatalogLanding again(*db_, clock_, "ex1", LandingOptions{.batch_size = 7, .max_records_per_transaction = 100});
    Read(again, OfferPackage(kOffers, "10"));
    ASSERT_TRUE(again.Finish());
    EXPECT_EQ(again.Stats().offers.unchanged, static_cast<std::uint64_t>(kOffers));
    EXPECT_EQ(again.Stats().prices.unchanged, static_cast<std::uint64_t>(kOffers));
    EXPECT_EQ(again.Stats().All().inserted + again.Stats().All().updated, 0u);
    EXPECT_EQ(MaxUpdatedAt(), landed_at);
}

// The endpoint's recovery: a failed landing stays failed (its records are gone), and a new landing
// that re-reads from the checkpoint lands everything exactly once.
TEST_F(LandingPipelineTest, LockedStoreFailsTheLandingAndAReReadLandsEverythingOnce) {
    auto other = store::test::OpenOrDie(dir_ / "state.db");  // e.g. `b2bsync jobs retry` beside the daemon
    ASSERT_TRUE(other);
    auto hold = BeginOrDie(*other);  // holds SQLite's write lock
    {
        CatalogLanding landing(*db_, clock_, "ex1", LandingOptions{.batch_size = 100});
        Read(landing, OfferPackage(kOffers, "10"));
        auto failed = landing.Flush();
        ASSERT_FALSE(failed);
        EXPECT_TRUE(failed.error().IsTransient()) << failed.error().message;
        EXPECT_EQ(landing.Stats().offers.Total(), 0u);
        ASSERT_TRUE(hold->Commit());
        auto again = landing.Flush();
        ASSERT_FALSE(again) << "a failed landing must not report success for records it dropped";
        EXPECT_EQ(again.error().message, failed.error().message);
    }
    EXPECT_EQ(Counts().offers, 0);

    CatalogLanding reread(*db_, clock_, "ex1", LandingOptions{.batch_size = 100});
    Read(reread, OfferPackage(kOffers, "10"));
    ASSERT_TRUE(reread.Flush());
    EXPECT_EQ(reread.Stats().offers.inserted, static_cast<std::uint64_t>(kOffers));
    EXPECT_EQ(reread.Stats().prices.inserted, static_cast<std::uint64_t>(kOffers));
    EXPECT_EQ(Counts().offers, kOffers);
    EXPECT_EQ(Counts().prices, kOffers);
}

// A writer faster than the reader keeps one transaction open across batches instead of committing
// each batch: with small batches and a long time budget, every record lands in few transactions.
TEST_F(LandingPipelineTest, TheTransactionStaysOpenAcrossBatchesUntilAFlushAsks) {
    auto other = store::test::OpenOrDie(dir_ / "state.db");  // a reader beside the landing's connection
    ASSERT_TRUE(other);
    CatalogLanding landing(*db_, clock_, "ex1",
                           LandingOptions{.batch_size = 2, .max_queued_batches = 1,
                                          .max_records_per_transaction = 1000, .max_transaction_time = 10s});
    Read(landing, OfferPackage(kOffers, "10"));
    // Nothing committed yet: the writer holds the batches in its open transaction (seen through a
    // second connection; the landing's is busy until it commits).
    EXPECT_EQ(store::test::QueryText(*other, "SELECT COUNT(*) FROM offers"), "0");
    ASSERT_TRUE(landing.Flush());
    EXPECT_EQ(Counts().offers, kOffers);
    EXPECT_EQ(landing.Stats().offers.inserted, static_cast<std::uint64_t>(kOffers));
}

TEST_F(LandingPipelineTest, DestructorCommitsHandedOverBatchesAndDropsTheBufferedRest) {
    {
        CatalogLanding landing(*db_, clock_, "ex1", LandingOptions{.batch_size = 10});
        // 27 records (the ТипЦены, the Склад, 25 offers): two batches handed over, 7 offers buffered.
        Read(landing, OfferPackage(kOffers, "10"));
    }
    EXPECT_EQ(Counts().price_types, 1);
    EXPECT_EQ(Counts().offers, 18);
    EXPECT_EQ(Counts().prices, 18);
}

}  // namespace
}  // namespace b2b::onec::test
