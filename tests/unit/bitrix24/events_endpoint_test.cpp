// The outbound-events endpoint over real loopback HTTP: direct POSTs, and the bitrix24_emulator
// delivering its own events to it.
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <thread>

#include "connectors/bitrix24/authenticator.hpp"
#include "connectors/bitrix24/events_endpoint.hpp"
#include "connectors/bitrix24/rest_client.hpp"
#include "core/store/database.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"

namespace b2b::bitrix24 {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;
using namespace std::chrono_literals;
using tcp = asio::ip::tcp;

constexpr char const* kToken = "app-token-0123456789abcdef";
constexpr char const* kPath = "/bitrix24/events";

// b2b_bitrix24 does not link b2b_http (core/http/server), so the test serves the endpoint's
// Handler with a minimal Beast loop: read a request, co_await the handler, write the answer.
asio::awaitable<void> ServeConnection(tcp::socket socket, http::Handler handler) {
    boost::beast::flat_buffer buffer;
    for (;;) {
        http::Request request;
        auto [read_ec, read_n] =
            co_await boost::beast::http::async_read(socket, buffer, request, asio::as_tuple(asio::use_awaitable));
        if (read_ec) {
            co_return;
        }
        http::Response response{boost::beast::http::status::not_found, request.version()};
        if (request.target() == kPath) {
            response = co_await handler(std::move(request));
        }
        response.prepare_payload();
        bool const keep = response.keep_alive();
        auto [write_ec, write_n] =
            co_await boost::beast::http::async_write(socket, response, asio::as_tuple(asio::use_awaitable));
        if (write_ec || !keep) {
            co_return;
        }
    }
}

asio::awaitable<void> AcceptLoop(tcp::acceptor* acceptor, http::Handler handler) {
    for (;;) {
        auto [ec, socket] = co_await acceptor->async_accept(asio::as_tuple(asio::use_awaitable));
        if (ec) {
            co_return;
        }
        asio::co_spawn(acceptor->get_executor(), ServeConnection(std::move(socket), handler), asio::detached);
    }
}

class LoopbackServer {
public:
    explicit LoopbackServer(http::Handler handler) : acceptor_(io_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
        asio::co_spawn(io_, AcceptLoop(&acceptor_, std::move(handler)), asio::detached);
        thread_ = std::thread([this] { io_.run(); });
    }
    ~LoopbackServer() {
        io_.stop();
        thread_.join();
    }
    std::uint16_t port() const { return acceptor_.local_endpoint().port(); }

private:
    asio::io_context io_;
    tcp::acceptor acceptor_;
    std::thread thread_;
};

class EventsEndpointTest : public ::testing::Test {
protected:
    void SetUp() override {
        auto db = store::Database::Open(dir_ / "b2b.db");
        ASSERT_TRUE(db) << db.error().message;
        db_ = std::move(*db);
        inbox_ = std::make_unique<EventInbox>(*db_, clock_);
        endpoint_ = std::make_unique<EventsEndpoint>(*inbox_, kToken, metrics_, clock_);
        server_ = std::make_unique<LoopbackServer>(endpoint_->AsHandler());
        client_ = std::make_unique<test::HttpClient>("127.0.0.1", server_->port());
    }

    test::HttpResponse Post(std::string const& body) {
        return client_->Post(kPath, body, {{"Content-Type", "application/x-www-form-urlencoded"}});
    }
    static std::string Event(std::string const& token, std::string const& id = "42", std::string const& ts = "1736405807") {
        return "event=ONCRMDEALUPDATE&event_handler_id=3&data%5BFIELDS%5D%5BID%5D=" + id + "&ts=" + ts +
               "&auth%5Bdomain%5D=portal.bitrix24.ru&auth%5Bmember_id%5D=m1&auth%5Bapplication_token%5D=" + token;
    }
    std::uint64_t Count(std::string const& result) {
        return metrics_.GetCounter("b2b_bitrix24_events_total", "", {{"result", result}}).Value();
    }
    std::vector<InboxEntry> Inbox() {
        auto all = inbox_->All();
        EXPECT_TRUE(all) << all.error().message;
        return all ? *all : std::vector<InboxEntry>{};
    }

