#pragma once

#include <functional>
#include <string>

#include <boost/asio/thread_pool.hpp>

#include "core/http/router.hpp"

namespace b2b::app {

struct ReadyReport {
    bool ready = false;
    std::string text;  ///< one "check: result" line per check
};

/// What the admin endpoints ask of the running daemon. Both run on `pool`, never on the event
/// loop: they touch SQLite, which may wait for a lock or an fsync.
struct AdminProbes {
    std::function<ReadyReport()> readiness;
    std::function<std::string()> render_metrics;
};

/// GET /healthz  -> 200 "ok" while the event loop answers (liveness);
/// GET /readyz   -> 200 with the checks when ready, 503 with the failing checks otherwise;
/// GET /metrics  -> Prometheus text format 0.0.4.
http::Router MakeAdminRouter(AdminProbes probes, boost::asio::thread_pool& pool);

}  // namespace b2b::app
