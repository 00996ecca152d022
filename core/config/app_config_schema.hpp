#pragma once

#include <filesystem>

#include "core/config/app_config.hpp"
#include "core/config/environment.hpp"
#include "core/config/schema.hpp"

namespace b2b::config {

/// The schema of the whole b2bsync.yaml: every key, type, default and description. Built once.
schema::StructSpec<AppConfig> const& AppConfigSchema();

/// Applies the rules that need the file's location and the environment: state_dir ("" -> $STATE_DIRECTORY's
/// first entry or /var/lib/b2bsync; relative -> config_dir/state_dir) and store.path (relative -> state_dir/path).
void ResolvePaths(AppConfig& config, std::filesystem::path const& config_dir, Environment const& env);

}  // namespace b2b::config
