#pragma once

#include <chrono>
#include <mutex>

namespace b2b::emu::bitrix24 {

/// Emulated wall clock in unix seconds. Injectable so limits and token expiry can be tested
/// without sleeping, and sped up so a benchmark can emulate hours of 2 req/s in seconds.
class Clock {
public:
    virtual ~Clock() = default;
    /// Current emulated unix time in seconds (fractional).
    virtual double Now() const = 0;
    /// Jumps emulated time forward (e.g. past an operating_reset_at) without waiting.
    virtual void Advance(double seconds) = 0;
};

/// Real time scaled by `speed` from the moment of construction: with speed 60 one real second
/// is one emulated minute, so the leaky bucket drains and operating baskets expire 60x faster.
class ScaledClock final : public Clock {
public:
    explicit ScaledClock(double speed);
    double Now() const override;
    void Advance(double seconds) override;
    void SetSpeed(double speed);

private:
    mutable std::mutex mu_;
    double speed_;
    double base_unix_;
    std::chrono::steady_clock::time_point base_steady_;
};

/// Manually advanced clock for tests; starts at a fixed unix time.
class ManualClock final : public Clock {
public:
    explicit ManualClock(double start_unix = 1'725'013'197.0) : now_(start_unix) {}
    double Now() const override { return now_; }
    void Advance(double seconds) override { now_ += seconds; }

private:
    double now_;
};

}  // namespace b2b::emu::bitrix24
