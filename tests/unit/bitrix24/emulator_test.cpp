// The connector against the real bitrix24_emulator executable over loopback HTTP.
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "connectors/bitrix24/command_runner.hpp"
#include "connectors/bitrix24/deliverer.hpp"
#include "connectors/bitrix24/entities.hpp"
#include "connectors/bitrix24/events_inbox.hpp"
#include "connectors/bitrix24/events_stages.hpp"
#include "connectors/bitrix24/payload.hpp"
#include "connectors/bitrix24/pipeline.hpp"
#include "connectors/bitrix24/rest_client.hpp"
#include "core/domain/decimal_parse.hpp"
#include "core/store/database.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"

namespace b2b::bitrix24 {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

constexpr char const* kCode = "s3cr3tcode";

class Bitrix24Emulator : public ::testing::Test {
protected:
    void Start(std::vector<std::string> extra = {}, LimiterOptions limiter = {}, std::string code = kCode) {
        auto const port_file = dir_ / "port";
        std::vector<std::string> args{"--port", "0", "--port-file", port_file.string(), "--webhook-user", "1",
                                      "--webhook-code", kCode, "--seed", "7"};
        args.insert(args.end(), extra.begin(), extra.end());
        emulator_ = std::make_unique<test::ChildProcess>(
            test::ChildProcess::Options{B2B_BITRIX24_EMULATOR, args, {}, {}, dir_ / "emulator.log"});
        ASSERT_TRUE(test::WaitUntil([&] { return !test::ReadFile(port_file).empty(); }, 10s)) << emulator_->Log();
        port_ = static_cast<std::uint16_t>(std::stoi(test::ReadFile(port_file)));
        control_ = std::make_unique<test::HttpClient>("127.0.0.1", port_);
        auto auth = WebhookAuthenticator::Create("http://127.0.0.1:" + std::to_string(port_) + "/rest/1/" + code);
        ASSERT_TRUE(auth);
        auth_ = std::move(*auth);
        limiter_ = std::make_unique<Limiter>(limiter, SystemClock::Instance());
        RestOptions options;
        options.timeout = 5s;
        options.max_limiter_wait = 3s;
        client_ = std::make_unique<RestClient>(*auth_, *limiter_, SystemClock::Instance(), options);
    }

    json::value State() { return json::parse(control_->Get("/_emulator/state").body); }
    json::array Table(std::string const& name) { return State().at("crm").at(name).as_array(); }
    json::object Counters() { return State().at("counters").as_object(); }
    void Faults(json::value const& config) {
        auto r = control_->Post("/_emulator/faults", json::serialize(config), {{"Content-Type", "application/json"}});
        ASSERT_EQ(r.status, 200) << r.body;
    }

    Pipeline DefaultPipeline() {
        auto p = ResolvePipeline(*client_, PipelineConfig{"Опт", {}});
        EXPECT_TRUE(p) << (p ? "" : p.error().message);
        return p ? *p : Pipeline{};
    }

    static Counterparty Romashka() {
        return Counterparty{"cp-1", "ООО Ромашка", "7701234567", "770101001", std::nullopt, std::nullopt};
    }

