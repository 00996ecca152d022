#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "core/http/router.hpp"
#include "core/util/error.hpp"
#include "core/util/metrics.hpp"

namespace b2b::http {

struct ServerOptions {
    std::string name = "public";  ///< label in metrics and logs ("public", "admin")
    std::string address = "127.0.0.1";
    std::uint16_t port = 0;  ///< 0 = ephemeral (tests); Start() returns the bound endpoint
    /// Largest request body when the route does not set its own limit.
    std::uint64_t max_body = 64 << 20;
    /// From the first byte of a request until its header is complete; also how long a fresh
    /// connection may stay silent before its first byte.
    std::chrono::milliseconds header_timeout{10000};
    /// From the first byte of a request until its body is complete (total, not per read), so a
    /// client that trickles bytes is cut. Also bounds writing the response.
    std::chrono::milliseconds request_timeout{120000};
    /// How long a keep-alive connection may wait for its next request.
    std::chrono::milliseconds idle_timeout{60000};
    /// Connections beyond this get "503 too many connections" and are closed.
    int max_connections = 256;
};

namespace detail {
class ServerCore;
}

/// HTTP/1.1 server for one listener (Boost.Beast, C++20 coroutines). Each connection runs as a
/// coroutine on its own strand of `executor`, so the executor may be run by several threads.
///
/// Per request: the header is read first (deadline header_timeout), the route is looked up (404,
/// 405 with Allow), a Content-Length above the route's limit is refused with 413 before any body is
/// read, then the body is read within request_timeout counted from the first byte (408 when late,
/// 413 when a chunked body grows too large). Errors are short `text/plain` answers and close the
/// connection. A handler that throws yields 500 "internal error" and one error log line.
/// Metrics: see ServerMetrics. Logs: component "http", one line per rejected request or failure.
///
/// Thread-safety: every public member may be called from any thread.
/// Lifetime: destroy the Server after on_stopped has run or after the executor's io_context has
/// stopped; destroying it earlier closes all connections at once (Stop with no grace).
class Server {
public:
    Server(boost::asio::any_io_executor executor, ServerOptions options, Router router, metrics::Registry& metrics);
    ~Server();
    Server(Server const&) = delete;
    Server& operator=(Server const&) = delete;

    /// Binds and listens, then starts accepting on the executor. Returns the bound endpoint (the real
    /// port when options.port is 0). Errors (Permanent) name the listener and address, e.g.
    /// "http[admin]: cannot listen on 127.0.0.1:9090: Address already in use". Call once;
    /// calling it twice throws std::logic_error.
    Result<boost::asio::ip::tcp::endpoint> Start();

    /// Graceful stop: stops accepting at once and closes idle keep-alive connections; a request in
    /// progress is finished and its connection closed after the response ("Connection: close").
    /// After `grace`, connections still open are closed. `on_stopped` (may be empty) is posted to the
    /// executor once no connection remains; note a handler still running keeps its connection, so
    /// handlers need their own deadlines. Calling Stop again only adds a callback or shortens grace.
    void Stop(std::chrono::milliseconds grace, std::function<void()> on_stopped);

    /// Connections currently open (being served, idle keep-alive, or closing).
    std::size_t ActiveConnections() const;

    /// Atomically replaces the routes (config reload). Requests already routed keep the old table.
    void SetRouter(Router router);

private:
    std::shared_ptr<detail::ServerCore> core_;
};

}  // namespace b2b::http
