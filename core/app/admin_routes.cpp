#include "core/app/admin_routes.hpp"

#include <memory>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace b2b::app {
namespace {

namespace asio = boost::asio;
namespace bhttp = boost::beast::http;

http::Response TextResponse(bhttp::status status, std::string body, unsigned version, char const* content_type) {
    http::Response res{status, version};
    res.set(bhttp::field::content_type, content_type);
    res.set(bhttp::field::cache_control, "no-store");
    res.body() = std::move(body);
    res.prepare_payload();
    return res;
}

// Runs `work` on the pool and resumes the calling coroutine on its own executor afterwards.
template <class T>
asio::awaitable<T> OnPool(asio::thread_pool& pool, std::function<T()> work) {
    co_return co_await asio::co_spawn(
        pool, [](std::function<T()> w) -> asio::awaitable<T> { co_return w(); }(std::move(work)),
        asio::use_awaitable);
}

// Coroutines are free functions taking their state by value, so nothing dangles when the
// router's lambda (which only forwards) is replaced by a reload (style.md rule 5).
asio::awaitable<http::Response> ServeHealth(http::Request req) {
    co_return TextResponse(bhttp::status::ok, "ok\n", req.version(), "text/plain; charset=utf-8");
}

asio::awaitable<http::Response> ServeReady(std::shared_ptr<AdminProbes> probes, asio::thread_pool* pool,
                                           http::Request req) {
    ReadyReport report = co_await OnPool<ReadyReport>(*pool, probes->readiness);
    co_return TextResponse(report.ready ? bhttp::status::ok : bhttp::status::service_unavailable,
                           (report.ready ? "ready\n" : "not ready\n") + report.text, req.version(),
                           "text/plain; charset=utf-8");
}

asio::awaitable<http::Response> ServeMetrics(std::shared_ptr<AdminProbes> probes, asio::thread_pool* pool,
                                             http::Request req) {
    std::string body = co_await OnPool<std::string>(*pool, probes->render_metrics);
    co_return TextResponse(bhttp::status::ok, std::move(body), req.version(), "text/plain; version=0.0.4; charset=utf-8");
}

}  // namespace

http::Router MakeAdminRouter(AdminProbes probes, asio::thread_pool& pool) {
    auto shared = std::make_shared<AdminProbes>(std::move(probes));
    asio::thread_pool* pool_ptr = &pool;
    http::Router router;
    router.Add(bhttp::verb::get, "/healthz", [](http::Request req) { return ServeHealth(std::move(req)); });
    router.Add(bhttp::verb::get, "/readyz",
               [shared, pool_ptr](http::Request req) { return ServeReady(shared, pool_ptr, std::move(req)); });
    router.Add(bhttp::verb::get, "/metrics",
               [shared, pool_ptr](http::Request req) { return ServeMetrics(shared, pool_ptr, std::move(req)); });
    return router;
}

}  // namespace b2b::app
