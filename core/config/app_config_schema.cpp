#include "core/config/app_config_schema.hpp"

#include "core/config/schema_types.hpp"

namespace b2b::config {
namespace {

using schema::Duration;
using schema::Struct;
using schema::UtcOffset;

std::shared_ptr<schema::StructSpec<LogConfig>> LogSchema() {
    auto s = Struct<LogConfig>();
    s->Field("level", &LogConfig::level,
             schema::Enum<log::Level>({{"trace", log::Level::kTrace},
                                       {"debug", log::Level::kDebug},
                                       {"info", log::Level::kInfo},
                                       {"warn", log::Level::kWarn},
                                       {"error", log::Level::kError}}))
        .Default("info")
        .Description("Lowest level written to stderr (journald).");
    return s;
}

std::shared_ptr<schema::StructSpec<ServerConfig>> ServerSchema() {
    auto s = Struct<ServerConfig>();
    s->Field("listen", &ServerConfig::listen, schema::Listen())
        .Default("0.0.0.0:8080")
        .Description("Address of the public listener: the 1C exchange endpoint and Bitrix24 events.");
    s->Field("max_body", &ServerConfig::max_body, schema::Size())
        .Default("64MiB")
        .Description("Largest request body accepted; larger requests get 413.");
    s->Field("header_timeout", &ServerConfig::header_timeout, Duration())
        .Default("10s")
        .Description("Request headers must arrive within this.");
    s->Field("request_timeout", &ServerConfig::request_timeout, Duration())
        .Default("120s")
        .Description("The whole request must arrive within this; slower clients are cut off.");
    s->Field("idle_timeout", &ServerConfig::idle_timeout, Duration())
        .Default("60s")
        .Description("A keep-alive connection idle this long is closed.");
    s->Field("max_connections", &ServerConfig::max_connections, schema::IntAtLeast(1))
        .Default("256")
        .Description("Connections served at once; more wait in the kernel backlog.");
    return s;
}

std::shared_ptr<schema::StructSpec<AdminConfig>> AdminSchema() {
    auto s = Struct<AdminConfig>();
    s->Field("listen", &AdminConfig::listen, schema::Listen())
        .Default("127.0.0.1:9090")
        .Description("Address of /healthz, /readyz and /metrics; keep it on loopback or a private network.");
    return s;
}

std::shared_ptr<schema::StructSpec<StoreConfig>> StoreSchema() {
    auto s = Struct<StoreConfig>();
    s->Field("path", &StoreConfig::path, schema::Path())
        .Default("b2bsync.db")
        .Description("SQLite database file; a relative path is relative to `state_dir`.");
    s->Field("busy_timeout", &StoreConfig::busy_timeout, Duration())
        .Default("5s")
        .Description("How long a statement waits for a lock held by another connection.");
    s->Field("done_retention", &StoreConfig::done_retention, Duration())
        .Default("7d")
        .Description("How long delivered jobs are kept for `b2bsync trace`.");
    return s;
}

std::shared_ptr<schema::StructSpec<BackoffConfig>> BackoffSchema() {
    auto s = Struct<BackoffConfig>();
    s->Field("initial", &BackoffConfig::initial, Duration())
        .Default("1s")
        .Description("Delay before the first retry.");
    s->Field("multiplier", &BackoffConfig::multiplier, schema::Real(1.0))
        .Default("2.0")
        .Description("Each further delay is the previous one times this.");
    s->Field("max", &BackoffConfig::max, Duration()).Default("15m").Description("Upper bound of one delay.");
    s->Field("jitter", &BackoffConfig::jitter, schema::Real(0.0, 1.0))
        .Default("0.2")
        .Description("Fraction of each delay that is randomised, so retries of many jobs spread out.");
    return s;
}

std::shared_ptr<schema::StructSpec<QueueConfig>> QueueSchema() {
    auto s = Struct<QueueConfig>();
    s->Field("workers", &QueueConfig::workers, schema::Int(1, 64))
        .Default("4")
        .Description("Jobs delivered concurrently.");
    s->Field("batch_size", &QueueConfig::batch_size, schema::Int(1, 1000))
        .Default("64")
        .Description("Jobs leased from the store in one transaction.");
    s->Field("lease", &QueueConfig::lease, Duration())
        .Default("60s")
        .Description("A leased job not finished within this is handed out again (after a crash).");
    s->Field("max_attempts", &QueueConfig::max_attempts, schema::IntAtLeast(1))
        .Default("10")
        .Description("Delivery attempts before a job becomes dead (a dead letter).");
    s->Field("poll_interval", &QueueConfig::poll_interval, Duration())
        .Default("500ms")
        .Description("How often the dispatcher looks for due jobs when idle.");
    s->Field("backoff", &QueueConfig::backoff, BackoffSchema())
        .Description("Delay between attempts of a job that failed with a transient error.");
    return s;
}

std::shared_ptr<schema::StructSpec<ShutdownConfig>> ShutdownSchema() {
    auto s = Struct<ShutdownConfig>();
    s->Field("grace", &ShutdownConfig::grace, Duration())
        .Default("20s")
        .Description("On SIGTERM, in-flight work gets this long to finish before it is abandoned (and retried later).");
    return s;
}

std::shared_ptr<schema::StructSpec<TargetConfig>> TargetSchema() {
    auto s = Struct<TargetConfig>();
    s->Field("url", &TargetConfig::url, schema::Url()).Required().Description("Where jobs are POSTed.");
    s->Field("timeout", &TargetConfig::timeout, Duration())
        .Default("10s")
        .Description("Deadline of one delivery attempt.");
    s->Field("token", &TargetConfig::token, schema::SecretString())
        .Default("")
        .Description("Sent as `Authorization: Bearer`; empty sends no header. Use `${ENV}` or `file:NAME`.");
    return s;
}

std::shared_ptr<schema::StructSpec<Bitrix24RateConfig>> Bitrix24RateSchema() {
    auto s = Struct<Bitrix24RateConfig>();
    s->Field("burst", &Bitrix24RateConfig::burst, schema::Int(1, 10000))
        .Default("50")
        .Description("The portal's request bucket size: 50, or 250 on Enterprise plans.");
    s->Field("per_second", &Bitrix24RateConfig::per_second, schema::Real(0.01))
        .Default("2")
        .Description("The portal's bucket drain rate in requests per second: 2, or 5 on Enterprise plans.");
    return s;
}

std::shared_ptr<schema::StructSpec<Bitrix24EventsConfig>> Bitrix24EventsSchema() {
    auto s = Struct<Bitrix24EventsConfig>();
    s->Field("mode", &Bitrix24EventsConfig::mode,
             schema::Enum<Bitrix24EventsMode>({{"off", Bitrix24EventsMode::kOff},
                                               {"online", Bitrix24EventsMode::kOnline},
                                               {"offline", Bitrix24EventsMode::kOffline}}))
        .Default("off")
        .Description("`online`: the portal POSTs events to `path` on the public listener (needs "
                     "`application_token`); `offline`: b2bsync polls the portal's offline queue (needs an app, not a "
                     "webhook); `off`: no events.");
    s->Field("path", &Bitrix24EventsConfig::path, schema::String())
        .Default("/bitrix24/events")
        .Description("URL path of the events handler on the public listener (online mode).");
    s->Field("poll_interval", &Bitrix24EventsConfig::poll_interval, Duration())
        .Default("5s")
        .Description("How often the offline queue is polled; also how often stored events that failed to process "
                     "are retried.");
    return s;
}

std::shared_ptr<schema::StructSpec<Bitrix24OAuthConfig>> Bitrix24OAuthSchema() {
    auto s = Struct<Bitrix24OAuthConfig>();
    s->Field("portal_url", &Bitrix24OAuthConfig::portal_url, schema::String())
        .Default("")
        .Description("The portal, `https://<portal>/`; REST calls go to `<portal_url>rest/<method>`.");
    s->Field("client_id", &Bitrix24OAuthConfig::client_id, schema::String())
        .Default("")
        .Description("The application's client id (`local.…` for a local application).");
    s->Field("client_secret", &Bitrix24OAuthConfig::client_secret, schema::SecretString())
        .Default("")
        .Description("The application's client secret; sent only to `server_url`. A secret: use `file:NAME` or "
                     "`${ENV}`.");
    s->Field("refresh_token", &Bitrix24OAuthConfig::refresh_token, schema::SecretString())
        .Default("")
        .Description("Seed refresh token, used while the store holds no tokens (first start) and whenever it "
                     "differs from the seed the stored pair came from (the app was re-authorised). The server rotates "
                     "it on every refresh; the current pair lives in the store. A secret: use `file:NAME` or `${ENV}`.");
    s->Field("server_url", &Bitrix24OAuthConfig::server_url, schema::Url())
        .Default("https://oauth.bitrix.info/oauth/token/")
        .Description("The OAuth server's token endpoint (refresh_token grant).");
    return s;
}

std::shared_ptr<schema::StructSpec<Bitrix24Config>> Bitrix24Schema() {
    auto s = Struct<Bitrix24Config>();
    s->Field("auth", &Bitrix24Config::auth,
             schema::Enum<Bitrix24AuthMode>({{"webhook", Bitrix24AuthMode::kWebhook},
                                             {"oauth", Bitrix24AuthMode::kOAuth}}))
        .Default("webhook")
        .Description("`webhook`: an inbound webhook (`webhook_url`); `oauth`: a local application (`oauth.*`), "
                     "required for `events.mode: offline`.");
    s->Field("oauth", &Bitrix24Config::oauth, Bitrix24OAuthSchema())
        .Description("The application's credentials (auth: oauth). See docs/runbook.md, Connecting Bitrix24.");
    s->Field("auth_connector", &Bitrix24Config::auth_connector, schema::String())
        .Default("b2bsync")
        .Description("Sent with every CRM write and with the offline `event.bind`, so the portal does not queue "
                     "offline events for b2bsync's own changes. Empty: not sent.");
    s->Field("webhook_url", &Bitrix24Config::webhook_url, schema::SecretString())
        .Default("")
        .Description("Inbound webhook `https://<portal>/rest/<user>/<code>/`; a secret, so use `file:NAME` or "
                     "`${ENV}`. With `auth: webhook`, empty disables the Bitrix24 connector.");
    s->Field("pipeline", &Bitrix24Config::pipeline, schema::String())
        .Default("Опт")
        .Description("Name of the deal pipeline new deals go to; checked against the portal at start-up.");
    s->Field("stages", &Bitrix24Config::stages, schema::MapOf(schema::String()))
        .Description("Our stage names -> the portal's stage names in that pipeline; checked at start-up.");
    s->Field("rate", &Bitrix24Config::rate, Bitrix24RateSchema())
        .Description("The portal's request-rate limit, which b2bsync keeps below.");
    s->Field("timeout", &Bitrix24Config::timeout, Duration())
        .Default("30s")
        .Description("Deadline of one REST request (the cloud cuts requests at 60 s).");
    s->Field("application_token", &Bitrix24Config::application_token, schema::SecretString())
        .Default("")
        .Description("The `application_token` the portal sends with every event (outgoing webhook settings or app "
                     "install); events without it get 401. A secret: use `file:NAME` or `${ENV}`. Required for "
                     "`events.mode: online`.");
    s->Field("events", &Bitrix24Config::events, Bitrix24EventsSchema())
        .Description("Deal events from the portal (stage changes made by managers).");
    return s;
}

std::shared_ptr<schema::StructSpec<OneCConfig>> OneCSchema() {
    auto s = Struct<OneCConfig>();
    s->Field("enabled", &OneCConfig::enabled, schema::Bool())
        .Default("false")
        .Description("Serve the 1C exchange endpoint on the public listener.");
    s->Field("path", &OneCConfig::path, schema::String())
        .Default("/1c_exchange.php")
        .Description("URL path of the endpoint; 1C's exchange node is set to `http://<host>:<port><path>`.");
    s->Field("user", &OneCConfig::user, schema::String())
        .Default("")
        .Description("HTTP Basic user name 1C sends (required when enabled).");
    s->Field("password", &OneCConfig::password, schema::SecretString())
        .Default("")
        .Description("HTTP Basic password 1C sends (required when enabled); a secret: use `file:onec_password` "
                     "(systemd credential) or `${ENV}`.");
    s->Field("cookie_name", &OneCConfig::cookie_name, schema::String())
        .Default("PHPSESSID")
        .Description("Session cookie name announced in the checkauth answer.");
    s->Field("file_limit", &OneCConfig::file_limit, schema::Size())
        .Default("10MiB")
        .Description("Largest chunk 1C may send per `mode=file` request (announced at init). Keep it below the "
                     "body limit of every proxy in front of b2bsync.");
    s->Field("zip", &OneCConfig::zip, schema::Bool())
        .Default("false")
        .Description("Announce `zip=yes`: 1C then packs each exchange into one archive.");
    s->Field("work_dir", &OneCConfig::work_dir, schema::Path())
        .Default("")
        .Description("Where uploads are kept per session. Empty: `<state_dir>/onec`; relative: under state_dir.");
    s->Field("max_file_size", &OneCConfig::max_file_size, schema::Size())
        .Default("2GiB")
        .Description("Largest single uploaded or unpacked file.");
    s->Field("max_session_size", &OneCConfig::max_session_size, schema::Size())
        .Default("8GiB")
        .Description("Largest total of all uploads of one exchange session.");
    s->Field("max_unpacked_size", &OneCConfig::max_unpacked_size, schema::Size())
        .Default("8GiB")
        .Description("Zip-bomb guard: most bytes one archive may unpack to.");
    s->Field("max_zip_ratio", &OneCConfig::max_zip_ratio, schema::Int<int>(1, 100000))
        .Default("200")
        .Description("Zip-bomb guard: most an archive may expand relative to its own size.");
    s->Field("max_zip_entries", &OneCConfig::max_zip_entries, schema::Int<int>(1, 10000000))
        .Default("100000")
        .Description("Zip-bomb guard: most entries in one archive.");
    s->Field("import_slice", &OneCConfig::import_slice, Duration())
        .Default("2s")
        .Description("Work per `mode=import` call before answering `progress` (1C calls again).");
    s->Field("import_slice_records", &OneCConfig::import_slice_records, schema::Int<int>(1, 10000000))
        .Default("20000")
        .Description("Most records per `mode=import` call.");
    s->Field("answer_encoding", &OneCConfig::answer_encoding,
             schema::Enum<OneCAnswerEncoding>(
                 {{"windows-1251", OneCAnswerEncoding::kWindows1251}, {"utf-8", OneCAnswerEncoding::kUtf8}}))
        .Default("windows-1251")
        .Description("Charset of the message lines in answers (what Bitrix sends; every 1C version reads it).");
    s->Field("utc_offset", &OneCConfig::utc_offset, UtcOffset())
        .Default("+03:00")
        .Description("UTC offset of the 1C server, for dates 1C writes without one (e.g. `+03:00` for Moscow).");
    s->Field("session_ttl", &OneCConfig::session_ttl, Duration())
        .Default("72h")
        .Description("Exchange sessions idle this long are deleted with their uploads.");
    s->Field("sale_enabled", &OneCConfig::sale_enabled, schema::Bool())
        .Default("true")
        .Description("Serve `type=sale`: 1C fetches orders (`query`, committed by `success`) and uploads its order "
                     "documents.");
    s->Field("sale_schema_version", &OneCConfig::sale_schema_version,
             schema::Enum<OneCSchemaVersion>({{"2.05", OneCSchemaVersion::k205},
                                              {"2.08", OneCSchemaVersion::k208},
                                              {"2.09", OneCSchemaVersion::k209},
                                              {"2.10", OneCSchemaVersion::k210},
                                              {"3.1", OneCSchemaVersion::k31}}))
        .Default("2.08")
        .Description("CommerceML version of the orders sent to 1C; `3.1` wraps each in `<Контейнер>` (1C-Bitrix "
                     "module 6.5+).");
    s->Field("sale_encoding", &OneCConfig::sale_encoding,
             schema::Enum<OneCAnswerEncoding>(
                 {{"windows-1251", OneCAnswerEncoding::kWindows1251}, {"utf-8", OneCAnswerEncoding::kUtf8}}))
        .Default("windows-1251")
        .Description("Encoding of the orders XML: windows-1251 (what Bitrix sends) or UTF-8 with a BOM.");
    return s;
}

std::shared_ptr<schema::StructSpec<MappingsConfig>> MappingsSchema() {
    auto s = Struct<MappingsConfig>();
    s->Field("dir", &MappingsConfig::dir, schema::Path())
        .Default("/usr/share/b2bsync/mappings")
        .Description("Directory of the mapping files (docs/mappings.md); the default is the set installed with the "
                     "package. A relative path is relative to the config file's directory.");
    return s;
}

std::shared_ptr<schema::StructSpec<SiteConfig>> SiteSchema() {
    auto s = Struct<SiteConfig>();
    s->Field("mode", &SiteConfig::mode,
             schema::Enum<SiteMode>(
                 {{"off", SiteMode::kOff}, {"exchange", SiteMode::kExchange}, {"webhook", SiteMode::kWebhook}}))
        .Default("off")
        .Description("`exchange`: b2bsync plays 1C against a Bitrix site's exchange (pulls orders, pushes statuses); "
                     "`webhook`: the store POSTs signed JSON orders (docs/site-webhook.md); `off`: no site.");
    s->Field("url", &SiteConfig::url, schema::String())
        .Default("")
        .Description("Exchange mode: the site's `https://<shop>/bitrix/admin/1c_exchange.php`. Nothing else may use "
                     "this exchange (its work folder and export watermark are shared).");
    s->Field("user", &SiteConfig::user, schema::String())
        .Default("")
        .Description("Exchange mode: HTTP Basic user of the site's 1C exchange (a site user allowed to exchange).");
    s->Field("password", &SiteConfig::password, schema::SecretString())
        .Default("")
        .Description("Exchange mode: that user's password; a secret: use `file:site_password` or `${ENV}`.");
    s->Field("poll_interval", &SiteConfig::poll_interval, Duration())
        .Default("60s")
        .Description("Exchange mode: how often new and changed orders are pulled; failures back off from 5s.");
    s->Field("timeout", &SiteConfig::timeout, Duration())
        .Default("60s")
        .Description("Exchange mode: deadline of one request to the site.");
    s->Field("encoding", &SiteConfig::encoding,
             schema::Enum<OneCAnswerEncoding>(
                 {{"windows-1251", OneCAnswerEncoding::kWindows1251}, {"utf-8", OneCAnswerEncoding::kUtf8}}))
        .Default("windows-1251")
        .Description("Exchange mode: encoding of the order documents uploaded to the site (UTF-8 is sent with a BOM).");
    s->Field("utc_offset", &SiteConfig::utc_offset, UtcOffset())
        .Default("+03:00")
        .Description("The site's UTC offset, for order dates written without one (Bitrix writes local time).");
    s->Field("webhook_path", &SiteConfig::webhook_path, schema::String())
        .Default("/site/orders")
        .Description("Webhook mode: URL path on the public listener the store POSTs orders to.");
    s->Field("webhook_secret", &SiteConfig::webhook_secret, schema::SecretString())
        .Default("")
        .Description("Webhook mode: the HMAC-SHA256 key shared with the store, for both directions; a secret: use "
                     "`file:NAME` or `${ENV}`. Empty refuses every webhook.");
    s->Field("callback_url", &SiteConfig::callback_url, schema::String())
        .Default("")
        .Description("Webhook mode: where status updates are POSTed (signed the same way).");
    s->Field("webhook_tolerance", &SiteConfig::webhook_tolerance, Duration())
        .Default("5m")
        .Description("Webhook mode: a request whose `X-B2B-Timestamp` is further than this from now is refused.");
    return s;
}

std::shared_ptr<schema::StructSpec<AppConfig>> BuildAppConfigSchema() {
    auto s = Struct<AppConfig>();
    s->Field("instance", &AppConfig::instance, schema::String())
        .Default("main")
        .Description("Name of this instance in logs and metrics labels.");
    s->Field("state_dir", &AppConfig::state_dir, schema::Path())
        .Default("")
        .Description("Directory of the state store. Empty: `$STATE_DIRECTORY` (systemd `StateDirectory=`) if set, "
                     "else `/var/lib/b2bsync`. A relative path is relative to the config file's directory.");
    s->Field("log", &AppConfig::log, LogSchema()).Description("Logging.");
    s->Field("server", &AppConfig::server, ServerSchema())
        .Description("Public listener: the 1C exchange endpoint and Bitrix24 events.");
    s->Field("admin", &AppConfig::admin, AdminSchema()).Description("Health, readiness and metrics listener.");
    s->Field("store", &AppConfig::store, StoreSchema()).Description("SQLite state store.");
    s->Field("queue", &AppConfig::queue, QueueSchema()).Description("The outbound job queue and its dispatcher.");
    s->Field("shutdown", &AppConfig::shutdown, ShutdownSchema()).Description("Stopping on SIGTERM.");
    s->Field("targets", &AppConfig::targets, schema::MapOf(TargetSchema()))
        .Description("Generic outbound HTTP webhook targets, by name (letters, digits, `_`, `-`).");
    s->Field("bitrix24", &AppConfig::bitrix24, Bitrix24Schema())
        .Description("The Bitrix24 REST connector (companies, requisites, deals). Optional.");
    s->Field("onec", &AppConfig::onec, OneCSchema())
        .Description("The 1C exchange endpoint (1C's \"exchange with site\" pointed at b2bsync). Optional.");
    s->Field("mappings", &AppConfig::mappings, MappingsSchema())
        .Description("Mappings of canonical orders and counterparties to Bitrix24, 1C and the site.");
    s->Field("site", &AppConfig::site, SiteSchema())
        .Description("The site connector: a Bitrix store's exchange (b2bsync as 1C) or a JSON webhook. Optional.");
    return s;
}

}  // namespace

schema::StructSpec<AppConfig> const& AppConfigSchema() {
    // Built once, thread-safely, on first use; immutable afterwards.
    static std::shared_ptr<schema::StructSpec<AppConfig> const> const kSchema = BuildAppConfigSchema();
    return *kSchema;
}

void ResolvePaths(AppConfig& config, std::filesystem::path const& config_dir, Environment const& env) {
    if (config.state_dir.empty()) {
        auto const from_systemd = env.Get("STATE_DIRECTORY");
        if (from_systemd && !from_systemd->empty()) {
            // systemd joins several StateDirectory= entries with ':'; the first is ours.
            config.state_dir = from_systemd->substr(0, from_systemd->find(':'));
        } else {
            config.state_dir = "/var/lib/b2bsync";
        }
    } else if (config.state_dir.is_relative()) {
        config.state_dir = (config_dir / config.state_dir).lexically_normal();
    }
    if (config.store.path.is_relative()) {
        config.store.path = (config.state_dir / config.store.path).lexically_normal();
    }
    if (config.mappings.dir.is_relative()) {
        config.mappings.dir = (config_dir / config.mappings.dir).lexically_normal();
    }
    if (config.onec.work_dir.empty()) {
        config.onec.work_dir = config.state_dir / "onec";
    } else if (config.onec.work_dir.is_relative()) {
        config.onec.work_dir = (config.state_dir / config.onec.work_dir).lexically_normal();
    }
}

}  // namespace b2b::config
