#include "mappings/engine/tables.hpp"

#include <algorithm>

#include "core/domain/decimal_parse.hpp"

namespace b2b::mapping {
namespace {

bool IsInteger(std::string_view s) {
    if (s.starts_with('-')) {
        s.remove_prefix(1);
    }
    return !s.empty() && s.size() <= 18 && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

std::string SourceRef::ToString() const { return file + ":" + std::to_string(line) + ":" + std::to_string(column); }

bool ValueTable::HasColumn(std::string_view column) const {
    return std::find(columns.begin(), columns.end(), column) != columns.end();
}

ValueType ValueTable::ColumnType(std::string_view column) const {
    bool all_integers = true;
    bool all_numbers = true;
    bool any = false;
    for (auto const& row : rows) {
        auto it = row.cells.find(column);
        if (it == row.cells.end() || it->second.empty()) {
            continue;  // an empty cell means "nothing": it gives an absent value of any type
        }
        any = true;
        all_integers = all_integers && IsInteger(it->second);
        // Only plain "12.5" counts: "1 234" is text in a table (it is a name there, not an amount).
        all_numbers = all_numbers && it->second.find(' ') == std::string::npos && ParseDecimal(it->second).has_value();
    }
    if (!any) {
        return ValueType::kText;
    }
    return all_integers ? ValueType::kInteger : all_numbers ? ValueType::kDecimal : ValueType::kText;
}

ValueTable::Row const* ValueTable::Find(std::string_view column, std::string_view value) const {
    for (auto const& row : rows) {
        auto it = row.cells.find(column);
        if (it != row.cells.end() && it->second == value) {
            return &row;
        }
    }
    return nullptr;
}

}  // namespace b2b::mapping
