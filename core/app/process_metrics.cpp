#include "core/app/process_metrics.hpp"

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "core/app/version.hpp"

namespace b2b::app {
namespace {

double ResidentBytes() {
    std::ifstream statm("/proc/self/statm");
    long long pages_total = 0;
    long long pages_resident = 0;
    statm >> pages_total >> pages_resident;
    return static_cast<double>(pages_resident) * static_cast<double>(sysconf(_SC_PAGESIZE));
}

double OpenFds() {
    std::error_code ec;
    double n = 0;
    for (auto it = std::filesystem::directory_iterator("/proc/self/fd", ec);
         !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
        ++n;
    }
    return n;
}

}  // namespace

void AddProcessMetrics(metrics::Registry& registry, std::string instance) {
    double const start = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
    registry.AddCollector([instance = std::move(instance), start](metrics::SampleWriter& w) {
        w.Gauge("b2b_build_info", "Build and instance of the running daemon (always 1).",
                {{"version", kVersion}, {"instance", instance}}, 1);
        w.Gauge("process_resident_memory_bytes", "Resident memory of the daemon in bytes.", {}, ResidentBytes());
        w.Gauge("process_start_time_seconds", "Start time of the daemon since the Unix epoch in seconds.", {},
                start);
        w.Gauge("process_open_fds", "Open file descriptors.", {}, OpenFds());
    });
}

}  // namespace b2b::app
