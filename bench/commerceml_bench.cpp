// CommerceML import figures on one pair of files (import.xml + offers.xml from commerceml_gen):
//   (a) b2bsync end to end: ReadCommerceMlFile -> CatalogLanding -> a fresh SQLite store;
//   (b) the ceiling: pugixml parsing the same bytes from memory (no store, no decoding);
//   (c) the peer: the npm package commerceml-parser (bench/commerceml_peer/run.js) on the same files.
// Every phase runs in its own child process, so each peak RSS (wait4's ru_maxrss) is that phase's
// alone and one phase's heap never inflates the next. A plain main that prints a table (run by
// scripts/bench_commerceml.sh or scripts/bench.sh, never by ctest).
//
// Usage: commerceml_bench DIR [--peer RUN_JS] [--peer-timeout SECONDS] [--no-pugixml-import]
//   DIR holds import.xml and offers.xml; when they are missing they are generated there with the
//   sibling commerceml_gen at its defaults (~1 GB import) and deleted again at the end.
//   The store is DIR/store.sqlite (recreated each run). The peer runs only with --peer (it needs
//   `node` on PATH and commerceml-parser on NODE_PATH); a peer still running at the timeout is
//   killed and its rate is taken from the bytes it had consumed by then (said so in the table).

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <optional>
#include <pugixml.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "connectors/onec/catalog_landing.hpp"
#include "connectors/onec/cml_reader.hpp"
#include "bench/filesystem_type.hpp"
#include "core/store/database.hpp"
#include "core/util/clock.hpp"
#include "core/util/log.hpp"

