#include "tests/emulators/bitrix24/envelope.hpp"

#include <boost/json/serialize.hpp>

#include <cmath>
#include <cstdio>
#include <ctime>
#include <string_view>

namespace b2b::emu::bitrix24 {

namespace json = boost::json;

namespace {

constexpr std::string_view kRawMarker = "\x01raw:";
constexpr std::string_view kRawEscaped = "\"\\u0001raw:";
constexpr int kPortalOffsetSeconds = 3 * 3600;

}  // namespace

json::value RawNumber(std::string const& digits) { return json::string(std::string(kRawMarker) + digits); }

namespace {

// Times are printed like PHP's microtime floats ("1725013197.63"), not Boost's "1.7E9".
json::value Fixed(double value, int digits) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", digits, value);
    std::string text = buf;
    while (text.size() > 1 && text.back() == '0') {
        text.pop_back();
    }
    if (text.back() == '.') {
        text += '0';
    }
    return RawNumber(text);
}

std::string_view StatusText(unsigned status) {
    switch (status) {
        case 502:
            return "502 Bad Gateway";
        case 504:
            return "504 Gateway Time-out";
        default:
            return "503 Service Temporarily Unavailable";
    }
}

}  // namespace

CallResult CallResult::Ok(json::value result) {
    CallResult call;
    call.result = std::move(result);
    return call;
}

CallResult CallResult::Fail(unsigned status, std::string code, std::string description) {
    CallResult call;
    call.status = status;
    call.is_error = true;
    call.error = std::move(code);
    call.error_description = std::move(description);
    return call;
}

CallResult CallResult::Legacy(std::string description) { return Fail(400, "", std::move(description)); }

std::string IsoDate(double unix_seconds) {
    auto shifted = static_cast<std::time_t>(std::floor(unix_seconds)) + kPortalOffsetSeconds;
    std::tm tm{};
    gmtime_r(&shifted, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S+03:00", &tm);
    return buf;
}

json::object TimeJson(double start, double finish, double operating, std::int64_t operating_reset_at) {
    json::object time;
    time["start"] = Fixed(start, 4);
    time["finish"] = Fixed(finish, 4);
    time["duration"] = Fixed(finish - start, 6);
    time["processing"] = Fixed(finish - start, 6);
    time["date_start"] = IsoDate(start);
    time["date_finish"] = IsoDate(finish);
    time["operating_reset_at"] = operating_reset_at;
    time["operating"] = Fixed(operating, 4);
    return time;
}

std::string Serialize(json::value const& value) {
    std::string text = json::serialize(value);
    std::string out;
    out.reserve(text.size());
    std::size_t pos = 0;
    while (true) {
        auto hit = text.find(kRawEscaped, pos);
        if (hit == std::string::npos) {
            out.append(text, pos, std::string::npos);
            return out;
        }
        out.append(text, pos, hit - pos);
        auto begin = hit + kRawEscaped.size();
        auto end = text.find('"', begin);
        out.append(text, begin, end - begin);
        pos = end + 1;
    }
}

json::object Envelope(CallResult const& call, json::object time) {
    json::object body;
    if (call.is_error) {
        body["error"] = call.error;
        body["error_description"] = call.error_description;
        return body;
    }
    body["result"] = call.result;
    if (call.next) {
        body["next"] = *call.next;
    }
    if (call.total) {
        body["total"] = *call.total;
    }
    body["time"] = std::move(time);
    return body;
}

Reply JsonReply(unsigned status, json::value const& body) {
    Reply reply;
    reply.status = status;
    reply.body = Serialize(body);
    return reply;
}

Reply ErrorReply(unsigned status, std::string const& code, std::string const& description) {
    return JsonReply(status, json::object{{"error", code}, {"error_description", description}});
}

Reply HtmlGatewayReply(unsigned status) {
    Reply reply;
    reply.status = status;
    reply.content_type = "text/html";
    auto title = std::string(StatusText(status));
    reply.body = "<html>\r\n<head><title>" + title + "</title></head>\r\n<body>\r\n<center><h1>" + title +
                 "</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";
    return reply;
}

}  // namespace b2b::emu::bitrix24
