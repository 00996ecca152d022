#include "core/http/server.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <set>
#include <stdexcept>
#include <tuple>
#include <utility>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <fmt/format.h>

#include "core/http/connection.hpp"
#include "core/http/server_metrics.hpp"
#include "core/http/text_response.hpp"
#include "core/util/log.hpp"

namespace b2b::http {
namespace detail {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using SteadyClock = std::chrono::steady_clock;
using ConnectionPtr = std::shared_ptr<Connection>;

constexpr char kServerHeader[] = "b2bsync";
constexpr std::uint32_t kMaxHeaderBytes = 16 * 1024;
constexpr std::size_t kReadChunk = 16 * 1024;
constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
// Error answers are tiny; a client that cannot take them in this long is not worth waiting for.
constexpr std::chrono::milliseconds kErrorWriteTimeout{5000};
// After a failed accept (EMFILE and friends) retrying at once would spin.
constexpr std::chrono::milliseconds kAcceptRetryDelay{100};
// Exception text may quote request data; keep the log line short.
constexpr std::size_t kMaxLoggedWhat = 200;

// The peer went away or we closed the socket ourselves: nothing to answer.
bool IsDisconnect(boost::system::error_code const& ec) {
    return ec == boost::beast::http::error::end_of_stream || ec == asio::error::eof ||
           ec == asio::error::connection_reset || ec == asio::error::operation_aborted ||
           ec == asio::error::bad_descriptor || ec == asio::error::broken_pipe ||
           ec == boost::beast::http::error::partial_message;
}

std::string Truncate(std::string_view text) {
    return std::string(text.substr(0, kMaxLoggedWhat));
}

void FinishResponse(Response& response, unsigned version, bool keep_alive, beast_http::verb method) {
    response.version(version);
    response.set(beast_http::field::server, kServerHeader);
    response.keep_alive(keep_alive);
    // A handler answering HEAD sets Content-Length for the body it did not send: keep it.
    if (method != beast_http::verb::head || !response.has_content_length()) {
        response.prepare_payload();
    }
}

}  // namespace

/// Shared state of one listener; kept alive by every connection coroutine, so destroying the
/// Server while connections drain is safe.
class ServerCore : public std::enable_shared_from_this<ServerCore> {
public:
    ServerCore(asio::any_io_executor executor, ServerOptions options, Router router, metrics::Registry& registry)
        : executor_(std::move(executor)),
          strand_(asio::make_strand(executor_)),
          options_(std::move(options)),
          label_("http[" + options_.name + "]"),
          metrics_(registry, options_.name),
          acceptor_(strand_),
          grace_timer_(strand_),
          router_(std::make_shared<Router const>(std::move(router))) {}

    Result<tcp::endpoint> Start();
    void Stop(std::chrono::milliseconds grace, std::function<void()> on_stopped);

    std::size_t ActiveConnections() const {
        std::lock_guard lock(mutex_);
        return connections_.size();
    }

    void SetRouter(Router router) {
        auto next = std::make_shared<Router const>(std::move(router));
        std::lock_guard lock(mutex_);
        router_ = std::move(next);
    }

private:
    static asio::awaitable<void> AcceptLoop(std::shared_ptr<ServerCore> self);
    static asio::awaitable<void> RunSession(std::shared_ptr<ServerCore> self, ConnectionPtr connection);
    static asio::awaitable<bool> ServeOne(std::shared_ptr<ServerCore> self, ConnectionPtr connection,
                                          boost::beast::flat_buffer& buffer);
    static asio::awaitable<void> Reject(std::shared_ptr<ServerCore> self, ConnectionPtr connection,
                                        beast_http::status status, RejectReason reason, std::string route,
                                        std::string text, unsigned version);
    static asio::awaitable<void> RejectBusy(std::shared_ptr<ServerCore> self, ConnectionPtr connection);

    void DoStop(std::chrono::milliseconds grace, std::function<void()> on_stopped);
    void CloseAll();
    bool TryAdd(ConnectionPtr const& connection);
    void OnSessionEnd(ConnectionPtr const& connection, std::exception_ptr error);
    void PostCallbacks(std::vector<std::function<void()>> callbacks);
    std::shared_ptr<Router const> CurrentRouter() const {
        std::lock_guard lock(mutex_);
        return router_;
    }
    void LogCrash(std::string_view what, std::exception_ptr error) const;

