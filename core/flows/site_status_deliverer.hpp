#pragma once

#include <memory>
#include <mutex>
#include <span>
#include <vector>

#include "connectors/site/exchange_client.hpp"
#include "connectors/site/webhook_status_sender.hpp"
#include "core/sync/deliverer.hpp"

namespace b2b::flows {

/// Delivers the "site" target's order_status jobs (the order document the flows built from the
/// site_order mapping) to a Bitrix site through its exchange, as 1C would: one upload per batch.
/// The site applies a document idempotently (it sets the status letter, paid and cancelled flags
/// to the values in it), so a batch repeated after a lost reply does no harm. A document that does
/// not decode fails only its own job (permanent); a failed exchange fails the whole batch with the
/// client's classification.
class SiteStatusDeliverer final : public sync::Deliverer {
public:
    explicit SiteStatusDeliverer(std::unique_ptr<site::ExchangeClient> client) : client_(std::move(client)) {}
    std::vector<Status> DeliverBatch(std::span<store::Job const> jobs) override;

private:
    std::mutex mutex_;  // the exchange client runs one session at a time
    std::unique_ptr<site::ExchangeClient> client_;
};

/// The same jobs for a store that is not Bitrix (site.mode webhook): each order's status, paid,
/// shipped and cancelled flags and 1C number are POSTed, signed, to the store's callback URL with
/// an Idempotency-Key, one request per job.
class SiteWebhookStatusDeliverer final : public sync::Deliverer {
public:
    explicit SiteWebhookStatusDeliverer(std::unique_ptr<site::WebhookStatusSender> sender)
        : sender_(std::move(sender)) {}
    std::vector<Status> DeliverBatch(std::span<store::Job const> jobs) override;

private:
    std::unique_ptr<site::WebhookStatusSender> sender_;
};

/// The update a status document carries (the inverse of site::MakeUpdateDocument).
site::SiteOrderUpdate UpdateOf(onec::CmlDocument const& document);

}  // namespace b2b::flows
