#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace b2b::onec {

/// Query parameters of an exchange request, decoded the way PHP's $_GET does (1C talks to PHP
/// sites): '+' is a space, %XX is a byte, a malformed escape is kept verbatim, the last duplicate
/// wins, names are case-sensitive. Lenient on purpose: 1C may send raw backslashes and Cyrillic.
using QueryParams = std::map<std::string, std::string, std::less<>>;
QueryParams ParseQuery(std::string_view target);

/// The value of cookie `name` in a Cookie header ("a=1; PHPSESSID=xyz"), or nullopt.
std::optional<std::string> FindCookie(std::string_view cookie_header, std::string_view name);

}  // namespace b2b::onec
