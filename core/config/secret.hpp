#pragma once

#include <ostream>
#include <string>
#include <utility>

#include <fmt/format.h>

namespace b2b::config {

/// A credential (token, password). The value is reachable only through Reveal(), so it cannot be logged
/// or formatted by accident: streaming or fmt-formatting a Secret prints "***".
class Secret {
public:
    Secret() = default;
    explicit Secret(std::string value) : value_(std::move(value)) {}

    /// The plain value; call it only where the secret is sent to its peer.
    std::string const& Reveal() const noexcept { return value_; }
    bool IsEmpty() const noexcept { return value_.empty(); }

    friend bool operator==(Secret const&, Secret const&) = default;
    friend std::ostream& operator<<(std::ostream& out, Secret const&) { return out << "***"; }

private:
    std::string value_;
};

}  // namespace b2b::config

template <>
struct fmt::formatter<b2b::config::Secret> : fmt::formatter<std::string_view> {
    template <class FormatContext>
    auto format(b2b::config::Secret const&, FormatContext& ctx) const {
        return fmt::formatter<std::string_view>::format("***", ctx);
    }
};
