#include "core/app/flows_wiring.hpp"

#include "core/flows/flow_jobs.hpp"
#include "core/flows/site_status_deliverer.hpp"
#include "core/util/log.hpp"

namespace b2b::app {
namespace {

// How often the pump looks for what 1C's exchange landed. The landing commits in slices, so a
// short interval keeps 1C's status changes moving while an upload is still being imported.
constexpr std::chrono::milliseconds kPumpInterval{250};
constexpr int kPumpBatch = 500;

site::ExchangeClientOptions ClientOptions(config::SiteConfig const& site) {
    site::ExchangeClientOptions options;
    options.url = site.url;
    options.user = site.user;
    options.password = site.password.Reveal();
    options.timeout = site.timeout;
    options.utc_offset = site.utc_offset;
    options.push_encoding = site.encoding == config::OneCAnswerEncoding::kUtf8 ? onec::CmlOutputEncoding::kUtf8Bom
                                                                                : onec::CmlOutputEncoding::kWindows1251;
    return options;
}

}  // namespace

FlowsWiring::FlowsWiring(config::SiteConfig const& site, Context context)
    : site_(site),
      context_(std::move(context)),
      flows_(std::make_shared<flows::FlowDeliverer>(context_.db, context_.clock, context_.queue, context_.mappings)),
      site_intake_(context_.db, context_.clock, context_.queue),
      stage_intake_(context_.queue,
                    [this](std::string const& id) -> std::optional<std::string> {
                        std::lock_guard lock(names_mutex_);
                        return stage_names_ ? stage_names_(id) : std::nullopt;
                    }),
      pumped_(context_.registry.GetCounter("b2b_flows_inbound_changes_total",
                                           "Changes landed by 1C's exchange turned into flow jobs.")) {
    if (site_.mode == config::SiteMode::kExchange) {
        pull_client_ = std::make_unique<site::ExchangeClient>(ClientOptions(site_), context_.clock);
        site::SitePollerOptions poller;
        poller.poll_interval = site_.poll_interval;
        poller_ = std::make_unique<site::SitePoller>(*pull_client_, site_intake_, poller);
        site_deliverer_ = std::make_shared<flows::SiteStatusDeliverer>(
            std::make_unique<site::ExchangeClient>(ClientOptions(site_), context_.clock));
    } else if (site_.mode == config::SiteMode::kWebhook) {
        site::WebhookEndpointOptions options;
        options.secret = site_.webhook_secret.Reveal();
        options.tolerance = std::chrono::duration_cast<std::chrono::seconds>(site_.webhook_tolerance);
        options.utc_offset = site_.utc_offset;
        webhook_ = std::make_unique<site::SiteWebhookEndpoint>(options, site_intake_, context_.clock,
                                                               context_.registry);
        if (!site_.callback_url.empty()) {
            site::StatusSenderOptions sender{site_.callback_url, site_.webhook_secret.Reveal(), site_.timeout};
            site_deliverer_ = std::make_shared<flows::SiteWebhookStatusDeliverer>(
                std::make_unique<site::WebhookStatusSender>(sender, context_.clock));
        }
    }
}

FlowsWiring::~FlowsWiring() { Stop(); }

void FlowsWiring::Register(sync::Dispatcher& dispatcher) {
    dispatcher.Register(flows::kFlowsTarget, flows_);
    if (site_deliverer_) {
        dispatcher.Register(flows::kSiteTarget, site_deliverer_);
    }
}

void FlowsWiring::RegisterRoutes(http::Router& router) {
    if (webhook_) {
        router.Add(boost::beast::http::verb::post, site_.webhook_path, webhook_->AsHandler());
    }
}

void FlowsWiring::SetStageNames(flows::StageChangeIntake::StageName names) {
    std::lock_guard lock(names_mutex_);
    stage_names_ = std::move(names);
}

void FlowsWiring::Start() {
    if (poller_) {
        poller_->Start();
    }
    pump_ = std::thread([this] { PumpLoop(); });
}

void FlowsWiring::Stop() {
    {
        std::lock_guard lock(pump_mutex_);
        if (stopping_) {
            return;
        }
        stopping_ = true;
    }
    pump_wake_.notify_all();
    if (pump_.joinable()) {
        pump_.join();
    }
    if (poller_) {
        poller_->Stop();
    }
}

void FlowsWiring::PumpLoop() {
    std::unique_lock lock(pump_mutex_);
    while (!stopping_) {
        lock.unlock();
        auto moved = flows::PumpInboundChanges(context_.db, context_.queue, kPumpBatch);
        lock.lock();
        if (!moved) {
            log::Warn(kComponent, "cannot move landed 1C changes into flow jobs; will retry",
                      {{"error", moved.error().message}});
        } else if (*moved > 0) {
            pumped_.Inc(*moved);
            if (*moved == kPumpBatch) {
                continue;  // more are waiting
            }
        }
        pump_wake_.wait_for(lock, kPumpInterval, [this] { return stopping_; });
    }
}

}  // namespace b2b::app
