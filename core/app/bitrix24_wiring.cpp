#include "core/store/repositories.hpp"
#include "core/app/bitrix24_wiring.hpp"

#include <algorithm>
#include <utility>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/verb.hpp>

#include "connectors/bitrix24/deliverer.hpp"
#include "connectors/bitrix24/oauth_authenticator.hpp"
#include "core/util/clock.hpp"
#include "core/util/log.hpp"

namespace b2b::app {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

constexpr char kComponent[] = "bitrix24";
constexpr auto kResolveFirstDelay = 1s;
constexpr auto kResolveMaxDelay = 60s;
constexpr std::uint64_t kEventsBodyLimit = 64 * 1024;  // events are small forms; anything larger is not one
constexpr std::size_t kStagePassLimit = 100;
constexpr std::int64_t kOfflineLimit = 50;  // the portal's page; see OfflinePollOptions
constexpr auto kProbeFirstDelay = 1s;
constexpr auto kProbeMaxDelay = 30s;
constexpr auto kAuthProblemRecheck = 60s;
// A deferred job is due again after at most this long, so deliveries resume soon after the gate opens.
constexpr auto kMaxDeferral = 10s;  // refused credentials need an admin and a restart
// What StageTracker reads (events_stages.cpp); bound as offline events in offline mode.
constexpr char const* kOfflineEvents[] = {"ONCRMDEALADD", "ONCRMDEALUPDATE", "ONCRMDEALDELETE"};

std::chrono::milliseconds Ms(std::chrono::milliseconds d) { return d; }

bitrix24::LimiterOptions ToLimiterOptions(config::Bitrix24RateConfig const& rate) {
    bitrix24::LimiterOptions o;
    o.burst = static_cast<double>(rate.burst);
    o.per_second = rate.per_second;
    return o;
}

bitrix24::RestOptions ToRestOptions(config::Bitrix24Config const& c) {
    bitrix24::RestOptions o;
    o.timeout = c.timeout;
    o.auth_connector = c.auth_connector;
    return o;
}

bitrix24::OAuthServerOptions ToOAuthServerOptions(config::Bitrix24Config const& c) {
    bitrix24::OAuthServerOptions o;
    o.token_url = c.oauth.server_url;
    o.client_id = c.oauth.client_id;
    o.client_secret = c.oauth.client_secret.Reveal();
    o.timeout = c.timeout;
    return o;
}

bitrix24::OfflinePollOptions ToPollOptions() {
    bitrix24::OfflinePollOptions o;
    o.limit = kOfflineLimit;
    return o;
}

http::RouteOptions EventsRoute() {
    http::RouteOptions o;
    o.max_body = kEventsBodyLimit;
    return o;
}

// Coroutines take their state as parameters (style.md §9.5 rule 5).
asio::awaitable<http::Response> HandleOnPool(Bitrix24Wiring* wiring, http::Request request) {
    http::Response response = wiring->events_endpoint()->Handle(request);
    if (response.result() == http::beast_http::status::ok) {
        wiring->RequestStageProcessing();
    }
    co_return response;
}

// The endpoint writes to SQLite before answering; that write runs on the daemon's pool, never on
// the event loop.
asio::awaitable<http::Response> ServeEvent(Bitrix24Wiring* wiring, http::Request request) {
    co_return co_await asio::co_spawn(wiring->daemon_pool().get_executor(), HandleOnPool(wiring, std::move(request)),
                                      asio::use_awaitable);
}

}  // namespace

/// The registered `bitrix24` deliverer: closed (the Dispatcher defers jobs, see Availability) until
/// the real one exists and while the portal cannot be used; otherwise a pass-through.
class Bitrix24Wiring::Gate final : public sync::Deliverer {
public:
    explicit Gate(Bitrix24Wiring const& wiring) : wiring_(wiring) {}

    std::optional<sync::Unavailable> Availability() const override { return wiring_.Unavailability(); }

