#include "tests/emulators/common/port_file.hpp"

#include <filesystem>
#include <fstream>
#include <system_error>

namespace b2b::emu {

bool WritePortFile(std::string const& path, std::uint16_t port) {
    auto tmp = path + ".tmp";
    {
        std::ofstream out(tmp);
        out << port << "\n";
        if (!out) {
            return false;
        }
    }
    std::error_code ec;
    std::filesystem::rename(tmp, path, ec);
    return !ec;
}

}  // namespace b2b::emu