    test::TempDir dir_;
    std::unique_ptr<test::ChildProcess> emulator_;
    std::uint16_t port_ = 0;
    std::unique_ptr<test::HttpClient> control_;
    std::unique_ptr<WebhookAuthenticator> auth_;
    std::unique_ptr<Limiter> limiter_;
    std::unique_ptr<RestClient> client_;
};

TEST_F(Bitrix24Emulator, CallReturnsResultAndFeedsTheLimiter) {
    Start();
    auto reply = client_->Call("crm.company.add", json::object{{"fields", json::object{{"TITLE", "A & B [1]"}}}});
    ASSERT_TRUE(reply) << reply.error().message;
    auto id = AsInt(reply->result);
    ASSERT_TRUE(id);
    auto companies = Table("companies");
    ASSERT_EQ(companies.size(), 1u);
    EXPECT_EQ(companies[0].at("TITLE"), "A & B [1]");
    EXPECT_TRUE(limiter_->ResetAt("crm.company.add").has_value());
    EXPECT_GT(limiter_->Level(), 0.5);
}

TEST_F(Bitrix24Emulator, BatchChainsResultsAndKeepsPerCommandErrorsApart) {
    Start();
    std::vector<BatchCommand> commands{
        {"co", "crm.company.add", json::object{{"fields", json::object{{"TITLE", "Chained"}}}}},
        {"bad", "crm.requisite.add", json::object{{"fields", json::object{{"ENTITY_TYPE_ID", 4}, {"NAME", "x"}}}}},
        {"rq", "crm.requisite.add",
         json::object{{"fields", json::object{{"ENTITY_TYPE_ID", 4},
                                              {"ENTITY_ID", ResultRef("co")},
                                              {"PRESET_ID", 1},
                                              {"NAME", "Chained"}}}}},
        {"get", "crm.company.get", json::object{{"id", ResultRef("co")}}}};
    auto outcomes = client_->Batch(commands);
    ASSERT_TRUE(outcomes) << outcomes.error().message;
    ASSERT_TRUE((*outcomes)[0].reply);
    ASSERT_FALSE((*outcomes)[1].reply);
    EXPECT_EQ((*outcomes)[1].reply.error().error_class, ErrorClass::kPermanent);
    EXPECT_EQ((*outcomes)[1].reply.error().message.find("crm.requisite.add: HTTP 400"), 0u)
        << (*outcomes)[1].reply.error().message;
    ASSERT_TRUE((*outcomes)[2].reply) << (*outcomes)[2].reply.error().message;
    ASSERT_TRUE((*outcomes)[3].reply);
    EXPECT_EQ((*outcomes)[3].reply->result.at("TITLE"), "Chained");
    auto requisites = Table("requisites");
    ASSERT_EQ(requisites.size(), 1u);
    EXPECT_EQ(AsInt(requisites[0].at("ENTITY_ID")), AsInt((*outcomes)[0].reply->result));
    EXPECT_EQ(Counters().at("method_calls").at("batch"), 1);
}

TEST_F(Bitrix24Emulator, EnsureCompanyTwiceMakesOneCompanyAndOneRequisite) {
    Start();
    CrmWriter writer(*client_, DefaultPipeline());
    std::vector<Counterparty> one{Romashka()};
    auto first = writer.EnsureCompanies(one);
    ASSERT_TRUE(first[0]) << first[0].error().message;
    EXPECT_TRUE(first[0]->created_company);
    EXPECT_TRUE(first[0]->created_requisite);
    auto second = writer.EnsureCompanies(one);
    ASSERT_TRUE(second[0]) << second[0].error().message;
    EXPECT_FALSE(second[0]->created_company);
    EXPECT_FALSE(second[0]->created_requisite);
    EXPECT_EQ(second[0]->company_id, first[0]->company_id);
    EXPECT_EQ(second[0]->requisite_id, first[0]->requisite_id);

    auto companies = Table("companies");
    auto requisites = Table("requisites");
    ASSERT_EQ(companies.size(), 1u);
    ASSERT_EQ(requisites.size(), 1u);
    EXPECT_EQ(companies[0].at("ORIGINATOR_ID"), "b2bsync");
    EXPECT_EQ(companies[0].at("ORIGIN_ID"), "cp-1");
    EXPECT_EQ(requisites[0].at("RQ_INN"), "7701234567");
    EXPECT_EQ(requisites[0].at("RQ_KPP"), "770101001");
    EXPECT_EQ(AsInt(requisites[0].at("PRESET_ID")), 1);
    EXPECT_EQ(AsInt(requisites[0].at("ENTITY_TYPE_ID")), 4);
}

TEST_F(Bitrix24Emulator, SoleProprietorGetsPresetTwo) {
    Start();
    CrmWriter writer(*client_, DefaultPipeline());
    std::vector<Counterparty> ip{Counterparty{"cp-ip", "ИП Иванов", "500100732259", "", std::nullopt, std::nullopt}};
    auto r = writer.EnsureCompanies(ip);
    ASSERT_TRUE(r[0]) << r[0].error().message;
    EXPECT_EQ(AsInt(Table("requisites")[0].at("PRESET_ID")), 2);
}

TEST_F(Bitrix24Emulator, LostReplyAfterCompanyChainThenRetryStillMakesOne) {
    // No INN: the lookup is one command (a direct call), so the only batch is the write chain
    // company.add -> requisite.add, whose reply the portal loses after applying it.
    Start();
    CrmWriter writer(*client_, DefaultPipeline());
    Faults(json::object{{"seed", 1},
                        {"rules", json::array{json::object{
                                      {"kind", "lost_reply"}, {"next", 1}, {"methods", json::array{"batch"}}}}}});
    std::vector<Counterparty> one{Counterparty{"cp-1", "Иванов Иван", "", "", std::nullopt, std::nullopt}};
    auto first = writer.EnsureCompanies(one);
    ASSERT_FALSE(first[0]);
    EXPECT_TRUE(first[0].error().IsTransient()) << first[0].error().message;
    EXPECT_NE(first[0].error().message.find("counterparty cp-1"), std::string::npos) << first[0].error().message;
    ASSERT_EQ(Table("companies").size(), 1u) << "the write was applied although the reply was lost";
    ASSERT_EQ(Table("requisites").size(), 1u) << "the chained requisite too";
    EXPECT_EQ(Counters().at("faults_injected"), 1);

    auto retry = writer.EnsureCompanies(one);
    ASSERT_TRUE(retry[0]) << retry[0].error().message;
    EXPECT_FALSE(retry[0]->created_company);
    EXPECT_FALSE(retry[0]->created_requisite);
    EXPECT_EQ(AsInt(Table("requisites")[0].at("PRESET_ID")), 3);
    EXPECT_EQ(Table("companies").size(), 1u);
    EXPECT_EQ(Table("requisites").size(), 1u);
}

TEST_F(Bitrix24Emulator, LostBatchRepliesThenRetriesNeverDuplicate) {
    // A seeded fault sweep: half of all batch replies are lost after the portal applied them
    // (lookups and writes alike); the writer is re-run, as the dispatcher would, until all succeed.
    Start();
    CrmWriter writer(*client_, DefaultPipeline());
    std::vector<Counterparty> many;
    for (int i = 0; i < 5; ++i) {
        many.push_back(Counterparty{"cp-" + std::to_string(i), "Company " + std::to_string(i),
                                    "77000000" + std::to_string(10 + i), "770101001", std::nullopt, std::nullopt});
    }
    Faults(json::object{{"seed", 3},
                        {"rules", json::array{json::object{
                                      {"kind", "lost_reply"}, {"probability", 0.5}, {"methods", json::array{"batch"}}}}}});
    bool all_ok = false;
    for (int round = 0; round < 30 && !all_ok; ++round) {
        auto results = writer.EnsureCompanies(many);
        all_ok = std::all_of(results.begin(), results.end(), [](auto const& r) { return r.has_value(); });
    }
    ASSERT_TRUE(all_ok);
    EXPECT_GT(Counters().at("faults_injected").as_int64(), 0);
    EXPECT_EQ(Table("companies").size(), 5u);
    EXPECT_EQ(Table("requisites").size(), 5u);
}

TEST_F(Bitrix24Emulator, DealIsCreatedOnceInTheConfiguredPipelineWithRows) {
    Start();
    auto pipeline = ResolvePipeline(*client_, PipelineConfig{"Опт", {{"production", "UC_PROD"}}});
    // Stage names on the default seed are the portal's display names; fall back to the first stage.
    if (!pipeline) {
        pipeline = ResolvePipeline(*client_, PipelineConfig{"Опт", {}});
    }
    ASSERT_TRUE(pipeline) << pipeline.error().message;
    CrmWriter writer(*client_, *pipeline);
    Order order;
    order.id = "order-1";
    order.title = "Заказ 1";
    order.counterparty = Romashka();
    order.assigned_by_id = 1;
    order.lines.push_back(OrderLine{"Болт", 0, *ParseDecimal("899.10"), *ParseDecimal("2"), 796});
    order.lines.push_back(OrderLine{"Гайка", 0, *ParseDecimal("0.35"), *ParseDecimal("3"), 796});
    std::vector<Order> orders{order};
    auto first = writer.EnsureDeals(orders);
    ASSERT_TRUE(first[0]) << first[0].error().message;
    EXPECT_TRUE(first[0]->created);
    // A second order whose deal.add + productrows batch loses replies half of the time.
    Order second = order;
    second.id = "order-2";
    std::vector<Order> seconds{second};
    Faults(json::object{{"seed", 5},
                        {"rules", json::array{json::object{
                                      {"kind", "lost_reply"}, {"probability", 0.5}, {"methods", json::array{"batch"}}}}}});
    bool ok = false;
    for (int round = 0; round < 30 && !ok; ++round) {
        ok = writer.EnsureDeals(seconds)[0].has_value();
    }
    ASSERT_TRUE(ok);
    EXPECT_GT(Counters().at("faults_injected").as_int64(), 0);
    Faults(json::object{{"rules", json::array{}}});
    auto again = writer.EnsureDeals(orders);
    ASSERT_TRUE(again[0]) << again[0].error().message;
    EXPECT_FALSE(again[0]->created);
    EXPECT_EQ(again[0]->deal_id, first[0]->deal_id);

    auto deals = Table("deals");
    ASSERT_EQ(deals.size(), 2u) << "one per order";
    EXPECT_EQ(AsInt(deals[0].at("CATEGORY_ID")), pipeline->category_id);
    EXPECT_EQ(deals[0].at("STAGE_ID"), json::value(pipeline->initial_stage_id));
    EXPECT_EQ(deals[0].at("ORIGIN_ID"), "order-1");
    EXPECT_EQ(AsInt(deals[0].at("COMPANY_ID")), first[0]->company_id);
    EXPECT_EQ(deals[0].at("OPPORTUNITY"), "1799.25");
    EXPECT_EQ(deals[0].at("CURRENCY_ID"), "RUB");
    auto rows = State().at("crm").at("product_rows").at(std::to_string(first[0]->deal_id)).as_array();
    EXPECT_EQ(rows.size(), 2u);
    EXPECT_EQ(Table("companies").size(), 1u);
}

TEST_F(Bitrix24Emulator, UnknownPipelineNameListsThePortalsPipelines) {
    Start();
    auto p = ResolvePipeline(*client_, PipelineConfig{"Розница", {}});
    ASSERT_FALSE(p);
    EXPECT_EQ(p.error().error_class, ErrorClass::kPermanent);
    EXPECT_EQ(p.error().message,
              "bitrix24.pipeline: no deal pipeline named \"Розница\" on the portal; its pipelines are: \"General\", "
              "\"Опт\"");
}

TEST_F(Bitrix24Emulator, UnknownStageNameListsThePipelinesStages) {
    Start();
    auto p = ResolvePipeline(*client_, PipelineConfig{"Опт", {{"manager_check", "Нет такой"}}});
    ASSERT_FALSE(p);
    EXPECT_EQ(p.error().error_class, ErrorClass::kPermanent);
    EXPECT_EQ(p.error().message.find("bitrix24.stages.manager_check: no stage named \"Нет такой\" in pipeline \"Опт\"; "
                                     "its stages are: \""),
              0u)
        << p.error().message;
}

TEST_F(Bitrix24Emulator, PermissionErrorsArePermanent) {
    Start();
    auto denied = client_->Call("event.bind", json::object{{"event", "ONCRMDEALUPDATE"}, {"handler", "https://x/"}});
    ASSERT_FALSE(denied);
    EXPECT_EQ(denied.error().error_class, ErrorClass::kPermanent);
    EXPECT_EQ(denied.error().message.find("event.bind: HTTP 403 ACCESS_DENIED: Application context required"), 0u)
        << denied.error().message;
    auto unknown = client_->Call("crm.nothing.here", {});
    ASSERT_FALSE(unknown);
    EXPECT_EQ(unknown.error().error_class, ErrorClass::kPermanent);
}

TEST_F(Bitrix24Emulator, WrongWebhookCodeIsPermanentAndTheCodeIsNotInTheMessage) {
    Start({}, {}, "wrongcode");
    auto r = client_->Call("crm.company.list", {});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().error_class, ErrorClass::kPermanent);
    EXPECT_NE(r.error().message.find("NO_AUTH_FOUND"), std::string::npos) << r.error().message;
    EXPECT_EQ(r.error().message.find("wrongcode"), std::string::npos);
}

