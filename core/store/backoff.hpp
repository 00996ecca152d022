#pragma once

#include <chrono>
#include <optional>

namespace b2b::store {

/// When and how often a failed job is tried again (Camel's RedeliveryPolicy, trimmed).
struct RetryPolicy {
    std::chrono::milliseconds initial{1000};   ///< delay after the first failed attempt
    double multiplier = 2.0;                   ///< growth per further attempt
    std::chrono::milliseconds max{15 * 60 * 1000};  ///< cap before jitter
    double jitter = 0.2;                       ///< ± this fraction, spreads retries of a burst apart
    int max_attempts = 10;                     ///< attempts in total before a transient failure is dead
};

/// The delay before attempt `attempt + 1`, given that attempt number `attempt` (1-based) failed:
/// min(max, initial × multiplier^(attempt−1)), then scaled by 1 + jitter × (2·unit_random − 1),
/// so `unit_random` in [0, 1) maps to ±jitter (0.5 means no jitter). A `retry_after` hint from
/// the remote side is a floor: the result is max(backoff, retry_after). Never negative. Pure.
std::chrono::milliseconds BackoffDelay(RetryPolicy const& policy, int attempt, double unit_random,
                                       std::optional<std::chrono::milliseconds> retry_after = std::nullopt);

}  // namespace b2b::store