    void Open(std::shared_ptr<sync::Deliverer> deliverer) {
        std::lock_guard lock(mutex_);
        deliverer_ = std::move(deliverer);
    }
    void SetWaitHint(std::chrono::milliseconds hint) { wait_hint_ms_.store(hint.count()); }
    std::chrono::milliseconds WaitHint() const { return std::chrono::milliseconds(wait_hint_ms_.load()); }

    std::vector<Status> DeliverBatch(std::span<store::Job const> jobs) override {
        if (auto deliverer = Current()) {
            auto results = deliverer->DeliverBatch(jobs);
            // Credentials refused during this batch: the jobs are not at fault. Reported as
            // transient, the Dispatcher defers them (the gate is closed now) instead of killing them.
            if (auto const problem = wiring_.auth_->Problem(); !problem.empty()) {
                for (auto& r : results) {
                    if (!r && r.error().message.find(problem) != std::string::npos) {
                        r = Error::Transient(r.error().message, kAuthProblemRecheck);
                    }
                }
            }
            return results;
        }
        // retry_after = the next resolution attempt, so jobs do not spin through their attempts.
        auto const hint = std::chrono::milliseconds(wait_hint_ms_.load());
        return std::vector<Status>(
            jobs.size(), Error::Transient("bitrix24: not connected to the portal yet (see /readyz)", hint));
    }

    void Cancel() override {
        if (auto deliverer = Current()) {
            deliverer->Cancel();
        }
    }

private:
    std::shared_ptr<sync::Deliverer> Current() {
        std::lock_guard lock(mutex_);
        return deliverer_;
    }

    Bitrix24Wiring const& wiring_;
    std::mutex mutex_;
    std::shared_ptr<sync::Deliverer> deliverer_;
    std::atomic<std::int64_t> wait_hint_ms_{1000};
};

/// A detected stage change is logged and counted, then handed to the flows (SetNext).
class Bitrix24Wiring::LoggingSink final : public bitrix24::EventSink {
public:
    explicit LoggingSink(metrics::Registry& registry)
        : changes_(registry.GetCounter("b2b_bitrix24_stage_changes_total",
                                       "Deal stage changes detected from Bitrix24 events.")) {}

    /// Where detected changes go after being logged and counted (the flows); may stay null.
    void SetNext(bitrix24::EventSink* next) { next_ = next; }

    Status OnStageChange(store::Transaction& tx, bitrix24::StageChange const& change) override {
        log::Info(kComponent, "deal stage changed",
                  {{"deal", change.deal_id},
                   {"from", change.from.empty() ? std::string("(new)") : change.from},
                   {"to", change.to},
                   {"category", change.category_id}});
        // Counted before the transaction commits: a failed commit (rare; the entry is retried)
        // may count one change twice. Good enough for a rate.
        changes_.Inc();
        return next_ != nullptr ? next_->OnStageChange(tx, change) : Status{};
    }

private:
    metrics::Counter& changes_;
    bitrix24::EventSink* next_ = nullptr;
};

Result<std::unique_ptr<Bitrix24Wiring>> Bitrix24Wiring::Create(config::Bitrix24Config const& config,
                                                               Bitrix24Context context) {
    std::unique_ptr<bitrix24::OAuthTokenStore> token_store;
    std::unique_ptr<bitrix24::Authenticator> auth;
    if (config.auth == config::Bitrix24AuthMode::kOAuth) {
        token_store = std::make_unique<bitrix24::OAuthTokenStore>(context.db, SystemClock::Instance());
        auto oauth = bitrix24::OAuthAuthenticator::Create(
            bitrix24::OAuthSettings{config.oauth.portal_url, config.oauth.refresh_token.Reveal()},
            ToOAuthServerOptions(config), *token_store, SystemClock::Instance());
        if (!oauth) {
            return oauth.error();
        }
        auth = std::move(*oauth);
    } else {
        auto webhook = bitrix24::WebhookAuthenticator::Create(config.webhook_url.Reveal());
        if (!webhook) {
            return webhook.error().WithContext("bitrix24.webhook_url");
        }
        auth = std::move(*webhook);
    }
    std::unique_ptr<Bitrix24Wiring> wiring(new Bitrix24Wiring(config, context, std::move(token_store), std::move(auth)));
    if (auto resolved = wiring->TryResolve(); !resolved) {
        if (!resolved.error().IsTransient()) {
            return resolved.error();
        }
        log::Warn(kComponent, "portal not reachable at start; jobs wait in the queue, retrying",
                  {{"portal", wiring->auth_->PortalHost()}, {"reason", resolved.error().message}});
    }
    return wiring;
}

