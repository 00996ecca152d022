#include "core/app/daemon.hpp"

#include <csignal>
#include <iostream>
#include <memory>
#include <optional>
#include <set>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>

#include "connectors/onec/exchange_endpoint.hpp"
#include "connectors/onec/landing_sink.hpp"
#include "connectors/webhook/webhook_deliverer.hpp"
#include "core/app/admin_commands.hpp"
#include "core/app/admin_routes.hpp"
#include "core/app/bitrix24_wiring.hpp"
#include "core/app/config_reload.hpp"
#include "core/app/flows_wiring.hpp"
#include "core/app/instance_lock.hpp"
#include "core/app/mappings_holder.hpp"
#include "core/app/process_metrics.hpp"
#include "core/app/systemd_notifier.hpp"
#include "core/app/version.hpp"
#include "core/config/loader.hpp"
#include "core/http/server.hpp"
#include "core/store/database.hpp"
#include "core/store/job_queue.hpp"
#include "core/store/repositories.hpp"
#include "core/sync/dispatcher.hpp"
#include "core/util/log.hpp"

namespace b2b::app {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

constexpr char kComponent[] = "daemon";
constexpr auto kPurgeInterval = std::chrono::hours(1);

store::RetryPolicy ToRetryPolicy(config::QueueConfig const& q) {
    store::RetryPolicy p;
    p.initial = q.backoff.initial;
    p.multiplier = q.backoff.multiplier;
    p.max = q.backoff.max;
    p.jitter = q.backoff.jitter;
    p.max_attempts = q.max_attempts;
    return p;
}

webhook::WebhookOptions ToWebhookOptions(std::string const& name, config::TargetConfig const& t) {
    return webhook::WebhookOptions{name, t.url, t.timeout, t.token.Reveal()};
}

onec::OneCExchangeOptions ToExchangeOptions(config::OneCConfig const& c) {
    onec::OneCExchangeOptions o;
    o.path = c.path;
    o.user = c.user;
    o.password = c.password.Reveal();
    o.cookie_name = c.cookie_name;
    o.file_limit = c.file_limit;
    o.zip = c.zip;
    o.work_dir = c.work_dir;
    o.max_file_size = c.max_file_size;
    o.max_session_size = c.max_session_size;
    o.max_unpacked_size = c.max_unpacked_size;
    o.max_zip_ratio = static_cast<std::uint64_t>(c.max_zip_ratio);
    o.max_zip_entries = static_cast<std::size_t>(c.max_zip_entries);
    o.import_slice = c.import_slice;
    o.import_slice_records = static_cast<std::size_t>(c.import_slice_records);
    o.answer_encoding = c.answer_encoding == config::OneCAnswerEncoding::kUtf8 ? onec::AnswerEncoding::kUtf8
                                                                              : onec::AnswerEncoding::kWindows1251;
    o.default_utc_offset = c.utc_offset;
    o.session_ttl = std::chrono::duration_cast<std::chrono::hours>(c.session_ttl);
    o.sale_enabled = c.sale_enabled;
    switch (c.sale_schema_version) {
        case config::OneCSchemaVersion::k205:
            o.sale_schema_version = onec::CmlSchemaVersion::k205;
            break;
        case config::OneCSchemaVersion::k208:
            o.sale_schema_version = onec::CmlSchemaVersion::k208;
            break;
        case config::OneCSchemaVersion::k209:
            o.sale_schema_version = onec::CmlSchemaVersion::k209;
            break;
        case config::OneCSchemaVersion::k210:
            o.sale_schema_version = onec::CmlSchemaVersion::k210;
            break;
        case config::OneCSchemaVersion::k31:
            o.sale_schema_version = onec::CmlSchemaVersion::k31;
            break;
    }
    o.sale_encoding = c.sale_encoding == config::OneCAnswerEncoding::kUtf8 ? onec::CmlOutputEncoding::kUtf8Bom
                                                                            : onec::CmlOutputEncoding::kWindows1251;
    return o;
}

http::ServerOptions ToServerOptions(std::string name, config::ListenAddress const& listen,
                                    config::ServerConfig const& limits) {
    http::ServerOptions o;
    o.name = std::move(name);
    o.address = listen.host;
    o.port = listen.port;
    o.max_body = limits.max_body;
    o.header_timeout = limits.header_timeout;
    o.request_timeout = limits.request_timeout;
    o.idle_timeout = limits.idle_timeout;
    o.max_connections = limits.max_connections;
    return o;
}

std::vector<std::string> CrossKeyProblems(config::AppConfig const& c, std::filesystem::path const& file);

// For the "serving" line: what runs, never the webhook URL (a secret).
std::string Bitrix24Summary(config::Bitrix24Config const& c) {
    switch (c.events.mode) {
        case config::Bitrix24EventsMode::kOnline:
            return "events online " + c.events.path;
        case config::Bitrix24EventsMode::kOffline:
            return "events offline";
        case config::Bitrix24EventsMode::kOff:
            break;
    }
    return "events off";
}

/// What 1C's `type=sale&mode=info` lists: the site status letters of the mappings' statuses table,
/// each named by its 1C status text, so 1C's status form offers exactly the statuses b2bsync maps;
/// and the site's payment systems of the payment_systems table (id, name).
onec::OneCExchangeOptions WithSaleInfo(onec::OneCExchangeOptions options,
                                       std::shared_ptr<mapping::MappingSet const> const& mappings) {
    auto const* payments = mappings ? mappings->FindTable("payment_systems") : nullptr;
    if (payments != nullptr && payments->HasColumn("site") && payments->HasColumn("name")) {
        for (auto const& row : payments->rows) {
            auto const id = row.cells.find("site");
            auto const name = row.cells.find("name");
            if (id != row.cells.end() && !id->second.empty()) {
                options.sale_info.payment_systems.push_back(
                    {id->second, name != row.cells.end() && !name->second.empty() ? name->second : id->second});
            }
        }
    }
    auto const* table = mappings ? mappings->FindTable("statuses") : nullptr;
    if (table == nullptr || !table->HasColumn("site")) {
        return options;
    }
    std::set<std::string> seen;
    for (auto const& row : table->rows) {
        auto const letter = row.cells.find("site");
        if (letter == row.cells.end() || letter->second.empty() || !seen.insert(letter->second).second) {
            continue;
        }
        auto const name = row.cells.find("onec");
        options.sale_info.statuses.push_back(
            {letter->second, name != row.cells.end() ? name->second : letter->second});
    }
    return options;
}

/// Owns everything that runs; built by Start(), torn down in reverse order by the destructor.
class Daemon {
public:
    Daemon(config::AppConfig config, std::filesystem::path config_file,
           std::shared_ptr<mapping::MappingSet const> mappings)
        : config_(std::move(config)), config_file_(std::move(config_file)), mappings_(std::move(mappings)) {}