    asio::any_io_executor executor_;
    asio::strand<asio::any_io_executor> strand_;  // acceptor, grace timer, Stop
    ServerOptions options_;
    std::string label_;
    ServerMetrics metrics_;
    tcp::acceptor acceptor_;
    asio::steady_timer grace_timer_;
    bool started_ = false;
    std::atomic<bool> stopping_{false};
    SteadyClock::time_point grace_deadline_ = SteadyClock::time_point::max();

    mutable std::mutex mutex_;
    std::shared_ptr<Router const> router_;         // guarded by mutex_
    std::set<ConnectionPtr> connections_;          // guarded by mutex_
    std::vector<std::function<void()>> on_stopped_;  // guarded by mutex_
};

Result<tcp::endpoint> ServerCore::Start() {
    if (started_) {
        throw std::logic_error(label_ + ": Start() called twice");
    }
    boost::system::error_code ec;
    auto const address = asio::ip::make_address(options_.address, ec);
    if (ec) {
        return Error::Permanent(
            fmt::format("{}: invalid listen address \"{}\": {}", label_, options_.address, ec.message()));
    }
    tcp::endpoint const requested(address, options_.port);
    auto const fail = [&](boost::system::error_code const& error) {
        boost::system::error_code ignored;
        acceptor_.close(ignored);
        return Error::Permanent(
            fmt::format("{}: cannot listen on {}: {}", label_, EndpointString(requested), error.message()));
    };
    if (acceptor_.open(requested.protocol(), ec); ec) {
        return fail(ec);
    }
    // Lets a restarted daemon bind while old connections sit in TIME_WAIT; Linux still refuses a
    // second listener on the same port.
    if (acceptor_.set_option(asio::socket_base::reuse_address(true), ec); ec) {
        return fail(ec);
    }
    if (acceptor_.bind(requested, ec); ec) {
        return fail(ec);
    }
    if (acceptor_.listen(asio::socket_base::max_listen_connections, ec); ec) {
        return fail(ec);
    }
    auto const bound = acceptor_.local_endpoint(ec);
    if (ec) {
        return fail(ec);
    }
    started_ = true;
    log::Info("http", "listening", {{"listener", options_.name}, {"address", EndpointString(bound)}});
    auto self = shared_from_this();
    asio::co_spawn(strand_, AcceptLoop(self),
                   [self](std::exception_ptr error) { self->LogCrash("accept loop crashed", error); });
    return bound;
}

void ServerCore::Stop(std::chrono::milliseconds grace, std::function<void()> on_stopped) {
    asio::post(strand_, [self = shared_from_this(), grace, on_stopped = std::move(on_stopped)]() mutable {
        self->DoStop(grace, std::move(on_stopped));
    });
}

void ServerCore::DoStop(std::chrono::milliseconds grace, std::function<void()> on_stopped) {
    bool const first = !stopping_.exchange(true);
    boost::system::error_code ignored;
    acceptor_.close(ignored);

    std::vector<ConnectionPtr> open;
    std::vector<std::function<void()>> ready;
    {
        std::lock_guard lock(mutex_);
        if (on_stopped) {
            on_stopped_.push_back(std::move(on_stopped));
        }
        open.assign(connections_.begin(), connections_.end());
        if (connections_.empty()) {
            ready.swap(on_stopped_);
        }
    }
    PostCallbacks(std::move(ready));
    if (first) {
        log::Info("http", "stopping", {{"listener", options_.name},
                                       {"connections", open.size()},
                                       {"grace_ms", static_cast<std::int64_t>(grace.count())}});
        // Idle keep-alive connections have nothing to finish; busy ones see stopping_ and close
        // after their response.
        for (auto const& connection : open) {
            asio::post(connection->socket.get_executor(), [connection] {
                if (connection->idle) {
                    boost::system::error_code ignored;
                    connection->socket.close(ignored);
                }
            });
        }
    }
    auto const deadline = SteadyClock::now() + grace;
    if (deadline < grace_deadline_) {
        grace_deadline_ = deadline;
        grace_timer_.expires_at(deadline);
        grace_timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
            if (!ec) {
                self->CloseAll();
            }
        });
    }
}

void ServerCore::CloseAll() {
    std::vector<ConnectionPtr> open;
    {
        std::lock_guard lock(mutex_);
        open.assign(connections_.begin(), connections_.end());
    }
    for (auto const& connection : open) {
        asio::post(connection->socket.get_executor(), [connection, listener = options_.name] {
            if (!connection->socket.is_open()) {
                return;  // already closing on its own
            }
            log::Warn("http", "connection closed at end of stop grace period",
                      {{"listener", listener}, {"peer", connection->peer}});
            boost::system::error_code ignored;
            connection->socket.close(ignored);
        });
    }
}

