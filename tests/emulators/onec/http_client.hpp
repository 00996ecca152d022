#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/verb.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace b2b::emu::onec {

/// Where the exchange endpoint lives, split out of `--url` (http only: 1C talks to Bitrix over
/// plain HTTP or through a TLS proxy, and the daemon's endpoint is plain HTTP on loopback).
struct Endpoint {
    std::string host;
    std::string port;
    std::string target;  // path, plus the URL's own query if it had one
};

/// Returns an error text for anything but an absolute http:// URL.
std::optional<std::string> ParseEndpoint(std::string const& url, Endpoint& endpoint);

struct HttpRequest {
    boost::beast::http::verb method = boost::beast::http::verb::get;
    std::string query;  // appended to the endpoint's target with `?` or `&`
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    /// Fault injection: send the headers (announcing the full Content-Length) and only this many
    /// body bytes, then close the socket, as a dying 1C or a cut network would.
    std::optional<std::size_t> drop_after_body_bytes;
};

struct HttpResponse {
    unsigned status = 0;
    std::string reason;
    std::string content_type;
    std::string body;
};

struct HttpOutcome {
    std::optional<HttpResponse> response;
    std::string error;  // set when there is no response
};

/// Blocking HTTP/1.1 client with keep-alive, one request at a time, like 1C's exchange (which
/// never pipelines). Every operation has the run's deadline. Not thread-safe.
class HttpClient {
public:
    HttpClient(Endpoint endpoint, std::chrono::milliseconds timeout);
    ~HttpClient();
    HttpClient(HttpClient const&) = delete;
    HttpClient& operator=(HttpClient const&) = delete;

    HttpOutcome Send(HttpRequest const& request);

private:
    HttpOutcome SendOnce(HttpRequest const& request, bool& retryable);
    std::optional<std::string> Connect();
    void Close();

    Endpoint endpoint_;
    std::chrono::milliseconds timeout_;
    boost::asio::io_context ioc_;
    std::optional<boost::beast::tcp_stream> stream_;
    boost::beast::flat_buffer buffer_;
};

}  // namespace b2b::emu::onec
