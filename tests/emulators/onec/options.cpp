#include "tests/emulators/onec/options.hpp"

#include <CLI/CLI.hpp>

#include <charconv>
#include <cstdlib>
#include <map>

namespace b2b::emu::onec {
namespace {

ParsedCommandLine UsageError(std::string message) {
    return {.options = std::nullopt, .exit_code = kExitUsage, .message = std::move(message)};
}

}  // namespace

std::optional<std::chrono::milliseconds> ParseDuration(std::string const& text) {
    std::uint64_t value = 0;
    auto const* begin = text.data();
    auto const* end = text.data() + text.size();
    auto const [unit_begin, ec] = std::from_chars(begin, end, value);
    if (ec != std::errc{} || unit_begin == begin) {
        return std::nullopt;
    }
    std::string_view const unit(unit_begin, static_cast<std::size_t>(end - unit_begin));
    if (unit.empty() || unit == "s") {
        return std::chrono::seconds(value);
    }
    if (unit == "ms") {
        return std::chrono::milliseconds(value);
    }
    if (unit == "m") {
        return std::chrono::minutes(value);
    }
    return std::nullopt;
}

ParsedCommandLine ParseCommandLine(std::vector<std::string> const& args) {
    CLI::App app{"onec_client_simulator: drives a CommerceML exchange endpoint the way 1C:Enterprise does"};
    Options options;
    std::string password_env;
    std::string timeout_text = "60s";
    std::uint64_t drop_after = 0;
    std::uint64_t stop_after = 0;
    std::map<std::string, ExchangeType> const types{{"catalog", ExchangeType::kCatalog},
                                                    {"sale", ExchangeType::kSale}};
    std::map<std::string, ZipMode> const zips{
        {"auto", ZipMode::kAuto}, {"yes", ZipMode::kYes}, {"no", ZipMode::kNo}};

    app.add_option("--url", options.url, "Exchange endpoint, e.g. http://127.0.0.1:8080/1c_exchange.php")
        ->required();
    app.add_option("--user", options.user, "HTTP Basic user for checkauth")->required();
    auto* password = app.add_option("--password", options.password, "HTTP Basic password");
    app.add_option("--password-env", password_env, "Read the password from this environment variable")
        ->excludes(password);
    app.add_option("--type", options.type, "catalog|sale")
        ->required()
        ->transform(CLI::CheckedTransformer(types, CLI::ignore_case));
    app.add_option("--zip", options.zip, "auto (follow init's zip=), yes (always pack), no (never)")
        ->transform(CLI::CheckedTransformer(zips, CLI::ignore_case));
    app.add_option("--timeout", timeout_text, "Per-request deadline: 60s, 500ms, 2m");
    app.add_option("--files", options.files, "Catalog files to upload, in order")->check(CLI::ExistingFile);
    app.add_option("--documents", options.documents, "Sale documents to upload")->check(CLI::ExistingFile);
    app.add_option("--base-dir", options.base_dir,
                   "Send file names relative to this directory (goods/1/offers.xml); default: base name");
    app.add_option("--remote-name", options.remote_names,
                   "Send the first files under these names instead (fault injection: ../x.xml)");
    app.add_option("--save-orders", options.save_orders, "Sale: write the query answer's bytes here");
    app.add_option("--cml-version", options.cml_version, "version= sent with init (new 1C)");
    app.add_flag("--full", options.full, "Full export: call deactivate with the checkauth timestamp");
    app.add_flag("--old-1c", options.old_1c, "Old 1C: no version, no sessid, no deactivate/complete");
    app.add_flag("--old-1c-import", options.old_1c_import,
                 "With --old-1c: still call sale import after the file chunks (УТ 10.3 style)");
    app.add_option("--save-info", options.save_info, "Sale: call mode=info and write its answer's bytes here");
    auto* drop = app.add_option("--drop-after-bytes", drop_after,
                                "Fault: close the connection after N upload body bytes (counted over the run)");
    auto* stop = app.add_option("--stop-after-imports", stop_after, "Fault: stop after N import calls");
    app.add_option("--max-import-calls", options.max_import_calls,
                   "Give up on a file after this many import calls")
        ->check(CLI::PositiveNumber);

    std::vector<std::string> reversed(args.rbegin(), args.rend());
    if (!reversed.empty()) {
        reversed.pop_back();  // argv[0]
    }
    try {
        app.parse(reversed);
    } catch (CLI::CallForHelp const&) {
        return {.options = std::nullopt, .exit_code = kExitSuccess, .message = app.help()};
    } catch (CLI::ParseError const& e) {
        return UsageError(std::string(e.what()) + "\nRun with --help for usage.");
    }

    if (!password_env.empty()) {
        char const* value = std::getenv(password_env.c_str());
        if (value == nullptr) {
            return UsageError("--password-env: environment variable " + password_env + " is not set");
        }
        options.password = value;
    }
    auto timeout = ParseDuration(timeout_text);
    if (!timeout || timeout->count() == 0) {
        return UsageError("--timeout: expected a positive duration like 60s or 500ms, got " + timeout_text);
    }
    options.timeout = *timeout;
    if (drop->count() > 0) {
        options.drop_after_bytes = drop_after;
    }
    if (stop->count() > 0) {
        options.stop_after_imports = stop_after;
    }
    if (options.type == ExchangeType::kCatalog && !options.documents.empty()) {
        return UsageError("--documents is for --type sale; catalog files go in --files");
    }
    if (options.type == ExchangeType::kSale && !options.files.empty()) {
        return UsageError("--files is for --type catalog; sale uploads go in --documents");
    }
    return {.options = std::move(options), .exit_code = kExitSuccess, .message = {}};
}

}  // namespace b2b::emu::onec
