#pragma once

#include <chrono>
#include <optional>
#include <string_view>

#include <curl/curl.h>

#include "core/util/clock.hpp"
#include "core/util/error.hpp"

namespace b2b::webhook {

/// Parses a Retry-After header: delta-seconds ("120") or an HTTP-date ("Wed, 21 Oct 2015 07:28:00 GMT"),
/// relative to `now`. Returns nullopt for anything else (a bad hint is ignored, not an error).
std::optional<std::chrono::milliseconds> ParseRetryAfter(std::string_view value, UnixMillis now);

/// The error-mapping table of the generic webhook target (style.md §9.7):
///   2xx                  -> ok
///   408, 425, 429, 5xx   -> transient (Retry-After honoured)
///   other 4xx, 1xx, 3xx  -> permanent (the receiver rejected this job; retrying will not help)
/// `target` and `status_line` name the call in the message, e.g. "sink: HTTP 503".
Status ClassifyHttpStatus(long status, std::optional<std::chrono::milliseconds> retry_after, std::string_view target,
                          std::string_view body_excerpt);

/// libcurl transport failures: connection, timeout, reset and DNS are transient; a malformed URL,
/// an unsupported scheme or a TLS verification failure are permanent (an admin must fix the config).
Error ClassifyCurlError(CURLcode code, std::string_view target, std::string_view detail);

}  // namespace b2b::webhook
