// Durable job queue figures on the real disk: the fsync ceiling, end-to-end throughput through the
// real Dispatcher (group commit vs one transaction per job), and enqueue->delivery latency at a
// steady load. A plain main that prints figures (run by scripts/bench.sh, never by ctest).
// Usage: job_queue_bench [DIR]   (default: ./job_queue_bench.d; must not be tmpfs to mean anything)

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "bench/filesystem_type.hpp"
#include "core/store/database.hpp"
#include "core/store/job_queue.hpp"
#include "core/sync/dispatcher.hpp"
#include "core/util/clock.hpp"
#include "core/util/log.hpp"
#include "core/util/metrics.hpp"

namespace b2b::bench {
namespace {

namespace fs = std::filesystem;
using Steady = std::chrono::steady_clock;
using std::chrono::milliseconds;

double Seconds(Steady::duration d) { return std::chrono::duration<double>(d).count(); }

std::int64_t SteadyNanos() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(Steady::now().time_since_epoch()).count();
}


double FsyncCeiling(fs::path const& dir) {
    auto const path = dir / "fsync.probe";
    int fd = ::open(path.c_str(), O_CREAT | O_WRONLY | O_TRUNC, 0600);
    if (fd < 0) {
        std::perror("open fsync probe");
        return 0;
    }
    std::vector<char> block(4096, 'x');
    int n = 0;
    auto const start = Steady::now();
    while (Steady::now() - start < std::chrono::seconds(2)) {
        if (::pwrite(fd, block.data(), block.size(), 0) != static_cast<ssize_t>(block.size()) ||
            ::fdatasync(fd) != 0) {
            std::perror("pwrite/fdatasync");
            break;
        }
        ++n;
    }
    double const secs = Seconds(Steady::now() - start);
    ::close(fd);
    fs::remove(path);
    std::printf("1. fsync ceiling: %d x (4 KiB pwrite + fdatasync) in %.2f s = %.0f fsyncs/s\n", n, secs, n / secs);
    return n / secs;
}

// Counts deliveries and, for the latency run, records enqueue->delivery delay from the payload.
class NoopDeliverer final : public sync::Deliverer {
public:
    explicit NoopDeliverer(bool record_latency) : record_latency_(record_latency) {}

    // Deliverer
    std::vector<Status> DeliverBatch(std::span<store::Job const> jobs) override {
        if (record_latency_) {
            std::int64_t const now = SteadyNanos();
            std::lock_guard lock(mutex_);
            for (auto const& j : jobs) {
                latencies_ns_.push_back(now - std::stoll(j.payload));
            }
        }
        delivered_ += static_cast<std::int64_t>(jobs.size());
        return std::vector<Status>(jobs.size());
    }

