#include "core/http/connection.hpp"

#include <array>
#include <tuple>
#include <utility>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/write.hpp>

namespace b2b::http::detail {
namespace {

namespace asio = boost::asio;

// Long enough for a client to read our answer and close; short enough that refused clients do not
// hold sockets.
constexpr std::chrono::milliseconds kLingerTime{1000};

}  // namespace

Connection::Connection(asio::ip::tcp::socket s) : socket(std::move(s)), deadline(socket.get_executor()) {
    boost::system::error_code ec;
    auto const remote = socket.remote_endpoint(ec);
    peer = ec ? std::string("unknown") : EndpointString(remote);
}

void ArmDeadline(std::shared_ptr<Connection> const& connection, std::chrono::steady_clock::time_point at) {
    auto const generation = ++connection->deadline_generation;
    connection->timed_out = false;
    connection->deadline.expires_at(at);
    connection->deadline.async_wait([connection, generation](boost::system::error_code ec) {
        if (ec || generation != connection->deadline_generation) {
            return;
        }
        connection->timed_out = true;
        boost::system::error_code ignored;
        connection->socket.cancel(ignored);
    });
}

void DisarmDeadline(Connection& connection) {
    ++connection.deadline_generation;
    connection.deadline.cancel();
}

std::string EndpointString(asio::ip::tcp::endpoint const& endpoint) {
    auto const address = endpoint.address();
    std::string text = address.is_v6() ? "[" + address.to_string() + "]" : address.to_string();
    return text + ":" + std::to_string(endpoint.port());
}

asio::awaitable<bool> WriteResponse(std::shared_ptr<Connection> connection, Response& response,
                                    std::chrono::milliseconds timeout) {
    ArmDeadline(connection, std::chrono::steady_clock::now() + timeout);
    auto [ec, written] = co_await boost::beast::http::async_write(connection->socket, response,
                                                                  asio::as_tuple(asio::use_awaitable));
    std::ignore = written;
    DisarmDeadline(*connection);
    co_return !ec;
}

asio::awaitable<void> CloseConnection(std::shared_ptr<Connection> connection, bool linger) {
    boost::system::error_code ignored;
    connection->socket.shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
    if (linger && connection->socket.is_open()) {
        connection->idle = true;
        ArmDeadline(connection, std::chrono::steady_clock::now() + kLingerTime);
        std::array<char, 4096> sink{};
        for (;;) {
            auto [ec, n] = co_await connection->socket.async_read_some(asio::buffer(sink),
                                                                       asio::as_tuple(asio::use_awaitable));
            std::ignore = n;
            if (ec) {
                break;
            }
        }
        DisarmDeadline(*connection);
    }
    connection->socket.close(ignored);
}

}  // namespace b2b::http::detail
