#include "connectors/site/site_poller.hpp"

#include <random>

#include "core/util/log.hpp"

namespace b2b::site {

SitePoller::SitePoller(ExchangeClient& client, SiteOrderSink& sink, SitePollerOptions options,
                       std::function<double()> random)
    : client_(client), sink_(sink), options_(options), random_(std::move(random)) {
    if (!random_) {
        random_ = [rng = std::make_shared<std::mt19937_64>(std::random_device{}())] {
            return std::uniform_real_distribution<double>(0, 1)(*rng);
        };
    }
}

SitePoller::~SitePoller() { Stop(); }

void SitePoller::Start() {
    std::lock_guard lock(mutex_);
    if (thread_.joinable()) {
        return;
    }
    stop_ = false;
    thread_ = std::thread([this] { Loop(); });
}

void SitePoller::Stop() {
    {
        std::lock_guard lock(mutex_);
        stop_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) {
        thread_.join();
    }
}

void SitePoller::PollNow() {
    {
        std::lock_guard lock(mutex_);
        poll_now_ = true;
    }
    wake_.notify_all();
}

int SitePoller::consecutive_failures() const {
    std::lock_guard lock(mutex_);
    return failures_;
}

std::uint64_t SitePoller::polls() const {
    std::lock_guard lock(mutex_);
    return polls_;
}

PollOutcome SitePoller::RunOnce() {
    PollOutcome outcome;
    outcome.result = client_.Pull(sink_);
    std::lock_guard lock(mutex_);
    ++polls_;
    if (outcome.result) {
        failures_ = 0;
        outcome.next_delay = options_.poll_interval;
    } else {
        ++failures_;
        auto const& error = outcome.result.error();
        // A permanent failure (wrong password, URL) waits the capped delay: retrying sooner cannot help.
        int const attempt = error.IsTransient() ? failures_ : 1000;
        outcome.next_delay = store::BackoffDelay(options_.backoff, attempt, random_(), error.retry_after);
        log::Warn("site", "order pull failed", {{"class", ToString(error.error_class)}, {"error", error.message},
                                                {"failures", failures_},
                                                {"retry_in_ms", outcome.next_delay.count()}});
    }
    outcome.consecutive_failures = failures_;
    return outcome;
}

void SitePoller::Loop() {
    for (;;) {
        {
            std::lock_guard lock(mutex_);
            if (stop_) {
                return;
            }
            poll_now_ = false;
        }
        auto const outcome = RunOnce();
        std::unique_lock lock(mutex_);
        wake_.wait_for(lock, outcome.next_delay, [this] { return stop_ || poll_now_; });
        if (stop_) {
            return;
        }
    }
}

}  // namespace b2b::site
