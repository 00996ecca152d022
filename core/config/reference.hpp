#pragma once

#include <string>

#include "core/config/schema.hpp"

namespace b2b::config::schema {

/// Markdown tables of every key under `root`, one section per nested map, in declaration order.
/// Throws std::logic_error if a key has no description (every key must be documented).
std::string RenderKeyTables(StructSpecBase const& root);

}  // namespace b2b::config::schema
