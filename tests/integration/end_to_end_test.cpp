// The three systems through the real daemon: the site emulator (Bitrix sale exchange), the
// Bitrix24 emulator and the 1C client simulator, all on loopback. Orders are created on the site,
// 1C confirms, pays and ships them, a manager moves deals in Bitrix24, and the daemon is killed
// with SIGKILL twice along the way; at the end every order exists exactly once in each system and
// the three agree on the stage, payment and counterparty.
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <string>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "connectors/onec/cml_reader.hpp"
#include "tests/support/daemon_harness.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"

namespace b2b::test {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

constexpr char kToken[] = "e2e-app-token-0123456789";
constexpr char kOnecUser[] = "onec";
constexpr char kOnecPassword[] = "onec-secret";
constexpr char kSiteUser[] = "exchange";
constexpr char kSitePassword[] = "site-secret";

// The wholesale pipeline with the stage names of mappings/default/tables.yaml.
constexpr char kPipelineSeed[] = R"({"categories":[
  {"id":0,"name":"Общая","sort":100,"stages":[{"id":"NEW","name":"Новая","sort":10},
    {"id":"WON","name":"Успешна","sort":900,"semantics":"S"},{"id":"LOSE","name":"Провалена","sort":910,"semantics":"F"}]},
  {"id":3,"name":"Оптовые продажи","sort":200,"stages":[
    {"id":"NEW","name":"Проверка менеджером","sort":10},
    {"id":"PREPARATION","name":"Склад","sort":20},
    {"id":"PRODUCTION","name":"Производство","sort":30},
    {"id":"ACCOUNTING","name":"Бухгалтерия","sort":40},
    {"id":"LOGISTICS","name":"Логистика","sort":50},
    {"id":"WON","name":"Сделка успешна","sort":900,"semantics":"S"},
    {"id":"LOSE","name":"Сделка провалена","sort":910,"semantics":"F"}]}
]})";

std::uint16_t WaitForPortFile(std::filesystem::path const& file, ChildProcess& process) {
    if (!WaitUntil([&] { return !ReadFile(file).empty(); }, 10s)) {
        throw std::runtime_error("emulator did not start: " + process.Log());
    }
    return static_cast<std::uint16_t>(std::stoi(ReadFile(file)));
}

// The portal's clock runs 10x (its bucket drains 20 requests/s, and the daemon is configured so):
// this test is about agreement across crashes, not about the limits (Bitrix24Scale is).
class Bitrix24 {
public:
    explicit Bitrix24(TempDir const& dir)
        : seed_(dir.WriteFile("pipelines.json", kPipelineSeed)),
          process_(ChildProcess::Options{B2B_BITRIX24_EMULATOR,
                                         {"--port", "0", "--port-file", (dir / "b24.port").string(), "--webhook-user",
                                          "1", "--webhook-code", "code", "--application-token", kToken,
                                          "--seed-file", seed_.string(), "--clock-speed", "10"},
                                         {},
                                         {},
                                         dir / "bitrix24.log"}),
          port_(WaitForPortFile(dir / "b24.port", process_)),
          control_("127.0.0.1", port_) {}

    std::string WebhookUrl() const { return "http://127.0.0.1:" + std::to_string(port_) + "/rest/1/code/"; }
    json::object Crm() {
        auto r = control_.Get("/_emulator/state");
        EXPECT_EQ(r.status, 200) << r.body;
        return json::parse(r.body).as_object().at("crm").as_object();
    }
    HttpResponse Control(std::string const& path, json::object const& body) {
        return control_.Post("/_emulator/" + path, json::serialize(body), {{"Content-Type", "application/json"}});
    }

private:
    std::filesystem::path seed_;
    ChildProcess process_;
    std::uint16_t port_;
    HttpClient control_;
};

class Site {
public:
    explicit Site(TempDir const& dir)
        : process_(ChildProcess::Options{B2B_SITE_EMULATOR,
                                         {"--port", "0", "--port-file", (dir / "site.port").string(), "--user",
                                          kSiteUser, "--password", kSitePassword, "--change-status-from-1c", "yes"},
                                         {},
                                         {},
                                         dir / "site.log"}),
          port_(WaitForPortFile(dir / "site.port", process_)),
          control_("127.0.0.1", port_) {}

