#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "tests/emulators/bitrix24/crm_store.hpp"

namespace b2b::emu::bitrix24 {

/// Page size of every list method; `limit` is ignored like on the portal (bitrix24.md §5).
inline constexpr std::int64_t kPageSize = 50;

/// order/filter/select/start of a list call, read from the PHP-normalised params.
struct ListQuery {
    boost::json::object filter;
    std::vector<std::pair<std::string, bool>> order;  // field, ascending
    std::vector<std::string> select;
    std::int64_t start = 0;  // -1 = do not count (no total, no next)
};

ListQuery ParseListQuery(boost::json::object const& params);

/// Filter semantics of §5: keys carry an operator prefix (`>=ID`, `%TITLE`, `@ID`, `!=X`...);
/// numbers compare numerically, LIKE is case-insensitive, multi-fields match when any VALUE
/// equals exactly. Every condition must hold (AND).
bool MatchesFilter(boost::json::object const& row, boost::json::object const& filter);

/// Which fields a row exposes under `select`: empty or `*` = standard fields (no UF_*, no
/// multi-fields), `UF_*` = all user fields, anything else by exact name.
struct FieldSets {
    std::set<std::string> multi_fields;  // PHONE, EMAIL, WEB, IM, LINK
};
boost::json::object ApplySelect(boost::json::object const& row, std::vector<std::string> const& select,
                                FieldSets const& sets);

struct ListPage {
    boost::json::array rows;
    std::optional<std::int64_t> total;
    std::optional<std::int64_t> next;
    bool counted = false;  // whether the (expensive) count was done; drives the cost model
};

/// Filters, orders (default ID ASC), pages by 50 from `start` and applies `select`.
ListPage RunList(std::vector<boost::json::object> const& rows, ListQuery const& query, FieldSets const& sets);
/// The same over a table: an equality or IN condition (`ORIGIN_ID`, `@RQ_INN`, `ID`) picks the
/// candidate rows from the table's index; the full filter still decides.
ListPage RunList(Table& table, ListQuery const& query, FieldSets const& sets);

/// Index keys of a stored value under the filter's equality (numeric when the text is a number,
/// so "5" and "5.0" meet; one key per multi-field VALUE; null and "" share one key).
std::vector<std::string> IndexKeys(boost::json::value const* value);
std::string IndexKey(std::string const& text);

}  // namespace b2b::emu::bitrix24
