#pragma once

#include "tests/emulators/bitrix24/portal.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace b2b::emu::bitrix24 {

struct Options {
    std::string bind = "127.0.0.1";
    std::uint16_t port = 0;
    std::string port_file;
    std::string seed_file;
    double clock_speed = 1.0;
    PortalOptions portal;
};

/// Parses the command line (see README.md). Returns an error text on a bad flag or value.
std::optional<std::string> ParseOptions(std::vector<std::string> const& args, Options& options);

/// The --help text.
std::string Usage();

}  // namespace b2b::emu::bitrix24
