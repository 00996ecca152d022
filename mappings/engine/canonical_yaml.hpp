#pragma once

#include <yaml-cpp/yaml.h>

#include <string>

#include "core/domain/counterparty.hpp"
#include "core/domain/order.hpp"
#include "core/util/error.hpp"

/// Canonical entities written in YAML, for golden cases and tests: the keys are the C++ field
/// names (docs/mappings.md "Golden cases" lists them). To keep cases short, a line's `sum`
/// defaults to unit_price x quantity - discount and the order `total` to the line sums plus
/// delivery. Not validated here (call Validate); Permanent errors read `FILE:LINE:COL: message`.
namespace b2b::mapping {

Result<Order> OrderFromYaml(YAML::Node const& node, std::string const& file);
Result<Counterparty> CounterpartyFromYaml(YAML::Node const& node, std::string const& file);

}  // namespace b2b::mapping
