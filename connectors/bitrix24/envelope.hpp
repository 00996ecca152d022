#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include <boost/json/value.hpp>

#include "core/util/clock.hpp"
#include "core/util/error.hpp"

namespace b2b::bitrix24 {

/// The `time` member of a reply (or of one batch command's `result_time` entry). Members the
/// portal left out stay empty (`operating` is absent or 0 on some methods and self-hosted portals).
struct OperatingInfo {
    std::optional<double> operating;               ///< seconds this method used in the 10-min window
    std::optional<UnixMillis> operating_reset_at;  ///< when the oldest basket drops (unix, ms)
};

/// A successful reply: `result` plus list paging (`total`, `next`) and timing.
struct Reply {
    boost::json::value result;
    std::optional<std::int64_t> total;
    std::optional<std::int64_t> next;  ///< set only when more rows exist
    OperatingInfo time;
};

/// Reads `time` (or a `result_time` entry); missing or non-numeric members stay empty.
OperatingInfo ParseOperatingInfo(boost::json::value const& time);

/// Decodes one HTTP reply of `method` (pure, no I/O):
///   - a JSON object with `error` (even an empty code, as legacy CRM methods send it) -> the error
///     classified by ClassifyApiError; for 429 OPERATION_TIME_LIMIT retry_after is
///     `operating_reset_at` − now when the caller knows it (`reset_at_hint`), else 10 s;
///   - a JSON object with `result` and a 2xx status -> Reply;
///   - anything else (HTML gateway pages, truncated JSON) -> ClassifyNonJsonReply.
Result<Reply> ParseEnvelope(std::string_view method, long http_status, std::string_view content_type,
                            std::string_view body, UnixMillis now, std::optional<UnixMillis> reset_at_hint = {});

/// Converts a legacy value (`"5"`, `5`, `"5.0"` is rejected) to an id; nullopt when absent/invalid.
std::optional<std::int64_t> AsInt(boost::json::value const& value);

}  // namespace b2b::bitrix24
