#pragma once

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>

#include "connectors/bitrix24/authenticator.hpp"
#include "connectors/bitrix24/events_endpoint.hpp"
#include "connectors/bitrix24/events_inbox.hpp"
#include "connectors/bitrix24/events_offline.hpp"
#include "connectors/bitrix24/events_sink.hpp"
#include "connectors/bitrix24/events_stages.hpp"
#include "connectors/bitrix24/limiter.hpp"
#include "connectors/bitrix24/oauth_tokens.hpp"
#include "connectors/bitrix24/pipeline.hpp"
#include "connectors/bitrix24/rest_client.hpp"
#include "core/config/app_config.hpp"
#include "core/http/router.hpp"
#include "core/store/database.hpp"
#include "core/sync/deliverer.hpp"
#include "core/util/error.hpp"
#include "core/util/metrics.hpp"

namespace b2b::app {

/// What the Bitrix24 connector borrows from the daemon; everything must outlive the wiring.
struct Bitrix24Context {
    boost::asio::io_context& ioc;    ///< timers run here
    boost::asio::thread_pool& pool;  ///< the daemon's pool: the events endpoint's store write
    store::Database& db;
    metrics::Registry& registry;
};

/// The Bitrix24 connector as the daemon runs it (config::Bitrix24Enabled): one authenticator
/// (webhook, or OAuth with its tokens in the store), one
/// Limiter shared by every request to the portal, one RestClient; the `bitrix24` deliverer; the
/// events (online handler or offline poller) feeding StageTracker, whose changes are logged and
/// counted until the robots exist.
///
/// The deliverer is registered at once as a gate: until the pipeline is resolved on the portal it
/// answers every job transiently (the Dispatcher's deliverer set is fixed at Start, and an
/// unregistered target would fail jobs permanently). While the gate is closed — pipeline not
/// resolved yet, the last request could not connect to the portal, or the OAuth credentials were
/// refused — the Dispatcher defers the target's jobs without spending attempts
/// (Deliverer::Availability). Resolution is retried with backoff off the event loop; an
/// unreachable portal is probed the same way; /readyz says why the gate is closed.
///
/// Offline events (OAuth only): at start the wiring binds ONCRMDEAL{ADD,UPDATE,DELETE} as offline
/// events with the configured auth_connector, which the REST client also puts on every CRM
/// write, so our own changes are not queued back to us.
///
/// Portal calls (resolution, offline polls, stage processing) run on a thread of their own, so a
/// slow portal (the limiter may park a caller for 20 s) never starves the daemon's pool, which
/// serves /readyz and the 1C exchange. That one thread also serialises the OfflinePoller.
class Bitrix24Wiring {
public:
    /// Builds the client and resolves the pipeline once, synchronously (start-up waits up to
    /// bitrix24.timeout per call). Errors are permanent and mean a config problem (exit 78): a
    /// malformed webhook URL, an unknown pipeline or stage (the message lists the portal's), a
    /// webhook the portal rejects. A portal that cannot be reached is not an error: the wiring
    /// starts degraded and keeps retrying once Start() is called.
    static Result<std::unique_ptr<Bitrix24Wiring>> Create(config::Bitrix24Config const& config,
                                                          Bitrix24Context context);
    ~Bitrix24Wiring();
    Bitrix24Wiring(Bitrix24Wiring const&) = delete;
    Bitrix24Wiring& operator=(Bitrix24Wiring const&) = delete;

    /// Register with the Dispatcher under kTarget.
    std::shared_ptr<sync::Deliverer> deliverer() const;
    static constexpr char kTarget[] = "bitrix24";

    /// Online mode: `POST events.path` with a 64 KiB body limit. Otherwise nothing.
    void RegisterRoutes(http::Router& router);

    /// Arms the timers (resolution retry, events). Call once, before the event loop runs.
    void Start();
    /// Stops the timers and any further portal work (SIGTERM). Deliveries in flight are left to
    /// the Dispatcher's grace; the client is cancelled in the destructor.
    void BeginStop();

    /// One /readyz line ("bitrix24: ok ..." or "bitrix24: <reason>"); `ready` is false while degraded.
    std::string Readiness(bool& ready) const;

    /// Asks for a StageTracker pass on the connector's thread (coalesced). Thread-safe.
    void RequestStageProcessing();

    /// Hands every detected stage change to `next` too (the flows), inside the tracker's
    /// transaction. Call before Start; `next` must outlive the wiring's threads.
    void ForwardStageChanges(bitrix24::EventSink* next);
    /// The portal's name of a stage id of the configured pipeline ("C3:PREPARATION" -> "Склад"),
    /// once the pipeline is resolved. Thread-safe.
    std::optional<std::string> StageName(std::string const& status_id) const;

    bitrix24::EventsEndpoint* events_endpoint() { return endpoint_.get(); }
    boost::asio::thread_pool& daemon_pool() { return context_.pool; }

private:
    class Gate;
    class LoggingSink;

    Bitrix24Wiring(config::Bitrix24Config const& config, Bitrix24Context context,
                   std::unique_ptr<bitrix24::OAuthTokenStore> token_store, std::unique_ptr<bitrix24::Authenticator> auth);
    Status TryResolve();
    /// Why deliveries must wait (gate closed), or nullopt. Thread-safe.
    std::optional<sync::Unavailable> Unavailability() const;
    void ScheduleProbe();
    void BindOfflineEvents();
    void ScheduleResolve();
    void ScheduleEvents();
    void RunEventsRound();
    void ProcessStages();
    void SetState(std::string state);

    config::Bitrix24Config config_;
    Bitrix24Context context_;
    std::unique_ptr<bitrix24::OAuthTokenStore> token_store_;  // OAuth only; before auth_, which uses it
    std::unique_ptr<bitrix24::Authenticator> auth_;
    bitrix24::Limiter limiter_;
    bitrix24::RestClient client_;
    bitrix24::PipelineConfig pipeline_config_;
    std::shared_ptr<Gate> gate_;
    bitrix24::EventInbox inbox_;
    std::unique_ptr<LoggingSink> sink_;
    bitrix24::StageTracker tracker_;
    std::unique_ptr<bitrix24::EventsEndpoint> endpoint_;  // online mode only
    std::unique_ptr<bitrix24::OfflinePoller> poller_;     // offline mode only

    boost::asio::steady_timer resolve_timer_;
    boost::asio::steady_timer events_timer_;
    boost::asio::steady_timer probe_timer_;
    std::chrono::milliseconds resolve_delay_;
    std::atomic<std::int64_t> probe_delay_ms_;
    bool offline_bound_ = false;  // connector thread only
    std::atomic<bool> stopping_{false};
    std::atomic<bool> stages_requested_{false};
    std::string last_poll_error_;  // connector thread only: log a failing poll once per new reason

    mutable std::mutex state_mutex_;
    std::map<std::string, std::string> stage_names_;  // STATUS_ID -> portal stage name; under state_mutex_
    std::string state_;  // "" when the pipeline is resolved, else why not
    std::string resolved_;

    boost::asio::thread_pool worker_{1};  // last member: joined first, before what its tasks use
};

}  // namespace b2b::app
