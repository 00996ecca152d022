#pragma once

#include <string>
#include <string_view>

#include "core/util/metrics.hpp"

namespace b2b::http {

/// Why the server refused or cut a request; the `reason` label of b2b_http_rejected_total.
enum class RejectReason { kTimeout, kTooLarge, kTooManyConnections, kBadRequest };

char const* ToString(RejectReason reason) noexcept;

/// The metric families one listener writes (names are fixed: dashboards and the daemon use them):
///   b2b_http_requests_total{listener,route,status}   route = registered path, or "unmatched"
///   b2b_http_connections{listener}                   open connections (gauge)
///   b2b_http_rejected_total{listener,reason}         reason = timeout|too_large|too_many_connections|bad_request
/// All series of b2b_http_rejected_total and the gauge exist from construction, at zero.
/// Thread-safe: the registry locks, and counters are atomic.
class ServerMetrics {
public:
    /// The route label for requests that matched no registered path; keeps label cardinality bounded.
    static constexpr std::string_view kUnmatchedRoute = "unmatched";

    ServerMetrics(metrics::Registry& registry, std::string listener);

    void CountRequest(std::string_view route, unsigned status);
    void CountRejected(RejectReason reason);
    metrics::Gauge& Connections() noexcept { return connections_; }

private:
    metrics::Registry& registry_;
    std::string listener_;
    metrics::Gauge& connections_;
    metrics::Counter& rejected_timeout_;
    metrics::Counter& rejected_too_large_;
    metrics::Counter& rejected_too_many_;
    metrics::Counter& rejected_bad_request_;
};

}  // namespace b2b::http
