#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "connectors/site/exchange_client.hpp"
#include "connectors/site/site_poller.hpp"
#include "connectors/site/webhook_endpoint.hpp"
#include "core/config/app_config.hpp"
#include "core/flows/flow_deliverer.hpp"
#include "core/flows/intake.hpp"
#include "core/http/router.hpp"
#include "core/sync/dispatcher.hpp"
#include "core/util/metrics.hpp"

namespace b2b::app {

/// The flows in the daemon (design.md §4): the "flows" deliverer, the site connector in the
/// configured mode (exchange poller + status pushes, or the signed JSON webhook both ways), and the
/// pump that turns what 1C's exchange landed into flow jobs.
class FlowsWiring {
public:
    static constexpr char const* kComponent = "flows";

    struct Context {
        store::Database& db;
        store::JobQueue& queue;
        Clock const& clock;
        metrics::Registry& registry;
        flows::MappingsProvider mappings;
    };

    FlowsWiring(config::SiteConfig const& site, Context context);
    ~FlowsWiring();

    /// Registers the "flows" deliverer and, with a site, the "site" deliverer.
    void Register(sync::Dispatcher& dispatcher);
    /// Webhook mode: the order endpoint on the public listener.
    void RegisterRoutes(http::Router& router);
    /// Starts the site poller (exchange mode) and the inbound-change pump.
    void Start();
    /// Stops them; safe to call twice.
    void Stop();

    /// The sink the Bitrix24 stage tracker hands changes to (it outlives the tracker).
    flows::StageChangeIntake& stage_intake() { return stage_intake_; }
    /// Tells stage_intake how to name a portal STATUS_ID (set once the pipeline is resolved).
    void SetStageNames(flows::StageChangeIntake::StageName names);

private:
    void PumpLoop();

    config::SiteConfig site_;
    Context context_;
    std::shared_ptr<flows::FlowDeliverer> flows_;
    std::shared_ptr<sync::Deliverer> site_deliverer_;
    flows::SiteOrderIntake site_intake_;
    std::mutex names_mutex_;
    flows::StageChangeIntake::StageName stage_names_;
    flows::StageChangeIntake stage_intake_;
    std::unique_ptr<site::ExchangeClient> pull_client_;
    std::unique_ptr<site::SitePoller> poller_;
    std::unique_ptr<site::SiteWebhookEndpoint> webhook_;
    metrics::Counter& pumped_;
    std::mutex pump_mutex_;
    std::condition_variable pump_wake_;
    bool stopping_ = false;
    std::thread pump_;
};

}  // namespace b2b::app
