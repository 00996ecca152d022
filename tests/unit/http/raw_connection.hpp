#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace b2b::http::test {

/// A blocking loopback client with a receive timeout, for byte-exact conversations.
class RawConnection {
public:
    explicit RawConnection(std::uint16_t port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(port);
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::connect(fd_, reinterpret_cast<sockaddr const*>(&address), sizeof address) != 0) {
            throw std::runtime_error("connect failed");
        }
        timeval receive_timeout{10, 0};
        ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &receive_timeout, sizeof receive_timeout);
    }
    ~RawConnection() { ::close(fd_); }
    RawConnection(RawConnection const&) = delete;
    RawConnection& operator=(RawConnection const&) = delete;

    void Send(std::string_view bytes) { ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL); }

    /// Reads until `marker` has arrived (empty: until EOF), the peer closes, or 10 s pass.
    std::string ReadUntil(std::string_view marker) {
        std::string received;
        char chunk[4096];
        while (marker.empty() || received.find(marker) == std::string::npos) {
            auto const n = ::recv(fd_, chunk, sizeof chunk, 0);
            if (n <= 0) {
                break;
            }
            received.append(chunk, static_cast<std::size_t>(n));
        }
        return received;
    }

private:
    int fd_;
};

}  // namespace b2b::http::test
