#include "connectors/bitrix24/php_query.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

namespace b2b::bitrix24 {
namespace {

namespace json = boost::json;

void Append(std::string& out, std::string const& key, json::value const& value) {
    auto add_pair = [&](std::string_view encoded_value) {
        if (!out.empty()) {
            out += '&';
        }
        out += key;
        out += '=';
        out += encoded_value;
    };
    switch (value.kind()) {
        case json::kind::object:
            for (auto const& kv : value.get_object()) {
                Append(out, key + "[" + UrlEncode(kv.key()) + "]", kv.value());
            }
            break;
        case json::kind::array: {
            std::size_t i = 0;
            for (auto const& item : value.get_array()) {
                Append(out, key + "[" + std::to_string(i++) + "]", item);
            }
            break;
        }
        case json::kind::string: {
            std::string_view s = value.get_string();
            if (s.starts_with("$result[")) {
                add_pair(s);
            } else {
                add_pair(UrlEncode(s));
            }
            break;
        }
        case json::kind::bool_:
            add_pair(value.get_bool() ? "1" : "0");
            break;
        case json::kind::null:
            add_pair("");
            break;
        default:
            add_pair(UrlEncode(json::serialize(value)));
            break;
    }
}

}  // namespace

std::string UrlEncode(std::string_view text) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        auto const u = static_cast<unsigned char>(c);
        bool const unreserved = (u >= 'A' && u <= 'Z') || (u >= 'a' && u <= 'z') || (u >= '0' && u <= '9') ||
                                u == '-' || u == '_' || u == '.' || u == '~';
        if (unreserved) {
            out += c;
        } else {
            out += '%';
            out += kHex[u >> 4];
            out += kHex[u & 0x0F];
        }
    }
    return out;
}

std::string EncodePhpQuery(json::object const& params) {
    std::string out;
    for (auto const& kv : params) {
        Append(out, UrlEncode(kv.key()), kv.value());
    }
    return out;
}

}  // namespace b2b::bitrix24
