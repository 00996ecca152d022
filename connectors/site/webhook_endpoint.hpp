#pragma once

#include <chrono>
#include <string>

#include "connectors/site/order_sink.hpp"
#include "core/http/router.hpp"
#include "core/util/clock.hpp"
#include "core/util/metrics.hpp"

namespace b2b::site {

struct WebhookEndpointOptions {
    std::string secret;                      ///< shared HMAC key; empty refuses every request
    std::chrono::seconds tolerance{300};     ///< accepted clock skew of X-B2B-Timestamp
    std::chrono::minutes utc_offset{180};    ///< for order dates sent without an offset
};

/// `POST <path>` on the public listener for stores that are not Bitrix (docs/site-webhook.md): the
/// raw body is checked against X-B2B-Signature (HMAC-SHA256 over "<timestamp>.<body>", constant
/// time) and X-B2B-Timestamp (±tolerance), decoded by DecodeWebhookOrder and handed to the sink —
/// the same sink the exchange mode feeds.
///
/// Answers: 200 {"ok":true,"id":…} once Persist succeeded (the store must not resend); 401 for a
/// missing, stale or wrong signature; 400 for a body that is not a valid order (resending the same
/// body cannot help); 503 + Retry-After when Persist failed transiently; 422 when it failed
/// permanently. Metric b2b_site_webhook_requests_total{result=accepted|missing|stale|bad_signature|
/// malformed|sink_failed}. Persist runs on the connection's strand (it must be quick: one store
/// transaction). Thread-safe.
class SiteWebhookEndpoint {
public:
    SiteWebhookEndpoint(WebhookEndpointOptions options, SiteOrderSink& sink, Clock const& clock,
                        metrics::Registry& metrics);

    http::Response Handle(http::Request const& request);

    /// Handle as a router handler: `router.Add(verb::post, "/site/orders", endpoint.AsHandler())`.
    http::Handler AsHandler();

private:
    metrics::Counter& Count(char const* result);

    WebhookEndpointOptions options_;
    SiteOrderSink& sink_;
    Clock const& clock_;
    metrics::Registry& metrics_;
};

}  // namespace b2b::site
