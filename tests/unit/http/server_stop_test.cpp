#include <atomic>
#include <future>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/http/server.hpp"
#include "tests/support/http_client.hpp"
#include "tests/unit/http/raw_connection.hpp"
#include "tests/unit/http/server_fixture.hpp"
#include "tests/unit/http/test_handlers.hpp"

namespace b2b::http::test {
namespace {

using ::testing::HasSubstr;
using b2b::test::HttpClient;
using b2b::test::RawSend;
using beast_http::verb;
using namespace std::chrono_literals;

/// Lets a test hold a handler in flight and release it when it chooses.
struct Gate {
    std::promise<void> entered;
    std::atomic<bool> open{false};
};

boost::asio::awaitable<Response> GatedReply(Request request, std::shared_ptr<Gate> gate) {
    gate->entered.set_value();
    boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor);
    while (!gate->open) {
        timer.expires_after(5ms);
        co_await timer.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
    }
    Response response{beast_http::status::ok, request.version()};
    response.body() = "finished";
    co_return response;
}

Handler Gated(std::shared_ptr<Gate> gate) {
    return [gate](Request request) { return GatedReply(std::move(request), gate); };
}

class ServerStopTest : public ServerFixture {
protected:
    /// Calls Stop and returns a future that becomes ready when on_stopped runs.
    std::future<void> Stop(std::chrono::milliseconds grace) {
        stopped_ = true;
        auto promise = std::make_shared<std::promise<void>>();
        auto future = promise->get_future();
        server_->Stop(grace, [promise] { promise->set_value(); });
        return future;
    }
};

TEST_F(ServerStopTest, RequestInFlightIsAnsweredThenServerStops) {
    auto gate = std::make_shared<Gate>();
    auto entered = gate->entered.get_future();
    Router router;
    router.Add(verb::get, "/slow", Gated(gate));
    StartServer(FastOptions(), std::move(router));

    std::promise<b2b::test::HttpResponse> reply;
    auto reply_future = reply.get_future();
    std::thread client_thread([&] {
        HttpClient client("127.0.0.1", port_);
        reply.set_value(client.Get("/slow"));
    });
    ASSERT_EQ(entered.wait_for(10s), std::future_status::ready);

    auto stopped = Stop(30s);
    // Stop does not interrupt the handler: the server waits for it.
    EXPECT_EQ(stopped.wait_for(100ms), std::future_status::timeout);
    EXPECT_EQ(server_->ActiveConnections(), 1u);

    // New connections are refused as soon as Stop has run (the listener is closed).
    ASSERT_TRUE(Eventually([&] {
        try {
            RawSend("127.0.0.1", port_, "GET /slow HTTP/1.1\r\n\r\n", 100ms);
            return false;
        } catch (std::runtime_error const&) {
            return true;
        }
    }));

    gate->open = true;
    ASSERT_EQ(reply_future.wait_for(10s), std::future_status::ready);
    auto const response = reply_future.get();
    client_thread.join();
    EXPECT_EQ(response.status, 200);
    EXPECT_EQ(response.body, "finished");
    EXPECT_EQ(response.Header("connection"), "close");
    EXPECT_EQ(stopped.wait_for(10s), std::future_status::ready);
    EXPECT_EQ(server_->ActiveConnections(), 0u);
}

TEST_F(ServerStopTest, IdleKeepAliveConnectionsCloseAtOnce) {
    Router router;
    router.Add(verb::get, "/hello", Text("hello"));
    StartServer(FastOptions(), std::move(router));

    HttpClient client("127.0.0.1", port_);
    EXPECT_EQ(client.Get("/hello").status, 200);
    ASSERT_EQ(server_->ActiveConnections(), 1u);
    // Grace is a minute: on_stopped arriving within the wait proves the idle connection did not
    // have to wait for it.
    auto stopped = Stop(60s);
    EXPECT_EQ(stopped.wait_for(20s), std::future_status::ready);
    EXPECT_EQ(server_->ActiveConnections(), 0u);
    try {
        client.Get("/hello");
        ADD_FAILURE() << "request after Stop succeeded";
    } catch (std::runtime_error const& e) {
        EXPECT_THAT(e.what(), HasSubstr("http client: cannot connect to 127.0.0.1:" + std::to_string(port_) +
                                        ": Connection refused"));
    }
}

TEST_F(ServerStopTest, StuckConnectionIsClosedAfterGrace) {
    Router router;
    router.Add(verb::get, "/hello", Text("hello"));
    StartServer(FastOptions(), std::move(router));  // header timeout 10 s: only Stop can end this

    // One write: a complete request and half of the next. Once the first answer is back, the server
    // holds the half request in its buffer and is waiting for the rest of its header (not idle).
    RawConnection stuck(port_);
    stuck.Send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\nGET /hello HTTP/1.1\r\nHost: x\r\nX-Half");
    std::string const first = stuck.ReadUntil("hello");
    ASSERT_THAT(first, ::testing::StartsWith("HTTP/1.1 200 OK\r\n"));

    ::testing::internal::CaptureStderr();
    auto stopped = Stop(200ms);
    EXPECT_EQ(stopped.wait_for(10s), std::future_status::ready);
    std::string const log = ::testing::internal::GetCapturedStderr();
    EXPECT_EQ(stuck.ReadUntil(""), "");  // closed without a second answer
    EXPECT_THAT(log, HasSubstr("msg=\"connection closed at end of stop grace period\" listener=public"));
    EXPECT_EQ(server_->ActiveConnections(), 0u);
}

TEST_F(ServerStopTest, StopWithoutConnectionsReportsAtOnce) {
    StartServer(FastOptions(), Router{});
    EXPECT_EQ(Stop(60s).wait_for(10s), std::future_status::ready);
}

}  // namespace
}  // namespace b2b::http::test