    ~Daemon() {
        if (dispatcher_stopper_.joinable()) {
            dispatcher_stopper_.join();
        }
        pool_.join();
    }

    int Run();

private:
    Status Start();
    void WaitForSignal();
    void OnSignal(int signo);
    void Reload();
    void BeginStop(char const* reason);
    void StopPartDone();
    void ScheduleWatchdog(std::chrono::microseconds interval);
    void SchedulePurge();
    ReadyReport Readiness();
    metrics::Counter& ReloadCounter(char const* result);

    config::AppConfig config_;
    std::filesystem::path config_file_;
    /// The one accessor of the current mapping set for everything the daemon runs.
    MappingsHolder mappings_;
    SystemdNotifier notifier_;

    asio::io_context ioc_{1};
    asio::thread_pool pool_{2};  // admin probes and housekeeping: SQLite never runs on the event loop
    asio::signal_set signals_{ioc_};
    asio::steady_timer watchdog_timer_{ioc_};
    asio::steady_timer purge_timer_{ioc_};

    metrics::Registry registry_;
    std::optional<InstanceLock> lock_;
    std::unique_ptr<store::Database> db_;
    std::unique_ptr<store::JobQueue> queue_;
    // Before dispatcher_: its deliverer is used by dispatcher workers until the dispatcher is destroyed.
    // flows_ before bitrix24_: the Bitrix24 stage tracker hands changes to the flows until it is gone.
    std::unique_ptr<FlowsWiring> flows_;
    std::unique_ptr<Bitrix24Wiring> bitrix24_;
    std::unique_ptr<sync::Dispatcher> dispatcher_;
    std::map<std::string, std::shared_ptr<webhook::WebhookDeliverer>> webhooks_;
    std::unique_ptr<onec::OneCExchangeEndpoint> onec_endpoint_;
    std::unique_ptr<http::Server> public_server_;
    std::unique_ptr<http::Server> admin_server_;
    std::thread dispatcher_stopper_;

