#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace b2b::emu::site {

/// `a=1&b=%D0%90+x` -> {a:1, b:"А x"} (percent and '+' decoded; PHP's $_GET).
std::map<std::string, std::string> ParseQuery(std::string_view query);

/// The value of cookie `name` in a Cookie header.
std::optional<std::string> CookieValue(std::string_view header, std::string_view name);

/// {user, password} from `Authorization: Basic …`; nullopt for anything else.
std::optional<std::pair<std::string, std::string>> ParseBasic(std::string_view header);

}  // namespace b2b::emu::site