TEST_F(Bitrix24Emulator, HtmlGatewayPageAndResetAreTransient) {
    Start();
    Faults(json::object{{"seed", 1},
                        {"rules", json::array{json::object{{"kind", "reset"}, {"next", 1}},
                                              json::object{{"kind", "html"}, {"status", 502}, {"next", 1}}}}});
    // First call: no kept-alive connection yet, so libcurl cannot silently re-send it.
    auto reset = client_->Call("crm.company.list", {});
    ASSERT_FALSE(reset);
    EXPECT_TRUE(reset.error().IsTransient()) << reset.error().message;
    auto html = client_->Call("crm.company.list", {});
    ASSERT_FALSE(html);
    EXPECT_TRUE(html.error().IsTransient());
    EXPECT_NE(html.error().message.find("HTML error page from gateway, HTTP 502"), std::string::npos)
        << html.error().message;
    EXPECT_TRUE(client_->Call("crm.company.list", {}));
}

TEST_F(Bitrix24Emulator, Injected429ParksTheMethodOnly) {
    Start();
    Faults(json::object{{"seed", 1},
                        {"rules", json::array{json::object{{"kind", "429"}, {"next", 1}, {"methods", json::array{"crm.deal.list"}}}}}});
    auto blocked = client_->Call("crm.deal.list", {});
    ASSERT_FALSE(blocked);
    EXPECT_TRUE(blocked.error().IsTransient());
    ASSERT_TRUE(blocked.error().retry_after);
    EXPECT_TRUE(limiter_->ParkedUntil("crm.deal.list"));
    EXPECT_TRUE(client_->Call("crm.company.list", {})) << "other methods go on";
    auto still = client_->Call("crm.deal.list", {});
    ASSERT_FALSE(still);
    EXPECT_NE(still.error().message.find("parked"), std::string::npos) << still.error().message;
    EXPECT_EQ(Counters().at("operation_limit_429"), 1) << "the parked call never reached the portal";
}

