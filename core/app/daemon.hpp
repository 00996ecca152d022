#pragma once

#include <filesystem>
#include <iosfwd>

namespace b2b::app {

/// `b2bsync check-config FILE`: prints every problem as "file:line:col: message" on `err` and
/// returns kExitConfig (78), or prints "FILE: ok" and returns 0.
int CheckConfig(std::filesystem::path const& file, std::ostream& out, std::ostream& err);

/// `b2bsync run --config FILE`: the daemon. Returns the process exit code:
///   0 after a graceful stop (SIGTERM/SIGINT),
///   78 when the config is invalid (systemd's RestartPreventExitStatus),
///   1 when it cannot start (state directory locked by another instance, store, listener).
/// Lifecycle (systemd Type=notify): READY=1 once the store is migrated and both listeners are up;
/// WATCHDOG=1 from the event loop; SIGHUP reloads the config if valid (else keeps the running one
/// and logs why); SIGTERM stops accepting, gives in-flight work `shutdown.grace`, then exits 0.
int RunDaemon(std::filesystem::path const& config_file);

}  // namespace b2b::app