bool ServerCore::TryAdd(ConnectionPtr const& connection) {
    std::lock_guard lock(mutex_);
    if (connections_.size() >= static_cast<std::size_t>(std::max(options_.max_connections, 0))) {
        return false;
    }
    connections_.insert(connection);
    metrics_.Connections().Add(1);
    return true;
}

void ServerCore::OnSessionEnd(ConnectionPtr const& connection, std::exception_ptr error) {
    if (error) {
        LogCrash("connection crashed", error);
    }
    boost::system::error_code ignored;
    connection->socket.close(ignored);
    DisarmDeadline(*connection);
    std::vector<std::function<void()>> ready;
    {
        std::lock_guard lock(mutex_);
        if (connections_.erase(connection) != 0) {
            metrics_.Connections().Add(-1);
        }
        if (stopping_ && connections_.empty()) {
            ready.swap(on_stopped_);
        }
    }
    PostCallbacks(std::move(ready));
}

void ServerCore::PostCallbacks(std::vector<std::function<void()>> callbacks) {
    for (auto& callback : callbacks) {
        asio::post(executor_, std::move(callback));
    }
}

void ServerCore::LogCrash(std::string_view what, std::exception_ptr error) const {
    if (!error) {
        return;
    }
    // Only std::exception is ours to report; anything else propagates (it would be a bug elsewhere).
    try {
        std::rethrow_exception(error);
    } catch (std::exception const& e) {
        log::Error("http", what, {{"listener", options_.name}, {"error_class", "bug"}, {"what", Truncate(e.what())}});
    }
}

asio::awaitable<void> ServerCore::AcceptLoop(std::shared_ptr<ServerCore> self) {
    for (;;) {
        tcp::socket socket(asio::make_strand(self->executor_));
        auto [ec] = co_await self->acceptor_.async_accept(socket, asio::as_tuple(asio::use_awaitable));
        if (self->stopping_ || !self->acceptor_.is_open()) {
            co_return;
        }
        if (ec) {
            log::Warn("http", "accept failed", {{"listener", self->options_.name}, {"error", ec.message()}});
            asio::steady_timer pause(self->strand_, kAcceptRetryDelay);
            std::ignore = co_await pause.async_wait(asio::as_tuple(asio::use_awaitable));
            continue;
        }
        auto connection = std::make_shared<Connection>(std::move(socket));
        auto const executor = connection->socket.get_executor();
        if (!self->TryAdd(connection)) {
            asio::co_spawn(executor, RejectBusy(self, connection),
                           [self](std::exception_ptr error) { self->LogCrash("connection crashed", error); });
            continue;
        }
        asio::co_spawn(executor, RunSession(self, connection), [self, connection](std::exception_ptr error) {
            self->OnSessionEnd(connection, error);
        });
    }
}

asio::awaitable<void> ServerCore::RejectBusy(std::shared_ptr<ServerCore> self, ConnectionPtr connection) {
    self->metrics_.CountRejected(RejectReason::kTooManyConnections);
    log::Warn("http", "connection rejected",
              {{"listener", self->options_.name},
               {"peer", connection->peer},
               {"reason", ToString(RejectReason::kTooManyConnections)},
               {"limit", self->options_.max_connections}});
    auto response = MakeTextResponse(
        beast_http::status::service_unavailable,
        fmt::format("too many connections: limit is {}, try again later", self->options_.max_connections));
    FinishResponse(response, 11, false, beast_http::verb::get);
    co_await WriteResponse(connection, response, kErrorWriteTimeout);
    co_await CloseConnection(connection, true);
}