TEST_F(Bitrix24Emulator, TwoHundredCounterpartiesThroughTheDelivererAtDefaultLimits) {
    // Emulator at its default 50/2 per s; one job per DeliverBatch call for the first 20 (3-4
    // requests each) and then chunks, so the limiter has to hold requests back.
    Start();
    auto deliverer = Bitrix24Deliverer::Create(*client_, PipelineConfig{"Опт", {}});
    ASSERT_TRUE(deliverer) << deliverer.error().message;
    std::vector<store::Job> jobs;
    for (int i = 0; i < 200; ++i) {
        store::Job job;
        job.id = i + 1;
        job.kind = "upsert_company";
        std::string inn = std::to_string(7700000000LL + i * 7);
        job.payload = json::serialize(json::object{{"id", "cp-" + std::to_string(i)},
                                                   {"name", "Контрагент " + std::to_string(i)},
                                                   {"inn", inn},
                                                   {"kpp", "770101001"}});
        jobs.push_back(std::move(job));
    }
    std::size_t at = 0;
    int delivered = 0;
    auto deliver = [&](std::size_t n) {
        auto statuses = (*deliverer)->DeliverBatch(std::span<store::Job const>(jobs).subspan(at, n));
        for (auto const& s : statuses) {
            ASSERT_TRUE(s) << s.error().message;
            ++delivered;
        }
        at += n;
    };
    for (int i = 0; i < 20; ++i) {
        deliver(1);
    }
    while (at < jobs.size()) {
        deliver(std::min<std::size_t>(30, jobs.size() - at));
    }
    // Redeliver everything (at-least-once): nothing new may appear.
    at = 0;
    deliver(100);
    deliver(100);
    EXPECT_EQ(delivered, 400);
    auto const counters = Counters();
    EXPECT_EQ(counters.at("query_limit_503"), 0) << json::serialize(counters);
    EXPECT_GT(counters.at("requests").as_int64(), 50) << "the test must exceed the burst to exercise the limiter";
    EXPECT_EQ(client_->stats().query_limit_503.load(), 0u);
    auto companies = Table("companies");
    auto requisites = Table("requisites");
    EXPECT_EQ(companies.size(), 200u);
    EXPECT_EQ(requisites.size(), 200u);
    std::set<std::string> origins;
    for (auto const& c : companies) {
        origins.insert(std::string(c.at("ORIGIN_ID").as_string()));
    }
    EXPECT_EQ(origins.size(), 200u);
}

TEST_F(Bitrix24Emulator, DelivererRejectsBadPayloadsAndUnknownKindsPermanently) {
    Start();
    auto deliverer = Bitrix24Deliverer::Create(*client_, PipelineConfig{"Опт", {}});
    ASSERT_TRUE(deliverer) << deliverer.error().message;
    std::vector<store::Job> jobs(3);
    jobs[0].id = 1;
    jobs[0].kind = "upsert_company";
    jobs[0].payload = R"({"id":"cp-x","name":"X","inn":"12"})";
    jobs[1].id = 2;
    jobs[1].kind = "delete_everything";
    jobs[2].id = 3;
    jobs[2].kind = "upsert_deal";
    jobs[2].payload = R"({"id":"o-1","counterparty":{"id":"cp-y","name":"Y","inn":"7701234567"},"currency":"RUB",)"
                      R"("lines":[{"name":"Болт","price":"10.50","quantity":"4"}]})";
    auto statuses = (*deliverer)->DeliverBatch(jobs);
    ASSERT_EQ(statuses.size(), 3u);
    ASSERT_FALSE(statuses[0]);
    EXPECT_EQ(statuses[0].error().error_class, ErrorClass::kPermanent);
    EXPECT_NE(statuses[0].error().message.find("\"inn\""), std::string::npos);
    ASSERT_FALSE(statuses[1]);
    EXPECT_EQ(statuses[1].error().error_class, ErrorClass::kPermanent);
    EXPECT_TRUE(statuses[2]) << statuses[2].error().message;
    EXPECT_EQ(Table("deals").size(), 1u);
    EXPECT_EQ(Table("deals")[0].at("OPPORTUNITY"), "42.00");
}

}  // namespace
}  // namespace b2b::bitrix24

