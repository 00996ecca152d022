#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace b2b::emu::bitrix24 {

/// Legacy methods read top-level keys case-insensitively ("id"/"ID", "fields"/"FIELDS"),
/// because PHP code on the portal normalises them. Returns nullptr when absent.
boost::json::value const* FindParam(boost::json::object const& params, std::string_view key);

/// Exact-case lookup (crm.timeline.comment.add accepts only lowercase "fields").
boost::json::value const* FindExact(boost::json::object const& params, std::string_view key);

/// The scalar as PHP would see it, or nullopt when absent / not a scalar.
std::optional<std::string> ParamString(boost::json::object const& params, std::string_view key);

/// Parses an integer the PHP way for ids ("5", 5, "5.0" -> 5); nullopt if not a number.
std::optional<std::int64_t> ToInt(boost::json::value const& value);
std::optional<std::int64_t> ParamInt(boost::json::object const& params, std::string_view key);

/// Items of a PHP array whether it arrived as a JSON array or as a map ({"0":..,"x":..}).
std::vector<boost::json::value> ItemsOf(boost::json::value const& value);

/// "Y"/"N"/"1"/"true" handling used by flags such as halt, clear, IS_MANUAL_OPPORTUNITY.
bool IsTruthy(boost::json::value const* value);

}  // namespace b2b::emu::bitrix24
