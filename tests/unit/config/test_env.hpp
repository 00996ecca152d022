#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>

#include "core/config/environment.hpp"

namespace b2b::config::test {

/// A hermetic environment: only `vars` exist, credentials come from `credentials_dir`.
inline Environment EnvOf(std::map<std::string, std::string> vars = {}, std::filesystem::path credentials_dir = {}) {
    Environment env;
    env.get_env = [vars = std::move(vars)](std::string_view name) -> std::optional<std::string> {
        auto it = vars.find(std::string(name));
        if (it == vars.end()) {
            return std::nullopt;
        }
        return it->second;
    };
    env.credentials_dir = std::move(credentials_dir);
    return env;
}

}  // namespace b2b::config::test
