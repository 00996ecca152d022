// Latency from a site order to its Bitrix24 deal, through the real daemon, the site emulator and
// the Bitrix24 emulator (default limits 50/2, real clock), at idle (one order at a time) and at a
// steady rate (default 20 orders/s), with the daemon's RSS at idle and under that load.
//
//   e2e_latency_bench [--rate 20] [--seconds 30] [--idle-orders 20] [--site-poll 500ms]
//
// The site is polled by the daemon (exchange mode), so latency includes up to one site poll
// interval by design; the figure printed next to the percentiles says which interval was used.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <boost/json.hpp>

#include "tests/support/daemon_harness.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"

namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using b2b::test::ChildProcess;
using b2b::test::HttpClient;
using b2b::test::TempDir;

constexpr char kPipelineSeed[] = R"({"categories":[
  {"id":0,"name":"Общая","sort":100,"stages":[{"id":"NEW","name":"Новая","sort":10}]},
  {"id":3,"name":"Оптовые продажи","sort":200,"stages":[
    {"id":"NEW","name":"Проверка менеджером","sort":10},{"id":"PREPARATION","name":"Склад","sort":20},
    {"id":"PRODUCTION","name":"Производство","sort":30},{"id":"ACCOUNTING","name":"Бухгалтерия","sort":40},
    {"id":"LOGISTICS","name":"Логистика","sort":50},{"id":"WON","name":"Сделка успешна","sort":900,"semantics":"S"},
    {"id":"LOSE","name":"Сделка провалена","sort":910,"semantics":"F"}]}]})";

std::vector<std::string> const kInns = {"7707083893", "7736207543", "7702070139", "7728168971", "7710140679"};

std::uint16_t PortFrom(std::filesystem::path const& file) {
    if (!b2b::test::WaitUntil([&] { return !b2b::test::ReadFile(file).empty(); }, 10s)) {
        throw std::runtime_error("no port file " + file.string());
    }
    return static_cast<std::uint16_t>(std::stoi(b2b::test::ReadFile(file)));
}

long RssKiB(pid_t pid) {
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(status, line)) {
        if (line.rfind("VmRSS:", 0) == 0) {
            return std::stol(line.substr(6));
        }
    }
    return -1;
}

json::object SiteOrder(int n) {
    std::string const inn = kInns[static_cast<std::size_t>(n) % kInns.size()];
    return json::object{
        {"id", 100000 + n},
        {"number", std::to_string(100000 + n)},
        {"buyer", json::object{{"id", "buyer-" + inn}, {"name", "ООО Покупатель " + inn.substr(0, 4)}, {"inn", inn},
                               {"kpp", inn.substr(0, 4) + "01001"}}},
        {"lines", json::array{json::object{{"id", "5f3c1a2b-0000-4000-8000-000000000001"}, {"name", "Болт М8"},
                                           {"price", "899.10"}, {"quantity", "2"}, {"sum", "1798.20"},
                                           {"unit_code", "796"}}}},
        {"total", "1798.20"},
        {"currency", "RUB"},
        {"status", "N"}};
}

/// Order number -> when its deal was first seen on the portal.
class DealWatcher {
public:
    explicit DealWatcher(std::uint16_t port) : port_(port) {
        thread_ = std::thread([this] { Loop(); });
    }
    ~DealWatcher() {
        stop_ = true;
        thread_.join();
    }
    std::optional<Clock::time_point> SeenAt(int n) {
        std::lock_guard lock(mutex_);
        auto it = seen_.find("order-" + std::to_string(100000 + n));
        return it == seen_.end() ? std::nullopt : std::optional(it->second);
    }
    std::size_t Count() {
        std::lock_guard lock(mutex_);
        return seen_.size();
    }

private:
    void Loop() {
        HttpClient control("127.0.0.1", port_);
        while (!stop_) {
            auto r = control.Get("/_emulator/state");
            auto const now = Clock::now();
            if (r.status == 200) {
                auto state = json::parse(r.body).as_object();
                std::lock_guard lock(mutex_);
                for (auto const& row : state.at("crm").at("deals").as_array()) {
                    if (auto const* origin = row.as_object().if_contains("ORIGIN_ID"); origin && origin->is_string()) {
                        seen_.emplace(std::string(origin->as_string()), now);
                    }
                }
            }
            std::this_thread::sleep_for(20ms);
        }
    }

    std::uint16_t port_;
    std::atomic<bool> stop_{false};
    std::mutex mutex_;
    std::map<std::string, Clock::time_point> seen_;
    std::thread thread_;
};

struct Percentiles {
    double p50 = 0, p99 = 0, max = 0;
    std::size_t n = 0;
};

Percentiles Summarise(std::vector<double> ms) {
    Percentiles p;
    p.n = ms.size();
    if (ms.empty()) {
        return p;
    }
    std::sort(ms.begin(), ms.end());
    auto at = [&](double q) { return ms[std::min(ms.size() - 1, static_cast<std::size_t>(q * (ms.size() - 1) + 0.5))]; };
    p.p50 = at(0.50);
    p.p99 = at(0.99);
    p.max = ms.back();
    return p;
}

}  // namespace