Bitrix24Wiring::Bitrix24Wiring(config::Bitrix24Config const& config, Bitrix24Context context,
                               std::unique_ptr<bitrix24::OAuthTokenStore> token_store,
                               std::unique_ptr<bitrix24::Authenticator> auth)
    : config_(config),
      context_(context),
      token_store_(std::move(token_store)),
      auth_(std::move(auth)),
      limiter_(ToLimiterOptions(config.rate), SystemClock::Instance()),
      client_(*auth_, limiter_, SystemClock::Instance(), ToRestOptions(config)),
      pipeline_config_{config.pipeline, config.stages},
      gate_(std::make_shared<Gate>(*this)),
      inbox_(context.db, SystemClock::Instance()),
      sink_(std::make_unique<LoggingSink>(context.registry)),
      tracker_(client_, context.db, inbox_, *sink_, SystemClock::Instance()),
      resolve_timer_(context.ioc),
      events_timer_(context.ioc),
      probe_timer_(context.ioc),
      resolve_delay_(kResolveFirstDelay),
      probe_delay_ms_(std::chrono::milliseconds(kProbeFirstDelay).count()),
      state_("connecting") {
    switch (config_.events.mode) {
        case config::Bitrix24EventsMode::kOnline:
            endpoint_ = std::make_unique<bitrix24::EventsEndpoint>(inbox_, config_.application_token.Reveal(),
                                                                   context.registry, SystemClock::Instance());
            break;
        case config::Bitrix24EventsMode::kOffline:
            poller_ = std::make_unique<bitrix24::OfflinePoller>(client_, inbox_, SystemClock::Instance(), ToPollOptions());
            break;
        case config::Bitrix24EventsMode::kOff:
            break;
    }
    bitrix24::RestStats const* stats = &client_.stats();
    context.registry.AddCollector([stats](metrics::SampleWriter& w) {
        constexpr char kHelp[] = "Bitrix24 REST requests by outcome (requests = every HTTP request sent).";
        auto put = [&w, &kHelp](char const* what, std::atomic<std::uint64_t> const& v) {
            w.Counter("b2b_bitrix24_requests_total", kHelp, {{"what", what}}, static_cast<double>(v.load()));
        };
        put("requests", stats->requests);
        put("query_limit_503", stats->query_limit_503);
        put("operation_limit_429", stats->operation_limit_429);
        put("transport_errors", stats->transport_errors);
        put("redirects", stats->redirects);
    });
    if (auto const* oauth = dynamic_cast<bitrix24::OAuthAuthenticator const*>(auth_.get())) {
        context.registry.AddCollector([oauth](metrics::SampleWriter& w) {
            w.Counter("b2b_bitrix24_oauth_refreshes_total", "OAuth access-token refreshes stored (refresh_token grants).",
                      {}, static_cast<double>(oauth->refreshes()));
        });
    }
}

Bitrix24Wiring::~Bitrix24Wiring() {
    stopping_ = true;
    resolve_timer_.cancel();
    events_timer_.cancel();
    probe_timer_.cancel();
    // Aborts a portal call in progress on the worker so the join below does not wait for it.
    client_.Cancel();
    worker_.stop();
    worker_.join();
}

std::shared_ptr<sync::Deliverer> Bitrix24Wiring::deliverer() const { return gate_; }

