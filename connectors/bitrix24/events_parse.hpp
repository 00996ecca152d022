#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>

#include "core/util/error.hpp"

namespace b2b::bitrix24 {

/// One Bitrix24 event as we keep it, whichever way it came (bitrix24.md §7). Events carry only the
/// object's id: what changed is read from the portal when the entry is processed.
struct EventRecord {
    std::string event;        ///< upper case, e.g. "ONCRMDEALUPDATE"
    std::string entity_type;  ///< from the event name: "deal", "company", ... or "other"
    std::int64_t entity_id = 0;
    std::int64_t ts = 0;      ///< the event's time, unix seconds
    std::string source;       ///< "online" (POSTed to us) or "offline" (polled)
};

/// An outbound event POST: the record plus who sent it. `application_token` is a secret: compare it
/// (constant time), never log or store it.
struct OutboundEvent {
    EventRecord record;
    std::string handler_id;  ///< event_handler_id
    std::string domain;      ///< auth[domain]
    std::string member_id;   ///< auth[member_id]
};

/// Decodes an `application/x-www-form-urlencoded` body with PHP's bracket rules into a tree of
/// objects: `data[FIELDS][ID]=42` -> {"data":{"FIELDS":{"ID":"42"}}}, `a[]=x&a[]=y` -> {"a":{"0":"x","1":"y"}}.
/// Every value stays a string ('+' is a space); a later key overwrites an earlier one, as in PHP.
/// Errors (permanent): bad percent-encoding, an unclosed bracket, nesting deeper than 16, more
/// than 1000 parameters. Pure; the messages never quote values (they may hold secrets).
Result<boost::json::object> DecodePhpForm(std::string_view body);

/// The string at `path` (e.g. {"auth", "application_token"}) or nullopt when absent or not a string.
std::optional<std::string_view> FormString(boost::json::object const& form,
                                           std::initializer_list<std::string_view> path);

/// Reads an outbound event from a decoded form: `event` (required), `data[FIELDS][ID]` (required, a
/// positive integer), `ts` (unix seconds; when missing or not a number, `now_seconds` is used: the
/// portal never re-sends, so an event is not refused for a bad timestamp), `event_handler_id`,
/// `auth[domain]`, `auth[member_id]`. Errors (permanent) say which field is wrong.
Result<OutboundEvent> ReadOutboundEvent(boost::json::object const& form, std::int64_t now_seconds);

/// Reads one record of `event.offline.get`'s `events` array: `EVENT_NAME`, `EVENT_DATA.FIELDS.ID`,
/// `TIMESTAMP_X` (ISO 8601 with offset). Errors (permanent) say which field is wrong.
Result<EventRecord> ReadOfflineEvent(boost::json::value const& record);

/// The CRM object type an event is about: ONCRMDEALUPDATE -> "deal", ONCRMCOMPANYADD -> "company",
/// ONCRMDEALRECURRINGADD -> "deal_recurring"; "other" for anything else. `event` is upper case.
std::string EntityTypeOfEvent(std::string_view event);

/// Parses `2024-08-30T14:29:00+02:00` (also `Z` or no zone = UTC) to unix seconds; nullopt if malformed.
std::optional<std::int64_t> ParseIsoSeconds(std::string_view text);

}  // namespace b2b::bitrix24
