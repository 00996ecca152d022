#include "connectors/bitrix24/events_endpoint.hpp"

#include <utility>

#include <boost/asio/awaitable.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/status.hpp>

#include "core/http/auth.hpp"
#include "core/util/log.hpp"

namespace b2b::bitrix24 {
namespace {

namespace beast_http = boost::beast::http;

constexpr std::string_view kComponent = "bitrix24.events";
constexpr std::string_view kMetric = "b2b_bitrix24_events_total";
constexpr std::string_view kHelp = "Bitrix24 outbound events received, by result";
constexpr UnixMillis kForgedLogInterval = 60'000;
constexpr std::size_t kLoggedNameMax = 64;

metrics::Counter& ResultCounter(metrics::Registry& registry, std::string result) {
    return registry.GetCounter(kMetric, kHelp, {{"result", std::move(result)}});
}

http::Response Answer(http::Request const& request, beast_http::status status, std::string text) {
    http::Response response{status, request.version()};
    response.set(beast_http::field::content_type, "text/plain; charset=utf-8");
    response.keep_alive(request.keep_alive());
    response.body() = std::move(text) + "\n";
    response.prepare_payload();
    return response;
}

// Attacker-controlled text going to the log: printable ASCII only, bounded.
std::string Printable(std::string_view text) {
    std::string out;
    for (char c : text.substr(0, kLoggedNameMax)) {
        out += (c >= 0x20 && c < 0x7f) ? c : '?';
    }
    return out;
}

// Not a capturing lambda: the endpoint travels as a parameter, so the coroutine frame owns copies
// of everything it uses (style.md §9.5 rule 5).
boost::asio::awaitable<http::Response> Serve(EventsEndpoint* endpoint, http::Request request) {
    co_return endpoint->Handle(request);
}

}  // namespace

bool ApplicationTokenMatches(std::string_view expected, std::string_view given) noexcept {
    // An unset token must never match an empty one sent by a forger.
    return !expected.empty() && http::ConstantTimeEquals(expected, given);
}

EventsEndpoint::EventsEndpoint(EventInbox& inbox, std::string application_token, metrics::Registry& metrics,
                               Clock const& clock)
    : inbox_(inbox),
      application_token_(std::move(application_token)),
      clock_(clock),
      accepted_(ResultCounter(metrics, "accepted")),
      duplicate_(ResultCounter(metrics, "duplicate")),
      forged_(ResultCounter(metrics, "forged")),
      bad_request_(ResultCounter(metrics, "bad_request")),
      error_(ResultCounter(metrics, "error")) {}

http::Response EventsEndpoint::Handle(http::Request const& request) {
    auto form = DecodePhpForm(request.body());
    if (!form) {
        bad_request_.Inc();
        log::Warn(kComponent, "rejected an event POST", {{"reason", form.error().message}});
        return Answer(request, beast_http::status::bad_request, "bad request: " + form.error().message);
    }
    // The token is checked before anything else is judged, so a forger learns nothing more.
    auto const token = FormString(*form, {"auth", "application_token"});
    if (!token || !ApplicationTokenMatches(application_token_, *token)) {
        forged_.Inc();
        NoteForged(FormString(*form, {"event"}).value_or(""));
        return Answer(request, beast_http::status::unauthorized, "unknown application_token");
    }
    auto const now = clock_.NowMillis();
    auto event = ReadOutboundEvent(*form, now / 1000);
    if (!event) {
        bad_request_.Inc();
        log::Warn(kComponent, "rejected an event POST", {{"reason", event.error().message}});
        return Answer(request, beast_http::status::bad_request, "bad request: " + event.error().message);
    }
    auto added = inbox_.Add(event->record);
    if (!added) {
        error_.Inc();
        log::Error(kComponent, "event lost: cannot store it (the portal will not re-send it)",
                   {{"event", event->record.event},
                    {"entity_id", event->record.entity_id},
                    {"error", added.error().message}});
        return Answer(request, beast_http::status::service_unavailable, "cannot store the event");
    }
    if (*added == InboxAdd::kDuplicate) {
        duplicate_.Inc();
        log::Debug(kComponent, "duplicate event", {{"event", event->record.event}, {"entity_id", event->record.entity_id}});
        return Answer(request, beast_http::status::ok, "duplicate");
    }
    accepted_.Inc();
    log::Debug(kComponent, "event stored", {{"event", event->record.event}, {"entity_id", event->record.entity_id}});
    return Answer(request, beast_http::status::ok, "ok");
}

http::Handler EventsEndpoint::AsHandler() {
    return [this](http::Request request) { return Serve(this, std::move(request)); };
}

void EventsEndpoint::NoteForged(std::string_view event_name) {
    std::uint64_t suppressed = 0;
    {
        std::lock_guard lock(log_mutex_);
        auto const now = clock_.NowMillis();
        if (last_forged_log_ != 0 && now - last_forged_log_ < kForgedLogInterval) {
            ++forged_unlogged_;
            return;
        }
        last_forged_log_ = now;
        suppressed = std::exchange(forged_unlogged_, 0);
    }
    log::Warn(kComponent,
              "rejected an event with a missing or unknown application_token; check bitrix24.application_token "
              "against the portal's outgoing webhook or app install",
              {{"event", Printable(event_name)}, {"suppressed_since_last_log", suppressed}});
}

}  // namespace b2b::bitrix24
