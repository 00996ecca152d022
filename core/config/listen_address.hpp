#pragma once

#include <cstdint>
#include <string>

namespace b2b::config {

/// A validated `host:port` to bind to. `host` is an IPv4/IPv6 literal (without brackets) or a host name.
struct ListenAddress {
    std::string host;
    std::uint16_t port = 0;

    /// "host:port", with brackets around IPv6 literals: "[::1]:9090".
    std::string ToString() const;

    friend bool operator==(ListenAddress const&, ListenAddress const&) = default;
};

}  // namespace b2b::config
