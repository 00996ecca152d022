// bitrix24_emulator: an honest loopback stand-in for a Bitrix24 portal. See README.md.
#include "tests/emulators/common/port_file.hpp"
#include "tests/emulators/bitrix24/clock.hpp"
#include "tests/emulators/bitrix24/options.hpp"
#include "tests/emulators/bitrix24/portal.hpp"
#include "tests/emulators/bitrix24/server.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/json/parse.hpp>

#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

namespace emu = b2b::emu::bitrix24;

namespace {

constexpr int kExitConfig = 78;  // EX_CONFIG, as the daemon uses for startup errors

bool LoadSeed(std::string const& path, emu::PortalOptions& portal) {
    std::ifstream in(path);
    if (!in) {
        std::cerr << "bitrix24_emulator: cannot read seed file " << path << "\n";
        return false;
    }
    std::stringstream text;
    text << in.rdbuf();
    boost::system::error_code ec;
    auto seed = boost::json::parse(text.str(), ec);
    if (ec) {
        std::cerr << "bitrix24_emulator: seed file " << path << " is not JSON: " << ec.message() << "\n";
        return false;
    }
    emu::CrmStore probe;
    if (auto error = probe.LoadSeed(seed)) {
        std::cerr << "bitrix24_emulator: " << path << ": " << *error << "\n";
        return false;
    }
    portal.seed_data = seed;
    return true;
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    if (!args.empty() && (args[0] == "--help" || args[0] == "-h")) {
        std::cout << emu::Usage();
        return 0;
    }
    emu::Options options;
    if (auto error = emu::ParseOptions(args, options)) {
        std::cerr << "bitrix24_emulator: " << *error << "\n" << emu::Usage();
        return kExitConfig;
    }
    if (!options.seed_file.empty() && !LoadSeed(options.seed_file, options.portal)) {
        return kExitConfig;
    }
    try {
        emu::ScaledClock clock(options.clock_speed);
        emu::Portal portal(options.portal, clock);
        boost::asio::io_context io(1);
        emu::Server server(io, portal, options.bind, options.port);
        server.Start();
        if (!options.port_file.empty() && !b2b::emu::WritePortFile(options.port_file, server.port())) {
            std::cerr << "bitrix24_emulator: cannot write port file " << options.port_file << "\n";
            return kExitConfig;
        }
        std::cout << "bitrix24_emulator listening on " << options.bind << ":" << server.port() << std::endl;
        boost::asio::signal_set signals(io, SIGINT, SIGTERM);
        signals.async_wait([&](boost::system::error_code const&, int) {
            server.Stop();
            io.stop();
        });
        io.run();
    } catch (std::exception const& e) {
        std::cerr << "bitrix24_emulator: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
