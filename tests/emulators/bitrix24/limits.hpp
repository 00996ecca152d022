#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <string>

namespace b2b::emu::bitrix24 {

/// Request-rate leaky bucket (bitrix24.md §3.1): every admitted request adds 1, the level
/// drains by `drain` per second, a request that would lift it above `burst` is refused.
/// Refused requests do not raise the level (the docs do not say they do).
class LeakyBucket {
public:
    LeakyBucket(double burst, double drain) : burst_(burst), drain_(drain) {}
    /// True if the request is admitted at emulated time `now`.
    bool TryAdmit(double now);
    void Configure(double burst, double drain);
    double Level(double now) const;
    void Reset() { level_ = 0; }
    double burst() const { return burst_; }
    double drain() const { return drain_; }

private:
    double burst_;
    double drain_;
    double level_ = 0;
    double last_ = 0;
};

/// Per-method execution-time budget (bitrix24.md §3.2): time is summed per (credential,
/// method) in one-minute baskets; the sum covers the last 10 baskets; once it exceeds
/// `limit` the next call of that method is refused until the oldest basket drops.
class OperatingBudget {
public:
    static constexpr double kBasketSeconds = 60;
    static constexpr int kBaskets = 10;

    explicit OperatingBudget(double limit_seconds) : limit_(limit_seconds) {}
    void SetLimit(double limit_seconds) { limit_ = limit_seconds; }
    double limit() const { return limit_; }

    /// True when the method is over budget and must answer 429 OPERATION_TIME_LIMIT.
    bool Exhausted(std::string const& key, double now);
    /// Adds `seconds` of execution time to the basket of `now`.
    void Record(std::string const& key, double seconds, double now);
    /// Current sum for the key over the window (what `time.operating` reports).
    double Sum(std::string const& key, double now);
    /// Unix time at which the oldest basket leaves the window (`time.operating_reset_at`).
    std::int64_t ResetAt(std::string const& key, double now);
    void Reset() { baskets_.clear(); }

private:
    struct Basket {
        double minute_start;
        double seconds;
    };
    void Expire(std::deque<Basket>& baskets, double now) const;

    double limit_;
    std::map<std::string, std::deque<Basket>> baskets_;
};

/// Cost model: how much operating time a call burns. Counting `total` for lists is the
/// expensive part on a real portal (huge-data.md), so it has its own price.
struct CostModel {
    double default_cost = 0.01;
    double count_cost = 0.2;  // added to a list call unless start=-1
    std::map<std::string, double> method_costs;

    double CostOf(std::string const& method) const;
};

}  // namespace b2b::emu::bitrix24
