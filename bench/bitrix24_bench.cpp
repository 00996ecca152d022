// Bitrix24 delivery throughput against the bitrix24_emulator at the default 50/2 bucket with a fast
// clock: 10,000 orders -> deals (each ensuring its company and requisite, with product rows) through
// the real pipeline (SQLite store, JobQueue, Dispatcher, Bitrix24Deliverer, RestClient). Prints HTTP
// requests per order and the emulated wall time next to the bound the bucket sets. A plain main
// (run by scripts/bench.sh, never by ctest).
// Usage: bitrix24_bench [DIR] [CLOCK_SPEED] [ORDERS] [CLAIM]   (defaults: ./bitrix24_bench.d, 20, 10000, 250)
// CLAIM is the dispatcher's claim batch (the daemon's queue.batch_size): the jobs one
// DeliverBatch call gets, so the jobs whose lookups share one round and whose writes fill batches.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "connectors/bitrix24/deliverer.hpp"
#include "connectors/bitrix24/rest_client.hpp"
#include "core/store/database.hpp"
#include "core/store/job_queue.hpp"
#include "core/sync/dispatcher.hpp"
#include "core/util/clock.hpp"
#include "core/util/metrics.hpp"

extern char** environ;

namespace b2b::bench {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using Steady = std::chrono::steady_clock;
using namespace std::chrono_literals;

int kOrders = 10'000;          // argv[3]
int kCounterparties = 2'500;   // a quarter of the orders: four orders each
int kClaim = 250;              // argv[4]
constexpr double kBurst = 50;           // the portal defaults (bitrix24.md §3.1)
constexpr double kDrain = 2;
constexpr double kBatchCommands = 50;   // kMaxBatchCommands
constexpr char const* kCode = "benchcode";

double Seconds(Steady::duration d) { return std::chrono::duration<double>(d).count(); }

/// One HTTP/1.1 exchange with the emulator's control API on a fresh connection (Connection:
/// close, so the reply ends at EOF). Enough for a handful of calls; the REST traffic under
/// measurement goes through the real RestClient.
std::string Control(std::uint16_t port, std::string const& method, std::string const& target,
                    std::string const& body = {}) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr const*>(&addr), sizeof addr) != 0) {
        std::perror("connect to emulator");
        std::exit(1);
    }
    std::string request = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" +
                          "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
                          "\r\n\r\n" + body;
    for (std::size_t sent = 0; sent < request.size();) {
        auto n = ::write(fd, request.data() + sent, request.size() - sent);
        if (n <= 0) {
            std::perror("write to emulator");
            std::exit(1);
        }
        sent += static_cast<std::size_t>(n);
    }
    std::string reply;
    char buffer[65536];
    for (;;) {
        auto n = ::read(fd, buffer, sizeof buffer);
        if (n <= 0) {
            break;
        }
        reply.append(buffer, static_cast<std::size_t>(n));
    }
    ::close(fd);
    auto const head_end = reply.find("\r\n\r\n");
    return head_end == std::string::npos ? std::string{} : reply.substr(head_end + 4);
}

double EmulatorNow(std::uint16_t port) {
    // "advance 0" answers the emulator's current (emulated) time without moving it.
    return json::parse(Control(port, "POST", "/_emulator/clock", R"({"advance":0})")).at("now").to_number<double>();
}

json::object CounterpartyJson(int i) {
    return json::object{{"id", "cp-" + std::to_string(i)},
                        {"name", "Контрагент " + std::to_string(i)},
                        {"inn", std::to_string(7700000000LL + i * 13)},
                        {"kpp", "770101001"}};
}

std::string OrderPayload(int order, int counterparty) {
    return json::serialize(json::object{
        {"id", "order-" + std::to_string(order)},
        {"title", "Заказ " + std::to_string(order)},
        {"counterparty", CounterpartyJson(counterparty)},
        {"assigned_by_id", 1},
        {"currency", "RUB"},
        {"lines", json::array{json::object{{"name", "Болт М8"}, {"price", "899.10"}, {"quantity", "2"}},
                              json::object{{"name", "Гайка М8"}, {"price", "0.35"}, {"quantity", "10"}}}}});
}