namespace b2b::bench {
namespace {

namespace fs = std::filesystem;
using Steady = std::chrono::steady_clock;

constexpr double kMb = 1024.0 * 1024.0;
constexpr double kTargetMbPerSecond = 300.0;
constexpr double kTargetPeakRssMb = 100.0;

double Seconds(Steady::duration d) { return std::chrono::duration<double>(d).count(); }

double CpuSeconds(rusage const& u) {
    auto seconds = [](timeval const& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
    return seconds(u.ru_utime) + seconds(u.ru_stime);
}

/// CPU seconds of the calling thread (the landing's reading thread; the writer reports its own).
double ThreadCpuSeconds() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

/// What one phase reports back to the parent through a pipe (a POD, written once).
struct PhaseResult {
    bool ok = false;
    bool partial = false;  ///< the peer hit the timeout: figures cover the bytes consumed so far
    double seconds = 0;
    std::uint64_t bytes = 0;
    std::uint64_t products = 0;
    std::uint64_t offers = 0;
    std::uint64_t prices = 0;
    std::uint64_t stock = 0;
    std::uint64_t records = 0;  ///< pugixml / peer: records seen
    std::uint64_t problems = 0;
    char note[200] = {};
};

struct Measured {
    PhaseResult result;
    double peak_rss_mb = 0;
    /// user + system CPU of the phase's whole process (all threads, setup included): on a loaded
    /// machine this moves far less than wall time, so compare runs by it.
    double cpu_seconds = 0;
};

void SetNote(PhaseResult& r, std::string_view text) {
    std::size_t n = std::min(text.size(), sizeof r.note - 1);
    std::memcpy(r.note, text.data(), n);
    r.note[n] = '\0';
}

/// Replaces the note of a phase that succeeded (a failed phase keeps its error).
void Annotate(Measured& m, std::string_view text) {
    if (m.result.ok && !m.result.partial) {
        SetNote(m.result, text);
    }
}

bool WriteAll(int fd, void const* data, std::size_t size) {
    auto const* p = static_cast<char const*>(data);
    while (size > 0) {
        ssize_t n = write(fd, p, size);
        if (n <= 0) {
            return false;
        }
        p += n;
        size -= static_cast<std::size_t>(n);
    }
    return true;
}

/// Runs `phase` in a forked child and returns its result with the child's own peak RSS.
Measured RunInChild(std::function<PhaseResult()> const& phase) {
    Measured m;
    int fds[2];
    if (pipe(fds) != 0) {
        SetNote(m.result, "pipe failed");
        return m;
    }
    std::fflush(nullptr);
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        PhaseResult r = phase();
        bool written = WriteAll(fds[1], &r, sizeof r);
        std::fflush(nullptr);
        _exit(written ? 0 : 1);
    }
    close(fds[1]);
    if (pid < 0) {
        close(fds[0]);
        SetNote(m.result, "fork failed");
        return m;
    }
    PhaseResult r;
    std::size_t got = 0;
    while (got < sizeof r) {
        ssize_t n = read(fds[0], reinterpret_cast<char*>(&r) + got, sizeof r - got);
        if (n <= 0) {
            break;
        }
        got += static_cast<std::size_t>(n);
    }
    close(fds[0]);
    int status = 0;
    rusage usage{};
    wait4(pid, &status, 0, &usage);
    if (got == sizeof r) {
        m.result = r;
    } else {
        SetNote(m.result, WIFSIGNALED(status) ? "child killed by a signal" : "child died without a result");
    }
    m.peak_rss_mb = static_cast<double>(usage.ru_maxrss) / 1024.0;  // Linux reports KiB
    m.cpu_seconds = CpuSeconds(usage);
    return m;
}

// (a) b2bsync: the public reader + landing API, exactly as the exchange endpoint lands a file.
PhaseResult LandFile(fs::path const& store_path, fs::path const& file, store::DatabaseOptions db_options,
                     onec::LandingOptions landing_options, onec::ReaderOptions reader_options) {
    PhaseResult r;
    auto db = store::Database::Open(store_path, db_options);
    if (!db) {
        SetNote(r, db.error().message);
        return r;
    }
    onec::CatalogLanding landing(**db, SystemClock::Instance(), "bench-" + file.filename().string(),
                                 landing_options);
    auto const t0 = Steady::now();
    double const reader_cpu0 = ThreadCpuSeconds();
    auto summary = onec::ReadCommerceMlFile(file, reader_options, landing);
    if (!summary) {
        SetNote(r, summary.error().message);
        return r;
    }
    if (auto st = landing.Finish(); !st) {
        SetNote(r, st.error().message);
        return r;
    }
    r.seconds = Seconds(Steady::now() - t0);
    auto const& stats = landing.Stats();
    r.ok = true;
    r.bytes = summary->source_bytes;
    r.products = stats.products.Total();
    r.offers = stats.offers.Total();
    r.prices = stats.prices.Total();
    r.stock = stats.stock.Total();
    r.records = summary->raw_records;
    r.problems = summary->skipped;
    if (!summary->problems.empty()) {
        SetNote(r, "first problem: " + summary->problems.front().message);
    } else {
        char note[96];
        std::snprintf(note, sizeof note, "CPU s: reading thread %.2f, store writer %.2f", ThreadCpuSeconds() - reader_cpu0,
                      std::chrono::duration<double>(landing.WriterCpuTime()).count());
        SetNote(r, note);
    }
    return r;
}

// The reader's own cost, for profiling its parts: `split` runs only the streaming splitter over the
// file; `decode` also parses and decodes every record (pugixml + decoders) into a visitor that keeps
// nothing. Neither touches the store.
PhaseResult ReadOnly(fs::path const& file, std::string_view stage) {
    PhaseResult r;
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        SetNote(r, "cannot open " + file.string());
        return r;
    }
    auto const t0 = Steady::now();
    if (stage == "split") {
        onec::RecordSplitter splitter(in, file.filename().string());
        for (;;) {
            auto ev = splitter.Next();
            if (!ev) {
                SetNote(r, ev.error().message);
                return r;
            }
            if (ev->type == onec::SplitEventType::kEnd) {
                break;
            }
            if (ev->type == onec::SplitEventType::kRecord) {
                ++r.records;
                r.products += ev->record.kind == onec::CmlRecordKind::kProduct ? 1 : 0;
                r.offers += ev->record.kind == onec::CmlRecordKind::kOffer ? 1 : 0;
            }
        }
        r.bytes = splitter.SourceBytesRead();
    } else {
        onec::CmlVisitor discard;
        auto summary = onec::ReadCommerceMl(in, file.filename().string(), {}, discard);
        if (!summary) {
            SetNote(r, summary.error().message);
            return r;
        }
        r.bytes = summary->source_bytes;
        r.records = summary->raw_records;
        r.products = summary->Count(onec::CmlRecordKind::kProduct);
        r.offers = summary->Count(onec::CmlRecordKind::kOffer);
        r.problems = summary->skipped;
    }
    r.seconds = Seconds(Steady::now() - t0);
    r.ok = true;
    return r;
}

std::optional<std::vector<char>> ReadWholeFile(fs::path const& file) {
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> in(std::fopen(file.c_str(), "rb"), &std::fclose);
    if (!in) {
        return std::nullopt;
    }
    std::vector<char> bytes(fs::file_size(file));
    if (std::fread(bytes.data(), 1, bytes.size(), in.get()) != bytes.size()) {
        return std::nullopt;
    }
    return bytes;
}

/// Record elements in the parsed document (not timed): shows the ceiling parsed the whole file.
std::uint64_t CountRecords(pugi::xml_document const& doc) {
    std::uint64_t n = 0;
    for (auto section : doc.document_element().children()) {
        for (auto list : section.children()) {
            std::string_view name = list.name();
            if (name == "Товары" || name == "Предложения") {
                for (auto record = list.first_child(); record; record = record.next_sibling()) {
                    ++n;
                }
            }
        }
    }
    return n;
}

// (b) the ceiling: bytes already in memory, so the figure is parse speed alone (no disk, no decode,
// no store). `copy` uses load_buffer (pugixml copies the bytes: memory is about 2x the file plus
// the DOM); otherwise load_buffer_inplace.
PhaseResult PugiParse(fs::path const& file, unsigned options, bool copy) {
    PhaseResult r;
    auto bytes = ReadWholeFile(file);
    if (!bytes) {
        SetNote(r, "cannot read " + file.string());
        return r;
    }
    pugi::xml_document doc;
    auto const t0 = Steady::now();
    pugi::xml_parse_result parsed = copy ? doc.load_buffer(bytes->data(), bytes->size(), options, pugi::encoding_utf8)
                                         : doc.load_buffer_inplace(bytes->data(), bytes->size(), options,
                                                                   pugi::encoding_utf8);
    r.seconds = Seconds(Steady::now() - t0);
    if (!parsed) {
        SetNote(r, std::string("pugixml: ") + parsed.description());
        return r;
    }
    r.ok = true;
    r.bytes = bytes->size();
    r.records = CountRecords(doc);
    return r;
}

// (c) the peer: node run.js KIND FILE, reading its progress lines until "done" or the deadline.
// Its stderr goes to `log`: the package's xmldom prints errors there (e.g. about the stray '>' it
// writes before collected records), which would otherwise break up the table.
Measured RunPeer(fs::path const& run_js, std::string_view kind, fs::path const& file, int timeout_seconds,
                 fs::path const& log) {
    Measured m;
    int fds[2];
    if (pipe(fds) != 0) {
        SetNote(m.result, "pipe failed");
        return m;
    }
    std::fflush(nullptr);
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        dup2(fds[1], STDOUT_FILENO);
        close(fds[1]);
        if (int err = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644); err >= 0) {
            dup2(err, STDERR_FILENO);
            close(err);
        }
        std::string kind_arg(kind);
        execlp("node", "node", run_js.c_str(), kind_arg.c_str(), file.c_str(), static_cast<char*>(nullptr));
        std::fprintf(stderr, "commerceml_bench: cannot run node: %s\n", std::strerror(errno));  // into the log
        _exit(127);
    }
    close(fds[1]);
    if (pid < 0) {
        close(fds[0]);
        SetNote(m.result, "fork failed");
        return m;
    }
    auto const deadline = Steady::now() + std::chrono::seconds(timeout_seconds);
    std::string pending;
    std::string last_line;
    bool timed_out = false;
    for (;;) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Steady::now()).count();
        if (left <= 0) {
            timed_out = true;
            break;
        }
        pollfd p{fds[0], POLLIN, 0};
        if (poll(&p, 1, static_cast<int>(left)) <= 0) {
            continue;  // timeout (checked above) or EINTR
        }
        char chunk[4096];
        ssize_t n = read(fds[0], chunk, sizeof chunk);
        if (n <= 0) {
            break;
        }
        pending.append(chunk, static_cast<std::size_t>(n));
        for (auto eol = pending.find('\n'); eol != std::string::npos; eol = pending.find('\n')) {
            last_line = pending.substr(0, eol);
            pending.erase(0, eol + 1);
        }
    }
    if (timed_out) {
        kill(pid, SIGKILL);
    }
    close(fds[0]);
    int status = 0;
    rusage usage{};
    wait4(pid, &status, 0, &usage);
    m.peak_rss_mb = static_cast<double>(usage.ru_maxrss) / 1024.0;
    m.cpu_seconds = CpuSeconds(usage);
    char word[16] = {};
    unsigned long long bytes = 0;
    unsigned long long records = 0;
    double seconds = 0;
    if (std::sscanf(last_line.c_str(), "%15s %llu %llu %lf", word, &bytes, &records, &seconds) != 4) {
        SetNote(m.result, timed_out ? "timed out before its first progress line"
                                    : "failed (exit " + std::to_string(WEXITSTATUS(status)) + "; see " + log.string() + ")");
        return m;
    }
    m.result.bytes = bytes;
    m.result.records = records;
    m.result.seconds = seconds;
    m.result.partial = std::string_view(word) != "done";
    m.result.ok = !m.result.partial || timed_out;
    if (m.result.partial) {
        SetNote(m.result, timed_out ? "TIMED OUT after " + std::to_string(timeout_seconds) +
                                          " s: rate over the bytes consumed so far"
                                    : "died mid-file (see " + log.string() + ")");
    }
    return m;
}


