#pragma once

#include <cstdint>
#include <string>

namespace b2b::emu {

/// Writes `port` and a newline to `path` through a temp file and a rename, so a test polling for
/// the file never reads half a number. False when either step fails.
bool WritePortFile(std::string const& path, std::uint16_t port);

}  // namespace b2b::emu
