#include "connectors/bitrix24/errors.hpp"

#include <array>
#include <cctype>
#include <string>

#include <fmt/format.h>

namespace b2b::bitrix24 {
namespace {

bool EqualsNoCase(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) {
        return false;
    }
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) {
            return false;
        }
    }
    return true;
}

bool IsAny(std::string_view code, std::initializer_list<std::string_view> codes) noexcept {
    for (auto c : codes) {
        if (EqualsNoCase(code, c)) {
            return true;
        }
    }
    return false;
}

std::string Head(std::string_view method, long status, std::string_view code, std::string_view description) {
    std::string text = fmt::format("{}: HTTP {}", method, status);
    if (!code.empty()) {
        text += fmt::format(" {}", code);
    }
    auto const clean = CleanDescription(description);
    if (!clean.empty()) {
        text += fmt::format(": {}", clean);
    }
    return text;
}

}  // namespace

bool IsQueryLimit(std::string_view code) noexcept { return EqualsNoCase(code, "QUERY_LIMIT_EXCEEDED"); }
bool IsOperationTimeLimit(std::string_view code) noexcept { return EqualsNoCase(code, "OPERATION_TIME_LIMIT"); }
bool IsExpiredToken(std::string_view code) noexcept { return EqualsNoCase(code, "expired_token"); }

std::string CleanDescription(std::string_view description) {
    std::string out;
    out.reserve(description.size());
    for (std::size_t i = 0; i < description.size();) {
        if (description[i] == '<') {
            auto close = description.find('>', i);
            auto tag = description.substr(i, close == std::string_view::npos ? 0 : close - i + 1);
            if (tag.size() >= 4 && (EqualsNoCase(tag.substr(0, 3), "<br"))) {
                out += ' ';
                i = close + 1;
                continue;
            }
        }
        out += description[i];
        ++i;
    }
    auto first = out.find_first_not_of(" \t\r\n");
    if (first == std::string::npos) {
        return {};
    }
    auto last = out.find_last_not_of(" \t\r\n");
    return out.substr(first, last - first + 1);
}

Error ClassifyApiError(std::string_view method, long http_status, std::string_view code, std::string_view description,
                       std::optional<std::chrono::milliseconds> retry_after) {
    using std::chrono::milliseconds;
    auto const head = Head(method, http_status, code, description);
    if (IsQueryLimit(code)) {
        auto const wait = retry_after.value_or(milliseconds(1000));
        return Error::Transient(fmt::format("{}; the portal's request rate limit is full, will retry in {} ms", head,
                                            wait.count()),
                                wait);
    }
    if (IsOperationTimeLimit(code)) {
        auto const wait = retry_after.value_or(milliseconds(10'000));
        return Error::Transient(
            fmt::format("{}; the method's operating-time budget is spent, will retry in {} ms", head, wait.count()),
            wait);
    }
    if (EqualsNoCase(code, "OVERLOAD_LIMIT")) {
        return Error::Transient(
            fmt::format("{}; the portal is blocked by Bitrix24 support, contact them; will retry later", head),
            milliseconds(15 * 60 * 1000));
    }
    if (IsAny(code, {"INTERNAL_SERVER_ERROR", "ERROR_UNEXPECTED_ANSWER"})) {
        return Error::Transient(fmt::format("{}; a portal-side failure, will retry", head), retry_after);
    }
    if (IsExpiredToken(code)) {
        return Error::Transient(fmt::format("{}; the access token expired and will be refreshed", head), retry_after);
    }
    if (IsAny(code, {"NO_AUTH_FOUND", "invalid_token", "INVALID_CREDENTIALS", "insufficient_scope", "ACCESS_DENIED",
                     "user_access_error", "WRONG_AUTH_TYPE", "METHOD_CONFIRM_WAITING", "PORTAL_DELETED",
                     "INVALID_REQUEST", "invalid_grant", "invalid_client", "PAYMENT_REQUIRED"})) {
        return Error::Permanent(fmt::format(
            "{}; check the bitrix24.webhook_url secret, the webhook's scopes (crm) and its owner's CRM permissions",
            head));
    }
    if (IsAny(code, {"ERROR_METHOD_NOT_FOUND", "NOT_FOUND"}) || (code.empty() && http_status == 404)) {
        return Error::Permanent(fmt::format("{}; unknown method or object on this portal", head));
    }
    if (code.empty() && http_status >= 400 && http_status < 500) {
        // Legacy CRM methods put the meaning only in the text ("Not found", "ENTITY_ID is not
        // defined or invalid."): a validation or missing-object failure, never fixed by a retry.
        return Error::Permanent(fmt::format("{}; the portal rejected the data", head));
    }
    if (EqualsNoCase(code, "ERROR_CORE")) {
        return Error::Permanent(fmt::format("{}; the portal rejected the data", head));
    }
    if (http_status == 408 || http_status == 429 || http_status >= 500) {
        return Error::Transient(fmt::format("{}; will retry", head), retry_after);
    }
    return Error::Permanent(head);
}

Error ClassifyNonJsonReply(std::string_view method, long http_status, std::string_view content_type) {
    bool const html = content_type.find("html") != std::string_view::npos;
    auto const what = html ? std::string("HTML error page from gateway")
                           : fmt::format("non-JSON reply ({})", content_type.empty() ? "no content type" : content_type);
    if (http_status == 408 || http_status == 429 || http_status >= 500) {
        return Error::Transient(fmt::format("{}: {}, HTTP {}; will retry", method, what, http_status));
    }
    return Error::Permanent(fmt::format("{}: {}, HTTP {}; the reply cannot be read", method, what, http_status));
}

}  // namespace b2b::bitrix24
