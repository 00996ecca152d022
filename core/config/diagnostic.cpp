#include "core/config/diagnostic.hpp"

namespace b2b::config {

std::string Diagnostic::ToString() const {
    if (line <= 0) {
        return file + ": " + message;
    }
    return file + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " + message;
}

}  // namespace b2b::config
