#include "connectors/webhook/classify.hpp"

#include <charconv>
#include <ctime>
#include <string>

namespace b2b::webhook {

std::optional<std::chrono::milliseconds> ParseRetryAfter(std::string_view value, UnixMillis now) {
    while (!value.empty() && value.front() == ' ') {
        value.remove_prefix(1);
    }
    while (!value.empty() && value.back() == ' ') {
        value.remove_suffix(1);
    }
    if (value.empty()) {
        return std::nullopt;
    }
    long long seconds = 0;
    auto const [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
    if (ec == std::errc{} && ptr == value.data() + value.size()) {
        if (seconds < 0) {
            return std::nullopt;
        }
        return std::chrono::milliseconds(seconds * 1000);
    }
    std::tm tm{};
    std::string const text(value);
    char const* end = strptime(text.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
    if (end == nullptr || *end != '\0') {
        return std::nullopt;
    }
    long long const at_ms = static_cast<long long>(timegm(&tm)) * 1000;
    return std::chrono::milliseconds(at_ms > now ? at_ms - now : 0);
}

Status ClassifyHttpStatus(long status, std::optional<std::chrono::milliseconds> retry_after, std::string_view target,
                          std::string_view body_excerpt) {
    if (status >= 200 && status < 300) {
        return {};
    }
    std::string message = std::string(target) + ": HTTP " + std::to_string(status);
    if (!body_excerpt.empty()) {
        message += ": ";
        message += body_excerpt;
    }
    if (status == 408 || status == 425 || status == 429 || status >= 500) {
        return Error::Transient(std::move(message), retry_after);
    }
    return Error::Permanent(std::move(message));
}

Error ClassifyCurlError(CURLcode code, std::string_view target, std::string_view detail) {
    std::string message = std::string(target) + ": " + curl_easy_strerror(code);
    if (!detail.empty()) {
        message += " (";
        message += detail;
        message += ")";
    }
    switch (code) {
        case CURLE_URL_MALFORMAT:
        case CURLE_UNSUPPORTED_PROTOCOL:
        case CURLE_PEER_FAILED_VERIFICATION:
        case CURLE_SSL_CACERT_BADFILE:
        case CURLE_SSL_CERTPROBLEM:
        case CURLE_LOGIN_DENIED:
            return Error::Permanent(std::move(message));
        default:
            return Error::Transient(std::move(message));
    }
}

}  // namespace b2b::webhook
