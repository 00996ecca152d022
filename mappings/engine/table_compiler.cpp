#include "mappings/engine/table_compiler.hpp"

#include <map>
#include <optional>

#include "core/config/suggest.hpp"
#include "mappings/engine/compile_support.hpp"

namespace b2b::mapping::detail {
namespace {

std::optional<std::string> Cell(Reporter& r, std::string const& file, YAML::Node const& node, YAML::Mark const& at,
                                std::string const& where) {
    if (node.IsNull()) {
        return std::string();
    }
    if (!node.IsScalar()) {
        r.Report(file, node.Mark().is_null() ? at : node.Mark(),
                 where + " must be text or a number, got " + Describe(node));
        return std::nullopt;
    }
    return node.Scalar();
}

void CompileSimpleTable(Reporter& r, std::string const& file, YAML::Node const& body, ValueTable& table) {
    table.key_column = "key";
    table.columns = {"key", "value"};
    r.ForEachEntry(file, body, "table " + Quote(table.name),
                   [&](std::string const& key_text, YAML::Node const& key, YAML::Node const& value) {
                       auto cell = Cell(r, file, value, key.Mark(),
                                        "the value of " + Quote(key_text) + " in table " + Quote(table.name));
                       if (!cell) {
                           return;
                       }
                       ValueTable::Row row;
                       row.at = SourceRef{file, key.Mark().line + 1, key.Mark().column + 1};
                       row.cells["key"] = key_text;
                       row.cells["value"] = *cell;
                       table.rows.push_back(std::move(row));
                   });
}

void CompileColumnTable(Reporter& r, std::string const& file, YAML::Node const& body, ValueTable& table) {
    std::string const where = "table " + Quote(table.name);
    YAML::Node rows;
    r.ForEachEntry(file, body, where, [&](std::string const& name, YAML::Node const& key, YAML::Node const& value) {
        if (name == "key") {
            if (!value.IsScalar()) {
                r.Report(file, key.Mark(), where + ": \"key\" must name a column");
            } else {
                table.key_column = value.Scalar();
            }
        } else if (name == "rows") {
            rows = value;
        } else if (name != "description") {
            r.Report(file, key.Mark(),
                     "unknown key " + Quote(name) + " in " + where + "; valid keys: key, rows, description" +
                         DidYouMean(name, {"key", "rows", "description"}));
        }
    });
    if (!rows.IsSequence()) {
        r.Report(file, rows.Mark(), where + ": \"rows\" must be a list of maps, got " + Describe(rows));
        return;
    }
    for (auto const& row_node : rows) {
        if (!row_node.IsMap()) {
            r.Report(file, row_node.Mark(),
                     where + ": a row must be a map of column: value, got " + Describe(row_node));
            continue;
        }
        ValueTable::Row row;
        row.at = SourceRef{file, row_node.Mark().line + 1, row_node.Mark().column + 1};
        r.ForEachEntry(file, row_node, "a row of " + where,
                       [&](std::string const& column, YAML::Node const& key, YAML::Node const& value) {
                           auto cell = Cell(r, file, value, key.Mark(), "column " + Quote(column) + " of " + where);
                           if (!cell) {
                               return;
                           }
                           if (!table.HasColumn(column)) {
                               table.columns.push_back(column);
                           }
                           row.cells[column] = *cell;
                       });
        table.rows.push_back(std::move(row));
    }
    if (table.key_column.empty()) {
        table.key_column = table.columns.empty() ? std::string("key") : table.columns.front();
    }
    if (!table.columns.empty() && !table.HasColumn(table.key_column)) {
        r.Report(file, Pos{table.at.line, table.at.column},
                 where + ": key column " + Quote(table.key_column) + " is not a column of its rows" +
                     DidYouMean(table.key_column, table.columns));
        return;
    }
    std::map<std::string, int> seen;
    for (auto const& row : table.rows) {
        auto it = row.cells.find(table.key_column);
        if (it == row.cells.end() || it->second.empty()) {
            r.Report(file, Pos{row.at.line, row.at.column},
                     where + ": the row has no " + Quote(table.key_column) + " (its key column)");
            continue;
        }
        auto [pos, inserted] = seen.emplace(it->second, row.at.line);
        if (!inserted) {
            r.Report(file, Pos{row.at.line, row.at.column},
                     where + ": duplicate " + table.key_column + " " + Quote(it->second) + " (first at line " +
                         std::to_string(pos->second) + ")");
        }
    }
}

}  // namespace

void CompileTables(Reporter& r, std::string const& file, YAML::Node const& tables, TableMap& out) {
    if (!tables.IsMap()) {
        r.Report(file, tables.Mark(), "\"tables\" must be a map of table names, got " + Describe(tables));
        return;
    }
    r.ForEachEntry(file, tables, "\"tables\"",
                   [&](std::string const& name, YAML::Node const& key, YAML::Node const& body) {
                       if (auto it = out.find(name); it != out.end()) {
                           r.Report(file, key.Mark(),
                                    "table " + Quote(name) + " is already defined at " + it->second.at.ToString());
                           return;
                       }
                       ValueTable table;
                       table.name = name;
                       table.at = SourceRef{file, key.Mark().line + 1, key.Mark().column + 1};
                       if (!r.ExpectMap(file, key, body, "tables." + name)) {
                           return;
                       }
                       if (body["rows"]) {
                           CompileColumnTable(r, file, body, table);
                       } else {
                           CompileSimpleTable(r, file, body, table);
                       }
                       out.emplace(name, std::move(table));
                   });
}

}  // namespace b2b::mapping::detail
