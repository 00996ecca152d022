#include "core/config/suggest.hpp"

#include <algorithm>
#include <cctype>

namespace b2b::config {

std::size_t EditDistance(std::string_view a, std::string_view b) {
    auto const lower = [](char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); };
    std::size_t const n = a.size();
    std::size_t const m = b.size();
    // Optimal string alignment distance over a full matrix; keys are short.
    std::vector<std::vector<std::size_t>> d(n + 1, std::vector<std::size_t>(m + 1, 0));
    for (std::size_t i = 0; i <= n; ++i) {
        d[i][0] = i;
    }
    for (std::size_t j = 0; j <= m; ++j) {
        d[0][j] = j;
    }
    for (std::size_t i = 1; i <= n; ++i) {
        for (std::size_t j = 1; j <= m; ++j) {
            std::size_t const cost = lower(a[i - 1]) == lower(b[j - 1]) ? 0 : 1;
            d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
            if (i > 1 && j > 1 && lower(a[i - 1]) == lower(b[j - 2]) && lower(a[i - 2]) == lower(b[j - 1])) {
                d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
            }
        }
    }
    return d[n][m];
}

std::optional<std::string> ClosestMatch(std::string_view word, std::vector<std::string> const& candidates) {
    std::optional<std::string> best;
    std::size_t best_distance = 0;
    for (auto const& candidate : candidates) {
        std::size_t const distance = EditDistance(word, candidate);
        if (!best || distance < best_distance) {
            best = candidate;
            best_distance = distance;
        }
    }
    std::size_t const limit = std::max<std::size_t>(2, word.size() / 3);
    if (!best || best_distance > limit || best_distance >= word.size()) {
        return std::nullopt;
    }
    return best;
}

}  // namespace b2b::config