double Mb(std::uint64_t bytes) { return static_cast<double>(bytes) / kMb; }
double Rate(std::uint64_t count, double seconds) { return seconds > 0 ? static_cast<double>(count) / seconds : 0; }

void PrintHeaderRow() {
    std::printf("%-44s %9s %8s %8s %11s %11s %9s %7s  %s\n", "engine / phase", "MB", "s", "MB/s", "products/s",
                "offers/s", "peak RSS", "CPU s", "note");
    std::printf("%s\n", std::string(138, '-').c_str());
}

void PrintRow(std::string_view label, Measured const& m, bool products_column, bool offers_column) {
    PhaseResult const& r = m.result;
    if (!r.ok) {
        std::printf("%-44.*s %9s %8s %8s %11s %11s %8.0fM %7.1f  FAILED: %s\n", static_cast<int>(label.size()),
                    label.data(), "-", "-", "-", "-", "-", m.peak_rss_mb, m.cpu_seconds, r.note);
        return;
    }
    char products[32] = "-";
    char offers[32] = "-";
    if (products_column) {
        std::snprintf(products, sizeof products, "%.0f", Rate(r.products != 0 ? r.products : r.records, r.seconds));
    }
    if (offers_column) {
        std::snprintf(offers, sizeof offers, "%.0f", Rate(r.offers != 0 ? r.offers : r.records, r.seconds));
    }
    std::printf("%-44.*s %9.1f %8.2f %8.1f %11s %11s %8.0fM %7.1f  %s\n", static_cast<int>(label.size()), label.data(),
                Mb(r.bytes), r.seconds, Mb(r.bytes) / r.seconds, products, offers, m.peak_rss_mb, m.cpu_seconds, r.note);
}

