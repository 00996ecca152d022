#include "connectors/site/webhook_endpoint.hpp"

#include <boost/json/serialize.hpp>

#include "connectors/site/webhook_order_json.hpp"
#include "connectors/site/webhook_signature.hpp"
#include "core/util/log.hpp"

namespace b2b::site {
namespace {

namespace beast_http = boost::beast::http;
constexpr std::string_view kLog = "site";

http::Response Answer(http::Request const& request, beast_http::status status, std::string body,
                      char const* content_type = "application/json") {
    http::Response response{status, request.version()};
    response.set(beast_http::field::content_type, content_type);
    response.body() = std::move(body);
    response.prepare_payload();
    return response;
}

http::Response JsonError(http::Request const& request, beast_http::status status, std::string const& message) {
    return Answer(request, status, boost::json::serialize(boost::json::object{{"ok", false}, {"error", message}}));
}

// Not a capturing lambda: the endpoint travels as a parameter (style.md §9.5 rule 5).
boost::asio::awaitable<http::Response> Serve(SiteWebhookEndpoint* endpoint, http::Request request) {
    co_return endpoint->Handle(request);
}

}  // namespace

SiteWebhookEndpoint::SiteWebhookEndpoint(WebhookEndpointOptions options, SiteOrderSink& sink, Clock const& clock,
                                         metrics::Registry& metrics)
    : options_(std::move(options)), sink_(sink), clock_(clock), metrics_(metrics) {}

metrics::Counter& SiteWebhookEndpoint::Count(char const* result) {
    return metrics_.GetCounter("b2b_site_webhook_requests_total", "Order webhooks received from the store, by outcome.",
                               {{"result", result}});
}

http::Response SiteWebhookEndpoint::Handle(http::Request const& request) {
    auto const timestamp = request[kTimestampHeader];
    auto const signature = request[kSignatureHeader];
    auto const verdict = options_.secret.empty()
                             ? SignatureVerdict::kBadSignature
                             : VerifyWebhook(options_.secret, std::string_view(timestamp.data(), timestamp.size()),
                                             std::string_view(signature.data(), signature.size()), request.body(),
                                             clock_.NowMillis(), options_.tolerance);
    if (verdict != SignatureVerdict::kValid) {
        Count(ToString(verdict)).Inc();
        log::Warn(kLog, "order webhook refused", {{"reason", ToString(verdict)}});
        return JsonError(request, beast_http::status::unauthorized,
                         verdict == SignatureVerdict::kStale ? "timestamp outside the accepted window"
                                                             : "missing or invalid signature");
    }
    auto order = DecodeWebhookOrder(request.body(), options_.utc_offset);
    if (!order) {
        Count("malformed").Inc();
        log::Warn(kLog, "order webhook malformed", {{"error", order.error().message}});
        return JsonError(request, beast_http::status::bad_request, order.error().message);
    }
    PulledOrders batch;
    batch.orders.push_back(*order);
    if (auto stored = sink_.Persist(batch); !stored) {
        Count("sink_failed").Inc();
        log::Warn(kLog, "order webhook not stored", {{"order", order->id}, {"error", stored.error().message}});
        if (stored.error().IsTransient()) {
            auto response = JsonError(request, beast_http::status::service_unavailable, "not stored; retry later");
            auto const seconds = stored.error().retry_after ? std::max<long>(1, stored.error().retry_after->count() / 1000)
                                                            : 5L;
            response.set(beast_http::field::retry_after, std::to_string(seconds));
            return response;
        }
        return JsonError(request, beast_http::status::unprocessable_entity, stored.error().message);
    }
    Count("accepted").Inc();
    return Answer(request, beast_http::status::ok,
                  boost::json::serialize(boost::json::object{{"ok", true}, {"id", order->id}}));
}

http::Handler SiteWebhookEndpoint::AsHandler() {
    return [this](http::Request request) { return Serve(this, std::move(request)); };
}

}  // namespace b2b::site
