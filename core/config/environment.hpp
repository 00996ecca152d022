#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace b2b::config {

/// What the loader may read from outside the YAML text. Injected so tests are hermetic.
struct Environment {
    /// Looks up an environment variable; std::nullopt when unset. An empty function means "no variables".
    std::function<std::optional<std::string>(std::string_view)> get_env = ProcessGetEnv;
    /// Where `file:NAME` secrets are read from (systemd LoadCredential=). Empty: `file:NAME` is an error,
    /// `file:/abs/path` still works.
    std::filesystem::path credentials_dir;

    /// The real process: ::getenv and $CREDENTIALS_DIRECTORY.
    static Environment FromProcess();
    /// ::getenv wrapped as a get_env function.
    static std::optional<std::string> ProcessGetEnv(std::string_view name);

    /// get_env(name), tolerating an empty get_env.
    std::optional<std::string> Get(std::string_view name) const;
};

}  // namespace b2b::config
