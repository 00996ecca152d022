#include "core/util/metrics.hpp"

#include <gtest/gtest.h>

namespace b2b::metrics {
namespace {

TEST(MetricsRegistry, RendersCountersWithLabelsSortedAndEscaped) {
    Registry r;
    r.GetCounter("b2b_http_requests_total", "HTTP requests.", {{"route", "/b"}, {"status", "200"}}).Inc(2);
    r.GetCounter("b2b_http_requests_total", "HTTP requests.", {{"route", "/a\"x"}, {"status", "404"}}).Inc();
    EXPECT_EQ(r.Render(),
              "# HELP b2b_http_requests_total HTTP requests.\n"
              "# TYPE b2b_http_requests_total counter\n"
              "b2b_http_requests_total{route=\"/a\\\"x\",status=\"404\"} 1\n"
              "b2b_http_requests_total{route=\"/b\",status=\"200\"} 2\n");
}

TEST(MetricsRegistry, SameNameAndLabelsReturnTheSameSeries) {
    Registry r;
    auto& a = r.GetGauge("g", "help", {{"k", "v"}});
    auto& b = r.GetGauge("g", "help", {{"k", "v"}});
    a.Set(5);
    b.Add(-2);
    EXPECT_EQ(&a, &b);
    EXPECT_EQ(a.Value(), 3);
}

TEST(MetricsRegistry, CollectorsAddScrapeTimeSamplesOncePerFamily) {
    Registry r;
    r.AddCollector([](SampleWriter& w) {
        w.Gauge("b2b_jobs", "Jobs by state.", {{"state", "pending"}}, 7);
        w.Gauge("b2b_jobs", "Jobs by state.", {{"state", "dead"}}, 1);
        w.Gauge("b2b_oldest_pending_seconds", "Age.", {}, 1.5);
    });
    EXPECT_EQ(r.Render(),
              "# HELP b2b_jobs Jobs by state.\n"
              "# TYPE b2b_jobs gauge\n"
              "b2b_jobs{state=\"pending\"} 7\n"
              "b2b_jobs{state=\"dead\"} 1\n"
              "# HELP b2b_oldest_pending_seconds Age.\n"
              "# TYPE b2b_oldest_pending_seconds gauge\n"
              "b2b_oldest_pending_seconds 1.5\n");
}

}  // namespace
}  // namespace b2b::metrics