    bool stopping_ = false;
    int stop_parts_pending_ = 0;
    int exit_code_ = kExitOk;
    int start_failure_exit_ = kExitFailure;  // kExitConfig when the portal rejects our config
};

Status Daemon::Start() {
    std::error_code ec;
    std::filesystem::create_directories(config_.state_dir, ec);
    if (ec) {
        return Error::Permanent("cannot create state directory " + config_.state_dir.string() + ": " + ec.message());
    }
    auto lock = InstanceLock::Acquire(config_.state_dir);
    if (!lock) {
        return lock.error();
    }
    lock_.emplace(std::move(*lock));

    store::DatabaseOptions db_options;
    db_options.busy_timeout = config_.store.busy_timeout;
    auto db = store::Database::Open(config_.store.path, db_options);
    if (!db) {
        return db.error();
    }
    db_ = std::move(*db);
    queue_ = std::make_unique<store::JobQueue>(*db_, SystemClock::Instance(), ToRetryPolicy(config_.queue));
    auto recovered = queue_->RecoverInflight();
    if (!recovered) {
        return recovered.error();
    }
    if (*recovered > 0) {
        log::Warn(kComponent, "recovered jobs left in flight by the previous run; they will be delivered again",
                  {{"jobs", *recovered}});
    }

    sync::DispatcherOptions dispatcher_options;
    dispatcher_options.workers = config_.queue.workers;
    dispatcher_options.batch_size = config_.queue.batch_size;
    dispatcher_options.lease = config_.queue.lease;
    dispatcher_options.poll_interval = config_.queue.poll_interval;
    dispatcher_ = std::make_unique<sync::Dispatcher>(*queue_, dispatcher_options, registry_);
    for (auto const& [name, target] : config_.targets) {
        auto deliverer =
            std::make_shared<webhook::WebhookDeliverer>(ToWebhookOptions(name, target), SystemClock::Instance());
        webhooks_[name] = deliverer;
        dispatcher_->Register(name, deliverer);
    }
    if (config::Bitrix24Enabled(config_.bitrix24)) {
        auto wiring = Bitrix24Wiring::Create(config_.bitrix24, Bitrix24Context{ioc_, pool_, *db_, registry_});
        if (!wiring) {
            // Unknown pipeline/stage or a webhook the portal refuses: restarting cannot help.
            start_failure_exit_ = kExitConfig;
            return wiring.error();
        }
        bitrix24_ = std::move(*wiring);
        dispatcher_->Register(Bitrix24Wiring::kTarget, bitrix24_->deliverer());
    }
    flows_ = std::make_unique<FlowsWiring>(
        config_.site, FlowsWiring::Context{*db_, *queue_, SystemClock::Instance(), registry_,
                                           [this] { return mappings_.Current(); }});
    flows_->Register(*dispatcher_);
    if (bitrix24_) {
        // A manager's stage move reaches the flows (1C's feed, the site) in the tracker's transaction.
        bitrix24_->ForwardStageChanges(&flows_->stage_intake());
        flows_->SetStageNames([wiring = bitrix24_.get()](std::string const& id) { return wiring->StageName(id); });
    }
    AddProcessMetrics(registry_, config_.instance);
    ReloadCounter("ok");
    ReloadCounter("rejected");
    dispatcher_->Start();

    AdminProbes probes;
    probes.readiness = [this] { return Readiness(); };
    probes.render_metrics = [this] { return registry_.Render(); };
    admin_server_ = std::make_unique<http::Server>(
        ioc_.get_executor(), ToServerOptions("admin", config_.admin.listen, config_.server),
        MakeAdminRouter(std::move(probes), pool_), registry_);
    // The public listener carries the connectors' endpoints; with none enabled it still answers,
    // with 404.
    http::Router public_router;
    if (config_.onec.enabled) {
        std::error_code dir_ec;
        std::filesystem::create_directories(config_.onec.work_dir, dir_ec);
        if (dir_ec) {
            return Error::Permanent("cannot create onec.work_dir " + config_.onec.work_dir.string() + ": " +
                                    dir_ec.message());
        }
        // Parsing and landing block on SQLite and disk: they run on the pool, never on the loop.
        onec_endpoint_ = std::make_unique<onec::OneCExchangeEndpoint>(
            WithSaleInfo(ToExchangeOptions(config_.onec), mappings_.Current()), *db_, SystemClock::Instance(),
            registry_, pool_.get_executor(),
            onec::MakeLandingSinkFactory(*db_, SystemClock::Instance()));
        onec_endpoint_->Register(public_router);
    }
    if (bitrix24_) {
        bitrix24_->RegisterRoutes(public_router);
    }
    flows_->RegisterRoutes(public_router);
    public_server_ = std::make_unique<http::Server>(
        ioc_.get_executor(), ToServerOptions("public", config_.server.listen, config_.server),
        std::move(public_router), registry_);
    auto admin_ep = admin_server_->Start();
    if (!admin_ep) {
        return admin_ep.error();
    }
    auto public_ep = public_server_->Start();
    if (!public_ep) {
        return public_ep.error();
    }
    if (bitrix24_) {
        bitrix24_->Start();
    }
    flows_->Start();
    log::Info(kComponent, "serving",
              {{"version", kVersion},
               {"instance", config_.instance},
               {"public", public_ep->address().to_string() + ":" + std::to_string(public_ep->port())},
               {"admin", admin_ep->address().to_string() + ":" + std::to_string(admin_ep->port())},
               {"state_dir", config_.state_dir.string()},
               {"targets", static_cast<int>(config_.targets.size())},
               {"onec", config_.onec.enabled ? config_.onec.path : std::string("off")},
               {"bitrix24", bitrix24_ ? Bitrix24Summary(config_.bitrix24) : std::string("off")}});
    return {};
}

metrics::Counter& Daemon::ReloadCounter(char const* result) {
    return registry_.GetCounter("b2b_config_reloads_total", "Configuration reloads (SIGHUP) by result.",
                                {{"result", result}});
}

ReadyReport Daemon::Readiness() {
    ReadyReport report;
    bool ok = true;
    if (stopping_) {
        report.text += "daemon: stopping\n";
        ok = false;
    }
    // A real write through the writer connection: proves the store is writable (disk not full,
    // not read-only, lock obtainable within busy_timeout), not just that the file opens.
    Status store_ok = [&]() -> Status {
        auto tx = store::Transaction::Begin(*db_, "readiness probe");
        if (!tx) {
            return tx.error();
        }
        store::CursorRepository cursors(SystemClock::Instance());
        if (auto r = cursors.Set(**tx, "health.readyz", std::to_string(SystemClock::Instance().NowMillis())); !r) {
            return r.error();
        }
        return (*tx)->Commit();
    }();
    if (store_ok) {
        report.text += "store: ok\n";
    } else {
        report.text += "store: " + store_ok.error().message + "\n";
        ok = false;
    }
    if (dispatcher_->StopRequested()) {
        report.text += "dispatcher: stopped\n";
        ok = false;
    } else {
        report.text += "dispatcher: ok (" + std::to_string(config_.queue.workers) + " workers, " +
                       std::to_string(config_.targets.size()) + " targets)\n";
    }
    if (bitrix24_) {
        bool bitrix24_ready = false;
        report.text += bitrix24_->Readiness(bitrix24_ready);
        ok = ok && bitrix24_ready;
    }
    report.ready = ok;
    return report;
}

void Daemon::WaitForSignal() {
    signals_.async_wait([this](boost::system::error_code ec, int signo) {
        if (ec) {
            return;  // cancelled at the end of a stop
        }
        OnSignal(signo);
        WaitForSignal();
    });
}

void Daemon::OnSignal(int signo) {
    if (signo == SIGHUP) {
        Reload();
        return;
    }
    if (stopping_) {
        // An impatient operator: pending jobs stay in the store and are recovered at next start.
        log::Warn(kComponent, "second stop signal: exiting now without waiting for in-flight work");
        std::_Exit(1);
    }
    BeginStop(signo == SIGTERM ? "SIGTERM" : "SIGINT");
}

void Daemon::Reload() {
    notifier_.Reloading();
    log::Info("config", "reload requested (SIGHUP)", {{"file", config_file_.string()}});
    auto outcome = config::LoadFile(config_file_, config::Environment::FromProcess());
    if (!outcome.ok()) {
        for (auto const& d : outcome.diagnostics) {
            log::Error("config", "reload rejected", {{"problem", d.ToString()}});
        }
        log::Warn("config", "keeping the running configuration",
                  {{"problems", static_cast<int>(outcome.diagnostics.size())}});
        ReloadCounter("rejected").Inc();
        notifier_.Ready();
        return;
    }
    if (auto problems = CrossKeyProblems(*outcome.config, config_file_); !problems.empty()) {
        for (auto const& p : problems) {
            log::Error("config", "reload rejected", {{"problem", p}});
        }
        log::Warn("config", "keeping the running configuration", {{"problems", static_cast<int>(problems.size())}});
        ReloadCounter("rejected").Inc();
        notifier_.Ready();
        return;
    }
    // Config and mappings are one unit: a bad mapping keeps both as they are.
    std::vector<std::string> mapping_problems;
    auto fresh_mappings = CompileMappings(outcome.config->mappings.dir, mapping_problems);
    if (!fresh_mappings) {
        for (auto const& p : mapping_problems) {
            log::Error("mappings", "reload rejected", {{"problem", p}});
        }
        log::Warn("config", "keeping the running configuration and mappings",
                  {{"problems", static_cast<int>(mapping_problems.size())}});
        ReloadCounter("rejected").Inc();
        notifier_.Ready();
        return;
    }
    config::AppConfig fresh = std::move(*outcome.config);
    mappings_.Replace(std::move(fresh_mappings));
    config_.mappings = fresh.mappings;
    log::Info("mappings", "reloaded", {{"dir", config_.mappings.dir.string()}});
    for (auto const& key : RestartRequiredChanges(config_, fresh)) {
        log::Warn("config", "changed key needs a restart to take effect; keeping the running value",
                  {{"key", key}});
    }
    // Apply what is safe to apply live.
    log::SetLevel(fresh.log.level);
    config_.log = fresh.log;
    for (auto& [name, deliverer] : webhooks_) {
        if (auto it = fresh.targets.find(name); it != fresh.targets.end()) {
            deliverer->Update(ToWebhookOptions(name, it->second));
            config_.targets[name] = it->second;
        }
    }
    ReloadCounter("ok").Inc();
    log::Info("config", "reloaded", {{"file", config_file_.string()}});
    notifier_.Ready();
}

void Daemon::BeginStop(char const* reason) {
    stopping_ = true;
    notifier_.Stopping();
    notifier_.Status("stopping");
    log::Info(kComponent, "stopping: no new requests; finishing in-flight work",
              {{"signal", reason}, {"grace_ms", static_cast<long long>(config_.shutdown.grace.count())}});
    if (bitrix24_) {
        bitrix24_->BeginStop();
    }
    stop_parts_pending_ = 3;
    public_server_->Stop(config_.shutdown.grace, [this] { StopPartDone(); });
    admin_server_->Stop(config_.shutdown.grace, [this] { StopPartDone(); });
    // Dispatcher::Stop blocks (it joins workers), so it runs off the event loop, which keeps
    // answering the watchdog and the draining connections meanwhile.
    dispatcher_stopper_ = std::thread([this] {
        flows_->Stop();  // joins the site poller (bounded by site.timeout) and the pump: off the loop
        bool const clean = dispatcher_->Stop(config_.shutdown.grace);
        asio::post(ioc_, [this, clean] {
            if (!clean) {
                log::Warn(kComponent,
                          "grace period over with deliveries still running; they will be retried after restart");
            }
            StopPartDone();
        });
    });
}

void Daemon::StopPartDone() {
    if (--stop_parts_pending_ > 0) {
        return;
    }
    watchdog_timer_.cancel();
    purge_timer_.cancel();
    signals_.cancel();
    log::Info(kComponent, "stopped");
    ioc_.stop();
}

void Daemon::ScheduleWatchdog(std::chrono::microseconds interval) {
    watchdog_timer_.expires_after(interval);
    watchdog_timer_.async_wait([this, interval](boost::system::error_code ec) {
        if (ec) {
            return;
        }
        // Sent from the event loop itself: if the loop hangs, systemd stops hearing from us and
        // restarts the service.
        notifier_.Watchdog();
        ScheduleWatchdog(interval);
    });
}

void Daemon::SchedulePurge() {
    purge_timer_.expires_after(kPurgeInterval);
    purge_timer_.async_wait([this](boost::system::error_code ec) {
        if (ec) {
            return;
        }
        asio::post(pool_, [this] {
            auto purged = queue_->PurgeDone(config_.store.done_retention);
            if (!purged) {
                log::Warn("store", "purging delivered jobs failed", {{"reason", purged.error().message}});
            } else if (*purged > 0) {
                log::Info("store", "purged delivered jobs past retention", {{"jobs", *purged}});
            }
        });
        SchedulePurge();
    });
}

int Daemon::Run() {
    // Registered before any thread starts, so a SIGTERM during start-up is queued for the loop
    // instead of killing the process with the default action.
    signals_.add(SIGTERM);
    signals_.add(SIGINT);
    signals_.add(SIGHUP);
    if (auto started = Start(); !started) {
        log::Error(kComponent, "cannot start", {{"reason", started.error().message}});
        std::cerr << "b2bsync: cannot start: " << started.error().message << "\n";
        if (dispatcher_) {
            dispatcher_->Stop(0ms);
        }
        return start_failure_exit_;
    }
    WaitForSignal();
    if (auto interval = notifier_.WatchdogInterval()) {
        notifier_.Watchdog();
        ScheduleWatchdog(*interval);
    }
    SchedulePurge();
    notifier_.Ready();
    notifier_.Status("serving");
    ioc_.run();
    return exit_code_;
}

// Rules that span several keys, which the per-key schema cannot express. Each message names the
// file and the keys.
std::vector<std::string> CrossKeyProblems(config::AppConfig const& c, std::filesystem::path const& file) {
    std::vector<std::string> problems;
    if (c.onec.enabled && c.onec.user.empty()) {
        problems.push_back(file.string() + ": onec.enabled is true but onec.user is empty");
    }
    if (c.onec.enabled && c.onec.password.Reveal().empty()) {
        problems.push_back(file.string() + ": onec.enabled is true but onec.password is empty (use file:onec_password)");
    }
    auto const& b24 = c.bitrix24;
    bool const b24_on = config::Bitrix24Enabled(b24);
    if (!b24_on && b24.events.mode != config::Bitrix24EventsMode::kOff) {
        problems.push_back(file.string() + ": bitrix24.events.mode is not off but bitrix24.webhook_url is empty");
    }
    if (b24.auth == config::Bitrix24AuthMode::kOAuth) {
        for (auto const& [key, empty] : {std::pair{"portal_url", b24.oauth.portal_url.empty()},
                                         std::pair{"client_id", b24.oauth.client_id.empty()},
                                         std::pair{"client_secret", b24.oauth.client_secret.Reveal().empty()}}) {
            if (empty) {
                problems.push_back(file.string() + ": bitrix24.auth is oauth but bitrix24.oauth." + key + " is empty");
            }
        }
        if (!b24.webhook_url.Reveal().empty()) {
            problems.push_back(file.string() + ": bitrix24.auth is oauth but bitrix24.webhook_url is set; keep one");
        }
    }
    if (b24_on && b24.auth == config::Bitrix24AuthMode::kWebhook &&
        b24.events.mode == config::Bitrix24EventsMode::kOffline) {
        // event.offline.* work only in application context (bitrix24.md §1.1, §7).
        problems.push_back(file.string() +
                           ": bitrix24.events.mode offline needs bitrix24.auth: oauth (the portal refuses offline "
                           "events to webhooks)");
    }
    auto const& site = c.site;
    if (site.mode == config::SiteMode::kExchange) {
        for (auto const& [key, empty] : {std::pair{"url", site.url.empty()}, std::pair{"user", site.user.empty()},
                                         std::pair{"password", site.password.Reveal().empty()}}) {
            if (empty) {
                problems.push_back(file.string() + ": site.mode is exchange but site." + key + " is empty");
            }
        }
    }
    if (site.mode == config::SiteMode::kWebhook && site.webhook_secret.Reveal().empty()) {
        problems.push_back(file.string() + ": site.mode is webhook but site.webhook_secret is empty (use file:NAME)");
    }
    for (char const* target : {"flows", "site"}) {
        if (c.targets.contains(target)) {
            problems.push_back(file.string() + ": targets." + target +
                               " clashes with a target of b2bsync's own; rename the webhook target");
        }
    }
    if (b24_on && c.targets.contains("bitrix24")) {
        problems.push_back(file.string() +
                           ": targets.bitrix24 clashes with the Bitrix24 connector's target; rename the webhook target");
    }
    if (b24_on && b24.events.mode == config::Bitrix24EventsMode::kOnline) {
        if (b24.application_token.Reveal().empty()) {
            problems.push_back(file.string() +
                               ": bitrix24.events.mode is online but bitrix24.application_token is empty "
                               "(use file:NAME or ${ENV})");
        }
        if (b24.events.path.empty() || b24.events.path.front() != '/') {
            problems.push_back(file.string() + ": bitrix24.events.path must start with '/'");
        }
        if (c.onec.enabled && b24.events.path == c.onec.path) {
            problems.push_back(file.string() + ": bitrix24.events.path is the same as onec.path");
        }
    }
    return problems;
}

}  // namespace

