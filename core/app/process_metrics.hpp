#pragma once

#include <string>

#include "core/util/metrics.hpp"

namespace b2b::app {

/// Adds scrape-time process metrics: b2b_build_info{version,instance}, process_resident_memory_bytes
/// (from /proc/self/statm), process_start_time_seconds, process_open_fds.
void AddProcessMetrics(metrics::Registry& registry, std::string instance);

}  // namespace b2b::app