    std::string ExchangeUrl() const {
        return "http://127.0.0.1:" + std::to_string(port_) + "/bitrix/admin/1c_exchange.php";
    }
    void CreateOrder(json::object const& order) {
        auto r = control_.Post("/_emulator/orders", json::serialize(order), {{"Content-Type", "application/json"}});
        ASSERT_EQ(r.status / 100, 2) << r.body;
    }
    json::array Orders() {
        auto r = control_.Get("/_emulator/orders");
        EXPECT_EQ(r.status, 200) << r.body;
        auto value = json::parse(r.body);
        return value.is_array() ? value.as_array() : value.as_object().at("orders").as_array();
    }

private:
    ChildProcess process_;
    std::uint16_t port_;
    HttpClient control_;
};

std::string Config(Bitrix24 const& b24, Site const& site) {
    return DaemonHarness::DefaultConfig(
        "",
        "onec:\n  enabled: true\n  user: " + std::string(kOnecUser) + "\n  password: \"" + kOnecPassword +
            "\"\n"
            "bitrix24:\n  webhook_url: \"" +
            b24.WebhookUrl() +
            "\"\n  rate: {burst: 50, per_second: 20}\n  pipeline: \"Оптовые продажи\"\n  stages:\n"
            "    manager_check: \"Проверка менеджером\"\n    warehouse: \"Склад\"\n    production: \"Производство\"\n"
            "    accounting: \"Бухгалтерия\"\n    logistics: \"Логистика\"\n    done: \"Сделка успешна\"\n"
            "    cancelled: \"Сделка провалена\"\n"
            "  application_token: \"" +
            kToken +
            "\"\n  events:\n    mode: online\n    path: /bitrix24/events\n    poll_interval: 200ms\n"
            "site:\n  mode: exchange\n  url: \"" +
            site.ExchangeUrl() + "\"\n  user: " + kSiteUser + "\n  password: \"" + kSitePassword +
            "\"\n  poll_interval: 500ms\n");
}

// INNs with valid check digits (legal entities, 10 digits).
std::vector<std::string> const kInns = {"7707083893", "7736207543", "7702070139", "7728168971", "7710140679"};

json::object SiteOrder(int n) {
    std::string const inn = kInns[static_cast<std::size_t>(n) % kInns.size()];
    json::array lines{json::object{{"id", "5f3c1a2b-0000-4000-8000-00000000000" + std::to_string(n % 10)},
                                   {"name", "Болт М" + std::to_string(6 + n % 4)},
                                   {"price", "899.10"},
                                   {"quantity", "2"},
                                   {"sum", "1798.20"},
                                   {"unit_code", "796"}}};
    return json::object{{"id", 1000 + n},
                        {"number", std::to_string(1000 + n)},
                        {"buyer", json::object{{"id", "buyer-" + inn},
                                               {"name", "ООО Покупатель " + inn.substr(0, 4)},
                                               {"full_name", "Общество с ограниченной ответственностью"},
                                               {"inn", inn},
                                               {"kpp", inn.substr(0, 4) + "01001"}}},
                        {"lines", std::move(lines)},
                        {"total", "1798.20"},
                        {"currency", "RUB"},
                        {"status", "N"}};
}

/// What 1C does with order n: every order is posted with a 1C number; even ones are paid; every
/// fourth is shipped. The status text is one the statuses table knows (the stage itself stays the
/// managers').
bool PaidIn1C(int n) { return n % 2 == 0; }
bool ShippedIn1C(int n) { return n % 4 == 0; }

