#pragma once

#include <yaml-cpp/yaml.h>

#include <string>

#include "mappings/engine/compile_support.hpp"
#include "mappings/engine/tables.hpp"

namespace b2b::mapping::detail {

/// Compiles the `tables:` section of `file` into `out`: simple tables (key: value) and tables with
/// columns (`key:` + `rows:`). Reports duplicate tables (across files), duplicate key values, rows
/// without a key and an unknown key column.
void CompileTables(Reporter& r, std::string const& file, YAML::Node const& tables, TableMap& out);

}  // namespace b2b::mapping::detail
