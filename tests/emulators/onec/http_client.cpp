#include "tests/emulators/onec/http_client.hpp"

#include <poll.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/url/parse.hpp>

namespace b2b::emu::onec {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

constexpr char const* kUserAgent = "1C+Enterprise/8.3";
// Orders XML from `mode=query` can be large; anything beyond this is a server bug.
constexpr std::uint64_t kMaxAnswerBytes = std::uint64_t{1} << 31;

// A kept-alive connection the server closed while idle fails like this on first use; a fresh
// connection is then the right answer (browsers and WinHTTP do the same).
// True when the server has already closed this kept-alive connection (it is readable and nothing
// is there: end of stream). Checked before sending, so nothing of the request has reached it.
bool PeerClosed(asio::ip::tcp::socket& socket) {
    pollfd poll_fd{.fd = socket.native_handle(), .events = POLLIN, .revents = 0};
    if (::poll(&poll_fd, 1, 0) <= 0) {
        return false;  // quiet: still open
    }
    boost::system::error_code ec;
    auto const ready = socket.available(ec);
    return ec || ready == 0;
}

bool IsStaleConnection(boost::system::error_code const& ec) {
    return ec == http::error::end_of_stream || ec == asio::error::eof || ec == asio::error::connection_reset ||
           ec == asio::error::broken_pipe;
}

// tcp_stream's deadline only applies to asynchronous operations, so each step is started
// asynchronously and the private io_context is run until it completes or times out.
template <typename Start>
boost::system::error_code RunToCompletion(asio::io_context& ioc, Start&& start) {
    boost::system::error_code result;
    start([&result](boost::system::error_code ec, auto&&...) { result = ec; });
    ioc.restart();
    ioc.run();
    return result;
}

}  // namespace

std::optional<std::string> ParseEndpoint(std::string const& url, Endpoint& endpoint) {
    auto parsed = boost::urls::parse_absolute_uri(url);
    if (!parsed) {
        return "not an absolute URL: " + url;
    }
    if (parsed->scheme() != "http") {
        return "only http:// URLs are supported, got " + url;
    }
    endpoint.host = parsed->host();
    if (endpoint.host.empty()) {
        return "no host in " + url;
    }
    endpoint.port = parsed->has_port() ? std::string(parsed->port()) : "80";
    endpoint.target = parsed->encoded_path().empty() ? "/" : std::string(parsed->encoded_path());
    if (parsed->has_query()) {
        endpoint.target += "?" + std::string(parsed->encoded_query());
    }
    return std::nullopt;
}

HttpClient::HttpClient(Endpoint endpoint, std::chrono::milliseconds timeout)
    : endpoint_(std::move(endpoint)), timeout_(timeout) {}

HttpClient::~HttpClient() {
    Close();
}

void HttpClient::Close() {
    if (stream_) {
        boost::system::error_code ignored;
        stream_->socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
        stream_->socket().close(ignored);
        stream_.reset();
    }
    buffer_.clear();
}

std::optional<std::string> HttpClient::Connect() {
    asio::ip::tcp::resolver resolver(ioc_);
    boost::system::error_code ec;
    auto const results = resolver.resolve(endpoint_.host, endpoint_.port, ec);
    if (ec) {
        return "cannot resolve " + endpoint_.host + ": " + ec.message();
    }
    stream_.emplace(ioc_);
    stream_->expires_after(timeout_);
    ec = RunToCompletion(ioc_, [&](auto handler) { stream_->async_connect(results, std::move(handler)); });
    if (ec) {
        stream_.reset();
        return "cannot connect to " + endpoint_.host + ":" + endpoint_.port + ": " + ec.message();
    }
    return std::nullopt;
}

HttpOutcome HttpClient::Send(HttpRequest const& request) {
    bool const reused = stream_.has_value();
    bool retryable = false;
    auto outcome = SendOnce(request, retryable);
    // Only GETs are retried: a repeated `mode=file` POST would be appended twice if the server
    // did take the first one, and that would hide exactly the bugs this tool looks for.
    if (!outcome.response && reused && retryable && request.method == boost::beast::http::verb::get) {
        Close();
        outcome = SendOnce(request, retryable);
    }
    return outcome;
}

HttpOutcome HttpClient::SendOnce(HttpRequest const& request, bool& retryable) {
    retryable = false;
    // The server may close an idle kept-alive connection while 1C is busy (packing a big zip): then
    // even a POST goes out on a fresh connection, as it was never sent on the old one.
    if (stream_ && PeerClosed(stream_->socket())) {
        Close();
    }
    if (!stream_) {
        if (auto error = Connect()) {
            return {.response = std::nullopt, .error = *error};
        }
    }
    auto const separator = endpoint_.target.find('?') == std::string::npos ? "?" : "&";
    http::request<http::string_body> req{request.method, endpoint_.target + separator + request.query, 11};
    req.set(http::field::host, endpoint_.host + ":" + endpoint_.port);
    req.set(http::field::user_agent, kUserAgent);
    for (auto const& [name, value] : request.headers) {
        req.set(name, value);
    }
    req.body() = request.body;
    req.prepare_payload();

    boost::system::error_code ec;
    stream_->expires_after(timeout_);
    if (request.drop_after_body_bytes) {
        http::request_serializer<http::string_body> serializer{req};
        ec = RunToCompletion(ioc_, [&](auto handler) {
            http::async_write_header(*stream_, serializer, std::move(handler));
        });
        auto const sent = std::min(*request.drop_after_body_bytes, request.body.size());
        if (!ec && sent > 0) {
            ec = RunToCompletion(ioc_, [&](auto handler) {
                asio::async_write(*stream_, asio::buffer(request.body.data(), sent), std::move(handler));
            });
        }
        Close();
        return {.response = std::nullopt,
                .error = "connection closed by the simulator after " + std::to_string(sent) + " of " +
                         std::to_string(request.body.size()) + " body bytes (--drop-after-bytes)"};
    }
    ec = RunToCompletion(ioc_, [&](auto handler) { http::async_write(*stream_, req, std::move(handler)); });
    if (ec) {
        retryable = IsStaleConnection(ec);
        Close();
        return {.response = std::nullopt, .error = "cannot send request: " + ec.message()};
    }

    http::response_parser<http::string_body> parser;
    parser.body_limit(kMaxAnswerBytes);
    stream_->expires_after(timeout_);
    ec = RunToCompletion(ioc_,
                         [&](auto handler) { http::async_read(*stream_, buffer_, parser, std::move(handler)); });
    if (ec) {
        retryable = IsStaleConnection(ec) && !parser.got_some();
        Close();
        if (ec == beast::error::timeout) {
            return {.response = std::nullopt, .error = "no answer within the timeout"};
        }
        return {.response = std::nullopt, .error = "cannot read answer: " + ec.message()};
    }
    auto res = parser.release();
    HttpResponse response{.status = res.result_int(),
                          .reason = std::string(res.reason()),
                          .content_type = std::string(res[http::field::content_type]),
                          .body = std::move(res.body())};
    if (!res.keep_alive()) {
        Close();
    }
    return {.response = std::move(response), .error = {}};
}

}  // namespace b2b::emu::onec