    test::TempDir dir_;
    FakeClock clock_;
    metrics::Registry metrics_;
    std::unique_ptr<store::Database> db_;
    std::unique_ptr<EventInbox> inbox_;
    std::unique_ptr<EventsEndpoint> endpoint_;
    std::unique_ptr<LoopbackServer> server_;
    std::unique_ptr<test::HttpClient> client_;
};

TEST_F(EventsEndpointTest, ValidTokenIsStoredOnceAndDuplicatesAreAcknowledged) {
    auto first = Post(Event(kToken));
    EXPECT_EQ(first.status, 200) << first.body;
    EXPECT_EQ(first.body, "ok\n");
    auto again = Post(Event(kToken));
    EXPECT_EQ(again.status, 200) << again.body;
    EXPECT_EQ(again.body, "duplicate\n");
    auto later = Post(Event(kToken, "42", "1736405808"));
    EXPECT_EQ(later.status, 200);

    auto rows = Inbox();
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_EQ(rows[0].record.event, "ONCRMDEALUPDATE");
    EXPECT_EQ(rows[0].record.entity_type, "deal");
    EXPECT_EQ(rows[0].record.entity_id, 42);
    EXPECT_EQ(rows[0].record.ts, 1736405807);
    EXPECT_EQ(rows[0].record.source, "online");
    EXPECT_EQ(rows[0].received_at, clock_.NowMillis());
    EXPECT_EQ(rows[1].record.ts, 1736405808);
    EXPECT_EQ(Count("accepted"), 2u);
    EXPECT_EQ(Count("duplicate"), 1u);
    EXPECT_EQ(Count("forged"), 0u);
}

TEST_F(EventsEndpointTest, ForgedOrMissingTokenIs401AndCounted) {
    auto wrong = Post(Event("app-token-0123456789abcdeF"));
    EXPECT_EQ(wrong.status, 401);
    auto shorter = Post(Event("app-token"));
    EXPECT_EQ(shorter.status, 401);
    auto missing = Post("event=ONCRMDEALUPDATE&data[FIELDS][ID]=42&ts=1");
    EXPECT_EQ(missing.status, 401);
    // Token checked before the fields: a forger learns nothing about what a valid body needs.
    auto forged_and_bad = Post("event=X&auth[application_token]=nope");
    EXPECT_EQ(forged_and_bad.status, 401);
    EXPECT_EQ(wrong.body.find(kToken), std::string::npos);
    EXPECT_EQ(Count("forged"), 4u);
    EXPECT_EQ(Count("accepted"), 0u);
    EXPECT_TRUE(Inbox().empty());
    auto render = metrics_.Render();
    EXPECT_NE(render.find("b2b_bitrix24_events_total{result=\"forged\"} 4"), std::string::npos) << render;
}

TEST_F(EventsEndpointTest, MalformedBodiesAre400) {
    auto bad_encoding = Post("event=ONCRMDEALUPDATE&data[FIELDS][ID]=%G2");
    EXPECT_EQ(bad_encoding.status, 400);
    EXPECT_EQ(bad_encoding.body, "bad request: form body has a bad percent-encoding in parameter 2\n");
    auto no_id = Post(std::string("event=ONCRMDEALUPDATE&ts=1&auth[application_token]=") + kToken);
    EXPECT_EQ(no_id.status, 400);
    EXPECT_EQ(no_id.body, "bad request: event ONCRMDEALUPDATE without a numeric data[FIELDS][ID]\n");
    EXPECT_EQ(Count("bad_request"), 2u);
    EXPECT_TRUE(Inbox().empty());
}

TEST_F(EventsEndpointTest, ProcessedDuplicateIsReopenedNotStoredTwice) {
    ASSERT_EQ(Post(Event(kToken)).status, 200);
    auto rows = Inbox();
    ASSERT_EQ(rows.size(), 1u);
    ASSERT_TRUE(inbox_->Close(rows[0].id, "no stage change"));
    ASSERT_TRUE(inbox_->Pending(10)->empty());
    EXPECT_EQ(Post(Event(kToken)).body, "duplicate\n");
    auto pending = inbox_->Pending(10);
    ASSERT_TRUE(pending);
    ASSERT_EQ(pending->size(), 1u) << "same-second twin of a processed event must be looked at again";
    EXPECT_EQ((*pending)[0].id, rows[0].id);
    EXPECT_EQ(Inbox().size(), 1u);
}

TEST(ApplicationToken, ComparesWholeTokens) {
    EXPECT_TRUE(ApplicationTokenMatches("abc", "abc"));
    EXPECT_FALSE(ApplicationTokenMatches("abc", "abd"));
    EXPECT_FALSE(ApplicationTokenMatches("abc", std::string_view("abc\0", 4)));
    EXPECT_FALSE(ApplicationTokenMatches("abc", "ab"));
    EXPECT_FALSE(ApplicationTokenMatches("", "")) << "no configured token accepts nothing";
}

// The emulator plays the portal: an outgoing webhook bound to our endpoint, a manager moving a
// deal, the event POSTed once with the portal's application_token.
TEST_F(EventsEndpointTest, EmulatorDeliversEventsThatAreStored) {
    auto const port_file = dir_ / "port";
    test::ChildProcess emulator(test::ChildProcess::Options{
        B2B_BITRIX24_EMULATOR,
        {"--port", "0", "--port-file", port_file.string(), "--webhook-user", "1", "--webhook-code", "code",
         "--application-token", kToken},
        {},
        {},
        dir_ / "emulator.log"});
    ASSERT_TRUE(test::WaitUntil([&] { return !test::ReadFile(port_file).empty(); }, 10s)) << emulator.Log();
    auto const port = static_cast<std::uint16_t>(std::stoi(test::ReadFile(port_file)));
    test::HttpClient control("127.0.0.1", port);
    auto handler = "http://127.0.0.1:" + std::to_string(server_->port()) + kPath;
    auto bound = control.Post("/_emulator/events/bind",
                              json::serialize(json::object{{"event", "ONCRMDEALUPDATE"}, {"handler", handler}}),
                              {{"Content-Type", "application/json"}});
    ASSERT_EQ(bound.status, 200) << bound.body;

    auto auth = WebhookAuthenticator::Create("http://127.0.0.1:" + std::to_string(port) + "/rest/1/code");
    ASSERT_TRUE(auth);
    Limiter limiter(LimiterOptions{}, SystemClock::Instance());
    RestClient rest(**auth, limiter, SystemClock::Instance());
    auto deal = rest.Call("crm.deal.add", json::object{{"fields", json::object{{"TITLE", "D"}, {"STAGE_ID", "NEW"}}}});
    ASSERT_TRUE(deal) << deal.error().message;
    auto deal_id = AsInt(deal->result);
    ASSERT_TRUE(deal_id);
    auto moved = control.Post("/_emulator/deal/stage",
                              json::serialize(json::object{{"id", *deal_id}, {"stage_id", "PREPARATION"}}),
                              {{"Content-Type", "application/json"}});
    ASSERT_EQ(moved.status, 200) << moved.body;

    ASSERT_TRUE(test::WaitUntil([&] { return Count("accepted") == 1; }, 10s)) << emulator.Log();
    auto rows = Inbox();
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0].record.event, "ONCRMDEALUPDATE");
    EXPECT_EQ(rows[0].record.entity_id, *deal_id);

    // The portal with a wrong token: refused, and the portal does not retry.
    auto config = control.Post("/_emulator/events/config", R"({"wrong_application_token":true})",
                               {{"Content-Type", "application/json"}});
    ASSERT_EQ(config.status, 200);
    ASSERT_EQ(control.Post("/_emulator/deal/stage",
                           json::serialize(json::object{{"id", *deal_id}, {"stage_id", "EXECUTING"}}),
                           {{"Content-Type", "application/json"}})
                  .status,
              200);
    ASSERT_TRUE(test::WaitUntil([&] { return Count("forged") == 1; }, 10s)) << emulator.Log();
    EXPECT_EQ(Inbox().size(), 1u);
}

}  // namespace
}  // namespace b2b::bitrix24
