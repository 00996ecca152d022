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

/// How Bitrix24 events reach b2bsync (bitrix24.md §7).
enum class Bitrix24EventsMode {
    kOff,      ///< no events
    kOnline,   ///< the portal POSTs them to `path` on the public listener
    kOffline,  ///< b2bsync polls the portal's offline queue every poll_interval (needs app context)
};

struct Bitrix24EventsConfig {
    Bitrix24EventsMode mode{};
    std::string path;  ///< URL path on the public listener (online)
    std::chrono::milliseconds poll_interval{};  ///< offline polling; also the retry pace of stage processing
};

/// How b2bsync authenticates to the portal (bitrix24.md §1.1, §1.2).
enum class Bitrix24AuthMode {
    kWebhook,  ///< an inbound webhook URL
    kOAuth,    ///< a local/Marketplace application: access + refresh tokens (needed for offline events)
};

/// The application's OAuth credentials (auth: oauth).
struct Bitrix24OAuthConfig {
    std::string portal_url;  ///< https://<portal>/
    std::string client_id;
    Secret client_secret;
    Secret refresh_token;    ///< seed only: the rotated pair lives in the store (bitrix24_oauth)
    std::string server_url;  ///< the OAuth server's token endpoint
};

/// The Bitrix24 REST connector. Off unless `auth: webhook` with a webhook_url (the default auth,
/// so an absent section disables it) or `auth: oauth`.
struct Bitrix24Config {
    Bitrix24AuthMode auth{};
    Bitrix24OAuthConfig oauth;
    std::string auth_connector;  ///< sent with our CRM writes and the offline event.bind (echo suppression)
    Secret webhook_url;    ///< https://<portal>/rest/<user>/<code>/ — a secret
    std::string pipeline;  ///< deal pipeline name on the portal
    std::map<std::string, std::string> stages;  ///< our stage name -> portal stage name
    Bitrix24RateConfig rate;
    std::chrono::milliseconds timeout{};
    Secret application_token;  ///< what the portal sends in auth[application_token] with events — a secret
    Bitrix24EventsConfig events;
};

/// True when the Bitrix24 connector runs (see Bitrix24Config).
inline bool Bitrix24Enabled(Bitrix24Config const& c) {
    return c.auth == Bitrix24AuthMode::kOAuth || !c.webhook_url.Reveal().empty();
}

/// Charset of the message lines in answers to 1C.
enum class OneCAnswerEncoding { kWindows1251, kUtf8 };

/// CommerceML schema version of the orders b2bsync sends to 1C.
enum class OneCSchemaVersion { k205, k208, k209, k210, k31 };

/// The 1C exchange endpoint ("exchange with site" pointed at b2bsync). Off unless enabled.
struct OneCConfig {
    bool enabled = false;
    std::string path;         ///< URL path 1C is configured with
    std::string user;         ///< HTTP Basic user 1C sends
    Secret password;          ///< HTTP Basic password
    std::string cookie_name;  ///< session cookie name announced at checkauth
    std::uint64_t file_limit = 0;
    bool zip = false;
    std::filesystem::path work_dir;  ///< after loading: absolute (default <state_dir>/onec)
    std::uint64_t max_file_size = 0;
    std::uint64_t max_session_size = 0;
    std::uint64_t max_unpacked_size = 0;
    int max_zip_ratio = 0;
    int max_zip_entries = 0;
    std::chrono::milliseconds import_slice{};
    int import_slice_records = 0;
    OneCAnswerEncoding answer_encoding{};
    std::chrono::minutes utc_offset{};  ///< the 1C server's zone, for dates written without an offset
    std::chrono::milliseconds session_ttl{};
    bool sale_enabled = false;
    OneCSchemaVersion sale_schema_version{};
    OneCAnswerEncoding sale_encoding{};  ///< utf-8 is sent with a BOM (1C rejects UTF-8 orders without one)
};

/// The mapping files (mappings/engine): compiled at start, by check-config and on SIGHUP.
struct MappingsConfig {
    std::filesystem::path dir;  ///< after loading: absolute (a relative path is relative to the config file)
};

/// How the store's orders reach b2bsync (the site connector).
enum class SiteMode {
    kOff,       ///< no site connector
    kExchange,  ///< b2bsync plays 1C against the Bitrix site's /bitrix/admin/1c_exchange.php
    kWebhook,   ///< a store that is not Bitrix POSTs signed JSON orders to `webhook_path`
};

/// The site connector (docs/site-webhook.md for the webhook mode).
struct SiteConfig {
    SiteMode mode{};
    std::string url;   ///< exchange: the site's 1c_exchange.php URL
    std::string user;  ///< exchange: HTTP Basic user of the site's exchange
    Secret password;   ///< exchange: HTTP Basic password
    std::chrono::milliseconds poll_interval{};
    std::chrono::milliseconds timeout{};
    OneCAnswerEncoding encoding{};       ///< of the order documents pushed to the site
    std::chrono::minutes utc_offset{};   ///< the site's zone, for order dates written without one
    std::string webhook_path;            ///< webhook: URL path on the public listener
    Secret webhook_secret;               ///< webhook: HMAC-SHA256 key, both directions
    std::string callback_url;            ///< webhook: where status updates are POSTed
    std::chrono::milliseconds webhook_tolerance{};  ///< webhook: accepted X-B2B-Timestamp skew
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
    OneCConfig onec;
    MappingsConfig mappings;
    SiteConfig site;
};

}  // namespace b2b::config
