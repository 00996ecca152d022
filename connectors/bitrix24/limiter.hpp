#pragma once

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "connectors/bitrix24/envelope.hpp"
#include "core/util/clock.hpp"
#include "core/util/error.hpp"

namespace b2b::bitrix24 {

struct LimiterOptions {
    double burst = 50;        ///< the portal's bucket size X (250 on Enterprise)
    double per_second = 2;    ///< the portal's drain rate Y (5 on Enterprise)
    double headroom = 1;      ///< requests kept free below X for clock skew between us and the portal
    double operating_limit = 480;  ///< seconds of method time per 10 min before the portal answers 429
    std::chrono::milliseconds min_operating_park{10'000};  ///< park after a 429 with no known reset time
    std::chrono::milliseconds query_limit_backoff{1'000};  ///< first pause after a 503; doubles per repeat
    std::chrono::milliseconds max_backoff{30'000};
};

/// The client-side model of the portal's limits (bitrix24.md §3), shared by every request of one
/// portal: a leaky bucket (+1 per HTTP request, a batch included; drains `per_second`; never
/// above `burst − headroom`, so b2bsync alone never sees 503 QUERY_LIMIT_EXCEEDED), per-method
/// operating-time tracking fed from replies (a method whose `operating` reached the limit, or
/// that got 429, is parked until its `operating_reset_at`; other methods go on), and a growing
/// pause after each 503 (another client shares the bucket). Pure logic on an injected Clock;
/// thread-safe.
class Limiter {
public:
    Limiter(LimiterOptions options, Clock const& clock);

    /// How long until one request calling `methods` (one method, or a batch's sub-methods) may
    /// go; zero = now. Does not consume.
    std::chrono::milliseconds WaitTime(std::span<std::string const> methods) const;

    /// Takes one unit if WaitTime is zero and returns zero; otherwise takes nothing and returns
    /// the wait.
    std::chrono::milliseconds TryAcquire(std::span<std::string const> methods);

    /// Blocks (on a condition variable, real time) until the request may go, then takes one
    /// unit. If the wait would end later than `max_wait` from now it takes nothing and returns a
    /// transient error with retry_after = the wait, so the dispatcher reschedules instead of a
    /// worker sleeping for minutes. Cancel() ends a wait early with a transient error.
    Status Acquire(std::span<std::string const> methods, std::chrono::milliseconds max_wait);

    /// Feeds a successful reply's `time` for `method` (also each batch command's result_time).
    void OnReply(std::string_view method, OperatingInfo const& time);
    /// The portal answered 429 OPERATION_TIME_LIMIT for `method`: park it until its last known
    /// reset time (or min_operating_park from now). Returns when it is parked until.
    UnixMillis OnOperationTimeLimit(std::string_view method);
    /// The portal answered 503 QUERY_LIMIT_EXCEEDED: assume the bucket is full and pause all
    /// requests for a growing time. Returns the pause.
    std::chrono::milliseconds OnQueryLimitExceeded();
    /// Any reply that was not a 503: ends the 503 streak.
    void OnAccepted();

    /// The last known reset time of `method`'s operating budget (for 429 retry_after).
    std::optional<UnixMillis> ResetAt(std::string_view method) const;
    /// When `method` may be called again, if parked.
    std::optional<UnixMillis> ParkedUntil(std::string_view method) const;
    /// The bucket level now (0 .. burst).
    double Level() const;
    void Cancel();
    LimiterOptions const& options() const { return options_; }

private:
    struct MethodState {
        double operating = 0;
        std::optional<UnixMillis> reset_at;
        UnixMillis parked_until = 0;
    };
    double LevelAt(UnixMillis now) const;  // mutex held
    std::chrono::milliseconds WaitLocked(std::span<std::string const> methods, UnixMillis now) const;
    void Take(UnixMillis now);

    LimiterOptions options_;
    Clock const& clock_;
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    double level_ = 0;
    UnixMillis level_at_ = 0;
    UnixMillis paused_until_ = 0;
    int query_limit_streak_ = 0;
    bool cancelled_ = false;
    std::map<std::string, MethodState, std::less<>> methods_;
};

}  // namespace b2b::bitrix24
