#include "core/http/server_metrics.hpp"

#include <utility>

namespace b2b::http {
namespace {

constexpr std::string_view kRequestsName = "b2b_http_requests_total";
constexpr std::string_view kRequestsHelp = "HTTP requests answered, by listener, route and status";
constexpr std::string_view kConnectionsName = "b2b_http_connections";
constexpr std::string_view kConnectionsHelp = "Open HTTP connections, by listener";
constexpr std::string_view kRejectedName = "b2b_http_rejected_total";
constexpr std::string_view kRejectedHelp = "HTTP requests or connections refused, by listener and reason";

metrics::Counter& Rejected(metrics::Registry& registry, std::string const& listener, RejectReason reason) {
    return registry.GetCounter(kRejectedName, kRejectedHelp, {{"listener", listener}, {"reason", ToString(reason)}});
}

}  // namespace

char const* ToString(RejectReason reason) noexcept {
    switch (reason) {
        case RejectReason::kTimeout:
            return "timeout";
        case RejectReason::kTooLarge:
            return "too_large";
        case RejectReason::kTooManyConnections:
            return "too_many_connections";
        case RejectReason::kBadRequest:
            return "bad_request";
    }
    return "unknown";
}

ServerMetrics::ServerMetrics(metrics::Registry& registry, std::string listener)
    : registry_(registry),
      listener_(std::move(listener)),
      connections_(registry.GetGauge(kConnectionsName, kConnectionsHelp, {{"listener", listener_}})),
      rejected_timeout_(Rejected(registry, listener_, RejectReason::kTimeout)),
      rejected_too_large_(Rejected(registry, listener_, RejectReason::kTooLarge)),
      rejected_too_many_(Rejected(registry, listener_, RejectReason::kTooManyConnections)),
      rejected_bad_request_(Rejected(registry, listener_, RejectReason::kBadRequest)) {}

void ServerMetrics::CountRequest(std::string_view route, unsigned status) {
    registry_
        .GetCounter(kRequestsName, kRequestsHelp,
                    {{"listener", listener_}, {"route", std::string(route)}, {"status", std::to_string(status)}})
        .Inc();
}

void ServerMetrics::CountRejected(RejectReason reason) {
    switch (reason) {
        case RejectReason::kTimeout:
            rejected_timeout_.Inc();
            return;
        case RejectReason::kTooLarge:
            rejected_too_large_.Inc();
            return;
        case RejectReason::kTooManyConnections:
            rejected_too_many_.Inc();
            return;
        case RejectReason::kBadRequest:
            rejected_bad_request_.Inc();
            return;
    }
}

}  // namespace b2b::http
