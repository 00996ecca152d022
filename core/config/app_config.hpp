#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>

#include "core/config/listen_address.hpp"
#include "core/config/secret.hpp"
#include "core/util/log.hpp"

/// The daemon's typed configuration. Members carry no defaults of their own: the schema in
/// app_config_schema.cpp is the single source of defaults, so obtain an AppConfig from LoadFile/LoadString
/// (or DefaultConfig() in tests) rather than by value-initialising it.
namespace b2b::config {

struct LogConfig {
    log::Level level{};
};

/// The public listener (1C exchange, Bitrix24 events).
struct ServerConfig {
    ListenAddress listen;
    std::uint64_t max_body = 0;  ///< bytes
    std::chrono::milliseconds header_timeout{};
    std::chrono::milliseconds request_timeout{};  ///< the whole request must arrive within this
    std::chrono::milliseconds idle_timeout{};     ///< keep-alive idle
    int max_connections = 0;
};

/// /healthz, /readyz, /metrics.
struct AdminConfig {
    ListenAddress listen;
};

struct StoreConfig {
    std::filesystem::path path;  ///< after loading: absolute when state_dir is (relative paths join state_dir)
    std::chrono::milliseconds busy_timeout{};
    std::chrono::milliseconds done_retention{};
};

struct BackoffConfig {
    std::chrono::milliseconds initial{};
    double multiplier = 0;  ///< a growth factor, not money
    std::chrono::milliseconds max{};
    double jitter = 0;  ///< 0..1, fraction of the delay randomised
};

struct QueueConfig {
    int workers = 0;
    int batch_size = 0;
    std::chrono::milliseconds lease{};
    int max_attempts = 0;
    std::chrono::milliseconds poll_interval{};
    BackoffConfig backoff;
};

struct ShutdownConfig {
    std::chrono::milliseconds grace{};
};

/// A generic outbound HTTP webhook target.
struct TargetConfig {
    std::string url;  ///< validated http(s) URL with a host
    std::chrono::milliseconds timeout{};
    Secret token;  ///< empty: no Authorization header; else "Authorization: Bearer <token>"
};

struct AppConfig {
    std::string instance;
    /// After loading: "" resolved to $STATE_DIRECTORY (first entry) or /var/lib/b2bsync; a relative path is
    /// resolved against the config file's directory.
    std::filesystem::path state_dir;
    LogConfig log;
    ServerConfig server;
    AdminConfig admin;
    StoreConfig store;
    QueueConfig queue;
    ShutdownConfig shutdown;
    std::map<std::string, TargetConfig> targets;
};

}  // namespace b2b::config
