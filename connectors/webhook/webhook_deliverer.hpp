#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/sync/deliverer.hpp"
#include "core/util/clock.hpp"

namespace b2b::webhook {

struct WebhookOptions {
    std::string name;  ///< target name, used in messages ("sink: HTTP 503")
    std::string url;
    std::chrono::milliseconds timeout{10000};
    std::string bearer_token;  ///< empty: no Authorization header
};

/// The generic outbound HTTP target: POSTs each job's payload (JSON) to the configured URL with
///   Idempotency-Key: <job.idempotency_key>   (the receiver deduplicates retries by it)
///   X-B2B-Job-Id, X-B2B-Entity, X-B2B-Kind, Content-Type: application/json
///   Authorization: Bearer <token>            (when configured)
/// over libcurl with keep-alive (one easy handle per concurrent worker, reused). Never retries by
/// itself; failures are classified by classify.hpp and the dispatcher decides.
class WebhookDeliverer final : public sync::Deliverer {
public:
    WebhookDeliverer(WebhookOptions options, Clock const& clock);
    ~WebhookDeliverer() override;

    /// Applies a reloaded config (URL, timeout, token) to the next deliveries; thread-safe.
    void Update(WebhookOptions options);

    // sync::Deliverer
    std::vector<Status> DeliverBatch(std::span<store::Job const> jobs) override;
    void Cancel() override;

private:
    struct Handle;
    std::unique_ptr<Handle> Acquire();
    void Release(std::unique_ptr<Handle> handle);
    Status DeliverOne(Handle& handle, WebhookOptions const& options, store::Job const& job);

    WebhookOptions options_;
    Clock const& clock_;
    std::mutex mutex_;
    std::vector<std::unique_ptr<Handle>> idle_;
    std::atomic<bool> cancelled_{false};
};

}  // namespace b2b::webhook