void Bitrix24Wiring::RegisterRoutes(http::Router& router) {
    if (!endpoint_) {
        return;
    }
    router.Add(
        http::beast_http::verb::post, config_.events.path,
        [wiring = this](http::Request request) { return ServeEvent(wiring, std::move(request)); },
        EventsRoute());
}

Status Bitrix24Wiring::TryResolve() {
    auto deliverer = bitrix24::Bitrix24Deliverer::Create(client_, pipeline_config_);
    if (!deliverer) {
        SetState(deliverer.error().message);
        return deliverer.error();
    }
    if (config_.events.mode != config::Bitrix24EventsMode::kOff) {
        // Deals we create are known at their stage before any event about them arrives: with
        // auth_connector the portal sends offline mode no echo of our add at all.
        (*deliverer)->RecordOwnStagesWith(&tracker_);
    }
    // Deals and companies get their portal ids in the links table, so a deal's stage change finds
    // its order (flows) and `b2bsync trace` shows the deal.
    (*deliverer)->RecordLinksWith([db = &context_.db](std::vector<bitrix24::Bitrix24Deliverer::Link> const& links) {
        store::LinkRepository repository(SystemClock::Instance());
        auto tx = store::Transaction::Begin(*db, "record bitrix24 links");
        if (!tx) {
            log::Warn(kComponent, "could not record deal and company ids", {{"error", tx.error().message}});
            return;
        }
        for (auto const& link : links) {
            if (auto put = repository.Put(**tx, link.kind, link.canonical_id, "bitrix24", std::to_string(link.external_id));
                !put) {
                log::Warn(kComponent, "could not record a portal id",
                          {{"kind", link.kind}, {"id", link.canonical_id}, {"error", put.error().message}});
            }
        }
        if (auto committed = (*tx)->Commit(); !committed) {
            log::Warn(kComponent, "could not record deal and company ids", {{"error", committed.error().message}});
        }
    });
    (*deliverer)->LookUpLinksWith(
        [db = &context_.db](std::string const& kind, std::string const& id) -> std::optional<std::int64_t> {
            store::LinkRepository repository(SystemClock::Instance());
            auto tx = store::Transaction::Begin(*db, "read bitrix24 link", store::Transaction::Mode::kRead);
            if (!tx) {
                return std::nullopt;  // unknown: the write goes ahead as without a link
            }
            auto external = repository.FindExternal(**tx, kind, id, "bitrix24");
            if (!external || !*external) {
                return std::nullopt;
            }
            try {
                return std::stoll(**external);
            } catch (std::exception const&) {
                return std::nullopt;
            }
        });
    {
        std::map<std::string, std::string> names;
        for (auto const& [key, id] : (*deliverer)->pipeline().stage_ids) {
            if (auto it = config_.stages.find(key); it != config_.stages.end()) {
                names[id] = it->second;
            }
        }
        log::Info(kComponent, "pipeline stages resolved", {{"stages", static_cast<int>(names.size())}});
        std::lock_guard lock(state_mutex_);
        stage_names_ = std::move(names);
    }
    gate_->Open(std::shared_ptr<sync::Deliverer>(std::move(*deliverer)));
    {
        std::lock_guard lock(state_mutex_);
        state_.clear();
        resolved_ = "ok (portal " + auth_->PortalHost() + ", pipeline \"" + config_.pipeline + "\")";
    }
    log::Info(kComponent, "connected to the portal; deliveries start",
              {{"portal", auth_->PortalHost()}, {"pipeline", config_.pipeline}});
    return {};
}

void Bitrix24Wiring::SetState(std::string state) {
    std::lock_guard lock(state_mutex_);
    state_ = std::move(state);
}

