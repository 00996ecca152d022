#pragma once

// Starts the real b2b_site_emulator executable on loopback and talks to its control API.
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value_to.hpp>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "connectors/site/exchange_client.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"

namespace b2b::site::test {

namespace json = boost::json;
using namespace std::chrono_literals;

/// Records what Persist received; fails while `fail` is set.
class RecordingSink final : public SiteOrderSink {
public:
    Status Persist(PulledOrders const& batch) override {
        ++calls;
        if (fail) {
            return Error::Transient("store is busy");
        }
        batches.push_back(batch);
        return {};
    }
    bool fail = false;
    int calls = 0;
    std::vector<PulledOrders> batches;
};

class SiteEmulatorTest : public ::testing::Test {
protected:
    void StartEmulator(std::vector<std::string> extra = {}) {
        auto const port_file = dir_ / "port";
        std::vector<std::string> args{"--port", "0", "--port-file", port_file.string(), "--user", "b2b",
                                      "--password", "p@ss:word", "--seed", "3"};
        args.insert(args.end(), extra.begin(), extra.end());
        emulator_ = std::make_unique<b2b::test::ChildProcess>(
            b2b::test::ChildProcess::Options{B2B_SITE_EMULATOR, args, {}, {}, dir_ / "emulator.log"});
        ASSERT_TRUE(b2b::test::WaitUntil([&] { return !b2b::test::ReadFile(port_file).empty(); }, 10s))
            << emulator_->Log();
        port_ = static_cast<std::uint16_t>(std::stoi(b2b::test::ReadFile(port_file)));
        control_ = std::make_unique<b2b::test::HttpClient>("127.0.0.1", port_);
    }

    ExchangeClientOptions ClientOptions(std::string password = "p@ss:word") const {
        ExchangeClientOptions options;
        options.url = "http://127.0.0.1:" + std::to_string(port_) + "/bitrix/admin/1c_exchange.php";
        options.user = "b2b";
        options.password = std::move(password);
        options.timeout = 10s;
        return options;
    }

    json::value Control(std::string const& path, json::value const& body) {
        auto r = control_->Post("/_emulator/" + path, json::serialize(body), {{"Content-Type", "application/json"}});
        EXPECT_EQ(r.status, 200) << r.body;
        return json::parse(r.body);
    }
    json::value State() { return json::parse(control_->Get("/_emulator/state").body); }
    json::value Order(std::int64_t id) {
        return json::parse(control_->Get("/_emulator/orders/" + std::to_string(id)).body);
    }
    std::int64_t Counter(std::string const& name) { return State().at("counters").at(name).to_number<std::int64_t>(); }
    std::int64_t Exports(std::int64_t id) {
        return State().at("counters").at("exports").at(std::to_string(id)).to_number<std::int64_t>();
    }
    std::int64_t ModeCalls(std::string const& mode) {
        auto const state = State();
        auto const& by_mode = state.at("counters").at("by_mode").as_object();
        auto const* n = by_mode.if_contains(mode);
        return n == nullptr ? 0 : n->to_number<std::int64_t>();
    }

    /// A wholesale order as a B2B buyer places it: legal entity with INN/KPP, Russian names,
    /// prices with four decimals.
    void CreateOrder(std::int64_t id, std::string const& comment = "Доставить до 12:00") {
        Control("orders",
                json::object{{"id", id},
                             {"number", "Б2Б-" + std::to_string(id)},
                             {"date", "2024-12-02"},
                             {"time", "11:45:21"},
                             {"buyer", json::object{{"id", "38#romashka#ООО «Ромашка»"},
                                                    {"name", "ООО «Ромашка»"},
                                                    {"full_name", "Общество с ограниченной ответственностью «Ромашка»"},
                                                    {"inn", "7701234567"},
                                                    {"kpp", "770101001"}}},
                             {"lines", json::array{json::object{{"id", "910e89e5-205e#7c63329c-8a29"},
                                                                {"name", "Гвоздь строительный 100 мм, ящик"},
                                                                {"price", "1234.5678"},
                                                                {"quantity", "3"},
                                                                {"sum", "3703.70"}},
                                                   json::object{{"id", "ORDER_DELIVERY"},
                                                                {"name", "Доставка"},
                                                                {"price", "500.00"},
                                                                {"quantity", "1"},
                                                                {"sum", "500.00"}}}},
                             {"total", "4203.70"},
                             {"comment", comment}});
    }

    b2b::test::TempDir dir_;
    std::unique_ptr<b2b::test::ChildProcess> emulator_;
    std::uint16_t port_ = 0;
    std::unique_ptr<b2b::test::HttpClient> control_;
};

}  // namespace b2b::site::test
