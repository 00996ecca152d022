#pragma once

#include <string>
#include <vector>

#include "core/config/app_config.hpp"

namespace b2b::app {

/// Keys whose new value cannot take effect without a restart (listeners, store, queue sizing,
/// the set of targets), as dotted names in config order. A SIGHUP reload applies the rest (log
/// level, target URLs, timeouts and tokens) and warns about these.
std::vector<std::string> RestartRequiredChanges(config::AppConfig const& running, config::AppConfig const& fresh);

}  // namespace b2b::app
