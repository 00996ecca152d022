// b2bsync: the command line. Parses arguments and calls into core/app; nothing else lives here.
#include <csignal>
#include <cstdlib>
#include <iostream>

#include <CLI/CLI.hpp>
#include <curl/curl.h>

#include "core/app/admin_commands.hpp"
#include "core/app/trace_command.hpp"
#include "core/app/daemon.hpp"
#include "core/app/version.hpp"
#include "core/config/loader.hpp"

namespace {

using b2b::app::kExitConfig;

std::string DefaultConfigPath() {
    if (char const* env = std::getenv("B2B_CONFIG"); env != nullptr && *env != '\0') {
        return env;
    }
    return "/etc/b2bsync/b2bsync.yaml";
}

// The admin commands need only the state paths, but they come from the same validated config as
// the daemon's, so `status` can never look at a different database than `run`.
std::optional<b2b::app::StatePaths> LoadPaths(std::string const& config_file) {
    auto outcome = b2b::config::LoadFile(config_file, b2b::config::Environment::FromProcess());
    if (!outcome.ok()) {
        for (auto const& d : outcome.diagnostics) {
            std::cerr << d.ToString() << "\n";
        }
        return std::nullopt;
    }
    return b2b::app::StatePaths{outcome.config->state_dir, outcome.config->store.path};
}

}  // namespace

int main(int argc, char** argv) {
    std::signal(SIGPIPE, SIG_IGN);  // a peer closing a socket must be an error code, not death
    curl_global_init(CURL_GLOBAL_DEFAULT);

    CLI::App app{"b2bsync: keeps 1C:Enterprise, the 1C-Bitrix store and Bitrix24 CRM in sync"};
    app.set_version_flag("--version", std::string("b2bsync ") + b2b::app::kVersion);
    app.require_subcommand(1);
    std::string config_file = DefaultConfigPath();

    auto* run = app.add_subcommand("run", "Run the daemon (systemd Type=notify; SIGHUP reloads, SIGTERM stops)");
    run->add_option("-c,--config", config_file, "Configuration file (default $B2B_CONFIG or /etc/b2bsync/b2bsync.yaml)");

    std::string check_file;
    auto* check = app.add_subcommand("check-config", "Validate a configuration file; exit 0 if valid, 78 if not");
    check->add_option("file", check_file, "Configuration file")->required();

    auto* status = app.add_subcommand("status", "Show whether the daemon runs, its store and its job queue");
    status->add_option("-c,--config", config_file, "Configuration file");

    auto* jobs = app.add_subcommand("jobs", "Inspect and repair the durable job queue");
    jobs->require_subcommand(1);
    jobs->add_option("-c,--config", config_file, "Configuration file");

    b2b::app::JobsListOptions list_options;
    std::string state_filter;
    std::string target_filter;
    std::string entity_filter;
    auto* jobs_list = jobs->add_subcommand("list", "List jobs (newest last); payloads are never printed");
    jobs_list->add_option("-c,--config", config_file, "Configuration file");
    jobs_list->add_option("--state", state_filter, "Only jobs in this state")
        ->check(CLI::IsMember({"pending", "inflight", "done", "dead"}));
    jobs_list->add_option("--target", target_filter, "Only jobs for this target");
    jobs_list->add_option("--entity", entity_filter, "Only jobs of this entity key");
    jobs_list->add_option("--limit", list_options.filter.limit, "At most this many jobs")->check(CLI::PositiveNumber);

    std::vector<std::int64_t> ids;
    bool all_dead = false;
    auto* jobs_retry = jobs->add_subcommand("retry", "Make jobs pending again (after fixing what made them fail)");
    jobs_retry->add_option("-c,--config", config_file, "Configuration file");
    jobs_retry->add_option("ids", ids, "Job ids");
    jobs_retry->add_flag("--all-dead", all_dead, "Retry every dead job");

    auto* jobs_drop = jobs->add_subcommand("drop", "Delete jobs that must not be delivered");
    jobs_drop->add_option("-c,--config", config_file, "Configuration file");
    jobs_drop->add_option("ids", ids, "Job ids")->required();

    std::string trace_order;
    auto* trace = app.add_subcommand("trace", "Show an order's journey across the site, 1C and Bitrix24");
    trace->add_option("-c,--config", config_file, "Configuration file");
    trace->add_option("order", trace_order, "Site number, 1C number, Bitrix24 deal id or b2bsync's order id")
        ->required();

    try {
        app.parse(argc, argv);
    } catch (CLI::ParseError const& e) {
        return app.exit(e);
    }

    if (*run) {
        return b2b::app::RunDaemon(config_file);
    }
    if (*check) {
        return b2b::app::CheckConfig(check_file, std::cout, std::cerr);
    }
    auto paths = LoadPaths(config_file);
    if (!paths) {
        return kExitConfig;
    }
    if (*status) {
        return b2b::app::PrintStatus(*paths, std::cout, std::cerr);
    }
    if (*jobs_list) {
        if (!state_filter.empty()) {
            list_options.filter.state = b2b::store::ParseJobState(state_filter);
        }
        if (!target_filter.empty()) {
            list_options.filter.target = target_filter;
        }
        if (!entity_filter.empty()) {
            list_options.filter.entity_key = entity_filter;
        }
        return b2b::app::ListJobs(*paths, list_options, std::cout, std::cerr);
    }
    if (*jobs_retry) {
        if (ids.empty() && !all_dead) {
            std::cerr << "b2bsync jobs retry: give job ids or --all-dead\n";
            return b2b::app::kExitUsage;
        }
        return b2b::app::RetryJobs(*paths, ids, all_dead, std::cout, std::cerr);
    }
    if (*jobs_drop) {
        return b2b::app::DropJobs(*paths, ids, std::cout, std::cerr);
    }
    if (*trace) {
        return b2b::app::TraceOrder(*paths, trace_order, std::cout, std::cerr);
    }
    return b2b::app::kExitUsage;
}
