#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace b2b::metrics {

/// Label pairs in the order they are printed, e.g. {{"route", "/healthz"}, {"status", "200"}}.
using Labels = std::vector<std::pair<std::string, std::string>>;

/// A monotonically increasing count. Lock-free; safe from any thread.
class Counter {
public:
    void Inc(std::uint64_t n = 1) noexcept { value_.fetch_add(n, std::memory_order_relaxed); }
    std::uint64_t Value() const noexcept { return value_.load(std::memory_order_relaxed); }

private:
    std::atomic<std::uint64_t> value_{0};
};

/// A value that goes up and down (in-flight requests, connections). Safe from any thread.
class Gauge {
public:
    void Set(std::int64_t v) noexcept { value_.store(v, std::memory_order_relaxed); }
    void Add(std::int64_t d) noexcept { value_.fetch_add(d, std::memory_order_relaxed); }
    std::int64_t Value() const noexcept { return value_.load(std::memory_order_relaxed); }

private:
    std::atomic<std::int64_t> value_{0};
};

/// What a scrape-time collector writes: one sample per call; HELP/TYPE lines are emitted once
/// per family by the registry.
class SampleWriter {
public:
    virtual ~SampleWriter() = default;
    virtual void Gauge(std::string_view name, std::string_view help, Labels const& labels, double value) = 0;
    virtual void Counter(std::string_view name, std::string_view help, Labels const& labels, double value) = 0;
};

/// Process-wide metrics in Prometheus text exposition format 0.0.4.
/// Metric objects live as long as the registry; references returned by GetCounter/GetGauge stay
/// valid. Families are printed sorted by name, series by labels, so output is deterministic.
class Registry {
public:
    Counter& GetCounter(std::string_view name, std::string_view help, Labels labels = {});
    Gauge& GetGauge(std::string_view name, std::string_view help, Labels labels = {});

    /// A collector runs on every Render() (e.g. queue depth read from the store). It must be
    /// quick and must not throw; a failing collector should report through its own gauge.
    using Collector = std::function<void(SampleWriter&)>;
    void AddCollector(Collector collector);

    std::string Render() const;

private:
    struct Family {
        std::string help;
        bool is_counter = false;
        std::map<Labels, std::unique_ptr<metrics::Counter>> counters;
        std::map<Labels, std::unique_ptr<metrics::Gauge>> gauges;
    };
    mutable std::mutex mutex_;
    std::map<std::string, Family, std::less<>> families_;
    std::vector<Collector> collectors_;
};

/// Escapes a label value per the exposition format (backslash, double quote, newline).
std::string EscapeLabelValue(std::string_view v);

}  // namespace b2b::metrics
