#include "core/http/server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/support/http_client.hpp"
#include "tests/unit/http/raw_connection.hpp"
#include "tests/unit/http/server_fixture.hpp"
#include "tests/unit/http/test_handlers.hpp"

namespace b2b::http::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;
using b2b::test::HttpClient;
using b2b::test::RawSend;
using beast_http::verb;
using namespace std::chrono_literals;

using ServerTest = ServerFixture;

// Sends `head`, then one body byte every `interval` until the server answers or closes; returns
// what the server sent. Plain POSIX so the pace is exactly what the test says.
std::string Trickle(std::uint16_t port, std::string const& head, std::chrono::milliseconds interval) {
    int const fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr const*>(&address), sizeof address) != 0) {
        ::close(fd);
        return "connect failed";
    }
    timeval receive_timeout{5, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &receive_timeout, sizeof receive_timeout);
    ::send(fd, head.data(), head.size(), MSG_NOSIGNAL);
    for (int i = 0; i < 400; ++i) {
        int available = 0;
        ::ioctl(fd, FIONREAD, &available);
        if (available > 0 || ::send(fd, "x", 1, MSG_NOSIGNAL) != 1) {
            break;
        }
        std::this_thread::sleep_for(interval);
    }
    std::string received;
    char chunk[4096];
    for (;;) {
        auto const n = ::recv(fd, chunk, sizeof chunk, 0);
        if (n <= 0) {
            break;
        }
        received.append(chunk, static_cast<std::size_t>(n));
    }
    ::close(fd);
    return received;
}

TEST_F(ServerTest, ServesRouteWithServerHeaderAndCountsIt) {
    Router router;
    router.Add(verb::get, "/hello", Text("hello"));
    StartServer(FastOptions(), std::move(router));

    HttpClient client("127.0.0.1", port_);
    auto const response = client.Get("/hello?lang=ru");
    EXPECT_EQ(response.status, 200);
    EXPECT_EQ(response.body, "hello");
    EXPECT_EQ(response.Header("Server"), "b2bsync");
    EXPECT_EQ(response.Header("content-length"), "5");
    EXPECT_THAT(Metrics(), HasSubstr("b2b_http_requests_total{listener=\"public\",route=\"/hello\",status=\"200\"} 1\n"));
}

TEST_F(ServerTest, UnknownPathIs404CountedAsUnmatched) {
    Router router;
    router.Add(verb::get, "/hello", Text("hello"));
    StartServer(FastOptions(), std::move(router));

    HttpClient client("127.0.0.1", port_);
    auto const response = client.Get("/wp-admin/../../etc/passwd");
    EXPECT_EQ(response.status, 404);
    EXPECT_EQ(response.body, "not found: no route for this path\n");
    EXPECT_EQ(response.Header("content-type"), "text/plain; charset=utf-8");
    EXPECT_EQ(client.Get("/another-probe").status, 404);
    auto const metrics = Metrics();
    EXPECT_THAT(metrics, HasSubstr("b2b_http_requests_total{listener=\"public\",route=\"unmatched\",status=\"404\"} 2\n"));
    EXPECT_THAT(metrics, Not(HasSubstr("wp-admin")));
    // No body was sent, so the connection stays usable.
    EXPECT_EQ(client.Get("/hello").status, 200);
    EXPECT_EQ(server_->ActiveConnections(), 1u);
}

TEST_F(ServerTest, WrongMethodIs405WithAllowHeader) {
    Router router;
    router.Add(verb::get, "/events", Text("list"));
    router.Add(verb::post, "/events", Echo());
    StartServer(FastOptions(), std::move(router));

    HttpClient client("127.0.0.1", port_);
    auto const response = client.Request(verb::delete_, "/events");
    EXPECT_EQ(response.status, 405);
    EXPECT_EQ(response.Header("allow"), "GET, POST");
    EXPECT_EQ(response.body, "method not allowed: use GET, POST\n");
    EXPECT_THAT(Metrics(), HasSubstr("b2b_http_requests_total{listener=\"public\",route=\"/events\",status=\"405\"} 1\n"));
}

TEST_F(ServerTest, KeepAliveReusesOneConnection) {
    Router router;
    router.Add(verb::post, "/echo", Echo());
    StartServer(FastOptions(), std::move(router));

    HttpClient client("127.0.0.1", port_);
    EXPECT_EQ(client.Post("/echo", "one").body, "one");
    EXPECT_EQ(client.Post("/echo", "two").body, "two");
    EXPECT_TRUE(client.Connected());
    EXPECT_EQ(server_->ActiveConnections(), 1u);
    EXPECT_THAT(Metrics(), HasSubstr("b2b_http_connections{listener=\"public\"} 1\n"));
    client.Close();
    EXPECT_TRUE(Eventually([&] { return server_->ActiveConnections() == 0; }));
    EXPECT_THAT(Metrics(), HasSubstr("b2b_http_connections{listener=\"public\"} 0\n"));
}

