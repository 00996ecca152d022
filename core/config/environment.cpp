#include "core/config/environment.hpp"

#include <cstdlib>

namespace b2b::config {

std::optional<std::string> Environment::ProcessGetEnv(std::string_view name) {
    std::string const key(name);
    char const* value = std::getenv(key.c_str());
    if (value == nullptr) {
        return std::nullopt;
    }
    return std::string(value);
}

Environment Environment::FromProcess() {
    Environment env;
    env.get_env = ProcessGetEnv;
    if (auto dir = ProcessGetEnv("CREDENTIALS_DIRECTORY"); dir && !dir->empty()) {
        env.credentials_dir = *dir;
    }
    return env;
}

std::optional<std::string> Environment::Get(std::string_view name) const {
    if (!get_env) {
        return std::nullopt;
    }
    return get_env(name);
}

}  // namespace b2b::config