    std::atomic<std::int64_t> delivered_{0};
    std::mutex mutex_;
    std::vector<std::int64_t> latencies_ns_;

private:
    bool record_latency_;
};

struct Env {
    explicit Env(fs::path const& path)
        : db(std::move(store::Database::Open(path).value())), queue(*db, SystemClock::Instance(), {}) {}
    std::unique_ptr<store::Database> db;
    store::JobQueue queue;
    metrics::Registry registry;
};

void EnqueueBatch(Env& env, int first, int count, std::string const& payload) {
    auto tx = store::Transaction::Begin(*env.db, "bench enqueue").value();
    for (int i = first; i < first + count; ++i) {
        auto r = env.queue.Enqueue(*tx, store::NewJob{"bench", "entity-" + std::to_string(i % 1000), "upsert",
                                                      payload.empty() ? std::to_string(SteadyNanos()) : payload,
                                                      "job-" + std::to_string(i)});
        if (!r) {
            std::fprintf(stderr, "enqueue failed: %s\n", r.error().message.c_str());
            std::exit(1);
        }
    }
    if (auto st = tx->Commit(); !st) {
        std::fprintf(stderr, "commit failed: %s\n", st.error().message.c_str());
        std::exit(1);
    }
}

// A producer enqueues `total` jobs in transactions of `per_tx` (Notify after each commit) while
// the dispatcher delivers; the clock stops when every job is recorded done in the store.
void Throughput(fs::path const& dir, int total, int per_tx, std::chrono::seconds budget) {
    auto const path = dir / ("throughput-" + std::to_string(per_tx) + ".db");
    Env env(path);
    auto deliverer = std::make_shared<NoopDeliverer>(false);
    sync::Dispatcher dispatcher(env.queue, sync::DispatcherOptions{}, env.registry);
    dispatcher.Register("bench", deliverer);
    dispatcher.Start();

    auto const start = Steady::now();
    int enqueued = 0;
    while (enqueued < total && Steady::now() - start < budget) {
        int const n = std::min(per_tx, total - enqueued);
        EnqueueBatch(env, enqueued, n, "{}");
        enqueued += n;
        dispatcher.Notify();
    }
    auto const enqueue_done = Steady::now();
    // Watch the deliverer (cheap), then confirm in the store: Stats() takes the writer lock and
    // counts every row, so polling it tightly would compete with the work being measured.
    while (deliverer->delivered_.load() < enqueued) {
        std::this_thread::sleep_for(milliseconds(2));
    }
    while (env.queue.Stats().value().done < enqueued) {
        std::this_thread::sleep_for(milliseconds(20));
    }
    auto const end = Steady::now();
    dispatcher.Stop(milliseconds(10000));
    std::printf("2. %d jobs, %d per enqueue transaction: enqueue %.0f jobs/s; end to end %.2f s = %.0f jobs/s%s\n",
                enqueued, per_tx, enqueued / Seconds(enqueue_done - start), Seconds(end - start),
                enqueued / Seconds(end - start), enqueued < total ? " (time budget hit)" : "");
    fs::remove(path);
    fs::remove(path.string() + "-wal");
    fs::remove(path.string() + "-shm");
}

void Latency(fs::path const& dir, int rate_per_s, int per_tx, std::chrono::seconds duration) {
    auto const path = dir / "latency.db";
    Env env(path);
    auto deliverer = std::make_shared<NoopDeliverer>(true);
    sync::Dispatcher dispatcher(env.queue, sync::DispatcherOptions{}, env.registry);
    dispatcher.Register("bench", deliverer);
    dispatcher.Start();

    int const total = rate_per_s * static_cast<int>(duration.count());
    auto const interval = std::chrono::nanoseconds(1'000'000'000LL * per_tx / rate_per_s);
    auto const start = Steady::now();
    // The offer stops at `duration` even when the disk cannot keep up, so the run stays bounded.
    int sent = 0;
    for (int i = 0; sent < total && Steady::now() - start < duration; ++i, sent += per_tx) {
        std::this_thread::sleep_until(start + i * interval);
        EnqueueBatch(env, sent, per_tx, "");  // payload = enqueue time (taken before the commit's fsync)
        dispatcher.Notify();
    }
    double const offered = sent / Seconds(Steady::now() - start);
    while (deliverer->delivered_.load() < sent) {
        std::this_thread::sleep_for(milliseconds(5));
    }
    dispatcher.Stop(milliseconds(10000));
    auto lat = deliverer->latencies_ns_;
    std::sort(lat.begin(), lat.end());
    auto pct = [&](double p) {
        return static_cast<double>(lat[std::min(lat.size() - 1, static_cast<std::size_t>(p * lat.size()))]) / 1e6;
    };
    std::printf("3. steady load %d jobs/s offered for %lld s in transactions of %d (achieved %.0f/s, %d jobs): "
                "enqueue->delivery p50 %.2f ms, p99 %.2f ms, max %.2f ms\n",
                rate_per_s, static_cast<long long>(duration.count()), per_tx, offered, sent, pct(0.50), pct(0.99),
                static_cast<double>(lat.back()) / 1e6);
    fs::remove(path);
    fs::remove(path.string() + "-wal");
    fs::remove(path.string() + "-shm");
}

}  // namespace
}  // namespace b2b::bench

int main(int argc, char** argv) {
    namespace fs = std::filesystem;
    b2b::log::Init(b2b::log::Level::kWarn);
    fs::path const dir = argc > 1 ? fs::path(argv[1]) : fs::current_path() / "job_queue_bench.d";
    fs::create_directories(dir);
    std::printf("job_queue_bench: dir %s, filesystem %s, %u hardware threads\n", fs::absolute(dir).c_str(),
                b2b::bench::FsType(dir), std::thread::hardware_concurrency());
    double const fsyncs = b2b::bench::FsyncCeiling(dir);
    b2b::bench::Throughput(dir, 50'000, 100, std::chrono::seconds(40));
    b2b::bench::Throughput(dir, 50'000, 1, std::chrono::seconds(10));
    // Steady load: 1,000 jobs/s arriving as 100 commits/s of 10 jobs (a connector committing each
    // inbound change with its jobs), and a trickle of single-job commits at a third of the fsync
    // ceiling (each commit is one fsync, shared with the dispatcher's completions).
    b2b::bench::Latency(dir, 1000, 10, std::chrono::seconds(10));
    int const sustainable = std::max(10, static_cast<int>(fsyncs / 3));
    b2b::bench::Latency(dir, sustainable, 1, std::chrono::seconds(10));
    fs::remove(dir);
    return 0;
}
