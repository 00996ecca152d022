#pragma once

#include "tests/emulators/bitrix24/portal.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include <cstdint>
#include <string>

namespace b2b::emu::bitrix24 {

/// Thin Beast transport around Portal: accepts loopback connections, hands each request to
/// the portal, writes the reply (or drops the connection when a fault says so), and sends
/// outbound event POSTs once each, without retry. Everything runs on one io_context thread,
/// which serialises access to the portal.
class Server {
public:
    /// Binds immediately (port 0 = any free port); throws boost::system::system_error on failure.
    Server(boost::asio::io_context& io, Portal& portal, std::string const& address, std::uint16_t port);
    std::uint16_t port() const { return port_; }
    /// Starts accepting; returns at once.
    void Start();
    void Stop();

private:
    boost::asio::awaitable<void> AcceptLoop();
    boost::asio::awaitable<void> Session(boost::beast::tcp_stream stream);
    boost::asio::awaitable<void> Deliver(Delivery delivery, int delay_ms);
    void DispatchDeliveries();

    boost::asio::io_context& io_;
    Portal& portal_;
    boost::asio::ip::tcp::acceptor acceptor_;
    std::uint16_t port_ = 0;
};

}  // namespace b2b::emu::bitrix24