std::string OnecUpdates(int orders) {
    std::string xml =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<КоммерческаяИнформация ВерсияСхемы=\"2.10\" ДатаФормирования=\"2026-11-30T12:00:00\">\n";
    auto requisite = [](char const* name, std::string const& value) {
        return "<ЗначениеРеквизита><Наименование>" + std::string(name) + "</Наименование><Значение>" + value +
               "</Значение></ЗначениеРеквизита>";
    };
    for (int n = 0; n < orders; ++n) {
        std::string const id = std::to_string(1000 + n);
        xml += "<Документ><Ид>" + id + "</Ид><Номер>" + id + "</Номер><Номер1С>УТ-" + id +
               "</Номер1С><Дата>2026-11-30</Дата><Время>12:00:00</Время><ХозОперация>Заказ товара</ХозОперация>"
               "<Роль>Продавец</Роль><Валюта>руб</Валюта><Сумма>1798.20</Сумма><ЗначенияРеквизитов>" +
               requisite("Проведен", "true") + requisite("Заказ оплачен", PaidIn1C(n) ? "true" : "false") +
               requisite("Отгружен", ShippedIn1C(n) ? "true" : "false") +
               (ShippedIn1C(n) ? requisite("Номер отгрузки по 1С", "РТ-" + id) : std::string()) +
               requisite("Статус заказа", ShippedIn1C(n) ? "К отгрузке" : "К обеспечению") +
               "</ЗначенияРеквизитов></Документ>\n";
    }
    return xml + "</КоммерческаяИнформация>\n";
}

/// What managers do in Bitrix24 with order n: every third is approved (to the warehouse), and
/// one in twenty is cancelled (the cancellation wins).
char const* ManagerStageId(int n) {
    if (n % 20 == 7) {
        return "C3:LOSE";
    }
    return n % 3 == 0 ? "C3:PREPARATION" : nullptr;
}
std::string ExpectedStageId(int n) { return ManagerStageId(n) ? ManagerStageId(n) : "C3:NEW"; }
std::string ExpectedSiteLetter(int n) {
    std::string const stage = ExpectedStageId(n);
    return stage == "C3:LOSE" ? "C" : stage == "C3:PREPARATION" ? "W" : "N";
}
std::string ExpectedOnecStatus(int n) {
    std::string const stage = ExpectedStageId(n);
    return stage == "C3:LOSE" ? "Отменен" : stage == "C3:PREPARATION" ? "К обеспечению" : "На согласовании";
}

/// Every order document in a query answer: Ид -> its "Статус заказа" and "Отменен".
class QueryDocuments final : public onec::CmlVisitor {
public:
    Status OnDocument(onec::CmlDocument const& document) override {
        documents[document.id] = {document.order_status, document.cancelled.value_or(false)};
        ++count;
        return {};
    }
    std::map<std::string, std::pair<std::string, bool>> documents;
    int count = 0;
};

QueryDocuments ReadQueryAnswer(std::filesystem::path const& file) {
    QueryDocuments documents;
    auto read = onec::ReadCommerceMlFile(file, onec::ReaderOptions{}, documents);
    EXPECT_TRUE(read) << read.error().message;
    return documents;
}

CommandResult OnecSale(DaemonHarness const& daemon, TempDir const& dir, std::vector<std::string> extra) {
    std::vector<std::string> args{"--url",
                                  "http://127.0.0.1:" + std::to_string(daemon.public_port()) + "/1c_exchange.php",
                                  "--user", kOnecUser, "--password", kOnecPassword, "--type", "sale",
                                  "--save-orders", (dir / "orders_from_b2bsync.xml").string()};
    args.insert(args.end(), extra.begin(), extra.end());
    return RunCommand(B2B_ONEC_SIMULATOR, args, {}, 120s);
}

std::map<std::string, json::object> DealsByOrigin(json::object const& crm) {
    std::map<std::string, json::object> deals;
    for (auto const& row : crm.at("deals").as_array()) {
        auto const& deal = row.as_object();
        if (auto const* origin = deal.if_contains("ORIGIN_ID"); origin != nullptr && origin->is_string()) {
            deals.emplace(std::string(origin->as_string()), deal);
        }
    }
    return deals;
}

std::size_t CountCompanies(json::object const& crm) { return crm.at("companies").as_array().size(); }

