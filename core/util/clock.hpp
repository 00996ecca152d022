#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace b2b {

/// Wall-clock time as persisted in the store: milliseconds since the Unix epoch, UTC.
using UnixMillis = std::int64_t;

/// The source of "now" for everything that schedules (job queue, backoff, leases). Tests use
/// FakeClock so no test sleeps to make time pass.
class Clock {
public:
    virtual ~Clock() = default;
    virtual UnixMillis NowMillis() const = 0;
};

class SystemClock final : public Clock {
public:
    UnixMillis NowMillis() const override {
        return std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::system_clock::now().time_since_epoch())
            .count();
    }
    static SystemClock& Instance() {
        static SystemClock clock;
        return clock;
    }
};

class FakeClock final : public Clock {
public:
    explicit FakeClock(UnixMillis start = 1'700'000'000'000) : now_(start) {}
    UnixMillis NowMillis() const override { return now_.load(); }
    void Advance(std::chrono::milliseconds d) { now_ += d.count(); }
    void Set(UnixMillis t) { now_ = t; }

private:
    std::atomic<UnixMillis> now_;
};

}  // namespace b2b
