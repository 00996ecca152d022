#include "core/store/backoff.hpp"

#include <algorithm>
#include <cmath>

namespace b2b::store {

std::chrono::milliseconds BackoffDelay(RetryPolicy const& policy, int attempt, double unit_random,
                                       std::optional<std::chrono::milliseconds> retry_after) {
    double const cap = static_cast<double>(policy.max.count());
    double base = static_cast<double>(policy.initial.count()) *
                  std::pow(policy.multiplier, static_cast<double>(std::max(attempt, 1) - 1));
    // pow overflows to inf for large attempts; the cap keeps that finite.
    base = std::min(base, cap);
    double const r = std::clamp(unit_random, 0.0, 1.0);
    double const jittered = base * (1.0 + policy.jitter * (2.0 * r - 1.0));
    auto delay = std::chrono::milliseconds(static_cast<std::int64_t>(std::llround(std::max(jittered, 0.0))));
    if (retry_after && *retry_after > delay) {
        delay = *retry_after;
    }
    return delay;
}

}  // namespace b2b::store