int Run(fs::path const& dir, double speed) {
    fs::remove_all(dir);
    fs::create_directories(dir);
    auto const port_file = dir / "port";
    auto const speed_text = std::to_string(speed);
    std::vector<std::string> args{B2B_BITRIX24_EMULATOR, "--port", "0", "--port-file", port_file.string(),
                                  "--webhook-user", "1", "--webhook-code", kCode, "--seed", "5",
                                  "--burst", "50", "--drain", "2", "--clock-speed", speed_text};
    std::vector<char*> argv;
    for (auto& a : args) {
        argv.push_back(a.data());
    }
    argv.push_back(nullptr);
    pid_t emulator = 0;
    if (posix_spawn(&emulator, argv[0], nullptr, nullptr, argv.data(), environ) != 0) {
        std::perror("spawn bitrix24_emulator");
        return 1;
    }
    std::uint16_t port = 0;
    for (auto const until = Steady::now() + 10s; port == 0 && Steady::now() < until;) {
        std::ifstream in(port_file);
        int p = 0;
        if (in >> p && p > 0) {
            port = static_cast<std::uint16_t>(p);
        } else {
            std::this_thread::sleep_for(10ms);
        }
    }
    if (port == 0) {
        std::fprintf(stderr, "bitrix24_emulator did not start\n");
        ::kill(emulator, SIGTERM);
        return 1;
    }

    // The emulated bucket drains kDrain per *emulated* second, i.e. kDrain × speed per real
    // second. Our limiter runs on the real clock with that drain, which is the same bucket seen
    // from real time; it sleeps in real time, so it must not be given a sped-up clock.
    bitrix24::LimiterOptions limits;
    limits.burst = kBurst;
    limits.per_second = kDrain * speed;
    // The emulator admits requests in the order its single thread reaches them: one queued behind
    // a 50-command batch arrives back to back with the next, so up to a few requests' spacing can
    // be lost on the way (network jitter does the same to a real portal). Keep 3 free, as the
    // scale test does; it costs 3 requests of the initial burst, nothing in steady state.
    limits.headroom = 3;
    SystemClock& clock = SystemClock::Instance();
    bitrix24::Limiter limiter(limits, clock);
    auto auth = bitrix24::WebhookAuthenticator::Create("http://127.0.0.1:" + std::to_string(port) + "/rest/1/" + kCode);
    if (!auth) {
        std::fprintf(stderr, "%s\n", auth.error().message.c_str());
        return 1;
    }
    bitrix24::RestClient client(**auth, limiter, clock);
    auto created = bitrix24::Bitrix24Deliverer::Create(client, bitrix24::PipelineConfig{"Опт", {}});
    if (!created) {
        std::fprintf(stderr, "%s\n", created.error().message.c_str());
        return 1;
    }
    std::shared_ptr<bitrix24::Bitrix24Deliverer> deliverer = std::move(*created);

    auto db = store::Database::Open(dir / "state.db");
    if (!db) {
        std::fprintf(stderr, "%s\n", db.error().message.c_str());
        return 1;
    }
    store::JobQueue queue(**db, clock, {});
    {
        // One entity per counterparty: its deals go one at a time, so no two workers race to
        // create the same company. Orders interleave counterparties, as they would arrive.
        auto tx = store::Transaction::Begin(**db, "bitrix24 bench enqueue").value();
        for (int o = 0; o < kOrders; ++o) {
            int const c = o % kCounterparties;
            auto r = queue.Enqueue(*tx, store::NewJob{"bitrix24", "cp-" + std::to_string(c),
                                                      std::string(bitrix24::kUpsertDeal), OrderPayload(o, c),
                                                      "deal:" + std::to_string(o), 0});
            if (!r) {
                std::fprintf(stderr, "%s\n", r.error().message.c_str());
                return 1;
            }
        }
        if (auto st = tx->Commit(); !st) {
            std::fprintf(stderr, "%s\n", st.error().message.c_str());
            return 1;
        }
    }

    // Start from an empty bucket on both sides (pipeline resolution spent a few requests).
    std::this_thread::sleep_for(std::chrono::milliseconds(static_cast<int>(std::ceil(kBurst / (kDrain * speed) * 1000))));
    auto const before = json::parse(Control(port, "GET", "/_emulator/state")).at("counters").as_object();
    auto const requests_before = before.at("requests").to_number<std::int64_t>();

    metrics::Registry registry;
    sync::DispatcherOptions options;
    options.batch_size = kClaim;
    sync::Dispatcher dispatcher(queue, options, registry);
    dispatcher.Register("bitrix24", deliverer);
    double const emulated_start = EmulatorNow(port);
    auto const start = Steady::now();
    dispatcher.Start();
    dispatcher.Notify();
    store::QueueStats stats;
    while (Steady::now() - start < 600s) {
        stats = queue.Stats().value();
        if (stats.done + stats.dead >= kOrders) {
            break;
        }
        std::this_thread::sleep_for(20ms);
    }
    double const emulated_end = EmulatorNow(port);
    auto const real = Seconds(Steady::now() - start);
    dispatcher.Stop(10s);

    auto const state = json::parse(Control(port, "GET", "/_emulator/state"));
    auto const& counters = state.at("counters").as_object();
    auto const requests = counters.at("requests").to_number<std::int64_t>() - requests_before;
    std::int64_t commands = 0;
    for (auto const& [method, count] : counters.at("method_calls").as_object()) {
        if (method != "batch") {
            commands += count.to_number<std::int64_t>();
        }
    }
    for (auto const& [method, count] : before.at("method_calls").as_object()) {
        if (method != "batch") {
            commands -= count.to_number<std::int64_t>();
        }
    }
    auto const deals = state.at("crm").at("deals").as_array().size();
    auto const companies = state.at("crm").at("companies").as_array().size();
    auto const batches = counters.at("method_calls").as_object().if_contains("batch");

    // The bucket admits kBurst requests at once, then kDrain per second: N requests need at
    // least (N − kBurst) / kDrain emulated seconds. Two bounds: for the requests we really made
    // (how well the limiter packs them), and for full batches of the commands we really sent
    // (what perfect batching would cost).
    auto const bound = [](double n) { return std::max(0.0, n - kBurst) / kDrain; };
    double const emulated = emulated_end - emulated_start;
    double const bound_made = bound(static_cast<double>(requests));
    double const ideal_requests = std::ceil(static_cast<double>(commands) / kBatchCommands);
    double const bound_ideal = bound(ideal_requests);

    std::printf("bitrix24: %d orders (%d counterparties, 2 rows each) -> emulator at %.0f/%.0f, clock x%.0f, "
                "%d workers, claim batches of %d\n",
                kOrders, kCounterparties, kBurst, kDrain, speed, options.workers, kClaim);
    std::printf("  done %lld, dead %lld; portal has %zu deals, %zu companies; 503 QUERY_LIMIT_EXCEEDED: %lld\n",
                static_cast<long long>(stats.done), static_cast<long long>(stats.dead), deals, companies,
                static_cast<long long>(counters.at("query_limit_503").to_number<std::int64_t>()));
    std::printf("  HTTP requests: %lld (%lld batch) = %.3f per order (target <= 0.1); REST commands: %lld = %.2f "
                "per order, %.1f per request\n",
                static_cast<long long>(requests),
                static_cast<long long>(batches ? batches->to_number<std::int64_t>() : 0),
                static_cast<double>(requests) / kOrders, static_cast<long long>(commands),
                static_cast<double>(commands) / kOrders,
                static_cast<double>(commands) / std::max<double>(1, static_cast<double>(requests)));
    std::printf("  emulated wall time: %.0f s; bound for the requests made: %.0f s (ratio %.3f, target <= 1.10)\n",
                emulated, bound_made, bound_made > 0 ? emulated / bound_made : 0.0);
    std::printf("  bound with full %g-command batches (%.0f requests, %.3f per order): %.0f s (ratio %.2f)\n",
                kBatchCommands, ideal_requests, ideal_requests / kOrders, bound_ideal,
                bound_ideal > 0 ? emulated / bound_ideal : 0.0);
    std::printf("  real: %.1f s (%.0f orders/s, %.0f requests/s against a real-time drain of %.0f/s)\n", real,
                kOrders / real, static_cast<double>(requests) / real, kDrain * speed);

    ::kill(emulator, SIGTERM);
    int status = 0;
    ::waitpid(emulator, &status, 0);
    return stats.done == kOrders ? 0 : 1;
}

}  // namespace
}  // namespace b2b::bench

int main(int argc, char** argv) {
    std::filesystem::path dir = argc > 1 ? argv[1] : "bitrix24_bench.d";
    double speed = argc > 2 ? std::stod(argv[2]) : 20.0;
    if (argc > 3) {
        b2b::bench::kOrders = std::max(4, std::stoi(argv[3]));
        b2b::bench::kCounterparties = b2b::bench::kOrders / 4;
    }
    if (argc > 4) {
        b2b::bench::kClaim = std::max(1, std::stoi(argv[4]));
    }
    return b2b::bench::Run(dir, speed);
}
