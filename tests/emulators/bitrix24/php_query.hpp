#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <string>
#include <string_view>

namespace b2b::emu::bitrix24 {

/// Percent-decodes a query component; '+' is a space (application/x-www-form-urlencoded).
std::string UrlDecode(std::string_view text);

/// Percent-encodes everything except RFC 3986 unreserved characters (like PHP rawurlencode).
std::string UrlEncode(std::string_view text);

/// Parses "fields[TITLE]=x&select[]=ID&select[]=TITLE" the way PHP fills $_GET/$_POST:
/// bracket segments build nested maps, "[]" appends the next integer key, later duplicates
/// win. All leaves are strings. Maps whose keys are exactly 0..n-1 in order become JSON arrays,
/// as PHP's json_encode would print them, so that a form body and a JSON body give the same tree.
boost::json::object ParsePhpQuery(std::string_view query);

/// Turns maps with keys "0".."n-1" (in order) into arrays, recursively (PHP list semantics).
boost::json::value NormalizePhpArrays(boost::json::value value);

/// Inverse of ParsePhpQuery, like PHP http_build_query: nested keys in brackets (encoded),
/// arrays with integer indexes, scalars as PHP would cast them to strings.
std::string BuildPhpQuery(boost::json::object const& tree);

/// PHP string cast of a scalar: true -> "1", false/null -> "", numbers in shortest form.
std::string ScalarToString(boost::json::value const& value);

}  // namespace b2b::emu::bitrix24
