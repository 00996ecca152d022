#include "tests/emulators/bitrix24/php_query.hpp"

#include <boost/json/serialize.hpp>

#include <charconv>
#include <cstdint>
#include <vector>

namespace b2b::emu::bitrix24 {

namespace json = boost::json;

namespace {

int HexValue(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

// Splits "a[b][][c]" into {"a", "b", "", "c"}. A key without a closing bracket is taken
// literally, as PHP does.
std::vector<std::string> SplitKey(std::string const& key) {
    std::vector<std::string> parts;
    auto open = key.find('[');
    if (open == std::string::npos || open == 0) {
        parts.push_back(key);
        return parts;
    }
    parts.push_back(key.substr(0, open));
    auto pos = open;
    while (pos < key.size() && key[pos] == '[') {
        auto close = key.find(']', pos);
        if (close == std::string::npos) {
            break;
        }
        parts.push_back(key.substr(pos + 1, close - pos - 1));
        pos = close + 1;
    }
    return parts;
}

std::string NextIndex(json::object const& obj) {
    std::int64_t next = 0;
    for (auto const& kv : obj) {
        std::int64_t n = 0;
        auto key = kv.key();
        auto [ptr, ec] = std::from_chars(key.data(), key.data() + key.size(), n);
        if (ec == std::errc{} && ptr == key.data() + key.size() && n >= next) {
            next = n + 1;
        }
    }
    return std::to_string(next);
}

void Insert(json::object& root, std::vector<std::string> const& parts, std::string value) {
    json::object* node = &root;
    for (std::size_t i = 0; i < parts.size(); ++i) {
        std::string key = parts[i].empty() ? NextIndex(*node) : parts[i];
        if (i + 1 == parts.size()) {
            (*node)[key] = json::string(value);
            return;
        }
        auto& child = (*node)[key];
        if (!child.is_object()) {
            child = json::object{};
        }
        node = &child.as_object();
    }
}

bool IsListKeys(json::object const& obj) {
    std::size_t expected = 0;
    for (auto const& kv : obj) {
        if (kv.key() != std::to_string(expected)) {
            return false;
        }
        ++expected;
    }
    return !obj.empty();
}

void AppendQuery(std::string& out, std::string const& prefix, json::value const& value) {
    if (value.is_object()) {
        for (auto const& kv : value.as_object()) {
            AppendQuery(out, prefix + "[" + std::string(kv.key()) + "]", kv.value());
        }
        return;
    }
    if (value.is_array()) {
        std::size_t i = 0;
        for (auto const& item : value.as_array()) {
            AppendQuery(out, prefix + "[" + std::to_string(i++) + "]", item);
        }
        return;
    }
    if (!out.empty()) {
        out += '&';
    }
    out += UrlEncode(prefix);
    out += '=';
    out += UrlEncode(ScalarToString(value));
}

}  // namespace

std::string UrlDecode(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c == '+') {
            out += ' ';
        } else if (c == '%' && i + 2 < text.size() && HexValue(text[i + 1]) >= 0 && HexValue(text[i + 2]) >= 0) {
            out += static_cast<char>(HexValue(text[i + 1]) * 16 + HexValue(text[i + 2]));
            i += 2;
        } else {
            out += c;
        }
    }
    return out;
}

std::string UrlEncode(std::string_view text) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : text) {
        bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                          c == '_' || c == '.' || c == '~';
        if (unreserved) {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += kHex[c >> 4];
            out += kHex[c & 0xF];
        }
    }
    return out;
}

json::object ParsePhpQuery(std::string_view query) {
    json::object root;
    std::size_t pos = 0;
    while (pos <= query.size()) {
        auto amp = query.find('&', pos);
        if (amp == std::string_view::npos) {
            amp = query.size();
        }
        auto pair = query.substr(pos, amp - pos);
        pos = amp + 1;
        if (pair.empty()) {
            continue;
        }
        auto eq = pair.find('=');
        std::string key = UrlDecode(pair.substr(0, eq));
        std::string value = eq == std::string_view::npos ? std::string{} : UrlDecode(pair.substr(eq + 1));
        if (key.empty()) {
            continue;
        }
        Insert(root, SplitKey(key), std::move(value));
    }
    json::value normalized = NormalizePhpArrays(json::value(std::move(root)));
    return std::move(normalized.as_object());
}

json::value NormalizePhpArrays(json::value value) {
    if (value.is_array()) {
        for (auto& item : value.as_array()) {
            item = NormalizePhpArrays(std::move(item));
        }
        return value;
    }
    if (!value.is_object()) {
        return value;
    }
    auto& obj = value.as_object();
    for (auto& kv : obj) {
        kv.value() = NormalizePhpArrays(std::move(kv.value()));
    }
    if (IsListKeys(obj)) {
        json::array list;
        for (auto& kv : obj) {
            list.push_back(std::move(kv.value()));
        }
        return list;
    }
    return value;
}

std::string BuildPhpQuery(json::object const& tree) {
    std::string out;
    for (auto const& kv : tree) {
        AppendQuery(out, std::string(kv.key()), kv.value());
    }
    return out;
}

std::string ScalarToString(json::value const& value) {
    switch (value.kind()) {
        case json::kind::string:
            return std::string(value.get_string());
        case json::kind::bool_:
            return value.get_bool() ? "1" : "";
        case json::kind::int64:
            return std::to_string(value.get_int64());
        case json::kind::uint64:
            return std::to_string(value.get_uint64());
        case json::kind::double_:
            return json::serialize(value);
        case json::kind::null:
            return "";
        default:
            return json::serialize(value);
    }
}

}  // namespace b2b::emu::bitrix24
