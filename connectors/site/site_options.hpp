#pragma once

#include "connectors/site/exchange_client.hpp"
#include "connectors/site/site_poller.hpp"
#include "connectors/site/webhook_endpoint.hpp"
#include "connectors/site/webhook_status_sender.hpp"
#include "core/config/app_config.hpp"

namespace b2b::site {

/// The `site:` config section turned into the options of each piece (the composition root calls
/// these; the secrets are revealed here, where they are handed to the code that sends them).
ExchangeClientOptions ExchangeOptionsFrom(config::SiteConfig const& config);
SitePollerOptions PollerOptionsFrom(config::SiteConfig const& config);
WebhookEndpointOptions WebhookOptionsFrom(config::SiteConfig const& config);
StatusSenderOptions StatusSenderOptionsFrom(config::SiteConfig const& config);

}  // namespace b2b::site
