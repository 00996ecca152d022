#include "tests/emulators/bitrix24/params.hpp"

#include "tests/emulators/bitrix24/php_query.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace b2b::emu::bitrix24 {

namespace json = boost::json;

namespace {

bool EqualsNoCase(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}

}  // namespace

json::value const* FindExact(json::object const& params, std::string_view key) { return params.if_contains(key); }

json::value const* FindParam(json::object const& params, std::string_view key) {
    if (auto const* exact = params.if_contains(key)) {
        return exact;
    }
    for (auto const& kv : params) {
        if (EqualsNoCase(kv.key(), key)) {
            return &kv.value();
        }
    }
    return nullptr;
}

std::optional<std::string> ParamString(json::object const& params, std::string_view key) {
    auto const* value = FindParam(params, key);
    if (value == nullptr || value->is_object() || value->is_array()) {
        return std::nullopt;
    }
    return ScalarToString(*value);
}

std::optional<std::int64_t> ToInt(json::value const& value) {
    if (value.is_int64()) {
        return value.get_int64();
    }
    if (value.is_uint64()) {
        return static_cast<std::int64_t>(value.get_uint64());
    }
    if (value.is_double()) {
        return static_cast<std::int64_t>(value.get_double());
    }
    if (!value.is_string()) {
        return std::nullopt;
    }
    auto text = std::string_view(value.get_string());
    std::int64_t n = 0;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (ec != std::errc{} || ptr == text.data()) {
        return std::nullopt;
    }
    // PHP's (int)"5.0" is 5; anything else after the digits makes it not an id.
    std::string_view rest(ptr, text.data() + text.size() - ptr);
    if (!rest.empty() && rest.find_first_not_of(".0") != std::string_view::npos) {
        return std::nullopt;
    }
    return n;
}

std::optional<std::int64_t> ParamInt(json::object const& params, std::string_view key) {
    auto const* value = FindParam(params, key);
    if (value == nullptr) {
        return std::nullopt;
    }
    return ToInt(*value);
}

std::vector<json::value> ItemsOf(json::value const& value) {
    std::vector<json::value> items;
    if (value.is_array()) {
        items.assign(value.as_array().begin(), value.as_array().end());
    } else if (value.is_object()) {
        for (auto const& kv : value.as_object()) {
            items.push_back(kv.value());
        }
    }
    return items;
}

bool IsTruthy(json::value const* value) {
    if (value == nullptr) {
        return false;
    }
    auto text = ScalarToString(*value);
    return text == "1" || EqualsNoCase(text, "Y") || EqualsNoCase(text, "true");
}

}  // namespace b2b::emu::bitrix24
