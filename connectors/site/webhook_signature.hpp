#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "core/util/clock.hpp"
#include "core/util/error.hpp"

namespace b2b::site {

/// Request headers of the JSON-webhook mode, both directions (docs/site-webhook.md).
inline constexpr std::string_view kTimestampHeader = "X-B2B-Timestamp";  ///< Unix seconds
inline constexpr std::string_view kSignatureHeader = "X-B2B-Signature";  ///< "sha256=<64 hex>"

/// "sha256=" + lower-case hex of HMAC-SHA256(secret, timestamp + "." + body). The timestamp is
/// signed with the body so a captured request cannot be replayed later with a fresh timestamp.
std::string SignWebhook(std::string_view secret, std::string_view timestamp, std::string_view body);

/// Why a signed request was refused (also the metrics label).
enum class SignatureVerdict { kValid, kMissing, kStale, kBadSignature };
char const* ToString(SignatureVerdict verdict) noexcept;

/// Checks a received request: the timestamp must be an integer within ±tolerance of `now`, and the
/// signature must equal SignWebhook(secret, timestamp, body) — compared in constant time.
SignatureVerdict VerifyWebhook(std::string_view secret, std::string_view timestamp, std::string_view signature,
                               std::string_view body, UnixMillis now, std::chrono::seconds tolerance);

}  // namespace b2b::site
