#pragma once

#include "tests/emulators/site/site.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include <cstdint>
#include <string>

namespace b2b::emu::site {

/// Thin Beast transport around Site: one io_context thread serialises access to the site.
class Server {
public:
    /// Binds at once (port 0 = any free port); throws boost::system::system_error on failure.
    Server(boost::asio::io_context& io, Site& site, std::string const& address, std::uint16_t port);
    std::uint16_t port() const { return port_; }
    void Start();
    void Stop();

private:
    boost::asio::awaitable<void> AcceptLoop();
    boost::asio::awaitable<void> Session(boost::beast::tcp_stream stream);

    boost::asio::io_context& io_;
    Site& site_;
    boost::asio::ip::tcp::acceptor acceptor_;
    std::uint16_t port_ = 0;
};

}  // namespace b2b::emu::site
