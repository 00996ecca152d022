// The intakes turn what the peers hand over into durable "flows" jobs, once each.
#include "core/flows/intake.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "connectors/onec/order_feed.hpp"
#include "core/flows/flow_jobs.hpp"
#include "core/store/order_repository.hpp"
#include "core/store/repositories.hpp"
#include "tests/support/temp_dir.hpp"

namespace b2b::flows {
namespace {

using std::chrono::milliseconds;

class IntakeTest : public ::testing::Test {
protected:
    IntakeTest()
        : clock_(1'764'500'000'000),
          queue_(Db(), clock_,
                 store::RetryPolicy{.initial = milliseconds(1000), .multiplier = 2.0, .max = milliseconds(60000),
                                    .jitter = 0.0, .max_attempts = 5}) {}

    store::Database& Db() {
        auto db = store::Database::Open(dir_ / "state.db");
        EXPECT_TRUE(db) << db.error().message;
        db_ = std::move(*db);
        return *db_;
    }

    std::vector<store::Job> FlowJobs() {
        auto jobs = queue_.List(store::JobFilter{.target = std::string(kFlowsTarget), .limit = 1000});
        EXPECT_TRUE(jobs) << jobs.error().message;
        return jobs ? *jobs : std::vector<store::Job>{};
    }

    void Exec(char const* sql) {
        auto tx = store::Transaction::Begin(*db_, "test");
        ASSERT_TRUE(tx);
        ASSERT_TRUE(db_->Execute("test", sql));
        ASSERT_TRUE((*tx)->Commit());
    }

    test::TempDir dir_;
    std::unique_ptr<store::Database> db_;
    FakeClock clock_;
    store::JobQueue queue_;
};

onec::CmlDocument Order(std::string id, std::string comment = "") {
    onec::CmlDocument d;
    d.id = std::move(id);
    d.number = d.id;
    d.comment = std::move(comment);
    return d;
}

TEST_F(IntakeTest, TheSameSiteOrderOfferedAgainIsOneJobAndAChangedOneIsANewJob) {
    SiteOrderIntake intake(*db_, clock_, queue_);
    site::PulledOrders batch;
    batch.orders = {Order("1001"), Order("1002")};
    ASSERT_TRUE(intake.Persist(batch));
    ASSERT_TRUE(intake.Persist(batch)) << "the site offers the same orders until success";
    EXPECT_EQ(FlowJobs().size(), 2u);

    site::PulledOrders changed;
    changed.orders = {Order("1001", "позвонить перед доставкой")};
    ASSERT_TRUE(intake.Persist(changed));
    auto jobs = FlowJobs();
    ASSERT_EQ(jobs.size(), 3u);
    EXPECT_EQ(jobs[2].kind, kSiteOrder);
    EXPECT_EQ(jobs[2].entity_key, "order-1001");
    auto document = onec::DecodeOrderDocument(jobs[2].payload);
    ASSERT_TRUE(document);
    EXPECT_EQ(document->comment, "позвонить перед доставкой");
}

TEST_F(IntakeTest, UndecodableSiteDocumentsAreKeptAsDeadLetters) {
    SiteOrderIntake intake(*db_, clock_, queue_);
    site::PulledOrders batch;
    batch.orders = {Order("1001")};
    batch.problems.push_back(onec::RecordProblem{onec::CmlRecordKind::kDocument, "КоммерческаяИнформация/Документ",
                                                 12, 5, "orders.xml:12:5: bad Сумма \"12,3,4\""});
    ASSERT_TRUE(intake.Persist(batch));
    auto tx = store::Transaction::Begin(*db_, "test", store::Transaction::Mode::kRead);
    ASSERT_TRUE(tx);
    store::DeadLetterRepository letters(clock_);
    auto list = letters.List(**tx, true);
    ASSERT_TRUE(list);
    ASSERT_EQ(list->size(), 1u);
    EXPECT_EQ((*list)[0].source, "site.order");
    EXPECT_EQ((*list)[0].reason, "orders.xml:12:5: bad Сумма \"12,3,4\"");
}

TEST_F(IntakeTest, WhatOneCLandedBecomesOneJobPerChangeAndTheLogEmpties) {
    Exec("INSERT INTO onec_documents (onec_id, number, onec_number, operation, role, currency, status, comment, "
         "counterparties_json, requisites_json, lines_json, received_at, updated_at) VALUES "
         "('1001', '1001', '', 'Заказ товара', 'Продавец', 'RUB', '', '', '[]', '[]', '[]', 1, 1)");
    Exec("INSERT INTO counterparties_onec (onec_id, name, full_name, official_name, inn, kpp, okpo, role, "
         "details_json, marked_deleted, created_at, updated_at) VALUES "
         "('cp-guid', 'Ромашка', '', '', '7707083893', '773601001', '', '', '{}', 0, 2, 2)");
    auto moved = PumpInboundChanges(*db_, queue_, 100);
    ASSERT_TRUE(moved) << moved.error().message;
    EXPECT_EQ(*moved, 2);
    auto again = PumpInboundChanges(*db_, queue_, 100);
    ASSERT_TRUE(again);
    EXPECT_EQ(*again, 0);
    auto jobs = FlowJobs();
    ASSERT_EQ(jobs.size(), 2u);
    EXPECT_EQ(jobs[0].kind, kOnecDocument);
    EXPECT_EQ(jobs[0].payload, R"({"onec_id":"1001"})");
    EXPECT_EQ(jobs[1].kind, kOnecCounterparty);
    EXPECT_EQ(jobs[1].entity_key, "onec-cp-cp-guid");
}

TEST_F(IntakeTest, AStageChangeBecomesADealStageJobWithTheStageName) {
    StageChangeIntake intake(queue_, [](std::string const& id) -> std::optional<std::string> {
        if (id == "C1:PREPARATION") {
            return "Склад";
        }
        return std::nullopt;
    });
    {
        auto tx = store::Transaction::Begin(*db_, "test");
        ASSERT_TRUE(tx);
        bitrix24::StageChange change{.deal_id = 57, .category_id = 1, .from = "C1:NEW", .to = "C1:PREPARATION",
                                     .at = 0, .inbox_id = 9};
        ASSERT_TRUE(intake.OnStageChange(**tx, change));
        ASSERT_TRUE(intake.OnStageChange(**tx, change)) << "a re-read of the same inbox entry";
        bitrix24::StageChange unknown{.deal_id = 58, .category_id = 1, .from = "", .to = "C9:WHAT", .at = 0,
                                      .inbox_id = 10};
        auto refused = intake.OnStageChange(**tx, unknown);
        ASSERT_FALSE(refused);
        EXPECT_EQ(refused.error().message, "deal 58: stage \"C9:WHAT\" is not a stage of the configured pipeline");
        ASSERT_TRUE((*tx)->Commit());
    }
    auto jobs = FlowJobs();
    ASSERT_EQ(jobs.size(), 1u);
    EXPECT_EQ(jobs[0].kind, kDealStage);
    auto payload = boost::json::parse(jobs[0].payload);
    EXPECT_EQ(payload.at("deal_id").as_int64(), 57);
    EXPECT_EQ(payload.at("stage_name").as_string(), "Склад");
}

}  // namespace
}  // namespace b2b::flows
