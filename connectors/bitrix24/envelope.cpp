#include "connectors/bitrix24/envelope.hpp"

#include <charconv>
#include <chrono>
#include <cmath>
#include <string>

#include <boost/json/parse.hpp>

#include "connectors/bitrix24/errors.hpp"

namespace b2b::bitrix24 {
namespace {

namespace json = boost::json;

std::optional<double> AsDouble(json::value const* v) {
    if (v == nullptr) {
        return std::nullopt;
    }
    if (v->is_double()) {
        return v->get_double();
    }
    if (v->is_int64()) {
        return static_cast<double>(v->get_int64());
    }
    if (v->is_uint64()) {
        return static_cast<double>(v->get_uint64());
    }
    return std::nullopt;
}

std::string_view StringOr(json::object const& obj, std::string_view key) {
    if (auto const* v = obj.if_contains(key); v != nullptr && v->is_string()) {
        return v->get_string();
    }
    return {};
}

}  // namespace

std::optional<std::int64_t> AsInt(json::value const& value) {
    if (value.is_int64()) {
        return value.get_int64();
    }
    if (value.is_uint64()) {
        return static_cast<std::int64_t>(value.get_uint64());
    }
    if (value.is_string()) {
        auto const s = value.get_string();
        std::int64_t out = 0;
        auto const [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
        if (ec == std::errc() && ptr == s.data() + s.size() && !s.empty()) {
            return out;
        }
    }
    return std::nullopt;
}

OperatingInfo ParseOperatingInfo(json::value const& time) {
    OperatingInfo info;
    auto const* obj = time.if_object();
    if (obj == nullptr) {
        return info;
    }
    info.operating = AsDouble(obj->if_contains("operating"));
    if (auto reset = AsDouble(obj->if_contains("operating_reset_at")); reset && *reset > 0) {
        info.operating_reset_at = static_cast<UnixMillis>(std::llround(*reset * 1000.0));
    }
    return info;
}

Result<Reply> ParseEnvelope(std::string_view method, long http_status, std::string_view content_type,
                            std::string_view body, UnixMillis now, std::optional<UnixMillis> reset_at_hint) {
    boost::system::error_code ec;
    json::value parsed = json::parse(body, ec);
    if (ec || !parsed.is_object()) {
        return ClassifyNonJsonReply(method, http_status, content_type);
    }
    auto const& obj = parsed.get_object();
    if (obj.contains("error")) {
        auto const code = StringOr(obj, "error");
        std::optional<std::chrono::milliseconds> retry_after;
        if (IsOperationTimeLimit(code) && reset_at_hint && *reset_at_hint > now) {
            retry_after = std::chrono::milliseconds(*reset_at_hint - now);
        }
        return ClassifyApiError(method, http_status, code, StringOr(obj, "error_description"), retry_after);
    }
    auto const* result = obj.if_contains("result");
    if (result == nullptr || http_status < 200 || http_status >= 300) {
        return ClassifyApiError(method, http_status, "", "reply without result or error");
    }
    Reply reply;
    reply.result = *result;
    if (auto const* total = obj.if_contains("total")) {
        reply.total = AsInt(*total);
    }
    if (auto const* next = obj.if_contains("next")) {
        reply.next = AsInt(*next);
    }
    if (auto const* time = obj.if_contains("time")) {
        reply.time = ParseOperatingInfo(*time);
    }
    return reply;
}

}  // namespace b2b::bitrix24
