#include "tests/emulators/bitrix24/php_query.hpp"
#include "tests/emulators/bitrix24/tests/emulator_fixture.hpp"

#include <chrono>
#include <future>

namespace b2b::emu::bitrix24::test {
namespace {

namespace http = boost::beast::http;

std::string AppToken(EmulatorTest& t, Response r) {
    (void)t;
    return std::string(At(r.json, "access_token").as_string());
}

TEST_F(EmulatorTest, OfflineQueueCoalescesSuppressesEchoesAndConfirms) {
    auto token = AppToken(*this, Control("oauth/install"));
    auto bind = PostJson("/rest/event.bind",
                         json::object{{"auth", token}, {"event", "onCrmDealUpdate"}, {"event_type", "offline"},
                                      {"auth_connector", "b2bsync"}});
    ASSERT_EQ(bind.status, 200u) << bind.body;
    PostJson(Hook("crm.deal.add"), json::parse(R"({"fields":{"TITLE":"d"}})"));
    PostJson(Hook("crm.deal.update"), json::parse(R"({"id":1,"fields":{"TITLE":"ours"},"auth_connector":"b2bsync"})"));
    auto empty = PostJson("/rest/event.offline.list", json::object{{"auth", token}});
    EXPECT_EQ(At(empty.json, "total"), json::value(0));  // our own write did not echo

    PostJson(Hook("crm.deal.update"), json::parse(R"({"id":1,"fields":{"TITLE":"a"}})"));
    PostJson(Hook("crm.deal.update"), json::parse(R"({"id":1,"fields":{"TITLE":"b"}})"));
    Control("deal/stage", json::parse(R"({"id":1,"stage_id":"WON"})"));
    auto got = PostJson("/rest/event.offline.get", json::object{{"auth", token}, {"clear", 0}});
    auto const& result = At(got.json, "result");
    auto const& events = At(result, "events").as_array();
    ASSERT_EQ(events.size(), 1u) << got.body;  // three changes of one deal -> one record
    EXPECT_EQ(At(At(At(events.at(0), "EVENT_DATA"), "FIELDS"), "ID"), json::value("1"));
    std::string process_id(At(result, "process_id").as_string());
    auto second = PostJson("/rest/event.offline.get", json::object{{"auth", token}, {"clear", 0}});
    EXPECT_TRUE(At(At(second.json, "result"), "events").as_array().empty());  // reserved records are not re-sent
    PostJson("/rest/event.offline.clear", json::object{{"auth", token}, {"process_id", process_id}});
    auto after = PostJson("/rest/event.offline.list", json::object{{"auth", token}});
    EXPECT_EQ(At(after.json, "total"), json::value(0));
}

TEST_F(EmulatorTest, OnlineEventsArePostedOnceFormEncodedWithApplicationToken) {
    boost::asio::io_context io;
    boost::asio::ip::tcp::acceptor acceptor(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
    auto port = acceptor.local_endpoint().port();
    auto received = std::async(std::launch::async, [&acceptor] {
        boost::asio::ip::tcp::socket socket(acceptor.get_executor());
        acceptor.accept(socket);
        boost::beast::flat_buffer buffer;
        http::request<http::string_body> req;
        http::read(socket, buffer, req);
        http::response<http::string_body> res{http::status::ok, 11};
        res.prepare_payload();
        http::write(socket, res);
        return std::string(req[http::field::content_type]) + "\n" + req.body();
    });
    auto bound = Control("events/bind", json::object{{"event", "ONCRMCOMPANYADD"},
                                                     {"handler", "http://127.0.0.1:" + std::to_string(port) + "/hook"}});
    ASSERT_EQ(bound.status, 200u);
    PostJson(Hook("crm.company.add"), json::parse(R"({"fields":{"TITLE":"x"}})"));
    ASSERT_EQ(received.wait_for(std::chrono::seconds(30)), std::future_status::ready);
    auto text = received.get();
    auto newline = text.find('\n');
    EXPECT_EQ(text.substr(0, newline), "application/x-www-form-urlencoded");
    auto form = ParsePhpQuery(text.substr(newline + 1));
    EXPECT_EQ(form.at("event"), json::value("ONCRMCOMPANYADD"));
    EXPECT_EQ(At(At(form.at("data"), "FIELDS"), "ID"), json::value("1"));
    EXPECT_EQ(At(form.at("auth"), "application_token"), json::value("emu-application-token"));
}

TEST_F(EmulatorTest, LostReplyAppliesTheWriteButNeverAnswers) {
    Control("faults", json::parse(R"({"rules":[{"kind":"lost_reply","next":1,"methods":["crm.company.add"]}]})"));
    auto lost = PostJson(Hook("crm.company.add"), json::parse(R"({"fields":{"TITLE":"x"}})"));
    EXPECT_TRUE(lost.connection_lost);
    auto retry = PostJson(Hook("crm.company.add"), json::parse(R"({"fields":{"TITLE":"x"}})"));
    EXPECT_EQ(At(retry.json, "result"), json::value(2));  // the blind retry made a duplicate
    auto state = Get("/_emulator/state");
    EXPECT_EQ(At(At(state.json, "crm"), "companies").as_array().size(), 2u);
}

TEST_F(EmulatorTest, HtmlGatewayResetAnd429Faults) {
    Control("faults", json::parse(R"({"seed":3,"rules":[{"kind":"html","status":502,"next":1},
        {"kind":"reset","next":1},{"kind":"429","next":1}]})"));
    auto html = Get(Hook("crm.company.list"));
    EXPECT_EQ(html.status, 502u);
    EXPECT_EQ(html.content_type, "text/html");
    EXPECT_TRUE(html.json.is_null());
    EXPECT_TRUE(Get(Hook("crm.company.list")).connection_lost);
    auto limited = Get(Hook("crm.company.list"));
    EXPECT_EQ(limited.status, 429u);
    EXPECT_EQ(At(limited.json, "error"), json::value("OPERATION_TIME_LIMIT"));
    EXPECT_EQ(Get(Hook("crm.company.list")).status, 200u);
    auto state = Get("/_emulator/state");
    EXPECT_EQ(At(At(state.json, "counters"), "faults_injected"), json::value(3));
}

TEST_F(EmulatorTest, ResetClearsEntities) {
    PostJson(Hook("crm.company.add"), json::parse(R"({"fields":{"TITLE":"x"}})"));
    Control("reset");
    EXPECT_EQ(At(Get(Hook("crm.company.list")).json, "total"), json::value(0));
}

}  // namespace
}  // namespace b2b::emu::bitrix24::test
