#pragma once

#include <chrono>
#include <optional>
#include <string_view>

namespace b2b::app {

/// sd_notify(3) for Type=notify. Every call is a no-op when NOTIFY_SOCKET is unset (a manual run).
class SystemdNotifier {
public:
    void Ready() const;                      ///< READY=1 once config, migrations and listeners are up
    void Reloading() const;                  ///< RELOADING=1 while a SIGHUP reload runs (then Ready again)
    void Stopping() const;                   ///< STOPPING=1 when a graceful stop begins
    void Watchdog() const;                   ///< WATCHDOG=1, sent from the event loop
    void Status(std::string_view text) const;  ///< STATUS=... shown by `systemctl status`

    /// The interval at which to send WATCHDOG=1 (half of WatchdogSec), or nullopt when the service
    /// has no watchdog.
    std::optional<std::chrono::microseconds> WatchdogInterval() const;
};

}  // namespace b2b::app
