#include "connectors/site/site_options.hpp"

namespace b2b::site {

ExchangeClientOptions ExchangeOptionsFrom(config::SiteConfig const& config) {
    ExchangeClientOptions options;
    options.url = config.url;
    options.user = config.user;
    options.password = config.password.Reveal();
    options.timeout = config.timeout;
    options.utc_offset = config.utc_offset;
    options.push_encoding = config.encoding == config::OneCAnswerEncoding::kUtf8 ? onec::CmlOutputEncoding::kUtf8Bom
                                                                                 : onec::CmlOutputEncoding::kWindows1251;
    return options;
}

SitePollerOptions PollerOptionsFrom(config::SiteConfig const& config) {
    SitePollerOptions options;
    options.poll_interval = config.poll_interval;
    // Never back off for longer than a few poll intervals: new orders wait that long.
    options.backoff.max = std::max(options.backoff.initial, std::min(options.backoff.max, config.poll_interval * 10));
    return options;
}

WebhookEndpointOptions WebhookOptionsFrom(config::SiteConfig const& config) {
    return WebhookEndpointOptions{config.webhook_secret.Reveal(),
                                  std::chrono::duration_cast<std::chrono::seconds>(config.webhook_tolerance),
                                  config.utc_offset};
}

StatusSenderOptions StatusSenderOptionsFrom(config::SiteConfig const& config) {
    return StatusSenderOptions{config.callback_url, config.webhook_secret.Reveal(), config.timeout};
}

}  // namespace b2b::site
