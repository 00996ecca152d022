#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include "core/http/router.hpp"

namespace b2b::http::detail {

/// One accepted socket and its deadline timer. Everything here runs on the socket's strand.
///
/// Deadlines use a timer that cancels the pending socket operation instead of closing the socket
/// (what beast::tcp_stream does), so the server can still answer "408 request timeout".
struct Connection {
    explicit Connection(boost::asio::ip::tcp::socket s);

    boost::asio::ip::tcp::socket socket;
    boost::asio::steady_timer deadline;
    std::uint64_t deadline_generation = 0;  ///< stale timer completions compare this and do nothing
    bool timed_out = false;                 ///< the last armed deadline fired
    bool idle = false;                      ///< waiting for a next request or lingering: Stop may close it
    std::string peer;                       ///< "address:port" for logs
};

/// Starts the deadline: when it expires before Disarm, pending socket operations are cancelled and
/// `timed_out` is set.
void ArmDeadline(std::shared_ptr<Connection> const& connection, std::chrono::steady_clock::time_point at);
void DisarmDeadline(Connection& connection);

/// "1.2.3.4:5678" / "[::1]:5678" for logs and messages.
std::string EndpointString(boost::asio::ip::tcp::endpoint const& endpoint);

/// Writes `response` within `timeout`. Returns false when the peer is gone or too slow to read.
boost::asio::awaitable<bool> WriteResponse(std::shared_ptr<Connection> connection, Response& response,
                                           std::chrono::milliseconds timeout);

/// Closes after a final response. With `linger`, first half-closes and discards what the client
/// still sends (unread body, its request after a 503) for a bounded time, so the kernel does not
/// answer that data with a reset that would destroy our response before the client reads it.
boost::asio::awaitable<void> CloseConnection(std::shared_ptr<Connection> connection, bool linger);

}  // namespace b2b::http::detail
