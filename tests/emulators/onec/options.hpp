#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace b2b::emu::onec {

enum class ExchangeType { kCatalog, kSale };
enum class ZipMode { kAuto, kYes, kNo };

/// Everything one simulator run needs; see README.md for the flags.
struct Options {
    std::string url;
    std::string user;
    std::string password;
    ExchangeType type = ExchangeType::kCatalog;
    ZipMode zip = ZipMode::kAuto;
    std::chrono::milliseconds timeout{60'000};
    std::vector<std::string> files;      // catalog uploads, in upload order
    std::vector<std::string> documents;  // sale uploads
    std::vector<std::string> remote_names;  // override the remote names of the first files, in order
    std::string base_dir;                // remote names are relative to it; empty: basename
    std::string save_orders;             // sale: where the `query` answer goes; empty: discarded
    std::string cml_version = "2.10";
    bool full = false;
    bool old_1c = false;
    bool old_1c_import = false;          // old 1C that still calls sale `import` after its `file` chunks
    std::string save_info;               // sale: call `info` and write its answer here
    std::optional<std::uint64_t> drop_after_bytes;
    std::optional<std::uint64_t> stop_after_imports;
    std::uint64_t max_import_calls = 100'000;  // per file; a server stuck in `progress` ends the run
};

/// Exit codes, as the README promises.
inline constexpr int kExitSuccess = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;

struct ParsedCommandLine {
    std::optional<Options> options;  // nullopt: exit with `exit_code` after printing `message`
    int exit_code = kExitSuccess;
    std::string message;  // help text or the usage error
};

/// Parses argv (argv[0] included). `--password-env NAME` is resolved here, so a missing
/// variable is a usage error, not an exchange failure.
ParsedCommandLine ParseCommandLine(std::vector<std::string> const& args);

/// "60s", "500ms", "2m", or a bare number of seconds.
std::optional<std::chrono::milliseconds> ParseDuration(std::string const& text);

}  // namespace b2b::emu::onec
