#include "connectors/bitrix24/limiter.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace b2b::bitrix24 {

using std::chrono::milliseconds;

Limiter::Limiter(LimiterOptions options, Clock const& clock) : options_(options), clock_(clock) {
    options_.per_second = std::max(options_.per_second, 0.001);
    options_.burst = std::max(options_.burst, 1.0);
    options_.headroom = std::clamp(options_.headroom, 0.0, options_.burst - 1);
    level_at_ = clock_.NowMillis();
}

double Limiter::LevelAt(UnixMillis now) const {
    double const drained = static_cast<double>(std::max<UnixMillis>(0, now - level_at_)) / 1000.0 * options_.per_second;
    return std::max(0.0, level_ - drained);
}

milliseconds Limiter::WaitLocked(std::span<std::string const> methods, UnixMillis now) const {
    UnixMillis ready = std::max(now, paused_until_);
    for (auto const& m : methods) {
        if (auto it = methods_.find(m); it != methods_.end()) {
            ready = std::max(ready, it->second.parked_until);
        }
    }
    double const capacity = options_.burst - options_.headroom;
    double const excess = LevelAt(now) + 1.0 - capacity;
    if (excess > 1e-9) {
        // Round up so that after waiting the level has really drained enough.
        auto const drain_ms = static_cast<UnixMillis>(std::ceil(excess / options_.per_second * 1000.0 - 1e-6));
        ready = std::max(ready, now + drain_ms);
    }
    return milliseconds(ready - now);
}

void Limiter::Take(UnixMillis now) {
    level_ = LevelAt(now) + 1.0;
    level_at_ = now;
}

milliseconds Limiter::WaitTime(std::span<std::string const> methods) const {
    std::lock_guard lock(mutex_);
    return WaitLocked(methods, clock_.NowMillis());
}

milliseconds Limiter::TryAcquire(std::span<std::string const> methods) {
    std::lock_guard lock(mutex_);
    auto const now = clock_.NowMillis();
    auto const wait = WaitLocked(methods, now);
    if (wait.count() == 0) {
        Take(now);
    }
    return wait;
}

Status Limiter::Acquire(std::span<std::string const> methods, milliseconds max_wait) {
    std::unique_lock lock(mutex_);
    for (;;) {
        if (cancelled_) {
            return Error::Transient("bitrix24: shutting down while waiting for the request limiter");
        }
        auto const now = clock_.NowMillis();
        auto const wait = WaitLocked(methods, now);
        if (wait.count() == 0) {
            Take(now);
            return {};
        }
        if (wait > max_wait) {
            std::string parked;
            for (auto const& m : methods) {
                if (auto it = methods_.find(m); it != methods_.end() && it->second.parked_until > now) {
                    parked = m;
                }
            }
            return Error::Transient(
                parked.empty()
                    ? fmt::format("bitrix24: request rate limit reached, next slot in {} ms", wait.count())
                    : fmt::format("bitrix24: {} is parked for {} ms (operating-time budget spent)", parked,
                                  wait.count()),
                wait);
        }
        wake_.wait_for(lock, wait);
    }
}

void Limiter::OnReply(std::string_view method, OperatingInfo const& time) {
    std::lock_guard lock(mutex_);
    auto& state = methods_[std::string(method)];
    if (time.operating) {
        state.operating = *time.operating;
    }
    if (time.operating_reset_at) {
        state.reset_at = time.operating_reset_at;
    }
    if (time.operating && *time.operating >= options_.operating_limit && state.reset_at) {
        // The next call would get 429: do not spend a request to learn that.
        state.parked_until = std::max(state.parked_until, *state.reset_at);
    }
}

UnixMillis Limiter::OnOperationTimeLimit(std::string_view method) {
    std::lock_guard lock(mutex_);
    auto const now = clock_.NowMillis();
    auto& state = methods_[std::string(method)];
    UnixMillis until = now + options_.min_operating_park.count();
    if (state.reset_at && *state.reset_at > now) {
        until = *state.reset_at;
    }
    state.parked_until = std::max(state.parked_until, until);
    return state.parked_until;
}

milliseconds Limiter::OnQueryLimitExceeded() {
    std::lock_guard lock(mutex_);
    auto const now = clock_.NowMillis();
    level_ = options_.burst;
    level_at_ = now;
    ++query_limit_streak_;
    auto pause = options_.query_limit_backoff.count() << std::min(query_limit_streak_ - 1, 16);
    pause = std::min<std::int64_t>(pause, options_.max_backoff.count());
    paused_until_ = std::max(paused_until_, now + pause);
    return milliseconds(pause);
}

void Limiter::OnAccepted() {
    std::lock_guard lock(mutex_);
    query_limit_streak_ = 0;
}

std::optional<UnixMillis> Limiter::ResetAt(std::string_view method) const {
    std::lock_guard lock(mutex_);
    if (auto it = methods_.find(method); it != methods_.end()) {
        return it->second.reset_at;
    }
    return std::nullopt;
}

std::optional<UnixMillis> Limiter::ParkedUntil(std::string_view method) const {
    std::lock_guard lock(mutex_);
    auto const now = clock_.NowMillis();
    if (auto it = methods_.find(method); it != methods_.end() && it->second.parked_until > now) {
        return it->second.parked_until;
    }
    return std::nullopt;
}

double Limiter::Level() const {
    std::lock_guard lock(mutex_);
    return LevelAt(clock_.NowMillis());
}

void Limiter::Cancel() {
    {
        std::lock_guard lock(mutex_);
        cancelled_ = true;
    }
    wake_.notify_all();
}

}  // namespace b2b::bitrix24
