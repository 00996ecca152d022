#include "core/app/bitrix24_wiring.hpp"

#include <algorithm>
#include <utility>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/verb.hpp>

#include "connectors/bitrix24/deliverer.hpp"
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

/// The registered `bitrix24` deliverer: transient until the real one exists, then a pass-through.
class Bitrix24Wiring::Gate final : public sync::Deliverer {
public:
    void Open(std::shared_ptr<sync::Deliverer> deliverer) {
        std::lock_guard lock(mutex_);
        deliverer_ = std::move(deliverer);
    }
    void SetWaitHint(std::chrono::milliseconds hint) { wait_hint_ms_.store(hint.count()); }

    std::vector<Status> DeliverBatch(std::span<store::Job const> jobs) override {
        if (auto deliverer = Current()) {
            return deliverer->DeliverBatch(jobs);
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

    std::mutex mutex_;
    std::shared_ptr<sync::Deliverer> deliverer_;
    std::atomic<std::int64_t> wait_hint_ms_{1000};
};

/// Until the robots exist, a detected stage change is logged and counted.
class Bitrix24Wiring::LoggingSink final : public bitrix24::EventSink {
public:
    explicit LoggingSink(metrics::Registry& registry)
        : changes_(registry.GetCounter("b2b_bitrix24_stage_changes_total",
                                       "Deal stage changes detected from Bitrix24 events.")) {}

    Status OnStageChange(store::Transaction&, bitrix24::StageChange const& change) override {
        log::Info(kComponent, "deal stage changed",
                  {{"deal", change.deal_id},
                   {"from", change.from.empty() ? std::string("(new)") : change.from},
                   {"to", change.to},
                   {"category", change.category_id}});
        // Counted before the transaction commits: a failed commit (rare; the entry is retried)
        // may count one change twice. Good enough for a rate.
        changes_.Inc();
        return {};
    }

private:
    metrics::Counter& changes_;
};

Result<std::unique_ptr<Bitrix24Wiring>> Bitrix24Wiring::Create(config::Bitrix24Config const& config,
                                                               Bitrix24Context context) {
    auto auth = bitrix24::WebhookAuthenticator::Create(config.webhook_url.Reveal());
    if (!auth) {
        return auth.error().WithContext("bitrix24.webhook_url");
    }
    std::unique_ptr<Bitrix24Wiring> wiring(new Bitrix24Wiring(config, context, std::move(*auth)));
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
                               std::unique_ptr<bitrix24::WebhookAuthenticator> auth)
    : config_(config),
      context_(context),
      auth_(std::move(auth)),
      limiter_(ToLimiterOptions(config.rate), SystemClock::Instance()),
      client_(*auth_, limiter_, SystemClock::Instance(), ToRestOptions(config)),
      pipeline_config_{config.pipeline, config.stages},
      gate_(std::make_shared<Gate>()),
      inbox_(context.db, SystemClock::Instance()),
      sink_(std::make_unique<LoggingSink>(context.registry)),
      tracker_(client_, context.db, inbox_, *sink_, SystemClock::Instance()),
      resolve_timer_(context.ioc),
      events_timer_(context.ioc),
      resolve_delay_(kResolveFirstDelay),
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
}

Bitrix24Wiring::~Bitrix24Wiring() {
    stopping_ = true;
    resolve_timer_.cancel();
    events_timer_.cancel();
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

std::string Bitrix24Wiring::Readiness(bool& ready) const {
    std::lock_guard lock(state_mutex_);
    ready = state_.empty();
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
}

void Bitrix24Wiring::BeginStop() {
    stopping_ = true;
    resolve_timer_.cancel();
    events_timer_.cancel();
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

}  // namespace b2b::app
