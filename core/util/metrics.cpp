#include "core/util/metrics.hpp"

#include <cmath>
#include <cstdio>

namespace b2b::metrics {
namespace {

void AppendLabels(std::string& out, Labels const& labels) {
    if (labels.empty()) {
        return;
    }
    out += '{';
    bool first = true;
    for (auto const& [k, v] : labels) {
        if (!first) {
            out += ',';
        }
        first = false;
        out += k;
        out += "=\"";
        out += EscapeLabelValue(v);
        out += '"';
    }
    out += '}';
}

std::string FormatValue(double v) {
    if (std::isnan(v)) {
        return "NaN";
    }
    if (std::isinf(v)) {
        return v > 0 ? "+Inf" : "-Inf";
    }
    if (v == std::floor(v) && std::fabs(v) < 1e15) {
        return std::to_string(static_cast<long long>(v));
    }
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.6g", v);
    return buf;
}

// Collects collector samples grouped by family so HELP/TYPE print once per family.
class BufferingWriter final : public SampleWriter {
public:
    struct Family {
        std::string help;
        bool is_counter = false;
        std::vector<std::pair<Labels, double>> samples;
    };
    void Gauge(std::string_view name, std::string_view help, Labels const& labels, double value) override {
        Add(name, help, false, labels, value);
    }
    void Counter(std::string_view name, std::string_view help, Labels const& labels, double value) override {
        Add(name, help, true, labels, value);
    }
    std::map<std::string, Family, std::less<>> families;

private:
    void Add(std::string_view name, std::string_view help, bool counter, Labels const& labels, double value) {
        auto& f = families[std::string(name)];
        f.help = help;
        f.is_counter = counter;
        f.samples.emplace_back(labels, value);
    }
};

void AppendHeader(std::string& out, std::string_view name, std::string_view help, bool is_counter) {
    out += "# HELP ";
    out += name;
    out += ' ';
    out += help;
    out += "\n# TYPE ";
    out += name;
    out += is_counter ? " counter\n" : " gauge\n";
}

void AppendSample(std::string& out, std::string_view name, Labels const& labels, std::string const& value) {
    out += name;
    AppendLabels(out, labels);
    out += ' ';
    out += value;
    out += '\n';
}

}  // namespace

std::string EscapeLabelValue(std::string_view v) {
    std::string out;
    out.reserve(v.size());
    for (char ch : v) {
        if (ch == '\\') {
            out += "\\\\";
        } else if (ch == '"') {
            out += "\\\"";
        } else if (ch == '\n') {
            out += "\\n";
        } else {
            out += ch;
        }
    }
    return out;
}

Counter& Registry::GetCounter(std::string_view name, std::string_view help, Labels labels) {
    std::lock_guard lock(mutex_);
    auto it = families_.find(name);
    if (it == families_.end()) {
        it = families_.emplace(std::string(name), Family{}).first;
        it->second.help = help;
        it->second.is_counter = true;
    }
    auto& slot = it->second.counters[std::move(labels)];
    if (!slot) {
        slot = std::make_unique<metrics::Counter>();
    }
    return *slot;
}

Gauge& Registry::GetGauge(std::string_view name, std::string_view help, Labels labels) {
    std::lock_guard lock(mutex_);
    auto it = families_.find(name);
    if (it == families_.end()) {
        it = families_.emplace(std::string(name), Family{}).first;
        it->second.help = help;
        it->second.is_counter = false;
    }
    auto& slot = it->second.gauges[std::move(labels)];
    if (!slot) {
        slot = std::make_unique<metrics::Gauge>();
    }
    return *slot;
}

void Registry::AddCollector(Collector collector) {
    std::lock_guard lock(mutex_);
    collectors_.push_back(std::move(collector));
}

std::string Registry::Render() const {
    BufferingWriter collected;
    std::vector<Collector> collectors;
    {
        std::lock_guard lock(mutex_);
        collectors = collectors_;
    }
    // Collectors may touch the store; run them without holding the registry lock.
    for (auto const& c : collectors) {
        c(collected);
    }

    std::string out;
    std::lock_guard lock(mutex_);
    for (auto const& [name, family] : families_) {
        AppendHeader(out, name, family.help, family.is_counter);
        for (auto const& [labels, counter] : family.counters) {
            AppendSample(out, name, labels, std::to_string(counter->Value()));
        }
        for (auto const& [labels, gauge] : family.gauges) {
            AppendSample(out, name, labels, std::to_string(gauge->Value()));
        }
    }
    for (auto const& [name, family] : collected.families) {
        AppendHeader(out, name, family.help, family.is_counter);
        for (auto const& [labels, value] : family.samples) {
            AppendSample(out, name, labels, FormatValue(value));
        }
    }
    return out;
}

}  // namespace b2b::metrics