TEST_F(ServerTest, Http10RequestIsAnsweredAndClosed) {
    Router router;
    router.Add(verb::get, "/hello", Text("hello"));
    StartServer(FastOptions(), std::move(router));

    // RawSend returns only when the server closes (or after 5 s, which would lose the body check).
    auto const reply = RawSend("127.0.0.1", port_, "GET /hello HTTP/1.0\r\n\r\n");
    EXPECT_THAT(reply, StartsWith("HTTP/1.0 200 OK\r\n"));
    EXPECT_THAT(reply, HasSubstr("\r\n\r\nhello"));
    EXPECT_THAT(reply, Not(HasSubstr("keep-alive")));
}

TEST_F(ServerTest, BodyWithinRouteLimitReachesHandler) {
    Router router;
    router.Add(verb::post, "/upload", Echo(), RouteOptions{.max_body = 16});
    StartServer(FastOptions(), std::move(router));

    HttpClient client("127.0.0.1", port_);
    auto const response = client.Post("/upload", "exactly16bytes!!");
    EXPECT_EQ(response.status, 200);
    EXPECT_EQ(response.body, "exactly16bytes!!");
}

TEST_F(ServerTest, ExpectContinueIsAnsweredBeforeTheBody) {
    Router router;
    router.Add(verb::post, "/upload", Echo(), RouteOptions{.max_body = 16});
    StartServer(FastOptions(), std::move(router));

    RawConnection client(port_);
    client.Send("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
    EXPECT_EQ(client.ReadUntil("\r\n\r\n"), "HTTP/1.1 100 Continue\r\n\r\n");
    client.Send("hello");
    std::string const reply = client.ReadUntil("\r\n\r\nhello");
    EXPECT_THAT(reply, StartsWith("HTTP/1.1 200 OK\r\n"));
    EXPECT_THAT(reply, HasSubstr("X-Method: POST\r\n"));
}

TEST_F(ServerTest, DeclaredBodyOverRouteLimitIs413WithoutReadingIt) {
    auto calls = std::make_shared<std::atomic<int>>(0);
    Router router;
    router.Add(verb::post, "/upload", Counted(calls, "stored"), RouteOptions{.max_body = 16});
    StartServer(FastOptions(), std::move(router));

    // Only the header is sent: the answer must come without waiting for the 1 MB body.
    auto const reply = RawSend("127.0.0.1", port_,
                               "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\n", 5s);
    EXPECT_THAT(reply, StartsWith("HTTP/1.1 413 Payload Too Large\r\n"));
    EXPECT_THAT(reply, HasSubstr("Connection: close\r\n"));
    EXPECT_THAT(reply, HasSubstr("\r\n\r\nrequest body too large: limit is 16 bytes\n"));
    EXPECT_EQ(calls->load(), 0);
    auto const metrics = Metrics();
    EXPECT_THAT(metrics, HasSubstr("b2b_http_rejected_total{listener=\"public\",reason=\"too_large\"} 1\n"));
    EXPECT_THAT(metrics, HasSubstr("b2b_http_requests_total{listener=\"public\",route=\"/upload\",status=\"413\"} 1\n"));
}

TEST_F(ServerTest, ServerMaxBodyAppliesWhenRouteSetsNone) {
    auto options = FastOptions();
    options.max_body = 8;
    Router router;
    router.Add(verb::post, "/echo", Echo());
    StartServer(options, std::move(router));

    HttpClient client("127.0.0.1", port_);
    EXPECT_EQ(client.Post("/echo", "12345678").status, 200);
    auto const refused = client.Post("/echo", "123456789");
    EXPECT_EQ(refused.status, 413);
    EXPECT_EQ(refused.body, "request body too large: limit is 8 bytes\n");
    EXPECT_FALSE(client.Connected());  // the server closed it
}

TEST_F(ServerTest, ChunkedBodyGrowingOverLimitIs413) {
    auto calls = std::make_shared<std::atomic<int>>(0);
    Router router;
    router.Add(verb::post, "/upload", Counted(calls, "stored"), RouteOptions{.max_body = 16});
    StartServer(FastOptions(), std::move(router));

    auto const reply = RawSend("127.0.0.1", port_,
                               "POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                               "10\r\n0123456789abcdef\r\n"
                               "10\r\n0123456789abcdef\r\n0\r\n\r\n");
    EXPECT_THAT(reply, StartsWith("HTTP/1.1 413 Payload Too Large\r\n"));
    EXPECT_THAT(reply, HasSubstr("request body too large: limit is 16 bytes\n"));
    EXPECT_EQ(calls->load(), 0);
}

TEST_F(ServerTest, MalformedRequestIs400AndCounted) {
    Router router;
    router.Add(verb::get, "/hello", Text("hello"));
    StartServer(FastOptions(), std::move(router));

    auto const reply = RawSend("127.0.0.1", port_, "HELLO THERE\r\n\r\n");
    EXPECT_THAT(reply, StartsWith("HTTP/1.1 400 Bad Request\r\n"));
    EXPECT_THAT(reply, HasSubstr("\r\n\r\nbad request: "));
    auto const metrics = Metrics();
    EXPECT_THAT(metrics, HasSubstr("b2b_http_rejected_total{listener=\"public\",reason=\"bad_request\"} 1\n"));
    EXPECT_THAT(metrics,
                HasSubstr("b2b_http_requests_total{listener=\"public\",route=\"unmatched\",status=\"400\"} 1\n"));
}

TEST_F(ServerTest, IncompleteHeaderIsCutWith408) {
    auto options = FastOptions();
    options.header_timeout = 200ms;
    Router router;
    router.Add(verb::get, "/hello", Text("hello"));
    StartServer(options, std::move(router));

    auto const reply = RawSend("127.0.0.1", port_, "GET /hello HTTP/1.1\r\nHost: x\r\n", 5s);
    EXPECT_THAT(reply, StartsWith("HTTP/1.1 408 Request Timeout\r\n"));
    EXPECT_THAT(reply, HasSubstr("\r\n\r\nrequest timeout: header not received within 200 ms\n"));
    EXPECT_THAT(Metrics(), HasSubstr("b2b_http_rejected_total{listener=\"public\",reason=\"timeout\"} 1\n"));
}

TEST_F(ServerTest, TricklingClientIsCutByTotalRequestTimeoutWhileOthersAreServed) {
    auto options = FastOptions();
    options.request_timeout = 600ms;
    Router router;
    router.Add(verb::post, "/upload", Echo());
    router.Add(verb::get, "/hello", Text("hello"));
    StartServer(options, std::move(router));

    // Each byte arrives well within any per-read timeout; only a total deadline stops this client.
    std::string trickled;
    std::thread trickler([&] {
        trickled = Trickle(port_, "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n", 20ms);
    });
    HttpClient client("127.0.0.1", port_);
    for (int i = 0; i < 5; ++i) {
        EXPECT_EQ(client.Get("/hello").status, 200);
    }
    trickler.join();
    EXPECT_THAT(trickled, StartsWith("HTTP/1.1 408 Request Timeout\r\n"));
    EXPECT_THAT(trickled, HasSubstr("request timeout: body not received within 600 ms\n"));
    EXPECT_THAT(Metrics(), HasSubstr("b2b_http_rejected_total{listener=\"public\",reason=\"timeout\"} 1\n"));
}

TEST_F(ServerTest, IdleKeepAliveConnectionIsClosedAndClientReconnects) {
    auto options = FastOptions();
    options.idle_timeout = 100ms;
    Router router;
    router.Add(verb::get, "/hello", Text("hello"));
    StartServer(options, std::move(router));

    HttpClient client("127.0.0.1", port_);
    EXPECT_EQ(client.Get("/hello").status, 200);
    EXPECT_TRUE(Eventually([&] { return server_->ActiveConnections() == 0; }));
    // The kept connection is dead; the client notices and reconnects once.
    EXPECT_EQ(client.Get("/hello").body, "hello");
    // An idle close is routine, not a rejection.
    EXPECT_THAT(Metrics(), HasSubstr("b2b_http_rejected_total{listener=\"public\",reason=\"timeout\"} 0\n"));
}

TEST_F(ServerTest, ConnectionsBeyondLimitGet503) {
    auto options = FastOptions();
    options.max_connections = 1;
    Router router;
    router.Add(verb::get, "/hello", Text("hello"));
    StartServer(options, std::move(router));

    HttpClient first("127.0.0.1", port_);
    EXPECT_EQ(first.Get("/hello").status, 200);
    HttpClient second("127.0.0.1", port_);
    auto const refused = second.Get("/hello");
    EXPECT_EQ(refused.status, 503);
    EXPECT_EQ(refused.body, "too many connections: limit is 1, try again later\n");
    EXPECT_EQ(refused.Header("connection"), "close");
    EXPECT_THAT(Metrics(),
                HasSubstr("b2b_http_rejected_total{listener=\"public\",reason=\"too_many_connections\"} 1\n"));

    first.Close();
    ASSERT_TRUE(Eventually([&] { return server_->ActiveConnections() == 0; }));
    EXPECT_EQ(second.Get("/hello").status, 200);
}

TEST_F(ServerTest, ThrowingHandlerGives500AndOneBugLineWithoutPayload) {
    Router router;
    router.Add(verb::post, "/boom", Throwing());
    StartServer(FastOptions(), std::move(router));

    HttpClient client("127.0.0.1", port_);
    ::testing::internal::CaptureStderr();
    auto const response = client.Post("/boom", "INN=7701234567 SECRET-PAYLOAD");
    // The log line is written before the response, so it is in the capture now.
    std::string const log = ::testing::internal::GetCapturedStderr();
    EXPECT_EQ(response.status, 500);
    EXPECT_EQ(response.body, "internal error\n");
    EXPECT_EQ(response.Header("content-type"), "text/plain; charset=utf-8");
    EXPECT_THAT(log, HasSubstr("component=http msg=\"handler failed\" listener=public peer=127.0.0.1:"));
    EXPECT_THAT(log, HasSubstr("route=/boom error_class=bug what=\"handler exploded\""));
    EXPECT_EQ(log.find("handler failed"), log.rfind("handler failed"));
    EXPECT_THAT(log, Not(HasSubstr("SECRET-PAYLOAD")));
    EXPECT_THAT(Metrics(), HasSubstr("b2b_http_requests_total{listener=\"public\",route=\"/boom\",status=\"500\"} 1\n"));
    // The connection survives a handler failure.
    EXPECT_TRUE(client.Connected());
}

TEST_F(ServerTest, StartFailsWithOperatorMessageWhenPortIsTaken) {
    Router router;
    router.Add(verb::get, "/hello", Text("hello"));
    StartServer(FastOptions(), Router(router));

    ServerOptions options = FastOptions();
    options.name = "admin";
    options.port = port_;
    Server second(ioc_.get_executor(), options, router, registry_);
    auto const result = second.Start();
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().message,
              "http[admin]: cannot listen on 127.0.0.1:" + std::to_string(port_) + ": Address already in use");
    EXPECT_EQ(result.error().error_class, ErrorClass::kPermanent);
}