double MbPerSecond(Measured const& m) { return m.result.ok && m.result.seconds > 0 ? Mb(m.result.bytes) / m.result.seconds : 0; }

struct Args {
    fs::path dir;
    std::optional<fs::path> peer;
    int peer_timeout = 180;
    bool pugixml_import = true;
    bool b2bsync_only = false;          ///< skip the ceiling and the peer (profiling runs)
    std::string phase = "both";         ///< import | offers (keeps the store) | both
    std::string stage = "land";         ///< land (into the store) | decode | split (reader parts only)
    store::DatabaseOptions db_options;  ///< as the daemon opens its store
    onec::ReaderOptions reader_options;  ///< as the exchange endpoint reads
    onec::LandingOptions landing_options;
};

Args ParseArgs(int argc, char** argv) {
    Args a;
    for (int i = 1; i < argc; ++i) {
        std::string_view arg = argv[i];
        if (arg == "--peer" && i + 1 < argc) {
            a.peer = fs::absolute(argv[++i]);
        } else if (arg == "--peer-timeout" && i + 1 < argc) {
            a.peer_timeout = std::atoi(argv[++i]);
        } else if (arg == "--no-pugixml-import") {
            a.pugixml_import = false;
        } else if (arg == "--b2bsync-only") {
            a.b2bsync_only = true;
        } else if (arg == "--phase" && i + 1 < argc) {
            a.phase = argv[++i];
        } else if (arg == "--stage" && i + 1 < argc) {
            a.stage = argv[++i];
        } else if (arg == "--decode-threads" && i + 1 < argc) {
            a.reader_options.decode_threads = static_cast<std::size_t>(std::atoll(argv[++i]));
        } else if (arg == "--batch" && i + 1 < argc) {
            a.landing_options.batch_size = static_cast<std::size_t>(std::atoll(argv[++i]));
        } else if (arg == "--tx" && i + 1 < argc) {
            a.landing_options.max_records_per_transaction = static_cast<std::size_t>(std::atoll(argv[++i]));
        } else if (arg == "--queue" && i + 1 < argc) {
            a.landing_options.max_queued_batches = static_cast<std::size_t>(std::atoll(argv[++i]));
        } else if (arg == "--cache-kib" && i + 1 < argc) {
            a.db_options.cache_size_kib = static_cast<std::size_t>(std::atoll(argv[++i]));
        } else if (!arg.starts_with("--") && a.dir.empty()) {
            a.dir = arg;
        } else {
            std::fprintf(stderr,
                         "usage: commerceml_bench DIR [--peer RUN_JS] [--peer-timeout SECONDS] [--no-pugixml-import]\n"
                         "       [--b2bsync-only] [--phase import|offers|both] [--stage land|decode|split]\n"
                         "       [--decode-threads N] [--batch RECORDS] [--tx RECORDS]\n"
                         "       [--queue BATCHES] [--cache-kib KIB]\n");
            std::exit(2);
        }
    }
    if (a.dir.empty()) {
        a.dir = "commerceml_bench.d";
    }
    return a;
}

