#pragma once

#include <string>
#include <string_view>

#include <boost/json/object.hpp>

namespace b2b::bitrix24 {

/// Percent-encodes everything except RFC 3986 unreserved characters (so `&`, `%`, `[`, `]`, `#`,
/// `+`, `=` and non-ASCII UTF-8 bytes are always encoded, bitrix24.md §2).
std::string UrlEncode(std::string_view text);

/// Encodes params as PHP's http_build_query does: `fields[TITLE]=A%26B&select[0]=ID`. Nested
/// objects and arrays become bracketed keys; strings are URL-encoded; integers verbatim; booleans
/// as 1/0; null as an empty value (a query string cannot say null, bitrix24.md §4). A string
/// value starting with `$result[` is a batch back-reference and is written raw so the portal can
/// substitute it. Keys keep their brackets raw; the key names themselves are encoded.
std::string EncodePhpQuery(boost::json::object const& params);

}  // namespace b2b::bitrix24