int main(int argc, char** argv) {
    double rate = 20;
    int seconds = 30;
    int idle_orders = 20;
    std::string site_poll = "500ms";
    for (int i = 1; i + 1 < argc; i += 2) {
        std::string const flag = argv[i];
        if (flag == "--rate") rate = std::stod(argv[i + 1]);
        else if (flag == "--seconds") seconds = std::stoi(argv[i + 1]);
        else if (flag == "--idle-orders") idle_orders = std::stoi(argv[i + 1]);
        else if (flag == "--site-poll") site_poll = argv[i + 1];
    }

    TempDir dir;
    auto seed = dir.WriteFile("pipelines.json", kPipelineSeed);
    ChildProcess b24(ChildProcess::Options{B2B_BITRIX24_EMULATOR,
                                           {"--port", "0", "--port-file", (dir / "b24.port").string(),
                                            "--webhook-user", "1", "--webhook-code", "code", "--seed-file",
                                            seed.string()},
                                           {},
                                           {},
                                           dir / "b24.log"});
    std::uint16_t const b24_port = PortFrom(dir / "b24.port");
    ChildProcess site(ChildProcess::Options{B2B_SITE_EMULATOR,
                                            {"--port", "0", "--port-file", (dir / "site.port").string(), "--user",
                                             "exchange", "--password", "site-secret"},
                                            {},
                                            {},
                                            dir / "site.log"});
    std::uint16_t const site_port = PortFrom(dir / "site.port");
    HttpClient site_control("127.0.0.1", site_port);

    b2b::test::DaemonHarness daemon(B2B_DAEMON_PATH);
    daemon.WriteConfig(b2b::test::DaemonHarness::DefaultConfig(
        "", "bitrix24:\n  webhook_url: \"http://127.0.0.1:" + std::to_string(b24_port) +
                "/rest/1/code/\"\n  pipeline: \"Оптовые продажи\"\n  stages:\n"
                "    manager_check: \"Проверка менеджером\"\n    warehouse: \"Склад\"\n    production: \"Производство\"\n"
                "    accounting: \"Бухгалтерия\"\n    logistics: \"Логистика\"\n    done: \"Сделка успешна\"\n"
                "    cancelled: \"Сделка провалена\"\n"
                "site:\n  mode: exchange\n  url: \"http://127.0.0.1:" +
                std::to_string(site_port) +
                "/bitrix/admin/1c_exchange.php\"\n  user: exchange\n  password: site-secret\n  poll_interval: " +
                site_poll + "\n"));
    daemon.Start();
    pid_t const pid = daemon.process().pid();
    std::this_thread::sleep_for(2s);
    long const rss_idle = RssKiB(pid);

    DealWatcher watcher(b24_port);
    auto create = [&](int n) {
        auto r = site_control.Post("/_emulator/orders", json::serialize(SiteOrder(n)),
                                   {{"Content-Type", "application/json"}});
        if (r.status / 100 != 2) {
            throw std::runtime_error("site emulator refused an order: " + r.body);
        }
        return Clock::now();
    };

    // Idle: one order at a time.
    std::vector<double> idle_ms;
    for (int n = 0; n < idle_orders; ++n) {
        auto const t0 = create(n);
        if (!b2b::test::WaitUntil([&] { return watcher.SeenAt(n).has_value(); }, 60s)) {
            std::fprintf(stderr, "order %d did not arrive in 60 s\n%s\n", n, daemon.Log().c_str());
            return 1;
        }
        idle_ms.push_back(std::chrono::duration<double, std::milli>(*watcher.SeenAt(n) - t0).count());
    }

    // Load: `rate` orders per second for `seconds`.
    int const first = idle_orders;
    int const total = static_cast<int>(rate * seconds);
    std::vector<Clock::time_point> created(static_cast<std::size_t>(total));
    long rss_peak = rss_idle;
    auto const start = Clock::now();
    for (int i = 0; i < total; ++i) {
        auto const due = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(i / rate));
        std::this_thread::sleep_until(due);
        created[static_cast<std::size_t>(i)] = create(first + i);
        if (i % static_cast<int>(std::max(1.0, rate)) == 0) {
            rss_peak = std::max(rss_peak, RssKiB(pid));
        }
    }
    bool const all = b2b::test::WaitUntil(
        [&] {
            rss_peak = std::max(rss_peak, RssKiB(pid));
            return watcher.Count() >= static_cast<std::size_t>(idle_orders + total);
        },
        300s);
    std::vector<double> load_ms;
    for (int i = 0; i < total; ++i) {
        if (auto seen = watcher.SeenAt(first + i)) {
            load_ms.push_back(std::chrono::duration<double, std::milli>(*seen - created[static_cast<std::size_t>(i)]).count());
        }
    }
    auto const idle = Summarise(idle_ms);
    auto const load = Summarise(load_ms);
    std::printf("site order -> Bitrix24 deal, through the daemon (site poll %s, portal 50/2 real clock)\n",
                site_poll.c_str());
    std::printf("  idle      : n=%zu  p50 %.0f ms  p99 %.0f ms  max %.0f ms\n", idle.n, idle.p50, idle.p99, idle.max);
    std::printf("  %.0f/s x %ds: n=%zu  p50 %.0f ms  p99 %.0f ms  max %.0f ms%s\n", rate, seconds, load.n, load.p50,
                load.p99, load.max, all ? "" : "  (NOT ALL ARRIVED within 300 s)");
    std::printf("  daemon RSS: idle %.1f MiB, peak under load %.1f MiB\n", rss_idle / 1024.0, rss_peak / 1024.0);
    return daemon.Stop() == 0 && all ? 0 : 1;
}
