#include "tests/emulators/bitrix24/clock.hpp"

namespace b2b::emu::bitrix24 {

namespace {

double SystemUnixNow() {
    auto since = std::chrono::system_clock::now().time_since_epoch();
    return std::chrono::duration<double>(since).count();
}

}  // namespace

ScaledClock::ScaledClock(double speed)
    : speed_(speed), base_unix_(SystemUnixNow()), base_steady_(std::chrono::steady_clock::now()) {}

double ScaledClock::Now() const {
    std::lock_guard lock(mu_);
    auto real = std::chrono::duration<double>(std::chrono::steady_clock::now() - base_steady_).count();
    return base_unix_ + real * speed_;
}

void ScaledClock::Advance(double seconds) {
    std::lock_guard lock(mu_);
    base_unix_ += seconds;
}

void ScaledClock::SetSpeed(double speed) {
    std::lock_guard lock(mu_);
    // Rebase so that emulated time stays continuous when the speed changes.
    auto now_steady = std::chrono::steady_clock::now();
    auto real = std::chrono::duration<double>(now_steady - base_steady_).count();
    base_unix_ += real * speed_;
    base_steady_ = now_steady;
    speed_ = speed;
}

}  // namespace b2b::emu::bitrix24
