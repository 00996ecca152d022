#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/config/app_config.hpp"
#include "core/config/diagnostic.hpp"
#include "core/config/environment.hpp"

/// Loading b2bsync.yaml. Every problem in the file is reported at once, sorted by position, as
/// "FILE:LINE:COL: MESSAGE" (see Diagnostic). Besides the schema's messages (schema.hpp, scalars.hpp,
/// substitute.hpp) the loader itself produces:
///   FILE: cannot read: OS REASON                           (e.g. "No such file or directory")
///   FILE:L:C: YAML syntax error: YAML-CPP MESSAGE          (position taken from yaml-cpp, message without it)
///   FILE:1:1: the configuration is empty; expected a map of settings
///   FILE:L:C: the top level must be a map of settings, got a list   (or: got "TEXT")
///   FILE:L:C: only one YAML document is allowed; remove the "---" separator
/// No yaml-cpp exception escapes; the loader never throws for bad input.
namespace b2b::config {

struct LoadOutcome {
    std::optional<AppConfig> config;  ///< set only when there are no diagnostics
    std::vector<Diagnostic> diagnostics;
    bool ok() const { return config.has_value() && diagnostics.empty(); }
};

/// Reads and validates `file`. Relative paths in it resolve against the file's directory.
LoadOutcome LoadFile(std::filesystem::path const& file, Environment const& env);

/// Validates YAML text; `file_label` names it in diagnostics and its parent directory (absolute against the
/// working directory) is the base of relative paths.
LoadOutcome LoadString(std::string_view yaml, std::string const& file_label, Environment const& env);

/// The configuration reference (docs/configuration.md), generated from the schema.
std::string RenderReference();

/// Every default applied, as if the file were `{}`, with an empty environment (state_dir /var/lib/b2bsync).
AppConfig DefaultConfig();

}  // namespace b2b::config