TEST_F(ServerTest, StartRejectsInvalidAddress) {
    ServerOptions options = FastOptions();
    options.address = "localhost:80";
    Server server(ioc_.get_executor(), options, Router{}, registry_);
    auto const result = server.Start();
    ASSERT_FALSE(result);
    EXPECT_THAT(result.error().message, StartsWith("http[public]: invalid listen address \"localhost:80\": "));
}

TEST_F(ServerTest, SetRouterSwapsRoutesForNextRequests) {
    Router before;
    before.Add(verb::get, "/old", Text("old"));
    StartServer(FastOptions(), std::move(before));

    HttpClient client("127.0.0.1", port_);
    EXPECT_EQ(client.Get("/old").body, "old");
    Router after;
    after.Add(verb::get, "/new", Text("new"));
    server_->SetRouter(std::move(after));
    // Same keep-alive connection, new table.
    EXPECT_EQ(client.Get("/old").status, 404);
    EXPECT_EQ(client.Get("/new").body, "new");
}

TEST_F(ServerTest, RestartAfterStopBindsTheSamePort) {
    Router router;
    router.Add(verb::get, "/hello", Text("hello"));
    StartServer(FastOptions(), Router(router));
    HttpClient client("127.0.0.1", port_);
    EXPECT_EQ(client.Get("/hello").status, 200);
    ASSERT_TRUE(StopServer());

    ServerOptions options = FastOptions();
    options.port = port_;
    Server again(ioc_.get_executor(), options, router, registry_);
    ASSERT_TRUE(again.Start());
    EXPECT_EQ(client.Get("/hello").body, "hello");
    std::promise<void> stopped;
    again.Stop(0ms, [&] { stopped.set_value(); });
    EXPECT_EQ(stopped.get_future().wait_for(10s), std::future_status::ready);
}

}  // namespace
}  // namespace b2b::http::test