std::optional<sync::Unavailable> Bitrix24Wiring::Unavailability() const {
    if (auto problem = auth_->Problem(); !problem.empty()) {
        return sync::Unavailable{"bitrix24: credentials refused: " + problem, kAuthProblemRecheck};
    }
    {
        std::lock_guard lock(state_mutex_);
        if (!state_.empty()) {
            return sync::Unavailable{"bitrix24: not connected to the portal yet: " + state_,
                                     std::min(gate_->WaitHint(), Ms(kMaxDeferral))};
        }
    }
    if (client_.PortalUnreachable()) {
        return sync::Unavailable{"bitrix24: portal " + auth_->PortalHost() + " unreachable",
                                 std::min(std::chrono::milliseconds(probe_delay_ms_.load()), Ms(kMaxDeferral))};
    }
    return std::nullopt;
}

std::string Bitrix24Wiring::Readiness(bool& ready) const {
    if (auto problem = auth_->Problem(); !problem.empty()) {
        ready = false;
        return "bitrix24: credentials refused, re-authorise the application: " + problem + "\n";
    }
    std::lock_guard lock(state_mutex_);
    ready = state_.empty();
    if (ready && client_.PortalUnreachable()) {
        ready = false;
        return "bitrix24: portal " + auth_->PortalHost() + " unreachable; jobs wait without spending attempts\n";
    }
    return "bitrix24: " + (ready ? resolved_ : state_) + "\n";
}

void Bitrix24Wiring::Start() {
    bool resolved = false;
    Readiness(resolved);
    if (!resolved) {
        ScheduleResolve();
    }
    if (config_.events.mode != config::Bitrix24EventsMode::kOff) {
        // Entries left pending by the previous run are processed right away.
        RequestStageProcessing();
        ScheduleEvents();
    }
    ScheduleProbe();
}

// While the last request could not connect, nothing else talks to the portal (the gate holds the
// jobs back), so a cheap read on the connector thread finds out when it is back: any HTTP answer
// clears PortalUnreachable. Backs off to kProbeMaxDelay; the check itself is one atomic load.
void Bitrix24Wiring::ScheduleProbe() {
    probe_timer_.expires_after(std::chrono::milliseconds(probe_delay_ms_.load()));
    probe_timer_.async_wait([this](boost::system::error_code ec) {
        if (ec || stopping_) {
            return;
        }
        if (!client_.PortalUnreachable()) {
            probe_delay_ms_ = std::chrono::milliseconds(kProbeFirstDelay).count();
            ScheduleProbe();
            return;
        }
        asio::post(worker_, [this] {
            if (stopping_) {
                return;
            }
            // Only whether an HTTP answer came matters, not what it says.
            static_cast<void>(client_.Call("crm.category.list", boost::json::object{{"entityTypeId", 2}}));
            if (client_.PortalUnreachable()) {
                auto const next = std::min<std::int64_t>(probe_delay_ms_.load() * 2,
                                                         std::chrono::milliseconds(kProbeMaxDelay).count());
                probe_delay_ms_ = next;
            } else {
                log::Info(kComponent, "portal reachable again; deliveries resume", {{"portal", auth_->PortalHost()}});
                probe_delay_ms_ = std::chrono::milliseconds(kProbeFirstDelay).count();
            }
            asio::post(context_.ioc, [this] {
                if (!stopping_) {
                    ScheduleProbe();
                }
            });
        });
    });
}

// Connector thread. Offline events are registered by the app itself (event.bind needs application
// context and an admin, bitrix24.md §7). A failure is logged, not fatal: bindings made before (by
// an earlier run or an installer) keep the queue filling, and the next start tries again.
void Bitrix24Wiring::BindOfflineEvents() {
    if (offline_bound_) {
        return;
    }
    offline_bound_ = true;
    for (char const* event : kOfflineEvents) {
        boost::json::object params{{"event", event}, {"event_type", "offline"}};
        if (!config_.auth_connector.empty()) {
            params["auth_connector"] = config_.auth_connector;
        }
        auto bound = client_.Call("event.bind", std::move(params));
        if (bound) {
            log::Info(kComponent, "offline event bound", {{"event", event}});
        } else if (bound.error().IsTransient()) {
            offline_bound_ = false;  // try again next round
            return;
        } else {
            log::Warn(kComponent, "event.bind refused (already bound, or the app's user is not an admin)",
                      {{"event", event}, {"reason", bound.error().message}});
        }
    }
}

