#pragma once

#include <string>
#include <string_view>

#include "core/config/environment.hpp"
#include "core/util/error.hpp"

namespace b2b::config {

/// Expands `${NAME}` and `${NAME:-default}` (default used when NAME is unset or empty) anywhere in `text`;
/// `$${` is a literal `${`; any other `$` is kept. Errors (Permanent, message without key path):
///   environment variable NAME is not set
///   unterminated "${" in "TEXT"; write "$${" for a literal "${"
///   invalid environment variable name "NAME"
Result<std::string> SubstituteEnv(std::string_view text, Environment const& env);

}  // namespace b2b::config