asio::awaitable<void> ServerCore::RunSession(std::shared_ptr<ServerCore> self, ConnectionPtr connection) {
    boost::beast::flat_buffer buffer;
    bool first = true;
    for (;;) {
        if (buffer.size() == 0) {
            // Idle: no byte of the next request yet. Stop closes connections in this state.
            connection->idle = true;
            if (self->stopping_) {
                break;
            }
            auto const wait = first ? self->options_.header_timeout : self->options_.idle_timeout;
            ArmDeadline(connection, SteadyClock::now() + wait);
            auto [ec, n] = co_await connection->socket.async_read_some(buffer.prepare(kReadChunk),
                                                                       asio::as_tuple(asio::use_awaitable));
            DisarmDeadline(*connection);
            connection->idle = false;
            if (ec) {
                if (connection->timed_out) {
                    log::Debug("http", "idle connection closed",
                               {{"listener", self->options_.name}, {"peer", connection->peer}});
                }
                break;
            }
            buffer.commit(n);
        }
        first = false;
        if (!co_await ServeOne(self, connection, buffer)) {
            co_return;
        }
    }
    boost::system::error_code ignored;
    connection->socket.close(ignored);
}

asio::awaitable<bool> ServerCore::ServeOne(std::shared_ptr<ServerCore> self, ConnectionPtr connection,
                                           boost::beast::flat_buffer& buffer) {
    auto const& options = self->options_;
    auto const started = SteadyClock::now();
    beast_http::request_parser<beast_http::string_body> parser;
    parser.header_limit(kMaxHeaderBytes);
    parser.body_limit(boost::none);  // the route's limit is applied once the header is known

    ArmDeadline(connection, started + std::min(options.header_timeout, options.request_timeout));
    auto [header_ec, header_bytes] =
        co_await beast_http::async_read_header(connection->socket, buffer, parser, asio::as_tuple(asio::use_awaitable));
    std::ignore = header_bytes;
    DisarmDeadline(*connection);
    if (header_ec) {
        std::string const unmatched(ServerMetrics::kUnmatchedRoute);
        if (connection->timed_out) {
            co_await Reject(self, connection, beast_http::status::request_timeout, RejectReason::kTimeout, unmatched,
                            fmt::format("request timeout: header not received within {} ms",
                                        std::min(options.header_timeout, options.request_timeout).count()),
                            11);
        } else if (header_ec == beast_http::error::header_limit) {
            co_await Reject(self, connection, beast_http::status::request_header_fields_too_large,
                            RejectReason::kTooLarge, unmatched,
                            fmt::format("request header too large: limit is {} bytes", kMaxHeaderBytes), 11);
        } else if (!IsDisconnect(header_ec)) {
            co_await Reject(self, connection, beast_http::status::bad_request, RejectReason::kBadRequest, unmatched,
                            "bad request: " + header_ec.message(), 11);
        }
        co_return false;
    }

    auto const& header = parser.get();
    unsigned const version = header.version();
    auto const method = header.method();
    bool const has_body = !parser.is_done();
    auto const router = self->CurrentRouter();
    auto const match = router->Find(method, header.target());

    if (match.kind != RouteMatch::Kind::kFound) {
        bool const not_found = match.kind == RouteMatch::Kind::kNotFound;
        auto response = not_found ? MakeTextResponse(beast_http::status::not_found,
                                                     "not found: no route for this path", version)
                                  : MakeTextResponse(beast_http::status::method_not_allowed,
                                                     "method not allowed: use " + match.allow, version);
        if (!not_found) {
            response.set(beast_http::field::allow, match.allow);
        }
        // The body of a refused request is never read, so the connection cannot be reused.
        bool const keep_alive = !has_body && header.keep_alive() && !self->stopping_;
        FinishResponse(response, version, keep_alive, method);
        auto const route = not_found ? std::string(ServerMetrics::kUnmatchedRoute) : match.path;
        self->metrics_.CountRequest(route, response.result_int());
        log::Debug("http", not_found ? "no route" : "method not allowed",
                   {{"listener", options.name}, {"peer", connection->peer}, {"route", route}});
        bool const written = co_await WriteResponse(connection, response, kErrorWriteTimeout);
        if (!written || !keep_alive) {
            co_await CloseConnection(connection, true);
            co_return false;
        }
        co_return true;
    }

    auto const& route = *match.route;
    std::uint64_t const limit = route.options.max_body != 0 ? route.options.max_body : options.max_body;
    auto const too_large_text = fmt::format("request body too large: limit is {} bytes", limit);
    if (auto const length = parser.content_length(); length && *length > limit) {
        co_await Reject(self, connection, beast_http::status::payload_too_large, RejectReason::kTooLarge, route.path,
                        too_large_text, version);
        co_return false;
    }
    if (has_body && version >= 11 && boost::beast::iequals(header[beast_http::field::expect], "100-continue")) {
        // Clients such as curl hold a large body back until told to go on (or for a second).
        ArmDeadline(connection, started + options.request_timeout);
        auto [continue_ec, continue_bytes] = co_await asio::async_write(
            connection->socket, asio::buffer(kContinue.data(), kContinue.size()), asio::as_tuple(asio::use_awaitable));
        std::ignore = continue_bytes;
        DisarmDeadline(*connection);
        if (continue_ec) {
            co_return false;
        }
    }
    if (has_body) {
        parser.body_limit(limit);
        ArmDeadline(connection, started + options.request_timeout);
        auto [body_ec, body_bytes] =
            co_await beast_http::async_read(connection->socket, buffer, parser, asio::as_tuple(asio::use_awaitable));
        std::ignore = body_bytes;
        DisarmDeadline(*connection);
        if (body_ec) {
            if (connection->timed_out) {
                co_await Reject(self, connection, beast_http::status::request_timeout, RejectReason::kTimeout,
                                route.path,
                                fmt::format("request timeout: body not received within {} ms",
                                            options.request_timeout.count()),
                                version);
            } else if (body_ec == beast_http::error::body_limit) {
                co_await Reject(self, connection, beast_http::status::payload_too_large, RejectReason::kTooLarge,
                                route.path, too_large_text, version);
            } else if (!IsDisconnect(body_ec)) {
                co_await Reject(self, connection, beast_http::status::bad_request, RejectReason::kBadRequest,
                                route.path, "bad request: " + body_ec.message(), version);
            }
            co_return false;
        }
    }

    Request request = parser.release();
    bool const client_keep_alive = request.keep_alive();
    Response response;
    bool failed = false;
    try {
        response = co_await route.handler(std::move(request));
    } catch (std::exception const& e) {
        failed = true;
        log::Error("http", "handler failed", {{"listener", options.name},
                                              {"peer", connection->peer},
                                              {"route", route.path},
                                              {"error_class", "bug"},
                                              {"what", Truncate(e.what())}});
    }
    if (failed) {
        response = MakeTextResponse(beast_http::status::internal_server_error, "internal error", version);
    }
    bool const keep_alive = client_keep_alive && response.keep_alive() && !self->stopping_;
    FinishResponse(response, version, keep_alive, method);
    self->metrics_.CountRequest(route.path, response.result_int());
    bool const written = co_await WriteResponse(connection, response, options.request_timeout);
    if (!written) {
        log::Warn("http", "response not delivered",
                  {{"listener", options.name},
                   {"peer", connection->peer},
                   {"route", route.path},
                   {"reason", connection->timed_out ? "timeout" : "disconnected"}});
        co_return false;
    }
    if (!keep_alive) {
        // Pipelined bytes may follow; discard them instead of resetting the connection.
        co_await CloseConnection(connection, buffer.size() != 0);
        co_return false;
    }
    co_return true;
}