void Bitrix24Wiring::BeginStop() {
    stopping_ = true;
    resolve_timer_.cancel();
    events_timer_.cancel();
    probe_timer_.cancel();
}

void Bitrix24Wiring::ScheduleResolve() {
    gate_->SetWaitHint(resolve_delay_);
    resolve_timer_.expires_after(resolve_delay_);
    resolve_timer_.async_wait([this](boost::system::error_code ec) {
        if (ec || stopping_) {
            return;
        }
        asio::post(worker_, [this] {
            if (stopping_) {
                return;
            }
            auto resolved = TryResolve();
            if (resolved) {
                return;
            }
            if (!resolved.error().IsTransient()) {
                // The portal answered but the names are wrong (someone renamed the pipeline while
                // we could not reach it): needs an admin, but keep trying in case they fix the portal.
                log::Error(kComponent, "cannot use the portal's pipeline; fix bitrix24.pipeline/stages or the portal",
                           {{"reason", resolved.error().message}});
            }
            resolve_delay_ = std::min(Ms(resolve_delay_ * 2), Ms(kResolveMaxDelay));
            log::Warn(kComponent, "portal still not usable; retrying",
                      {{"reason", resolved.error().message},
                       {"retry_in_ms", static_cast<long long>(resolve_delay_.count())}});
            asio::post(context_.ioc, [this] {
                if (!stopping_) {
                    ScheduleResolve();
                }
            });
        });
    });
}

void Bitrix24Wiring::ScheduleEvents() {
    events_timer_.expires_after(config_.events.poll_interval);
    events_timer_.async_wait([this](boost::system::error_code ec) {
        if (ec || stopping_) {
            return;
        }
        asio::post(worker_, [this] {
            RunEventsRound();
            asio::post(context_.ioc, [this] {
                if (!stopping_) {
                    ScheduleEvents();
                }
            });
        });
    });
}

// Connector thread. Offline: drain the portal's queue into the inbox; both modes: process what is
// pending (including entries deferred after a transient failure).
void Bitrix24Wiring::RunEventsRound() {
    if (poller_) {
        BindOfflineEvents();
        while (!stopping_) {
            auto polled = poller_->Poll();
            if (!polled) {
                if (polled.error().message != last_poll_error_) {
                    last_poll_error_ = polled.error().message;
                    log::Warn(kComponent, "offline events poll failed; retrying every poll_interval",
                              {{"reason", last_poll_error_}});
                }
                break;
            }
            if (!last_poll_error_.empty()) {
                last_poll_error_.clear();
                log::Info(kComponent, "offline events poll works again");
            }
            if (*polled < static_cast<std::size_t>(kOfflineLimit)) {
                break;
            }
        }
    }
    ProcessStages();
}

void Bitrix24Wiring::RequestStageProcessing() {
    if (stopping_ || stages_requested_.exchange(true)) {
        return;  // a pass is already queued; it will see this entry
    }
    asio::post(worker_, [this] { ProcessStages(); });
}

void Bitrix24Wiring::ProcessStages() {
    // Cleared before the pass: an event stored meanwhile queues the next one.
    stages_requested_ = false;
    while (!stopping_) {
        auto const report = tracker_.ProcessPending(kStagePassLimit);
        if (report.processed + report.deferred < kStagePassLimit || report.processed == 0) {
            return;
        }
    }
}

void Bitrix24Wiring::ForwardStageChanges(bitrix24::EventSink* next) { sink_->SetNext(next); }

std::optional<std::string> Bitrix24Wiring::StageName(std::string const& status_id) const {
    std::lock_guard lock(state_mutex_);
    auto it = stage_names_.find(status_id);
    return it == stage_names_.end() ? std::nullopt : std::optional<std::string>(it->second);
}

}  // namespace b2b::app
