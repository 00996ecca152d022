#pragma once

#include <chrono>
#include <optional>
#include <string_view>

#include "core/util/error.hpp"

namespace b2b::bitrix24 {

/// The connector's error-mapping table (bitrix24.md §1.3, §2, §3; style.md §9.7), applied to a
/// reply that carries an `error` code (possibly empty, as legacy CRM methods send it):
///
///   QUERY_LIMIT_EXCEEDED (503)            transient, retry_after = `retry_after` or 1 s
///   OPERATION_TIME_LIMIT (429)            transient, retry_after = `retry_after` (reset time − now) or 10 s
///   OVERLOAD_LIMIT (503)                  transient, retry_after 15 min (a manual block by Bitrix24 support)
///   INTERNAL_SERVER_ERROR, ERROR_UNEXPECTED_ANSWER (500)   transient
///   expired_token (401)                   transient (the authenticator refreshes; see Authenticator)
///   NO_AUTH_FOUND, invalid_token, INVALID_CREDENTIALS, insufficient_scope, ACCESS_DENIED,
///   user_access_error, WRONG_AUTH_TYPE, METHOD_CONFIRM_WAITING, PORTAL_DELETED, INVALID_REQUEST
///                                         permanent (an admin must fix the webhook or the portal)
///   ERROR_METHOD_NOT_FOUND / 404          permanent ("unknown method")
///   "" (legacy, 400) and ERROR_CORE       permanent (validation/not found: retrying cannot help)
///   anything else                         by HTTP status: 408, 429, 5xx transient, the rest permanent
///
/// Codes are compared case-insensitively. The message names the method and the code and says
/// what to do, e.g. `crm.company.add: HTTP 403 ACCESS_DENIED: Access denied; check the webhook's
/// scopes and its owner's CRM permissions`. `<br>` tags in descriptions are dropped.
Error ClassifyApiError(std::string_view method, long http_status, std::string_view code, std::string_view description,
                       std::optional<std::chrono::milliseconds> retry_after = {});

/// A non-JSON body (a gateway's HTML page): 5xx, 408 and 429 are transient ("HTML error page from
/// gateway, HTTP 502"); anything else is permanent (unparseable remote data).
Error ClassifyNonJsonReply(std::string_view method, long http_status, std::string_view content_type);

/// True for codes whose meaning is "the request rate bucket is full" (503 QUERY_LIMIT_EXCEEDED).
bool IsQueryLimit(std::string_view code) noexcept;
/// True for 429 OPERATION_TIME_LIMIT (the method's operating-time budget is spent).
bool IsOperationTimeLimit(std::string_view code) noexcept;
/// True for 401 expired_token (OAuth access token to refresh).
bool IsExpiredToken(std::string_view code) noexcept;

/// Drops `<br>` / `<br/>` tags and trims, so a description reads as one line in logs.
std::string CleanDescription(std::string_view description);

}  // namespace b2b::bitrix24
