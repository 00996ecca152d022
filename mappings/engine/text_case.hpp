#pragma once

#include <string>
#include <string_view>

/// Case mapping for the text mappings meet: ASCII and Russian Cyrillic (А-Я, Ё), UTF-8 in and out.
/// Other characters pass through unchanged.
namespace b2b::mapping {

std::string ToUpper(std::string_view text);
std::string ToLower(std::string_view text);
/// Without surrounding spaces (ASCII, NBSP and the thin spaces 1C uses).
std::string_view TrimText(std::string_view text);

}  // namespace b2b::mapping
