#include "tests/emulators/bitrix24/limits.hpp"

#include <algorithm>
#include <cmath>

namespace b2b::emu::bitrix24 {

bool LeakyBucket::TryAdmit(double now) {
    level_ = Level(now);
    last_ = now;
    if (level_ + 1 > burst_) {
        return false;
    }
    level_ += 1;
    return true;
}

double LeakyBucket::Level(double now) const {
    double elapsed = std::max(0.0, now - last_);
    return std::max(0.0, level_ - elapsed * drain_);
}

void LeakyBucket::Configure(double burst, double drain) {
    burst_ = burst;
    drain_ = drain;
}

void OperatingBudget::Expire(std::deque<Basket>& baskets, double now) const {
    while (!baskets.empty() && baskets.front().minute_start + kBaskets * kBasketSeconds <= now) {
        baskets.pop_front();
    }
}

bool OperatingBudget::Exhausted(std::string const& key, double now) { return Sum(key, now) > limit_; }

void OperatingBudget::Record(std::string const& key, double seconds, double now) {
    auto& baskets = baskets_[key];
    Expire(baskets, now);
    double minute = std::floor(now / kBasketSeconds) * kBasketSeconds;
    if (baskets.empty() || baskets.back().minute_start != minute) {
        baskets.push_back(Basket{minute, 0});
    }
    baskets.back().seconds += seconds;
}

double OperatingBudget::Sum(std::string const& key, double now) {
    auto it = baskets_.find(key);
    if (it == baskets_.end()) {
        return 0;
    }
    Expire(it->second, now);
    double sum = 0;
    for (auto const& basket : it->second) {
        sum += basket.seconds;
    }
    return sum;
}

std::int64_t OperatingBudget::ResetAt(std::string const& key, double now) {
    auto it = baskets_.find(key);
    if (it != baskets_.end()) {
        Expire(it->second, now);
        if (!it->second.empty()) {
            return static_cast<std::int64_t>(it->second.front().minute_start + kBaskets * kBasketSeconds);
        }
    }
    return static_cast<std::int64_t>(std::floor(now / kBasketSeconds) * kBasketSeconds + kBaskets * kBasketSeconds);
}

double CostModel::CostOf(std::string const& method) const {
    auto it = method_costs.find(method);
    return it == method_costs.end() ? default_cost : it->second;
}

}  // namespace b2b::emu::bitrix24
