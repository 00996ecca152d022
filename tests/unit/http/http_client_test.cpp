#include "tests/support/http_client.hpp"

#include <memory>
#include <stdexcept>
#include <string>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/unit/http/server_fixture.hpp"
#include "tests/unit/http/test_handlers.hpp"

namespace b2b::http::test {
namespace {

using ::testing::HasSubstr;
using b2b::test::HttpClient;
using b2b::test::RawSend;
using beast_http::verb;
using namespace std::chrono_literals;

boost::asio::awaitable<Response> TwoCookies(Request request) {
    Response response{beast_http::status::created, request.version()};
    response.insert(beast_http::field::set_cookie, "a=1");
    response.insert(beast_http::field::set_cookie, "b=2");
    response.set("X-Seen-Auth", std::string(request[beast_http::field::authorization]));
    co_return response;
}

boost::asio::awaitable<Response> SlowReply(Request request, std::shared_ptr<std::atomic<bool>> release) {
    boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor);
    while (!*release) {
        timer.expires_after(5ms);
        co_await timer.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
    }
    co_return Response{beast_http::status::ok, request.version()};
}

using HttpClientTest = ServerFixture;

TEST_F(HttpClientTest, ReturnsStatusLowerCaseHeadersAndSendsGivenHeaders) {
    Router router;
    router.Add(verb::put, "/cookies", [](Request request) { return TwoCookies(std::move(request)); });
    StartServer(FastOptions(), std::move(router));

    HttpClient client("127.0.0.1", port_);
    auto const response = client.Request(verb::put, "/cookies", "x", {{"Authorization", "Basic dXNlcjpwdw=="}});
    EXPECT_EQ(response.status, 201);
    EXPECT_EQ(response.headers.at("set-cookie"), "a=1, b=2");
    EXPECT_EQ(response.headers.at("x-seen-auth"), "Basic dXNlcjpwdw==");
    EXPECT_EQ(response.Header("X-SEEN-AUTH"), "Basic dXNlcjpwdw==");
    EXPECT_EQ(response.Header("x-absent"), "");
}

TEST_F(HttpClientTest, TimeoutThrowsWithTheRequestInTheMessage) {
    auto release = std::make_shared<std::atomic<bool>>(false);
    Router router;
    router.Add(verb::get, "/slow", [release](Request request) { return SlowReply(std::move(request), release); });
    StartServer(FastOptions(), std::move(router));

    HttpClient client("127.0.0.1", port_, 200ms);
    try {
        client.Get("/slow");
        ADD_FAILURE() << "no timeout";
    } catch (std::runtime_error const& e) {
        EXPECT_EQ(std::string(e.what()), "http client: GET /slow to 127.0.0.1:" + std::to_string(port_) +
                                             ": no complete response within 200 ms");
    }
    *release = true;
    EXPECT_FALSE(client.Connected());
}

TEST_F(HttpClientTest, RefusedConnectionThrows) {
    // A port that was just free: bind, read the number, close.
    boost::asio::ip::tcp::acceptor probe(ioc_, {boost::asio::ip::make_address("127.0.0.1"), 0});
    auto const port = probe.local_endpoint().port();
    probe.close();
    HttpClient client("127.0.0.1", port);
    EXPECT_THROW(
        {
            try {
                client.Get("/");
            } catch (std::runtime_error const& e) {
                EXPECT_EQ(std::string(e.what()), "http client: cannot connect to 127.0.0.1:" + std::to_string(port) +
                                                     ": Connection refused");
                throw;
            }
        },
        std::runtime_error);
}

TEST_F(HttpClientTest, RawSendReturnsWhatArrivedWhenTheServerKeepsTheConnection) {
    Router router;
    router.Add(verb::get, "/hello", Text("hello"));
    StartServer(FastOptions(), std::move(router));

    EXPECT_EQ(RawSend("127.0.0.1", port_, "GET /hello HTTP/1.1\r\nHost: x\r\n", 200ms), "");
    auto const reply = RawSend("127.0.0.1", port_, "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n", 300ms);
    EXPECT_THAT(reply, ::testing::StartsWith("HTTP/1.1 200 OK\r\n"));
    EXPECT_THAT(reply, ::testing::EndsWith("\r\n\r\nhello"));
}

TEST_F(HttpClientTest, OversizedHeaderIs431) {
    Router router;
    router.Add(verb::get, "/hello", Text("hello"));
    StartServer(FastOptions(), std::move(router));

    auto const reply =
        RawSend("127.0.0.1", port_, "GET /hello HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(20000, 'a') + "\r\n\r\n");
    EXPECT_THAT(reply, ::testing::StartsWith("HTTP/1.1 431 Request Header Fields Too Large\r\n"));
    EXPECT_THAT(reply, HasSubstr("\r\n\r\nrequest header too large: limit is 16384 bytes\n"));
    EXPECT_THAT(Metrics(), HasSubstr("b2b_http_rejected_total{listener=\"public\",reason=\"too_large\"} 1\n"));
}

}  // namespace
}  // namespace b2b::http::test
