#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/verb.hpp>

namespace b2b::http {

namespace beast_http = boost::beast::http;

using Request = beast_http::request<beast_http::string_body>;
using Response = beast_http::response<beast_http::string_body>;

/// Produces the response to one request. Handlers may co_await (e.g. work posted to a thread
/// pool); they resume on the connection's strand. An exception escaping a handler is a bug: the
/// server answers 500 "internal error" and logs it once. The server does not bound how long a
/// handler runs: a handler that calls out must carry its own deadline, or Server::Stop waits for it.
using Handler = std::function<boost::asio::awaitable<Response>(Request)>;

struct RouteOptions {
    /// Largest accepted request body in bytes; 0 = the server's ServerOptions::max_body.
    std::uint64_t max_body = 0;
};

/// One registered endpoint.
struct Route {
    beast_http::verb method = beast_http::verb::get;
    std::string path;
    Handler handler;
    RouteOptions options;
};

/// What Router::Find concluded about a request line.
struct RouteMatch {
    enum class Kind {
        kFound,             ///< `route` points at the endpoint to run
        kNotFound,          ///< no route has this path: answer 404
        kMethodNotAllowed,  ///< the path exists with other methods: answer 405 with `allow`
    };
    Kind kind = Kind::kNotFound;
    Route const* route = nullptr;  ///< set for kFound; owned by the Router
    std::string path;              ///< the registered path for kFound/kMethodNotAllowed, empty for kNotFound
    std::string allow;             ///< kMethodNotAllowed: the Allow header value, e.g. "GET, POST"
};

/// Exact-path routing table. Built once, then handed to a Server (copied; immutable while serving),
/// so lookups need no locking.
class Router {
public:
    /// Registers `handler` for `method` on `path` (exact match; the query string of a request is
    /// ignored). Several methods per path are allowed. Throws std::invalid_argument (a programming
    /// error) if the path does not start with '/' or the (method, path) pair is already registered.
    void Add(beast_http::verb method, std::string path, Handler handler, RouteOptions options = {});

    /// Looks up a request target such as "/1c_exchange.php?type=catalog&mode=init".
    RouteMatch Find(beast_http::verb method, std::string_view target) const;

    bool Empty() const noexcept { return routes_.empty(); }

private:
    std::map<std::string, std::vector<Route>, std::less<>> routes_;
};

/// The path part of a request target: everything before the first '?' or '#'.
std::string_view TargetPath(std::string_view target) noexcept;

}  // namespace b2b::http
