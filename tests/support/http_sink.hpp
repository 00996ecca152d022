#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace b2b::test {

/// A loopback HTTP endpoint that plays an outbound target: it records every POST it accepts by the
/// request's Idempotency-Key, so a test can assert "every job arrived, none lost" across daemon
/// crashes. It can fail a share of requests (503 + Retry-After) and "lose" replies (apply the
/// delivery, then drop the connection unanswered) to exercise retries.
class HttpSink {
public:
    struct Options {
        double fail_ratio = 0.0;       ///< answer 503 before recording
        double lose_reply_ratio = 0.0; ///< record, then close without answering
        std::uint64_t seed = 1;
    };
    struct Delivery {
        std::string idempotency_key;
        std::string entity;
        std::string body;
        std::uint64_t sequence = 0;  ///< order of arrival across all connections
    };

    explicit HttpSink(Options options);
    HttpSink() : HttpSink(Options{}) {}
    ~HttpSink();
    HttpSink(HttpSink const&) = delete;
    HttpSink& operator=(HttpSink const&) = delete;

    std::uint16_t port() const { return port_; }
    std::string Url(std::string const& path = "/hook") const;

    std::vector<Delivery> Deliveries() const;
    std::size_t DistinctKeys() const;
    std::uint64_t Requests() const { return requests_.load(); }
    std::uint64_t Failed() const { return failed_.load(); }
    std::uint64_t LostReplies() const { return lost_.load(); }
    /// Header values of the last recorded request (lower-case names), for auth checks.
    std::map<std::string, std::string> LastHeaders() const;

private:
    struct Impl;

    Options options_;
    std::unique_ptr<Impl> impl_;
    std::uint16_t port_ = 0;
    std::atomic<std::uint64_t> requests_{0}, failed_{0}, lost_{0};
    mutable std::mutex mutex_;
    std::vector<Delivery> deliveries_;
    std::map<std::string, std::string> last_headers_;
    std::mt19937_64 rng_;
    std::uint64_t next_sequence_ = 0;
};

}  // namespace b2b::test
