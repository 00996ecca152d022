#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace b2b::emu::bitrix24 {

/// Outcome of one REST method call, before it is wrapped into an HTTP reply or a batch slot.
struct CallResult {
    unsigned status = 200;
    boost::json::value result;
    std::optional<std::int64_t> total;  // lists only
    std::optional<std::int64_t> next;   // lists only, and only when more rows exist
    bool is_error = false;
    std::string error;  // may be empty: legacy CRM methods send "" with the meaning in the text
    std::string error_description;

    static CallResult Ok(boost::json::value result);
    static CallResult Fail(unsigned status, std::string code, std::string description);
    /// Legacy CRM failure: HTTP 400, empty `error`, meaning only in the text (bitrix24.md §2).
    static CallResult Legacy(std::string description);
};

/// What the transport must do with the reply. Faults need more than a status code.
enum class Transport {
    kAnswer,          // write the reply
    kReset,           // close the connection without answering (nothing was applied)
    kDropAfterApply,  // the write was applied, then the connection is closed without answering
};

struct Reply {
    unsigned status = 200;
    std::string content_type = "application/json; charset=utf-8";
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;
    Transport transport = Transport::kAnswer;
};

/// `time` member of every envelope (bitrix24.md §2, §3.2): start/finish/duration/processing,
/// ISO dates with offset, and the per-method operating sum with its reset time.
boost::json::object TimeJson(double start, double finish, double operating, std::int64_t operating_reset_at);

/// ISO 8601 with the portal's +03:00 offset (a Moscow portal), e.g. "2024-08-30T14:29:00+03:00".
std::string IsoDate(double unix_seconds);

/// A JSON number written verbatim (e.g. "899.1"): lets replies carry numeric money without
/// ever turning it into a double. Serialize() below expands the marker.
boost::json::value RawNumber(std::string const& digits);

/// boost::json::serialize plus RawNumber expansion.
std::string Serialize(boost::json::value const& value);

/// The JSON envelope of a call outcome: {"result","time"[,"total"][,"next"]} or
/// {"error","error_description"}.
boost::json::object Envelope(CallResult const& call, boost::json::object time);

Reply JsonReply(unsigned status, boost::json::value const& body);
Reply ErrorReply(unsigned status, std::string const& code, std::string const& description);
/// A gateway page such as nginx sends on overload: text/html, not JSON (fast_bitrix24#216).
Reply HtmlGatewayReply(unsigned status);

}  // namespace b2b::emu::bitrix24
