#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "mappings/engine/value.hpp"

/// Value tables: translations between the vocabularies of the systems (statuses, price types,
/// units, VAT rates, managers). Declared under `tables:` in any mapping file (docs/mappings.md).
namespace b2b::mapping {

/// A place in a mapping file, for messages: "tables.yaml:12:5".
struct SourceRef {
    std::string file;  ///< file name as shown in messages (relative to the mappings dir)
    int line = 0;
    int column = 0;
    std::string ToString() const;
};

class ValueTable {
public:
    struct Row {
        std::map<std::string, std::string, std::less<>> cells;
        SourceRef at;
    };

    std::string name;
    SourceRef at;
    /// A simple table (`managers: { "Иванов И. И.": 17 }`) has columns "key" and "value".
    std::string key_column;
    std::vector<std::string> columns;
    std::vector<Row> rows;

    bool HasColumn(std::string_view column) const;
    /// integer if every cell of the column is an integer, decimal if every one is a number, else text.
    ValueType ColumnType(std::string_view column) const;
    /// The first row whose `column` equals `value` (exact text), or nullptr.
    Row const* Find(std::string_view column, std::string_view value) const;
};

/// Tables by name, as a compiled set holds them (node-stable: compiled mappings point into it).
using TableMap = std::map<std::string, ValueTable, std::less<>>;

}  // namespace b2b::mapping