TEST(EndToEnd, OrdersGoAcrossTheThreeSystemsOnceEachThroughTwoCrashes) {
    TempDir peers;
    Bitrix24 b24(peers);
    Site site(peers);
    // 500 by default (the issue's size); B2B_E2E_ORDERS=N runs a smaller world while debugging.
    int const kOrders = std::getenv("B2B_E2E_ORDERS") ? std::atoi(std::getenv("B2B_E2E_ORDERS")) : 500;
    for (int n = 0; n < kOrders; ++n) {
        site.CreateOrder(SiteOrder(n));
    }

    DaemonHarness daemon(B2B_DAEMON_PATH);
    daemon.WriteConfig(Config(b24, site));
    // The daemon listens on an ephemeral port, new after every restart: bind the portal's events
    // to it each time (the portal keeps posting to the old handler too; nobody listens there).
    auto start = [&] {
        daemon.Start();
        std::string const handler = "http://127.0.0.1:" + std::to_string(daemon.public_port()) + "/bitrix24/events";
        for (char const* event : {"ONCRMDEALUPDATE", "ONCRMDEALADD"}) {
            ASSERT_EQ(b24.Control("events/bind", json::object{{"event", event}, {"handler", handler}}).status, 200);
        }
    };
    start();

    // SIGKILL 1: while the first deals are being written.
    ASSERT_TRUE(WaitUntil([&] { return !DealsByOrigin(b24.Crm()).empty(); }, 60s)) << daemon.Log();
    daemon.Crash();
    start();
    ASSERT_TRUE(WaitUntil([&] { return DealsByOrigin(b24.Crm()).size() == static_cast<std::size_t>(kOrders); }, 300s))
        << DealsByOrigin(b24.Crm()).size() << " deals\n"
        << daemon.Log();

    // 1C pulls the orders, each once, and answers: posted, paid, shipped.
    auto pulled = OnecSale(daemon, peers, {});
    ASSERT_EQ(pulled.exit_code, 0) << pulled.output;
    auto first_query = ReadQueryAnswer(peers / "orders_from_b2bsync.xml");
    EXPECT_EQ(first_query.count, kOrders);
    EXPECT_EQ(first_query.documents.size(), static_cast<std::size_t>(kOrders));
    auto const updates = peers.WriteFile("documents___1.xml", OnecUpdates(kOrders));
    auto pushed = OnecSale(daemon, peers, {"--documents", updates.string()});
    ASSERT_EQ(pushed.exit_code, 0) << pushed.output;

    // SIGKILL 2: while 1C's updates are on their way to Bitrix24 and the site.
    daemon.Crash();
    start();

    // Managers approve and cancel deals in Bitrix24.
    auto deals = DealsByOrigin(b24.Crm());
    for (int n = 0; n < kOrders; ++n) {
        if (ManagerStageId(n) == nullptr) {
            continue;
        }
        auto const id = deals.at("order-" + std::to_string(1000 + n)).at("ID");
        std::int64_t const deal_id =
            id.is_string() ? std::stoll(std::string(id.as_string())) : id.to_number<std::int64_t>();
        ASSERT_EQ(b24.Control("deal/stage", json::object{{"id", deal_id}, {"stage_id", ManagerStageId(n)}}).status, 200);
    }

    // Everyone agrees, and nothing is there twice.
    std::string disagreement;
    auto agreed = [&] {
        auto crm = b24.Crm();
        auto now = DealsByOrigin(crm);
        if (now.size() != static_cast<std::size_t>(kOrders) || crm.at("deals").as_array().size() != static_cast<std::size_t>(kOrders)) {
            disagreement = std::to_string(crm.at("deals").as_array().size()) + " deals; twice:";
            std::map<std::string, int> seen;
            for (auto const& row : crm.at("deals").as_array()) {
                auto const& deal = row.as_object();
                std::string const origin = deal.contains("ORIGIN_ID") ? json::serialize(deal.at("ORIGIN_ID")) : "-";
                if (++seen[origin] == 2 && disagreement.size() < 3000) {
                    disagreement += " " + origin;
                }
            }
            return false;
        }
        for (int n = 0; n < kOrders; ++n) {
            auto const& deal = now.at("order-" + std::to_string(1000 + n));
            auto const* number = deal.if_contains("UF_CRM_ONEC_NUMBER");
            if (deal.at("STAGE_ID").as_string() != ExpectedStageId(n) || number == nullptr || !number->is_string() ||
                number->as_string() != "УТ-" + std::to_string(1000 + n)) {
                disagreement = "deal of order " + std::to_string(1000 + n) + ": " + json::serialize(deal);
                return false;
            }
        }
        auto orders = site.Orders();
        if (orders.size() != static_cast<std::size_t>(kOrders)) {
            disagreement = std::to_string(orders.size()) + " site orders";
            return false;
        }
        for (auto const& row : orders) {
            auto const& order = row.as_object();
            int const n = static_cast<int>(order.at("id").to_number<std::int64_t>()) - 1000;
            if (order.at("status").as_string() != ExpectedSiteLetter(n) || order.at("paid").as_bool() != PaidIn1C(n) ||
                order.at("shipped").as_bool() != ShippedIn1C(n) ||
                order.at("cancelled").as_bool() != (ExpectedStageId(n) == "C3:LOSE") ||
                order.at("number_1c").as_string() != "УТ-" + std::to_string(1000 + n)) {
                disagreement = "site order: " + json::serialize(order) + "\n" +
                               daemon.Cli({"trace", "-c", daemon.ConfigPath().string(), std::to_string(1000 + n)})
                                   .output;
                return false;
            }
        }
        return true;
    };
    EXPECT_TRUE(WaitUntil(agreed, 300s)) << disagreement << "\n"
                                         << daemon.Cli({"trace", "-c", daemon.ConfigPath().string(), "1000"}).output
                                         << daemon.Cli({"jobs", "list", "-c", daemon.ConfigPath().string(),
                                                        "--state", "dead"})
                                                .output;

    auto crm = b24.Crm();
    EXPECT_EQ(CountCompanies(crm), kInns.size()) << "one company per INN/KPP";
    EXPECT_EQ(crm.at("requisites").as_array().size(), kInns.size());
    for (auto const& [origin, deal] : DealsByOrigin(crm)) {
        EXPECT_EQ(deal.at("OPPORTUNITY").as_string(), "1798.20") << origin;
    }

    // 1C: the next query offers exactly the orders managers changed, with their new status.
    auto again = OnecSale(daemon, peers, {});
    ASSERT_EQ(again.exit_code, 0) << again.output;
    auto second_query = ReadQueryAnswer(peers / "orders_from_b2bsync.xml");
    int changed = 0;
    for (int n = 0; n < kOrders; ++n) {
        std::string const id = std::to_string(1000 + n);
        if (ManagerStageId(n) == nullptr) {
            EXPECT_EQ(second_query.documents.count(id), 0u) << id << " did not change";
            EXPECT_EQ(first_query.documents[id].first, ExpectedOnecStatus(n)) << id;
            continue;
        }
        ++changed;
        ASSERT_EQ(second_query.documents.count(id), 1u) << id;
        EXPECT_EQ(second_query.documents[id].first, ExpectedOnecStatus(n)) << id;
        EXPECT_EQ(second_query.documents[id].second, ExpectedStageId(n) == "C3:LOSE") << id;
    }
    EXPECT_EQ(second_query.count, changed);

    auto trace = daemon.Cli({"trace", "-c", daemon.ConfigPath().string(), "1000"});  // approved and paid
    EXPECT_EQ(trace.exit_code, 0) << trace.output;
    EXPECT_NE(trace.output.find("stage by bitrix24 (bitrix24): manager_check -> warehouse"), std::string::npos)
        << trace.output;
    EXPECT_NE(trace.output.find("payment by onec (onec): unpaid -> paid"), std::string::npos) << trace.output;
    EXPECT_EQ(daemon.Stop(), 0);
}

}  // namespace
}  // namespace b2b::test
