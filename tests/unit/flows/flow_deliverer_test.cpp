// The flows against a real store and the shipped mappings: a site order becomes one canonical
// order, one Bitrix24 deal job and one 1C feed entry; a manager's stage move and 1C's status
// reach the other systems; re-running any job changes nothing; bad input is a permanent error
// that names the entity and the mapping.
#include "core/flows/flow_deliverer.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "connectors/onec/order_feed.hpp"
#include "core/flows/flow_jobs.hpp"
#include "core/flows/order_json.hpp"
#include "core/store/order_repository.hpp"
#include "core/store/repositories.hpp"
#include "tests/support/temp_dir.hpp"

namespace b2b::flows {
namespace {

using std::chrono::milliseconds;
namespace json = boost::json;

onec::CmlDocument SiteOrder(std::string letter = "N") {
    onec::CmlDocument d;
    d.id = "1001";
    d.number = "1001";
    d.date = ZonedTime{std::chrono::sys_days{std::chrono::year{2026} / 11 / 30} + std::chrono::hours(9),
                       std::chrono::minutes(180)};
    d.operation = "Заказ товара";
    d.role = "Продавец";
    d.currency = "руб";
    d.sum = Decimal::FromRaw(1'848'2000);  // 1798.20 + 50 delivery
    onec::CmlCounterparty buyer;
    buyer.id = "7#romashka#ООО Ромашка";
    buyer.name = "ООО Ромашка";
    buyer.role = "Покупатель";
    buyer.inn = "7707083893";
    buyer.kpp = "773601001";
    d.counterparties.push_back(buyer);
    onec::CmlDocumentLine bolt;
    bolt.id = "5f3c1a2b-0000-4000-8000-000000000001";
    bolt.name = "Болт М8";
    bolt.unit_code = "796";
    bolt.price = Decimal::FromRaw(899'1000);
    bolt.quantity = Decimal::FromRaw(2'0000);
    bolt.sum = Decimal::FromRaw(1798'2000);
    d.lines.push_back(bolt);
    onec::CmlDocumentLine delivery;
    delivery.id = "ORDER_DELIVERY";
    delivery.name = "Доставка";
    delivery.price = Decimal::FromRaw(50'0000);
    delivery.quantity = Decimal::FromRaw(1'0000);
    delivery.sum = Decimal::FromRaw(50'0000);
    d.lines.push_back(delivery);
    d.requisites.push_back({"Метод оплаты", "Счёт для юрлиц"});
    d.order_status_id = letter;
    return d;
}

class FlowDelivererTest : public ::testing::Test {
protected:
    FlowDelivererTest()
        : clock_(1'764'500'000'000),
          queue_(Db(), clock_,
                 store::RetryPolicy{.initial = milliseconds(1000), .multiplier = 2.0, .max = milliseconds(60000),
                                    .jitter = 0.0, .max_attempts = 5}),
          mappings_(Compile()),
          flows_(*db_, clock_, queue_, [this] { return mappings_; }) {}

    store::Database& Db() {
        auto db = store::Database::Open(dir_ / "state.db");
        EXPECT_TRUE(db) << db.error().message;
        db_ = std::move(*db);
        return *db_;
    }

    static std::shared_ptr<mapping::MappingSet const> Compile() {
        auto outcome = mapping::Compile(std::filesystem::path(B2B_SOURCE_DIR) / "mappings" / "default");
        for (auto const& d : outcome.diagnostics) {
            ADD_FAILURE() << d.file << ":" << d.line << ":" << d.column << ": " << d.message;
        }
        return outcome.set;
    }

    Status RunJob(char const* kind, std::string payload) {
        store::Job job;
        job.target = kFlowsTarget;
        job.kind = kind;
        job.payload = std::move(payload);
        return flows_.Run(job);
    }

    std::unique_ptr<store::Transaction> Begin() {
        auto tx = store::Transaction::Begin(*db_, "test");
        EXPECT_TRUE(tx) << tx.error().message;
        return std::move(*tx);
    }

    std::vector<store::Job> Jobs(std::string const& target) {
        auto jobs = queue_.List(store::JobFilter{.target = target, .limit = 1000});
        EXPECT_TRUE(jobs) << jobs.error().message;
        return jobs ? *jobs : std::vector<store::Job>{};
    }

    Order StoredOrder(std::string const& id) {
        auto tx = Begin();
        store::OrderRepository orders(clock_);
        auto found = orders.Find(*tx, id);
        EXPECT_TRUE(found && *found) << id;
        auto order = DecodeOrder((*found)->document);
        EXPECT_TRUE(order) << order.error().message;
        return *order;
    }

    std::vector<std::pair<std::string, std::string>> FeedRequisites() {
        onec::OrderFeed feed(*db_, clock_);
        auto pending = feed.PendingForQuery();
        EXPECT_TRUE(pending) << pending.error().message;
        std::vector<std::pair<std::string, std::string>> out;
        if (pending && !pending->empty()) {
            for (auto const& r : pending->front().document.requisites) {
                out.emplace_back(r.name, r.value);
            }
        }
        return out;
    }

    std::string Requisite(std::string const& name) {
        for (auto const& [n, v] : FeedRequisites()) {
            if (n == name) {
                return v;
            }
        }
        return "(absent)";
    }

    test::TempDir dir_;
    std::unique_ptr<store::Database> db_;
    FakeClock clock_;
    store::JobQueue queue_;
    std::shared_ptr<mapping::MappingSet const> mappings_;
    FlowDeliverer flows_;
};

TEST_F(FlowDelivererTest, ASiteOrderBecomesOneOrderOneDealJobAndOneFeedEntryEvenWhenRunTwice) {
    std::string const payload = onec::EncodeOrderDocument(SiteOrder());
    ASSERT_TRUE(RunJob(kSiteOrder, payload));
    ASSERT_TRUE(RunJob(kSiteOrder, payload)) << "a re-run after a crash must be harmless";

    Order order = StoredOrder("order-1001");
    EXPECT_EQ(order.stage, "manager_check");
    EXPECT_EQ(order.total.ToString(2), "1848.20");
    EXPECT_EQ(order.delivery.price.ToString(2), "50.00");
    ASSERT_EQ(order.lines.size(), 1u);
    EXPECT_EQ(order.buyer.id.value(), "cp-7707083893-773601001");

    auto deals = Jobs(kBitrix24Target);
    ASSERT_EQ(deals.size(), 1u) << "the same order twice is one deal job";
    EXPECT_EQ(deals[0].kind, "upsert_deal");
    EXPECT_EQ(deals[0].entity_key, "order-1001");
    auto payload_json = json::parse(deals[0].payload).as_object();
    EXPECT_EQ(payload_json.at("title").as_string(), "Заказ 1001 — ООО Ромашка");
    EXPECT_EQ(payload_json.at("stage").as_string(), "manager_check");
    EXPECT_EQ(payload_json.at("assigned_by_id").as_int64(), 17) << "no manager on the buyer: the mapping's default";
    EXPECT_EQ(payload_json.at("counterparty").at("inn").as_string(), "7707083893");
    ASSERT_EQ(payload_json.at("lines").as_array().size(), 1u);
    EXPECT_EQ(payload_json.at("lines").at(0).at("price").as_string(), "899.10");
    EXPECT_EQ(payload_json.at("lines").at(0).at("measure_code").as_int64(), 796);

    EXPECT_EQ(Requisite("Статус заказа"), "На согласовании");
    EXPECT_EQ(Requisite("Метод оплаты"), "Счёт для юрлиц");
    EXPECT_TRUE(Jobs(kSiteTarget).empty()) << "the site is not told about its own order";
}

TEST_F(FlowDelivererTest, AManagersStageMoveReachesOneCAndTheSiteAndIsAudited) {
    ASSERT_TRUE(RunJob(kSiteOrder, onec::EncodeOrderDocument(SiteOrder())));
    {
        auto tx = Begin();
        store::LinkRepository links(clock_);
        ASSERT_TRUE(links.Put(*tx, kOrderKind, "order-1001", "bitrix24", "57"));
        ASSERT_TRUE(tx->Commit());
    }
    std::string const move = R"({"deal_id":57,"stage_id":"C1:PREPARATION","stage_name":"Склад"})";
    ASSERT_TRUE(RunJob(kDealStage, move));
    ASSERT_TRUE(RunJob(kDealStage, move)) << "the same event twice changes nothing more";

    EXPECT_EQ(StoredOrder("order-1001").stage, "warehouse");
    EXPECT_EQ(Requisite("Статус заказа"), "К обеспечению");
    auto site_jobs = Jobs(kSiteTarget);
    ASSERT_EQ(site_jobs.size(), 1u);
    auto document = onec::DecodeOrderDocument(site_jobs[0].payload);
    ASSERT_TRUE(document) << document.error().message;
    EXPECT_EQ(document->id, "1001");
    EXPECT_EQ(document->order_status_id, "W");
    EXPECT_EQ(Jobs(kBitrix24Target).size(), 1u) << "Bitrix24 is not told about its own move";

    auto tx = Begin();
    store::AuditLog audit(clock_);
    auto history = audit.ForEntity(*tx, kOrderKind, "order-1001");
    ASSERT_TRUE(history);
    ASSERT_EQ(history->size(), 1u);
    EXPECT_EQ((*history)[0].system, "bitrix24");
    EXPECT_EQ((*history)[0].field, "stage");
    EXPECT_EQ((*history)[0].old_value, "manager_check");
    EXPECT_EQ((*history)[0].new_value, "warehouse");
}

TEST_F(FlowDelivererTest, OneCsNumberPaymentAndStatusReachTheDealAndTheSiteButNotTheStage) {
    ASSERT_TRUE(RunJob(kSiteOrder, onec::EncodeOrderDocument(SiteOrder())));
    {
        auto tx = Begin();
        ASSERT_TRUE(db_->Execute(
            "test",
            "INSERT INTO onec_documents (onec_id, number, onec_number, operation, role, currency, posted, paid, "
            "shipped, status, comment, counterparties_json, requisites_json, lines_json, received_at, updated_at) "
            "VALUES ('1001', '1001', 'УТ-000015', 'Заказ товара', 'Продавец', 'руб', 1, 1, 0, 'К отгрузке', '', "
            "'[]', '[]', '[]', 1, 1)"));
        ASSERT_TRUE(tx->Commit());
    }
    ASSERT_TRUE(RunJob(kOnecDocument, R"({"onec_id":"1001"})"));
    ASSERT_TRUE(RunJob(kOnecDocument, R"({"onec_id":"1001"})"));

    Order order = StoredOrder("order-1001");
    EXPECT_EQ(order.stage, "manager_check") << "Bitrix24 owns the stage";
    EXPECT_EQ(order.onec_status, "К отгрузке");
    EXPECT_EQ(order.payment, PaymentState::kPaid);
    EXPECT_EQ(order.onec_number, "УТ-000015");
    auto deals = Jobs(kBitrix24Target);
    ASSERT_EQ(deals.size(), 2u) << "created, then updated once";
    auto update = json::parse(deals[1].payload).as_object();
    EXPECT_EQ(update.at("stage").as_string(), "manager_check");
    EXPECT_EQ(update.at("update_fields").at("UF_CRM_ONEC_NUMBER").as_string(), "УТ-000015");
    EXPECT_FALSE(update.at("update_fields").as_object().contains("COMMENTS")) << "owned by Bitrix24";
    auto site_jobs = Jobs(kSiteTarget);
    ASSERT_EQ(site_jobs.size(), 1u);
    auto document = onec::DecodeOrderDocument(site_jobs[0].payload);
    ASSERT_TRUE(document);
    EXPECT_EQ(document->order_status_id, "N");
    EXPECT_EQ(document->number_1c, "УТ-000015");
    EXPECT_EQ(document->paid, std::optional<bool>(true));
}

TEST_F(FlowDelivererTest, AOneCStatusTheMappingsDoNotKnowIsAPermanentErrorNamingTheTable) {
    ASSERT_TRUE(RunJob(kSiteOrder, onec::EncodeOrderDocument(SiteOrder())));
    {
        auto tx = Begin();
        ASSERT_TRUE(db_->Execute(
            "test",
            "INSERT INTO onec_documents (onec_id, number, onec_number, operation, role, currency, status, comment, "
            "counterparties_json, requisites_json, lines_json, received_at, updated_at) VALUES ('1001', '1001', "
            "'УТ-15', 'Заказ товара', 'Продавец', 'руб', 'Ждёт луны', '', '[]', '[]', '[]', 1, 1)"));
        ASSERT_TRUE(tx->Commit());
    }
    auto result = RunJob(kOnecDocument, R"({"onec_id":"1001"})");
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().error_class, ErrorClass::kPermanent);
    EXPECT_NE(result.error().message.find("1C order 1001"), std::string::npos) << result.error().message;
    EXPECT_NE(result.error().message.find("Ждёт луны"), std::string::npos) << result.error().message;
    EXPECT_EQ(StoredOrder("order-1001").onec_number, "") << "nothing applied";
}

TEST_F(FlowDelivererTest, AStatusLetterWithNoRowIsAPermanentErrorNamingTheOrderAndTheTable) {
    auto result = RunJob(kSiteOrder, onec::EncodeOrderDocument(SiteOrder("Q")));
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().error_class, ErrorClass::kPermanent);
    EXPECT_NE(result.error().message.find("order 1001"), std::string::npos) << result.error().message;
    EXPECT_NE(result.error().message.find("no row in table \"statuses\""), std::string::npos)
        << result.error().message;
    EXPECT_NE(result.error().message.find("tables.yaml:"), std::string::npos) << result.error().message;
    EXPECT_TRUE(Jobs(kBitrix24Target).empty()) << "nothing half-done";
}

TEST_F(FlowDelivererTest, ABuyerWithoutInnIsAPermanentErrorNamingTheOrder) {
    auto order = SiteOrder();
    order.counterparties[0].inn.clear();
    auto result = RunJob(kSiteOrder, onec::EncodeOrderDocument(order));
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().error_class, ErrorClass::kPermanent);
    EXPECT_NE(result.error().message.find("order 1001"), std::string::npos) << result.error().message;
    EXPECT_NE(result.error().message.find("no INN"), std::string::npos) << result.error().message;
}

TEST_F(FlowDelivererTest, TheOrderDocumentRoundTripsThroughJson) {
    ASSERT_TRUE(RunJob(kSiteOrder, onec::EncodeOrderDocument(SiteOrder())));
    Order order = StoredOrder("order-1001");
    auto again = DecodeOrder(EncodeOrder(order));
    ASSERT_TRUE(again) << again.error().message;
    EXPECT_EQ(*again, order);
}

TEST_F(FlowDelivererTest, ACounterpartyFromOneCBecomesOneCompanyJobAndIsLinked) {
    {
        auto tx = Begin();
        ASSERT_TRUE(db_->Execute(
            "test", "INSERT INTO counterparties_onec (onec_id, name, full_name, official_name, inn, kpp, okpo, role, "
                    "details_json, marked_deleted, created_at, updated_at) VALUES ('guid-7', 'Ромашка', "
                    "'ООО \"Ромашка\"', '', '7707083893', '773601001', '', '', '{}', 0, 1, 1)"));
        ASSERT_TRUE(tx->Commit());
    }
    ASSERT_TRUE(RunJob(kOnecCounterparty, R"({"onec_id":"guid-7"})"));
    ASSERT_TRUE(RunJob(kOnecCounterparty, R"({"onec_id":"guid-7"})")) << "a re-run adds nothing";
    auto jobs = Jobs(kBitrix24Target);
    ASSERT_EQ(jobs.size(), 1u);
    EXPECT_EQ(jobs[0].kind, "upsert_company");
    EXPECT_EQ(jobs[0].entity_key, "cp-7707083893-773601001");
    auto payload = json::parse(jobs[0].payload).as_object();
    EXPECT_EQ(payload.at("inn").as_string(), "7707083893");
    EXPECT_EQ(payload.at("kpp").as_string(), "773601001");
    EXPECT_EQ(payload.at("legal_form").as_string(), "legal_entity");
    auto tx = Begin();
    store::LinkRepository links(clock_);
    auto linked = links.FindCanonical(*tx, kCounterpartyKind, "onec", "guid-7");
    ASSERT_TRUE(linked && *linked);
    EXPECT_EQ(**linked, "cp-7707083893-773601001");
}

TEST_F(FlowDelivererTest, ACounterpartyFromOneCWithoutInnIsAPermanentErrorNamingIt) {
    {
        auto tx = Begin();
        ASSERT_TRUE(db_->Execute(
            "test", "INSERT INTO counterparties_onec (onec_id, name, full_name, official_name, inn, kpp, okpo, role, "
                    "details_json, marked_deleted, created_at, updated_at) VALUES ('guid-8', 'Иванов', '', '', '', "
                    "'', '', '', '{}', 0, 1, 1)"));
        ASSERT_TRUE(tx->Commit());
    }
    auto result = RunJob(kOnecCounterparty, R"({"onec_id":"guid-8"})");
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().error_class, ErrorClass::kPermanent);
    EXPECT_EQ(result.error().message,
              "1C counterparty guid-8 (Иванов): no INN (b2bsync matches counterparties by INN and KPP)");
    EXPECT_TRUE(Jobs(kBitrix24Target).empty());
}

TEST_F(FlowDelivererTest, AnOrderOfAProductOneCDoesNotKnowIsAPermanentErrorNamingTheLine) {
    {
        auto tx = Begin();
        ASSERT_TRUE(db_->Execute(
            "test", "INSERT INTO products (onec_id, catalog_id, article, barcode, name, base_unit_code, "
                    "base_unit_name, group_ids_json, manufacturer_id, manufacturer_name, marked_deleted, active, "
                    "last_seen_exchange, version, created_at, updated_at) VALUES ('other-product', 'cat', '', '', "
                    "'Шайба', '796', 'шт', '[]', '', '', 0, 1, 'x', 1, 1, 1)"));
        ASSERT_TRUE(tx->Commit());
    }
    auto result = RunJob(kSiteOrder, onec::EncodeOrderDocument(SiteOrder()));
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().error_class, ErrorClass::kPermanent);
    EXPECT_EQ(result.error().message,
              "order 1001: line 1 (Болт М8): product 5f3c1a2b-0000-4000-8000-000000000001 is not in 1C's catalog");
    EXPECT_TRUE(Jobs(kBitrix24Target).empty()) << "nothing half-done";

    {
        auto tx = Begin();
        ASSERT_TRUE(db_->Execute(
            "test", "INSERT INTO products (onec_id, catalog_id, article, barcode, name, base_unit_code, "
                    "base_unit_name, group_ids_json, manufacturer_id, manufacturer_name, marked_deleted, active, "
                    "last_seen_exchange, version, created_at, updated_at) VALUES "
                    "('5f3c1a2b-0000-4000-8000-000000000001', 'cat', '', '', 'Болт М8', '796', 'шт', '[]', '', '', "
                    "0, 1, 'x', 1, 1, 1)"));
        ASSERT_TRUE(tx->Commit());
    }
    EXPECT_TRUE(RunJob(kSiteOrder, onec::EncodeOrderDocument(SiteOrder()))) << "the retry after the catalog came";
    EXPECT_EQ(Jobs(kBitrix24Target).size(), 1u);
}

}  // namespace
}  // namespace b2b::flows
