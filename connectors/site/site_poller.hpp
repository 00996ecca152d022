#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>

#include "connectors/site/exchange_client.hpp"
#include "core/store/backoff.hpp"

namespace b2b::site {

struct SitePollerOptions {
    std::chrono::milliseconds poll_interval{60'000};
    /// After a transient failure: initial × multiplier^(n−1), capped, with jitter (store::BackoffDelay);
    /// max_attempts is not used (the poller never gives up).
    store::RetryPolicy backoff{std::chrono::milliseconds(5'000), 2.0, std::chrono::milliseconds(15 * 60'000), 0.2, 0};
};

/// What one poll did, for metrics and tests.
struct PollOutcome {
    Result<PullReport> result = PullReport{};
    std::chrono::milliseconds next_delay{0};
    int consecutive_failures = 0;
};

/// Runs ExchangeClient::Pull every poll_interval on its own thread; after a failure it waits the
/// backoff delay instead (a permanent failure too, at the capped delay: the admin fixes the config
/// and the next poll succeeds without a restart). The first poll runs at once.
/// Thread-safety: Start/Stop/PollNow from any thread; the client and sink are used from the
/// poller's thread only.
class SitePoller {
public:
    SitePoller(ExchangeClient& client, SiteOrderSink& sink, SitePollerOptions options,
               std::function<double()> random = {});
    ~SitePoller();

    void Start();
    /// Wakes the thread, waits for the poll in progress (bounded by the client's timeout), joins.
    void Stop();
    /// Wakes the thread for an immediate poll (e.g. after a webhook said "orders changed").
    void PollNow();

    /// One poll on the caller's thread; the delay the loop would wait next. For tests and the CLI.
    PollOutcome RunOnce();

    int consecutive_failures() const;
    std::uint64_t polls() const;

private:
    void Loop();

    ExchangeClient& client_;
    SiteOrderSink& sink_;
    SitePollerOptions options_;
    std::function<double()> random_;
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    bool stop_ = false;
    bool poll_now_ = false;
    int failures_ = 0;
    std::uint64_t polls_ = 0;
    std::thread thread_;
};

}  // namespace b2b::site
