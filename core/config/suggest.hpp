#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace b2b::config {

/// Edit distance (insert, delete, substitute, swap of neighbours), case-insensitive.
std::size_t EditDistance(std::string_view a, std::string_view b);

/// The candidate closest to `word` if it is close enough to be a plausible typo (distance <= 2, or <= a
/// third of the word's length for long words); the first declared wins ties.
std::optional<std::string> ClosestMatch(std::string_view word, std::vector<std::string> const& candidates);

}  // namespace b2b::config