asio::awaitable<void> ServerCore::Reject(std::shared_ptr<ServerCore> self, ConnectionPtr connection,
                                         beast_http::status status, RejectReason reason, std::string route,
                                         std::string text, unsigned version) {
    self->metrics_.CountRejected(reason);
    self->metrics_.CountRequest(route, static_cast<unsigned>(status));
    log::Warn("http", "request rejected",
              {{"listener", self->options_.name},
               {"peer", connection->peer},
               {"reason", ToString(reason)},
               {"status", static_cast<unsigned>(status)},
               {"route", route}});
    auto response = MakeTextResponse(status, std::move(text), version);
    FinishResponse(response, version, false, beast_http::verb::get);
    if (co_await WriteResponse(connection, response, kErrorWriteTimeout)) {
        co_await CloseConnection(connection, true);
    }
}

}  // namespace detail

Server::Server(boost::asio::any_io_executor executor, ServerOptions options, Router router,
               metrics::Registry& metrics)
    : core_(std::make_shared<detail::ServerCore>(std::move(executor), std::move(options), std::move(router),
                                                 metrics)) {}

Server::~Server() { core_->Stop(std::chrono::milliseconds{0}, nullptr); }

Result<boost::asio::ip::tcp::endpoint> Server::Start() { return core_->Start(); }

void Server::Stop(std::chrono::milliseconds grace, std::function<void()> on_stopped) {
    core_->Stop(grace, std::move(on_stopped));
}

std::size_t Server::ActiveConnections() const { return core_->ActiveConnections(); }

void Server::SetRouter(Router router) { core_->SetRouter(std::move(router)); }

}  // namespace b2b::http
