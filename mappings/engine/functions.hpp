#pragma once

#include <string>
#include <vector>

/// The functions a pipe may call, in the order the reference lists them.
namespace b2b::mapping {

struct FunctionInfo {
    std::string name;
    std::string signature;  ///< as docs/mappings.md shows it
    std::string description;
};

std::vector<FunctionInfo> const& Functions();
std::vector<std::string> FunctionNames();

}  // namespace b2b::mapping
