// b2b_site_emulator: a loopback stand-in for a Bitrix store's sale exchange. See README.md.
#include "tests/emulators/common/port_file.hpp"
#include "tests/emulators/site/server.hpp"
#include "tests/emulators/site/site.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>

namespace emu = b2b::emu::site;

namespace {

constexpr int kExitConfig = 78;

std::string Usage() {
    return "usage: b2b_site_emulator [--bind 127.0.0.1] [--port 0] [--port-file PATH] [--user exchange]\n"
           "  [--password secret] [--file-limit 204800] [--change-status-from-1c yes|no] [--secure yes|no]\n"
           "  [--import-steps 2] [--seed 1]\n";
}

bool YesNo(std::string const& v) {
    if (v == "yes" || v == "true" || v == "1") {
        return true;
    }
    if (v == "no" || v == "false" || v == "0") {
        return false;
    }
    throw std::invalid_argument(v);
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    std::string bind = "127.0.0.1";
    std::uint16_t port = 0;
    std::string port_file;
    emu::SiteOptions site;
    std::map<std::string, std::function<void(std::string const&)>> setters{
        {"--bind", [&](std::string const& v) { bind = v; }},
        {"--port", [&](std::string const& v) { port = static_cast<std::uint16_t>(std::stoul(v)); }},
        {"--port-file", [&](std::string const& v) { port_file = v; }},
        {"--user", [&](std::string const& v) { site.user = v; }},
        {"--password", [&](std::string const& v) { site.password = v; }},
        {"--file-limit", [&](std::string const& v) { site.file_limit = std::stoull(v); }},
        {"--change-status-from-1c", [&](std::string const& v) { site.change_status_from_1c = YesNo(v); }},
        {"--secure", [&](std::string const& v) { site.secure_exchange = YesNo(v); }},
        {"--import-steps", [&](std::string const& v) { site.import_steps = std::stoi(v); }},
        {"--seed", [&](std::string const& v) { site.seed = std::stoull(v); }},
    };
    for (std::size_t i = 0; i < args.size(); ++i) {
        if (args[i] == "--help" || args[i] == "-h") {
            std::cout << Usage();
            return 0;
        }
        auto it = setters.find(args[i]);
        if (it == setters.end() || i + 1 >= args.size()) {
            std::cerr << "b2b_site_emulator: bad option " << args[i] << "\n" << Usage();
            return kExitConfig;
        }
        try {
            it->second(args[++i]);
        } catch (std::exception const&) {
            std::cerr << "b2b_site_emulator: bad value for " << args[i - 1] << ": " << args[i] << "\n";
            return kExitConfig;
        }
    }
    try {
        emu::Site state(site);
        boost::asio::io_context io(1);
        emu::Server server(io, state, bind, port);
        server.Start();
        if (!port_file.empty() && !b2b::emu::WritePortFile(port_file, server.port())) {
            std::cerr << "b2b_site_emulator: cannot write port file " << port_file << "\n";
            return kExitConfig;
        }
        std::cout << "b2b_site_emulator listening on " << bind << ":" << server.port() << std::endl;
        boost::asio::signal_set signals(io, SIGINT, SIGTERM);
        signals.async_wait([&](boost::system::error_code const&, int) {
            server.Stop();
            io.stop();
        });
        io.run();
    } catch (std::exception const& e) {
        std::cerr << "b2b_site_emulator: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
