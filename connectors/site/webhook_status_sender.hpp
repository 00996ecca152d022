#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <string>

#include "connectors/site/status_document.hpp"
#include "core/util/clock.hpp"
#include "core/util/error.hpp"

namespace b2b::site {

struct StatusSenderOptions {
    std::string callback_url;  ///< the store's endpoint for status updates
    std::string secret;        ///< the same HMAC key as inbound
    std::chrono::milliseconds timeout{10'000};
};

/// Outbound status updates in webhook mode: POSTs EncodeWebhookUpdate(update) to the store's
/// callback URL with X-B2B-Timestamp, X-B2B-Signature (as inbound) and Idempotency-Key
/// `<order id>:<status>:<paid>:<shipped>:<cancelled>` so the store can drop retries. Classified
/// with the generic webhook target's table (connectors/webhook/classify.hpp): 2xx ok; 408/425/429/
/// 5xx transient (Retry-After honoured); other statuses permanent; transport per ClassifyCurlError.
/// Never retries by itself. Thread-safe (one libcurl handle behind a mutex).
class WebhookStatusSender {
public:
    WebhookStatusSender(StatusSenderOptions options, Clock const& clock);
    ~WebhookStatusSender();

    Status Send(SiteOrderUpdate const& update);

private:
    struct Handle;
    StatusSenderOptions options_;
    Clock const& clock_;
    std::mutex mutex_;
    std::unique_ptr<Handle> handle_;
};

}  // namespace b2b::site
