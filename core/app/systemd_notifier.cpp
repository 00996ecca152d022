#include "core/app/systemd_notifier.hpp"

#include <string>

#include <systemd/sd-daemon.h>

namespace b2b::app {

void SystemdNotifier::Ready() const { sd_notify(0, "READY=1"); }

void SystemdNotifier::Reloading() const { sd_notify(0, "RELOADING=1"); }

void SystemdNotifier::Stopping() const { sd_notify(0, "STOPPING=1"); }

void SystemdNotifier::Watchdog() const { sd_notify(0, "WATCHDOG=1"); }

void SystemdNotifier::Status(std::string_view text) const {
    std::string const msg = "STATUS=" + std::string(text);
    sd_notify(0, msg.c_str());
}

std::optional<std::chrono::microseconds> SystemdNotifier::WatchdogInterval() const {
    std::uint64_t usec = 0;
    if (sd_watchdog_enabled(0, &usec) <= 0 || usec == 0) {
        return std::nullopt;
    }
    // systemd's advice: ping at half the timeout so one slow loop turn is not fatal.
    return std::chrono::microseconds(usec / 2);
}

}  // namespace b2b::app