int CheckConfig(std::filesystem::path const& file, std::ostream& out, std::ostream& err) {
    auto outcome = config::LoadFile(file, config::Environment::FromProcess());
    if (!outcome.ok()) {
        for (auto const& d : outcome.diagnostics) {
            err << d.ToString() << "\n";
        }
        err << outcome.diagnostics.size() << " problem(s) in " << file.string() << "\n";
        return kExitConfig;
    }
    if (auto problems = CrossKeyProblems(*outcome.config, file); !problems.empty()) {
        for (auto const& p : problems) {
            err << p << "\n";
        }
        err << problems.size() << " problem(s) in " << file.string() << "\n";
        return kExitConfig;
    }
    std::vector<std::string> mapping_problems;
    if (!CompileMappings(outcome.config->mappings.dir, mapping_problems)) {
        for (auto const& p : mapping_problems) {
            err << p << "\n";
        }
        err << mapping_problems.size() << " problem(s) in the mappings in " << outcome.config->mappings.dir.string()
            << "\n";
        return kExitConfig;
    }
    out << file.string() << ": ok\n";
    return kExitOk;
}

int RunDaemon(std::filesystem::path const& config_file) {
    auto outcome = config::LoadFile(config_file, config::Environment::FromProcess());
    if (!outcome.ok()) {
        for (auto const& d : outcome.diagnostics) {
            std::cerr << d.ToString() << "\n";
        }
        std::cerr << "b2bsync: " << outcome.diagnostics.size() << " problem(s) in " << config_file.string()
                  << "; not starting\n";
        return kExitConfig;
    }
    if (auto problems = CrossKeyProblems(*outcome.config, config_file); !problems.empty()) {
        for (auto const& p : problems) {
            std::cerr << p << "\n";
        }
        std::cerr << "b2bsync: " << problems.size() << " problem(s) in " << config_file.string() << "; not starting\n";
        return kExitConfig;
    }
    std::vector<std::string> mapping_problems;
    auto mappings = CompileMappings(outcome.config->mappings.dir, mapping_problems);
    if (!mappings) {
        for (auto const& p : mapping_problems) {
            std::cerr << p << "\n";
        }
        std::cerr << "b2bsync: " << mapping_problems.size() << " problem(s) in the mappings in "
                  << outcome.config->mappings.dir.string() << "; not starting\n";
        return kExitConfig;
    }
    log::Init(outcome.config->log.level);
    log::Info("mappings", "compiled", {{"dir", outcome.config->mappings.dir.string()},
                                       {"mappings", static_cast<int>(mappings->MappingNames().size())}});
    Daemon daemon(std::move(*outcome.config), config_file, std::move(mappings));
    return daemon.Run();
}

}  // namespace b2b::app
