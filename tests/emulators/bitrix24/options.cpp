#include "tests/emulators/bitrix24/options.hpp"

#include <functional>
#include <map>
#include <stdexcept>

namespace b2b::emu::bitrix24 {

namespace {

using Setter = std::function<void(std::string const&)>;

std::map<std::string, Setter> Setters(Options& o) {
    return {
        {"--bind", [&](std::string const& v) { o.bind = v; }},
        {"--port", [&](std::string const& v) { o.port = static_cast<std::uint16_t>(std::stoul(v)); }},
        {"--port-file", [&](std::string const& v) { o.port_file = v; }},
        {"--seed-file", [&](std::string const& v) { o.seed_file = v; }},
        {"--clock-speed", [&](std::string const& v) { o.clock_speed = std::stod(v); }},
        {"--webhook-user", [&](std::string const& v) { o.portal.webhook_user = std::stoll(v); }},
        {"--webhook-code", [&](std::string const& v) { o.portal.webhook_code = v; }},
        {"--burst", [&](std::string const& v) { o.portal.burst = std::stod(v); }},
        {"--drain", [&](std::string const& v) { o.portal.drain = std::stod(v); }},
        {"--operating-limit", [&](std::string const& v) { o.portal.operating_limit = std::stod(v); }},
        {"--seed", [&](std::string const& v) { o.portal.seed = std::stoull(v); }},
        {"--application-token", [&](std::string const& v) { o.portal.application_token = v; }},
        {"--client-id", [&](std::string const& v) { o.portal.oauth.client_id = v; }},
        {"--client-secret", [&](std::string const& v) { o.portal.oauth.client_secret = v; }},
        {"--access-ttl", [&](std::string const& v) { o.portal.oauth.access_ttl = std::stod(v); }},
    };
}

}  // namespace

std::string Usage() {
    return "usage: bitrix24_emulator [--bind 127.0.0.1] [--port 0] [--port-file PATH] [--seed-file PIPELINES.json]\n"
           "  [--webhook-user 1] [--webhook-code CODE] [--burst 50] [--drain 2] [--operating-limit 480]\n"
           "  [--clock-speed 1.0] [--seed N] [--application-token TOKEN]\n"
           "  [--client-id ID] [--client-secret SECRET] [--access-ttl 3600]\n";
}

std::optional<std::string> ParseOptions(std::vector<std::string> const& args, Options& options) {
    auto setters = Setters(options);
    for (std::size_t i = 0; i < args.size(); ++i) {
        auto const& flag = args[i];
        auto it = setters.find(flag);
        if (it == setters.end()) {
            return "unknown option " + flag;
        }
        if (i + 1 >= args.size()) {
            return "option " + flag + " needs a value";
        }
        try {
            it->second(args[++i]);
        } catch (std::exception const&) {
            return "bad value for " + flag + ": " + args[i];
        }
    }
    if (options.clock_speed <= 0 || options.portal.burst <= 0 || options.portal.drain < 0) {
        return "--clock-speed and --burst must be positive, --drain non-negative";
    }
    return std::nullopt;
}

}  // namespace b2b::emu::bitrix24
