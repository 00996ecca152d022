#pragma once

#include <string>

namespace b2b::config {

/// One problem found in a configuration file, positioned for the operator.
/// `line` and `column` are 1-based; 0 means "the whole file" (e.g. the file cannot be read).
struct Diagnostic {
    std::string file;
    int line = 0;
    int column = 0;
    std::string message;

    /// "FILE:LINE:COL: MESSAGE", or "FILE: MESSAGE" when the diagnostic has no position.
    std::string ToString() const;

    friend bool operator==(Diagnostic const&, Diagnostic const&) = default;
};

}  // namespace b2b::config