/// Generates the files with the sibling commerceml_gen when DIR has none. True when it did.
bool EnsureFiles(fs::path const& dir, char const* argv0) {
    if (fs::exists(dir / "import.xml") && fs::exists(dir / "offers.xml")) {
        return false;
    }
    fs::path gen = fs::absolute(argv0).parent_path() / "commerceml_gen";
    std::printf("no import.xml/offers.xml in %s: generating them with %s (deleted at the end)\n", dir.c_str(),
                gen.c_str());
    std::string command = "'" + gen.string() + "' '" + dir.string() + "'";
    std::fflush(nullptr);
    if (std::system(command.c_str()) != 0) {
        std::fprintf(stderr, "commerceml_bench: %s failed\n", command.c_str());
        std::exit(1);
    }
    return true;
}

}  // namespace
}  // namespace b2b::bench

int main(int argc, char** argv) {
    using namespace b2b::bench;
    Args args = ParseArgs(argc, argv);
    b2b::log::Init(b2b::log::Level::kWarn);  // the store's "migration applied" lines would break up the table
    fs::create_directories(args.dir);
    bool const generated = EnsureFiles(args.dir, argv[0]);
    fs::path const import_xml = args.dir / "import.xml";
    fs::path const offers_xml = args.dir / "offers.xml";
    fs::path const store = args.dir / "store.sqlite";
    bool const land_import_file = args.phase != "offers";
    bool const land_offers_file = args.phase != "import";
    if (land_import_file) {  // --phase offers lands into the store the previous run left
        for (char const* suffix : {"", "-wal", "-shm"}) {
            fs::remove(store.string() + suffix);
        }
    }
    std::printf("CommerceML import bench: %s (%.1f MB), %s (%.1f MB); store %s on %s\n\n", import_xml.c_str(),
                Mb(fs::file_size(import_xml)), offers_xml.c_str(), Mb(fs::file_size(offers_xml)), store.c_str(),
                FsType(args.dir));
    PrintHeaderRow();

    auto land = [&](fs::path const& file) {
        if (args.stage != "land") {
            return RunInChild([&] { return ReadOnly(file, args.stage); });
        }
        return RunInChild([&] { return LandFile(store, file, args.db_options, args.landing_options, args.reader_options); });
    };
    Measured land_import;
    Measured land_offers;
    if (land_import_file) {
        land_import = land(import_xml);
        PrintRow(args.stage == "land" ? "b2bsync import.xml -> store" : "b2bsync import.xml (" + args.stage + " only)", land_import, true, false);
    }
    if (land_offers_file) {
        land_offers = land(offers_xml);
        PrintRow(args.stage == "land" ? "b2bsync offers.xml -> store" : "b2bsync offers.xml (" + args.stage + " only)", land_offers, false, true);
    }
    if (!land_import_file || !land_offers_file) {
        return (land_import_file ? land_import : land_offers).result.ok ? 0 : 1;
    }
    Measured total;
    total.result.ok = land_import.result.ok && land_offers.result.ok;
    total.result.bytes = land_import.result.bytes + land_offers.result.bytes;
    total.result.seconds = land_import.result.seconds + land_offers.result.seconds;
    total.result.products = land_import.result.products;
    total.result.offers = land_offers.result.offers;
    total.peak_rss_mb = std::max(land_import.peak_rss_mb, land_offers.peak_rss_mb);
    total.cpu_seconds = land_import.cpu_seconds + land_offers.cpu_seconds;
    SetNote(total.result, "prices " + std::to_string(land_offers.result.prices) + ", stock rows " +
                              std::to_string(land_offers.result.stock) + ", skipped records " +
                              std::to_string(land_import.result.problems + land_offers.result.problems));
    PrintRow(args.stage == "land" ? "b2bsync end to end (both files)" : "b2bsync both files (" + args.stage + " only)", total, true, true);
    if (args.b2bsync_only) {
        return total.result.ok ? 0 : 1;
    }

    Measured pugi_offers_full = RunInChild([&] { return PugiParse(offers_xml, pugi::parse_default, true); });
    Annotate(pugi_offers_full, "ceiling: load_buffer (copies), bytes in memory; RSS = 2x file + DOM");
    PrintRow("pugixml load_buffer default offers.xml", pugi_offers_full, false, true);
    Measured pugi_offers_min = RunInChild([&] { return PugiParse(offers_xml, pugi::parse_minimal, false); });
    Annotate(pugi_offers_min, "ceiling: parse_minimal in place, bytes in memory");
    PrintRow("pugixml parse_minimal offers.xml", pugi_offers_min, false, true);
    Measured pugi_import_min;
    if (args.pugixml_import) {
        pugi_import_min = RunInChild([&] { return PugiParse(import_xml, pugi::parse_minimal, false); });
        Annotate(pugi_import_min, "ceiling: parse_minimal in place, bytes in memory");
        PrintRow("pugixml parse_minimal import.xml", pugi_import_min, true, false);
    }

    Measured peer_import;
    Measured peer_offers;
    if (args.peer) {
        peer_import = RunPeer(*args.peer, "import", import_xml, args.peer_timeout, args.dir / "peer-import.log");
        PrintRow("commerceml-parser (npm) import.xml", peer_import, true, false);
        peer_offers = RunPeer(*args.peer, "offers", offers_xml, args.peer_timeout, args.dir / "peer-offers.log");
        PrintRow("commerceml-parser (npm) offers.xml", peer_offers, false, true);
    } else {
        std::printf("%-44s skipped: pass --peer bench/commerceml_peer/run.js (scripts/bench_commerceml.sh does)\n",
                    "commerceml-parser (npm)");
    }

    std::printf("\nratios (MB/s):\n");
    auto ratio = [](char const* what, double ours, double theirs) {
        if (ours > 0 && theirs > 0) {
            std::printf("  %-52s %6.2fx\n", what, ours / theirs);
        } else {
            std::printf("  %-52s    n/a\n", what);
        }
    };
    ratio("b2bsync / commerceml-parser, import.xml", MbPerSecond(land_import), MbPerSecond(peer_import));
    ratio("b2bsync / commerceml-parser, offers.xml", MbPerSecond(land_offers), MbPerSecond(peer_offers));
    ratio("b2bsync / pugixml parse_minimal ceiling, import.xml", MbPerSecond(land_import), MbPerSecond(pugi_import_min));
    ratio("b2bsync / pugixml parse_minimal ceiling, offers.xml", MbPerSecond(land_offers), MbPerSecond(pugi_offers_min));

    double const end_to_end = MbPerSecond(total);
    std::printf("\ntargets:\n  end to end >= %.0f MB/s: %.1f MB/s  %s\n", kTargetMbPerSecond, end_to_end,
                end_to_end >= kTargetMbPerSecond ? "PASS" : "FAIL");
    if (total.cpu_seconds > 0 && total.result.ok) {
        // Two threads land each file, so on an idle 2-core machine wall time approaches half the CPU time.
        std::printf("  (end to end per CPU second, all threads of both phases: %.1f MB/CPU-s; wall MB/s depends on machine load)\n",
                    Mb(total.result.bytes) / total.cpu_seconds);
    }
    std::printf("  peak RSS < %.0f MB importing import.xml (%.0f MB): %.0f MB  %s\n", kTargetPeakRssMb,
                Mb(fs::file_size(import_xml)), land_import.peak_rss_mb,
                land_import.result.ok && land_import.peak_rss_mb < kTargetPeakRssMb ? "PASS" : "FAIL");

    if (generated) {
        fs::remove(import_xml);
        fs::remove(offers_xml);
        for (char const* suffix : {"", "-wal", "-shm"}) {
            fs::remove(store.string() + suffix);
        }
    }
    return total.result.ok ? 0 : 1;
}
