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

/// The Bitrix24 portal's request-rate bucket (bitrix24.md §3.1).
struct Bitrix24RateConfig {
    int burst = 0;
    double per_second = 0;  ///< a rate, not money
};

/// The Bitrix24 REST connector. An empty webhook_url (the default, so an absent section) disables it.
struct Bitrix24Config {
    Secret webhook_url;    ///< https://<portal>/rest/<user>/<code>/ — a secret
    std::string pipeline;  ///< deal pipeline name on the portal
    std::map<std::string, std::string> stages;  ///< our stage name -> portal stage name
    Bitrix24RateConfig rate;
    std::chrono::milliseconds timeout{};
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
    Bitrix24Config bitrix24;
};

}  // namespace b2b::config
