#include "tests/emulators/bitrix24/server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/url/parse.hpp>

#include <chrono>

namespace b2b::emu::bitrix24 {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr auto kReadTimeout = std::chrono::seconds(60);
constexpr auto kDeliveryTimeout = std::chrono::seconds(10);
constexpr std::size_t kBodyLimit = 64 * 1024 * 1024;
constexpr auto kAwaitTuple = asio::as_tuple(asio::use_awaitable);

}  // namespace

Server::Server(asio::io_context& io, Portal& portal, std::string const& address, std::uint16_t port)
    : io_(io), portal_(portal), acceptor_(io) {
    tcp::endpoint endpoint(asio::ip::make_address(address), port);
    acceptor_.open(endpoint.protocol());
    acceptor_.set_option(asio::socket_base::reuse_address(true));
    acceptor_.bind(endpoint);
    acceptor_.listen();
    port_ = acceptor_.local_endpoint().port();
    portal_.SetBaseUrl("http://" + address + ":" + std::to_string(port_));
}

void Server::Start() { asio::co_spawn(io_, AcceptLoop(), asio::detached); }

void Server::Stop() {
    boost::system::error_code ignored;
    acceptor_.close(ignored);
}

asio::awaitable<void> Server::AcceptLoop() {
    while (acceptor_.is_open()) {
        auto [ec, socket] = co_await acceptor_.async_accept(kAwaitTuple);
        if (ec) {
            if (ec == asio::error::operation_aborted) {
                co_return;
            }
            continue;
        }
        asio::co_spawn(io_, Session(beast::tcp_stream(std::move(socket))), asio::detached);
    }
}

asio::awaitable<void> Server::Session(beast::tcp_stream stream) {
    beast::flat_buffer buffer;
    while (true) {
        http::request_parser<http::string_body> parser;
        parser.body_limit(kBodyLimit);
        stream.expires_after(kReadTimeout);
        auto [read_ec, read_bytes] = co_await http::async_read(stream, buffer, parser, kAwaitTuple);
        if (read_ec) {
            co_return;  // peer closed, timed out or sent garbage: nothing to answer
        }
        auto& req = parser.get();
        HttpRequest request{std::string(req.method_string()), std::string(req.target()),
                            std::string(req[http::field::content_type]), req.body()};
        Reply reply = portal_.Handle(request);
        DispatchDeliveries();
        if (reply.transport != Transport::kAnswer) {
            // Fault injection: the client sees the connection die with no response at all.
            // kReset sends a TCP RST; kDropAfterApply closes cleanly (EOF before any byte).
            boost::system::error_code ignored;
            if (reply.transport == Transport::kReset) {
                stream.socket().set_option(asio::socket_base::linger(true, 0), ignored);
            }
            stream.socket().close(ignored);
            co_return;
        }
        http::response<http::string_body> res{static_cast<http::status>(reply.status), req.version()};
        res.set(http::field::server, "nginx");
        res.set(http::field::content_type, reply.content_type);
        for (auto const& [name, value] : reply.headers) {
            res.set(name, value);
        }
        res.keep_alive(req.keep_alive());
        res.body() = std::move(reply.body);
        res.prepare_payload();
        stream.expires_after(kReadTimeout);
        auto [write_ec, written] = co_await http::async_write(stream, res, kAwaitTuple);
        if (write_ec || !res.keep_alive()) {
            boost::system::error_code ignored;
            stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
            co_return;
        }
    }
}

void Server::DispatchDeliveries() {
    for (auto& delivery : portal_.TakeDeliveries()) {
        asio::co_spawn(io_, Deliver(std::move(delivery), portal_.event_delay_ms()), asio::detached);
    }
}

asio::awaitable<void> Server::Deliver(Delivery delivery, int delay_ms) {
    if (delay_ms > 0) {
        asio::steady_timer timer(io_, std::chrono::milliseconds(delay_ms));
        co_await timer.async_wait(kAwaitTuple);
    }
    auto url = boost::urls::parse_uri(delivery.url);
    if (!url || url->scheme() != "http") {
        portal_.RecordDelivery(delivery, 0, "only http:// handlers are emulated");
        co_return;
    }
    std::string host(url->host());
    std::string port = url->has_port() ? std::string(url->port()) : "80";
    std::string target = url->encoded_target().empty() ? "/" : std::string(url->encoded_target());
    tcp::resolver resolver(io_);
    auto [resolve_ec, endpoints] = co_await resolver.async_resolve(host, port, kAwaitTuple);
    if (resolve_ec) {
        portal_.RecordDelivery(delivery, 0, resolve_ec.message());
        co_return;
    }
    beast::tcp_stream stream(io_);
    stream.expires_after(kDeliveryTimeout);
    auto [connect_ec, connected] = co_await stream.async_connect(endpoints, kAwaitTuple);
    if (connect_ec) {
        // No retry: the portal logs the failure and the event is gone (§7).
        portal_.RecordDelivery(delivery, 0, connect_ec.message());
        co_return;
    }
    http::request<http::string_body> req{http::verb::post, target, 11};
    req.set(http::field::host, host);
    req.set(http::field::user_agent, "Bitrix24 Webhook Engine");
    req.set(http::field::content_type, "application/x-www-form-urlencoded");
    req.body() = delivery.body;
    req.prepare_payload();
    auto [write_ec, written] = co_await http::async_write(stream, req, kAwaitTuple);
    if (write_ec) {
        portal_.RecordDelivery(delivery, 0, write_ec.message());
        co_return;
    }
    beast::flat_buffer buffer;
    http::response<http::string_body> res;
    auto [read_ec, read] = co_await http::async_read(stream, buffer, res, kAwaitTuple);
    portal_.RecordDelivery(delivery, read_ec ? 0 : static_cast<int>(res.result_int()), read_ec ? read_ec.message() : "");
    boost::system::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
}

}  // namespace b2b::emu::bitrix24
