#pragma once

#include <cstdint>
#include <mutex>
#include <string>

#include "connectors/bitrix24/events_inbox.hpp"
#include "core/http/router.hpp"
#include "core/util/clock.hpp"
#include "core/util/metrics.hpp"

namespace b2b::bitrix24 {

/// The handler Bitrix24 POSTs outbound events to (bitrix24.md §7): a form-encoded body with
/// `event`, `event_handler_id`, `data[FIELDS][ID]`, `ts`, `auth[...]`.
///
/// Per request, in this order:
///   - a body that is not a well-formed form -> 400 (`bad_request`);
///   - `auth[application_token]` missing or not equal (constant time) to the configured token ->
///     401 (`forged`), logged at most once a minute with the count of the suppressed ones and
///     without the token;
///   - no `event` or no numeric `data[FIELDS][ID]` -> 400 (`bad_request`);
///   - otherwise the event is written to the inbox *before* answering, because the portal never
///     re-sends an event: 200 (`accepted`, or `duplicate` for the same event+id+ts seen before);
///     a store failure -> 503 (`error`) and an error log (the event is lost: the portal logs it).
/// Metric: `b2b_bitrix24_events_total{result="accepted|duplicate|forged|bad_request|error"}`.
///
/// Stage detection is not done here: the answer must be quick (a slow handler is called less often
/// by the portal's queue); StageTracker processes the inbox. Thread-safe.
class EventsEndpoint {
public:
    /// `application_token` comes from the outgoing-webhook settings or ONAPPINSTALL; a secret,
    /// never logged. An empty token rejects every request (as forged). `inbox`, `metrics` and
    /// `clock` must outlive the endpoint.
    EventsEndpoint(EventInbox& inbox, std::string application_token, metrics::Registry& metrics, Clock const& clock);

    /// Answers one request (no I/O besides the store write).
    http::Response Handle(http::Request const& request);

    /// Handle as a router handler, e.g. `router.Add(verb::post, "/bitrix24/events", endpoint.AsHandler())`.
    /// The endpoint must outlive the server.
    http::Handler AsHandler();

private:
    void NoteForged(std::string_view event_name);

    EventInbox& inbox_;
    std::string application_token_;
    Clock const& clock_;
    metrics::Counter& accepted_;
    metrics::Counter& duplicate_;
    metrics::Counter& forged_;
    metrics::Counter& bad_request_;
    metrics::Counter& error_;
    std::mutex log_mutex_;
    UnixMillis last_forged_log_ = 0;
    std::uint64_t forged_unlogged_ = 0;
};

/// The application tokens match, compared in constant time (http::ConstantTimeEquals); an empty
/// expected token matches nothing.
bool ApplicationTokenMatches(std::string_view expected, std::string_view given) noexcept;

}  // namespace b2b::bitrix24
