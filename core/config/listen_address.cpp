#include "core/config/listen_address.hpp"

namespace b2b::config {

std::string ListenAddress::ToString() const {
    if (host.find(':') != std::string::npos) {
        return "[" + host + "]:" + std::to_string(port);
    }
    return host + ":" + std::to_string(port);
}

}  // namespace b2b::config