namespace b2b::bitrix24 {
namespace {

Order OrderOf(std::string id, Counterparty counterparty, std::int64_t assigned_by = 1) {
    Order order;
    order.id = std::move(id);
    order.title = "Заказ " + order.id;
    order.counterparty = std::move(counterparty);
    order.assigned_by_id = assigned_by;
    order.lines.push_back(OrderLine{"Болт", 0, *ParseDecimal("899.10"), *ParseDecimal("2"), 796});
    order.lines.push_back(OrderLine{"Гайка", 0, *ParseDecimal("0.35"), *ParseDecimal("3"), 796});
    return order;
}

Counterparty CounterpartyOf(int i) {
    return Counterparty{"cp-" + std::to_string(i), "Контрагент " + std::to_string(i),
                        std::to_string(7700000000LL + i * 13), "770101001", std::nullopt, std::nullopt};
}

std::int64_t IdOf(json::value const& v) { return AsInt(v).value_or(0); }

TEST_F(Bitrix24Emulator, SixtyOrdersOfTwentyCounterpartiesTakeOneLookupAndFourWriteRequests) {
    // One call, three orders per counterparty (as a claim batch of several entities may carry):
    // one lookup request (IN lists), then chains company -> requisite -> 3 × (deal -> rows)
    // packed 50 commands per batch.
    Start();
    CrmWriter writer(*client_, DefaultPipeline());
    std::vector<Order> orders;
    for (int o = 0; o < 60; ++o) {
        orders.push_back(OrderOf("order-" + std::to_string(o), CounterpartyOf(o % 20)));
    }
    auto const before = Counters().at("requests").as_int64();
    auto first = writer.EnsureDeals(orders);
    for (auto const& r : first) {
        ASSERT_TRUE(r) << r.error().message;
        EXPECT_TRUE(r->created);
    }
    auto const after_first = Counters().at("requests").as_int64();
    // 20 × (2 + 3 × 2) = 160 commands in chains of 8: six chains per batch -> 4 batches.
    EXPECT_EQ(after_first - before, 1 + 4);

    std::map<std::string, std::int64_t> company_of;
    auto const companies = Table("companies");
    ASSERT_EQ(companies.size(), 20u) << "one company per counterparty, though each came three times";
    for (auto const& c : companies) {
        company_of[std::string(c.at("ORIGIN_ID").as_string())] = IdOf(c.at("ID"));
    }
    EXPECT_EQ(Table("requisites").size(), 20u);
    auto const deals = Table("deals");
    ASSERT_EQ(deals.size(), 60u);
    std::map<std::string, std::int64_t> deal_company;  // deals are stored in chain order, not order order
    for (auto const& d : deals) {
        deal_company[std::string(d.at("ORIGIN_ID").as_string())] = IdOf(d.at("COMPANY_ID"));
    }
    auto const rows = State().at("crm").at("product_rows").as_object();
    for (std::size_t o = 0; o < orders.size(); ++o) {
        EXPECT_EQ(first[o]->company_id, company_of[orders[o].counterparty.id]);
        EXPECT_EQ(first[o]->company_id, deal_company[orders[o].id]) << "chained $result reached the deal";
        EXPECT_EQ(rows.at(std::to_string(first[o]->deal_id)).as_array().size(), 2u);
    }

    // Again: everything is found; only the 60 rows are re-set (2 batches).
    auto again = writer.EnsureDeals(orders);
    for (std::size_t o = 0; o < orders.size(); ++o) {
        ASSERT_TRUE(again[o]) << again[o].error().message;
        EXPECT_FALSE(again[o]->created);
        EXPECT_EQ(again[o]->deal_id, first[o]->deal_id);
    }
    EXPECT_EQ(Counters().at("requests").as_int64() - after_first, 1 + 2);
    EXPECT_EQ(Table("companies").size(), 20u);
    EXPECT_EQ(Table("deals").size(), 60u);
}

TEST_F(Bitrix24Emulator, AFieldTheWebhookMayNotWriteFailsOnlyItsJobPermanently) {
    Start();
    auto denied = control_->Post(
        "/_emulator/permissions",
        R"({"denied_writes":[{"method":"crm.deal.add","field":"ASSIGNED_BY_ID","value":"99"}]})",
        {{"Content-Type", "application/json"}});
    ASSERT_EQ(denied.status, 200) << denied.body;
    auto deliverer = Bitrix24Deliverer::Create(*client_, PipelineConfig{"Опт", {}});
    ASSERT_TRUE(deliverer) << deliverer.error().message;
    std::vector<store::Job> jobs(3);
    for (int i = 0; i < 3; ++i) {
        jobs[i].id = i + 1;
        jobs[i].kind = "upsert_deal";
        jobs[i].payload = json::serialize(json::object{
            {"id", "order-" + std::to_string(i)},
            {"title", "Заказ"},
            {"counterparty", json::object{{"id", "cp-" + std::to_string(i)}, {"name", "К"}, {"inn", std::to_string(7700000000LL + i * 13)}}},
            {"assigned_by_id", i == 1 ? 99 : 1},
            {"lines", json::array{json::object{{"name", "Болт"}, {"price", "1.00"}, {"quantity", "1"}}}}});
    }
    auto statuses = (*deliverer)->DeliverBatch(jobs);
    ASSERT_EQ(statuses.size(), 3u);
    EXPECT_TRUE(statuses[0]) << statuses[0].error().message;
    EXPECT_TRUE(statuses[2]) << statuses[2].error().message;
    ASSERT_FALSE(statuses[1]);
    EXPECT_EQ(statuses[1].error().error_class, ErrorClass::kPermanent) << statuses[1].error().message;
    EXPECT_NE(statuses[1].error().message.find("order order-1"), std::string::npos) << statuses[1].error().message;
    EXPECT_NE(statuses[1].error().message.find("INVALID_CREDENTIALS"), std::string::npos)
        << statuses[1].error().message;
    auto const deals = Table("deals");
    ASSERT_EQ(deals.size(), 2u);
    EXPECT_EQ(deals[0].at("ORIGIN_ID"), "order-0");
    EXPECT_EQ(deals[1].at("ORIGIN_ID"), "order-2");
}

TEST_F(Bitrix24Emulator, MergedCompaniesAreFoundThroughTheSurvivorsRequisite) {
    Start();
    CrmWriter writer(*client_, DefaultPipeline());
    std::vector<Order> orders{OrderOf("order-a", CounterpartyOf(1)), OrderOf("order-b", CounterpartyOf(2))};
    auto first = writer.EnsureDeals(orders);
    ASSERT_TRUE(first[0] && first[1]);
    // A manager merges company B into A: B's requisite and deal move to A, B is deleted.
    auto const a = first[0]->company_id;
    auto const b = first[1]->company_id;
    auto const requisite_b = IdOf(Table("requisites")[1].at("ID"));
    ASSERT_TRUE(client_->Call("crm.requisite.update",
                              json::object{{"id", requisite_b}, {"fields", json::object{{"ENTITY_ID", a}}}}));
    ASSERT_TRUE(client_->Call("crm.deal.update",
                              json::object{{"id", first[1]->deal_id}, {"fields", json::object{{"COMPANY_ID", a}}}}));
    ASSERT_TRUE(client_->Call("crm.company.delete", json::object{{"id", b}}));

    std::vector<Order> later{OrderOf("order-b", CounterpartyOf(2)), OrderOf("order-b2", CounterpartyOf(2))};
    auto second = writer.EnsureDeals(later);
    ASSERT_TRUE(second[0]) << second[0].error().message;
    ASSERT_TRUE(second[1]) << second[1].error().message;
    EXPECT_EQ(second[0]->deal_id, first[1]->deal_id);
    EXPECT_EQ(second[0]->company_id, a);
    EXPECT_EQ(second[1]->company_id, a);
    EXPECT_EQ(Table("companies").size(), 1u) << "the merged-away company is not re-created";
    EXPECT_EQ(Table("requisites").size(), 2u);
    auto const deals = Table("deals");
    ASSERT_EQ(deals.size(), 3u);
    EXPECT_EQ(IdOf(deals[2].at("COMPANY_ID")), a);
}

class NoStageChanges final : public EventSink {
public:
    Status OnStageChange(store::Transaction&, StageChange const&) override { return {}; }
};

TEST_F(Bitrix24Emulator, DealsWeCreateAreRecordedAtTheirStageSoTheirEchoIsOurs) {
    Start();
    auto db = store::Database::Open(dir_ / "b2b.db");
    ASSERT_TRUE(db) << db.error().message;
    EventInbox inbox(**db, SystemClock::Instance());
    NoStageChanges sink;
    StageTracker tracker(*client_, **db, inbox, sink, SystemClock::Instance());
    auto deliverer = Bitrix24Deliverer::Create(*client_, PipelineConfig{"Опт", {}});
    ASSERT_TRUE(deliverer) << deliverer.error().message;
    (*deliverer)->RecordOwnStagesWith(&tracker);
    std::vector<store::Job> jobs(1);
    jobs[0].id = 1;
    jobs[0].kind = "upsert_deal";
    jobs[0].payload = R"({"id":"o-1","counterparty":{"id":"cp-1","name":"Y","inn":"7701234567"},)"
                      R"("lines":[{"name":"Болт","price":"10.50","quantity":"4"}]})";
    auto statuses = (*deliverer)->DeliverBatch(jobs);
    ASSERT_TRUE(statuses[0]) << statuses[0].error().message;
    auto const deal = Table("deals").at(0).as_object();
    auto const seen = tracker.LastSeen(IdOf(deal.at("ID")));
    ASSERT_TRUE(seen) << seen.error().message;
    ASSERT_TRUE(seen->has_value()) << "recorded when the deliverer created it";
    EXPECT_EQ((*seen)->stage_id, std::string(deal.at("STAGE_ID").as_string()));
    EXPECT_EQ((*seen)->category_id, IdOf(deal.at("CATEGORY_ID")));
}

TEST_F(Bitrix24Emulator, ADealDeletedInThePortalIsCreatedOnceAgainNextTime) {
    // Without a record of the deal ids we made, "deleted by a manager" and "never made" look the
    // same to a lookup by ORIGIN_ID: the next upsert makes it again, once, and the others go on.
    Start();
    CrmWriter writer(*client_, DefaultPipeline());
    std::vector<Order> orders{OrderOf("order-1", CounterpartyOf(1)), OrderOf("order-2", CounterpartyOf(1))};
    auto first = writer.EnsureDeals(orders);
    ASSERT_TRUE(first[0] && first[1]);
    ASSERT_TRUE(client_->Call("crm.deal.delete", json::object{{"id", first[0]->deal_id}}));
    auto second = writer.EnsureDeals(orders);
    ASSERT_TRUE(second[0]) << second[0].error().message;
    ASSERT_TRUE(second[1]) << second[1].error().message;
    EXPECT_TRUE(second[0]->created);
    EXPECT_NE(second[0]->deal_id, first[0]->deal_id);
    EXPECT_FALSE(second[1]->created);
    EXPECT_EQ(second[1]->deal_id, first[1]->deal_id);
    EXPECT_EQ(second[0]->company_id, first[0]->company_id);
    EXPECT_EQ(Table("deals").size(), 2u);
    EXPECT_EQ(Table("companies").size(), 1u);
}

TEST_F(Bitrix24Emulator, ADealWeMadeAndAManagerDeletedIsAPermanentErrorNotANewDeal) {
    Start();
    CrmWriter writer(*client_, DefaultPipeline());
    std::vector<Order> orders{OrderOf("order-1", CounterpartyOf(1)), OrderOf("order-2", CounterpartyOf(1))};
    auto first = writer.EnsureDeals(orders);
    ASSERT_TRUE(first[0] && first[1]);
    ASSERT_TRUE(client_->Call("crm.deal.delete", json::object{{"id", first[0]->deal_id}}));
    orders[0].known_deal_id = first[0]->deal_id;  // as the links table remembers it
    orders[1].known_deal_id = first[1]->deal_id;
    auto second = writer.EnsureDeals(orders);
    ASSERT_FALSE(second[0]);
    EXPECT_EQ(second[0].error().error_class, ErrorClass::kPermanent);
    EXPECT_NE(second[0].error().message.find("deal " + std::to_string(first[0]->deal_id) +
                                             " of order order-1 was deleted in Bitrix24"),
              std::string::npos)
        << second[0].error().message;
    ASSERT_TRUE(second[1]) << "the other order goes on: " << second[1].error().message;
    EXPECT_EQ(second[1]->deal_id, first[1]->deal_id);
    EXPECT_EQ(Table("deals").size(), 1u) << "no new deal behind the manager's back";
}

store::Job JobOf(std::int64_t id, std::string kind, json::object payload) {
    store::Job job;
    job.id = id;
    job.kind = std::move(kind);
    job.payload = json::serialize(payload);
    job.idempotency_key = "key-" + std::to_string(id);
    return job;
}

std::string Text(json::value const& v) { return v.is_string() ? std::string(v.get_string()) : json::serialize(v); }

TEST_F(Bitrix24Emulator, BankDetailsAndLegalAddressGoOntoTheNewRequisiteOnce) {
    Start();
    auto deliverer = Bitrix24Deliverer::Create(*client_, PipelineConfig{"Опт", {}});
    ASSERT_TRUE(deliverer) << deliverer.error().message;
    json::object counterparty{{"id", "cp-b"},
                              {"name", "ООО Банковый"},
                              {"inn", "7701234567"},
                              {"kpp", "770101001"},
                              {"bank_accounts", json::array{json::object{{"account", "40702810900000000001"},
                                                                         {"bik", "044525225"},
                                                                         {"bank_name", "ПАО Сбербанк"},
                                                                         {"correspondent", "30101810400000000225"}}}},
                              {"address", json::object{{"address_1", "ул. Ленина, 1"}, {"city", "Москва"},
                                                       {"postal_code", "101000"}}}};
    std::vector<store::Job> jobs{JobOf(1, "upsert_company", counterparty),
                                 JobOf(2, "upsert_deal", json::object{{"id", "order-b"},
                                                                      {"counterparty", counterparty},
                                                                      {"lines", json::array{}}})};
    for (int round = 0; round < 2; ++round) {  // redelivery adds nothing
        auto statuses = (*deliverer)->DeliverBatch(jobs);
        for (auto const& s : statuses) {
            ASSERT_TRUE(s) << s.error().message;
        }
    }
    auto const requisites = Table("requisites");
    auto const banks = Table("bank_details");
    auto const addresses = Table("addresses");
    ASSERT_EQ(requisites.size(), 1u);
    ASSERT_EQ(banks.size(), 1u);
    ASSERT_EQ(addresses.size(), 1u);
    EXPECT_EQ(IdOf(banks[0].at("ENTITY_ID")), IdOf(requisites[0].at("ID")));
    EXPECT_EQ(banks[0].at("RQ_ACC_NUM"), "40702810900000000001");
    EXPECT_EQ(banks[0].at("RQ_BIK"), "044525225");
    EXPECT_EQ(banks[0].at("RQ_BANK_NAME"), "ПАО Сбербанк");
    EXPECT_EQ(banks[0].at("RQ_COR_ACC_NUM"), "30101810400000000225");
    EXPECT_EQ(IdOf(addresses[0].at("ENTITY_TYPE_ID")), 8);
    EXPECT_EQ(IdOf(addresses[0].at("ENTITY_ID")), IdOf(requisites[0].at("ID")));
    EXPECT_EQ(IdOf(addresses[0].at("TYPE_ID")), kLegalAddressType);
    EXPECT_EQ(addresses[0].at("ADDRESS_1"), "ул. Ленина, 1");
    EXPECT_EQ(addresses[0].at("CITY"), "Москва");
}

TEST_F(Bitrix24Emulator, AnExistingRequisiteGetsBankDetailsAndAddressOnlyWhenItHasNone) {
    Start();
    auto deliverer = Bitrix24Deliverer::Create(*client_, PipelineConfig{"Опт", {}});
    ASSERT_TRUE(deliverer) << deliverer.error().message;
    json::object bare{{"id", "cp-e"}, {"name", "ООО Есть"}, {"inn", "7701234567"}, {"kpp", "770101001"}};
    ASSERT_TRUE((*deliverer)->DeliverBatch(std::vector<store::Job>{JobOf(1, "upsert_company", bare)})[0]);
    auto const requisite_id = IdOf(Table("requisites")[0].at("ID"));
    // A manager already entered an address; the bank details are missing.
    auto manual = client_->Call("crm.address.add",
                                json::object{{"fields", json::object{{"TYPE_ID", kLegalAddressType},
                                                                     {"ENTITY_TYPE_ID", 8},
                                                                     {"ENTITY_ID", requisite_id},
                                                                     {"ADDRESS_1", "вписан вручную"}}}});
    ASSERT_TRUE(manual) << manual.error().message;
    auto full = bare;
    full["bank_accounts"] = json::array{json::object{{"account", "40702810900000000002"}, {"bik", "044525225"}}};
    full["address"] = json::object{{"address_1", "ул. Новая, 2"}};
    for (int round = 0; round < 2; ++round) {
        auto status = (*deliverer)->DeliverBatch(std::vector<store::Job>{JobOf(2, "upsert_company", full)});
        ASSERT_TRUE(status[0]) << status[0].error().message;
    }
    auto const banks = Table("bank_details");
    ASSERT_EQ(banks.size(), 1u);
    EXPECT_EQ(IdOf(banks[0].at("ENTITY_ID")), requisite_id);
    EXPECT_EQ(banks[0].at("RQ_ACC_NUM"), "40702810900000000002");
    auto const addresses = Table("addresses");
    ASSERT_EQ(addresses.size(), 1u);
    EXPECT_EQ(addresses[0].at("ADDRESS_1"), "вписан вручную");
    EXPECT_EQ(Table("requisites").size(), 1u);
}

TEST_F(Bitrix24Emulator, BadBankAccountOrAddressIsAPermanentPayloadError) {
    EXPECT_FALSE(ParseCounterparty(R"({"id":"c","name":"n","bank_accounts":[{"account":"x1","bik":"1"}]})"));
    EXPECT_FALSE(ParseCounterparty(R"({"id":"c","name":"n","address":{"city":"Москва"}})"));
    EXPECT_FALSE(ParseContact(R"({"id":"ct","name":"n","emails":["nope"]})"));
    EXPECT_FALSE(ParseComment(R"({"text":"no deal"})"));
    EXPECT_FALSE(ParseTask(R"({"title":"t"})"));
    EXPECT_FALSE(ParseNotification(R"({"user_id":1})"));
}

TEST_F(Bitrix24Emulator, ContactIsCreatedOnceBoundToTheCompanyEvenAfterALostReply) {
    Start();
    auto deliverer = Bitrix24Deliverer::Create(*client_, PipelineConfig{"Опт", {}});
    ASSERT_TRUE(deliverer) << deliverer.error().message;
    std::vector<store::Job> contact{JobOf(2, "upsert_contact",
                                          json::object{{"id", "ct-1"},
                                                       {"name", "Иван"},
                                                       {"last_name", "Петров"},
                                                       {"phones", json::array{"+74951234567"}},
                                                       {"emails", json::array{"ivan@example.ru"}},
                                                       {"counterparty_id", "cp-c"}})};
    // The company is not there yet: transient, nothing written.
    auto early = (*deliverer)->DeliverBatch(contact);
    ASSERT_FALSE(early[0]);
    EXPECT_TRUE(early[0].error().IsTransient()) << early[0].error().message;
    EXPECT_EQ(Table("contacts").size(), 0u);

    std::vector<store::Job> company{JobOf(1, "upsert_company", json::object{{"id", "cp-c"}, {"name", "ООО Контакт"}})};
    ASSERT_TRUE((*deliverer)->DeliverBatch(company)[0]);
    auto const company_id = IdOf(Table("companies")[0].at("ID"));

    Faults(json::object{{"seed", 1},
                        {"rules", json::array{json::object{
                                      {"kind", "lost_reply"}, {"next", 1}, {"methods", json::array{"crm.contact.add"}}}}}});
    auto lost = (*deliverer)->DeliverBatch(contact);
    ASSERT_FALSE(lost[0]);
    EXPECT_TRUE(lost[0].error().IsTransient()) << lost[0].error().message;
    ASSERT_EQ(Table("contacts").size(), 1u) << "the add was applied although its reply was lost";
    EXPECT_EQ(Counters().at("faults_injected"), 1);

    for (int retry = 0; retry < 2; ++retry) {
        auto again = (*deliverer)->DeliverBatch(contact);
        ASSERT_TRUE(again[0]) << again[0].error().message;
    }
    auto const contacts = Table("contacts");
    ASSERT_EQ(contacts.size(), 1u);
    EXPECT_EQ(contacts[0].at("ORIGINATOR_ID"), "b2bsync");
    EXPECT_EQ(contacts[0].at("ORIGIN_ID"), "ct-1");
    EXPECT_EQ(contacts[0].at("NAME"), "Иван");
    EXPECT_EQ(contacts[0].at("LAST_NAME"), "Петров");
    EXPECT_EQ(IdOf(contacts[0].at("COMPANY_ID")), company_id);
    EXPECT_NE(Text(contacts[0].at("PHONE")).find("+74951234567"), std::string::npos) << Text(contacts[0].at("PHONE"));
    EXPECT_NE(Text(contacts[0].at("EMAIL")).find("ivan@example.ru"), std::string::npos) << Text(contacts[0].at("EMAIL"));
}

TEST_F(Bitrix24Emulator, CommentWithFileTaskAndNotificationLandOnTheOrdersDeal) {
    Start();
    auto deliverer = Bitrix24Deliverer::Create(*client_, PipelineConfig{"Опт", {}});
    ASSERT_TRUE(deliverer) << deliverer.error().message;
    std::vector<store::Job> jobs{
        JobOf(1, "upsert_deal", json::object{{"id", "order-7"},
                                             {"counterparty", json::object{{"id", "cp-7"}, {"name", "ООО Семь"}}},
                                             {"lines", json::array{}}}),
        JobOf(2, "add_comment", json::object{{"order_id", "order-7"},
                                             {"text", "Счёт выставлен"},
                                             {"file", json::object{{"name", "invoice.pdf"}, {"base64", "JVBERi0xLjQK"}}}}),
        JobOf(3, "add_task", json::object{{"order_id", "order-7"}, {"title", "Позвонить клиенту"}, {"responsible_id", 1}}),
        JobOf(4, "notify", json::object{{"user_id", 1}, {"message", "Заказ 7 создан"}}),
        JobOf(5, "add_comment", json::object{{"order_id", "order-unknown"}, {"text", "x"}})};
    auto statuses = (*deliverer)->DeliverBatch(jobs);
    for (std::size_t i = 0; i < 4; ++i) {
        ASSERT_TRUE(statuses[i]) << i << ": " << statuses[i].error().message;
    }
    ASSERT_FALSE(statuses[4]);
    EXPECT_TRUE(statuses[4].error().IsTransient()) << statuses[4].error().message;

    auto const deal_id = IdOf(Table("deals")[0].at("ID"));
    auto const comments = Table("timeline_comments");
    ASSERT_EQ(comments.size(), 1u);
    EXPECT_EQ(IdOf(comments[0].at("ENTITY_ID")), deal_id);
    EXPECT_EQ(comments[0].at("ENTITY_TYPE"), "deal");
    EXPECT_NE(Text(comments[0].at("COMMENT")).find("Счёт выставлен"), std::string::npos);
    EXPECT_NE(Text(comments[0].at("COMMENT")).find("[b2bsync:key-2]"), std::string::npos);
    EXPECT_EQ(comments[0].at("FILES"), (json::array{"invoice.pdf"}));
    auto const tasks = Table("tasks");
    ASSERT_EQ(tasks.size(), 1u);
    EXPECT_EQ(tasks[0].at("title"), "Позвонить клиенту");
    EXPECT_EQ(tasks[0].at("responsibleId"), "1");
    EXPECT_NE(Text(tasks[0].at("ufCrmTask")).find("D_" + std::to_string(deal_id)), std::string::npos)
        << Text(tasks[0].at("ufCrmTask"));
    EXPECT_NE(Text(tasks[0].at("description")).find("[b2bsync:key-3]"), std::string::npos);

    // A redelivered notification replaces the first one (same TAG) instead of adding a second.
    std::vector<store::Job> notify{jobs[3]};
    ASSERT_TRUE((*deliverer)->DeliverBatch(notify)[0]);
    auto const notifications = Table("notifications");
    ASSERT_EQ(notifications.size(), 2u);
    int shown = 0;
    for (auto const& n : notifications) {
        EXPECT_EQ(n.at("TAG"), "b2bsync:key-4");
        EXPECT_EQ(n.at("USER_ID"), "1");
        EXPECT_EQ(n.at("MESSAGE"), "Заказ 7 создан");
        shown += n.at("REMOVED") == "N" ? 1 : 0;
    }
    EXPECT_EQ(shown, 1);
}

}  // namespace
}  // namespace b2b::bitrix24
