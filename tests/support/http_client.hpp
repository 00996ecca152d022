#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include <boost/beast/http/verb.hpp>

namespace b2b::test {

/// Request headers by name, e.g. {{"Authorization", "Basic dXNlcjpwdw=="}}.
using HttpHeaders = std::map<std::string, std::string>;

struct HttpResponse {
    int status = 0;
    /// Header names in lower case; repeated headers joined with ", ".
    std::map<std::string, std::string> headers;
    std::string body;

    /// The header value or "" when absent; `name` is matched case-insensitively.
    std::string Header(std::string_view name) const;
};

/// A small synchronous HTTP/1.1 client for tests (Boost.Beast on its own io_context).
/// Keeps one keep-alive connection and reconnects once, transparently, when the server closed it
/// between requests. Every connect/write/read is bounded by the timeout. Not thread-safe: one
/// client per thread. Failures (refused, timeout, reset, garbage) throw std::runtime_error whose
/// message names the host:port, the request and the cause.
class HttpClient {
public:
    HttpClient(std::string host, std::uint16_t port, std::chrono::milliseconds timeout = std::chrono::seconds(10));
    ~HttpClient();
    HttpClient(HttpClient const&) = delete;
    HttpClient& operator=(HttpClient const&) = delete;

    void SetTimeout(std::chrono::milliseconds timeout);

    HttpResponse Get(std::string const& target, HttpHeaders const& headers = {});
    HttpResponse Post(std::string const& target, std::string body, HttpHeaders const& headers = {});
    HttpResponse Request(boost::beast::http::verb method, std::string const& target, std::string body = {},
                         HttpHeaders const& headers = {});

    /// Closes the kept connection (the next request connects again).
    void Close();
    /// True while a kept-alive connection is open.
    bool Connected() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

/// Connects, writes `bytes` exactly as given, then returns everything received until the server
/// closes the connection or `read_timeout` (total) passes. For malformed and slow-client tests.
/// Throws std::runtime_error if the connection cannot be made.
std::string RawSend(std::string const& host, std::uint16_t port, std::string_view bytes,
                    std::chrono::milliseconds read_timeout = std::chrono::seconds(5));

}  // namespace b2b::test
