#include "tests/emulators/site/server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include <cctype>
#include <chrono>

namespace b2b::emu::site {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr auto kReadTimeout = std::chrono::seconds(60);
constexpr std::size_t kBodyLimit = 64 * 1024 * 1024;  // the 413 for big `file` chunks comes from Site
constexpr auto kAwaitTuple = asio::as_tuple(asio::use_awaitable);

}  // namespace

Server::Server(asio::io_context& io, Site& site, std::string const& address, std::uint16_t port)
    : io_(io), site_(site), acceptor_(io) {
    tcp::endpoint endpoint(asio::ip::make_address(address), port);
    acceptor_.open(endpoint.protocol());
    acceptor_.set_option(asio::socket_base::reuse_address(true));
    acceptor_.bind(endpoint);
    acceptor_.listen();
    port_ = acceptor_.local_endpoint().port();
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
            co_return;
        }
        auto& req = parser.get();
        HttpRequest request{std::string(req.method_string()), std::string(req.target()), {}, req.body()};
        for (auto const& field : req) {
            std::string name(field.name_string());
            for (auto& c : name) {
                c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            }
            request.headers[name] = std::string(field.value());
        }
        Reply reply = site_.Handle(request);
        if (reply.transport == Transport::kDrop) {
            boost::system::error_code ignored;
            stream.socket().close(ignored);
            co_return;
        }
        http::response<http::string_body> res{static_cast<http::status>(reply.status), req.version()};
        res.set(http::field::server, "nginx");
        res.set(http::field::content_type, reply.content_type);
        for (auto const& [name, value] : reply.headers) {
            res.insert(name, value);
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

}  // namespace b2b::emu::site
