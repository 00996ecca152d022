#include "tests/support/http_client.hpp"

#include <algorithm>
#include <cctype>
#include <optional>
#include <stdexcept>
#include <utility>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

namespace b2b::test {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;

std::string Lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
    return out;
}

// Runs one async operation on `ioc` to completion; tcp_stream's expiry bounds it.
void RunToCompletion(asio::io_context& ioc) {
    ioc.restart();
    ioc.run();
}

}  // namespace

std::string HttpResponse::Header(std::string_view name) const {
    auto const it = headers.find(Lower(name));
    return it == headers.end() ? std::string() : it->second;
}

struct HttpClient::Impl {
    std::string host;
    std::uint16_t port;
    std::chrono::milliseconds timeout;
    asio::io_context ioc;
    std::optional<beast::tcp_stream> stream;
    beast::flat_buffer buffer;

    std::string Where() const { return host + ":" + std::to_string(port); }

    void Connect() {
        tcp::resolver resolver(ioc);
        boost::system::error_code ec;
        auto const endpoints = resolver.resolve(host, std::to_string(port), ec);
        if (ec) {
            throw std::runtime_error("http client: cannot resolve " + Where() + ": " + ec.message());
        }
        stream.emplace(ioc);
        buffer.clear();
        stream->expires_after(timeout);
        stream->async_connect(endpoints, [&ec](boost::system::error_code e, tcp::endpoint const&) { ec = e; });
        RunToCompletion(ioc);
        if (ec) {
            stream.reset();
            throw std::runtime_error("http client: cannot connect to " + Where() + ": " + ec.message());
        }
    }

    void Close() {
        if (stream) {
            boost::system::error_code ignored;
            stream->socket().shutdown(tcp::socket::shutdown_both, ignored);
            stream->socket().close(ignored);
            stream.reset();
        }
    }

    // One exchange on the current connection. `sent_nothing_back` tells the caller the server closed
    // before answering, which on a reused connection means "retry on a fresh one".
    std::optional<HttpResponse> Exchange(http::request<http::string_body>& request, std::string& failure,
                                         bool& closed_before_answer) {
        boost::system::error_code ec;
        stream->expires_after(timeout);
        http::async_write(*stream, request, [&ec](boost::system::error_code e, std::size_t) { ec = e; });
        RunToCompletion(ioc);
        if (ec) {
            closed_before_answer = ec != beast::error::timeout;
            failure = "write failed: " + ec.message();
            return std::nullopt;
        }
        http::response_parser<http::string_body> parser;
        parser.body_limit(boost::none);
        parser.header_limit(1024 * 1024);
        stream->expires_after(timeout);
        http::async_read(*stream, buffer, parser, [&ec](boost::system::error_code e, std::size_t) { ec = e; });
        RunToCompletion(ioc);
        if (ec) {
            closed_before_answer = (ec == http::error::end_of_stream || ec == asio::error::connection_reset ||
                                    ec == asio::error::eof) &&
                                   !parser.got_some();
            failure = (ec == beast::error::timeout ? "no complete response within " + std::to_string(timeout.count()) +
                                                         " ms"
                                                   : "read failed: " + ec.message());
            return std::nullopt;
        }
        auto message = parser.release();
        HttpResponse response;
        response.status = static_cast<int>(message.result_int());
        for (auto const& field : message) {
            auto& value = response.headers[Lower(field.name_string())];
            if (!value.empty()) {
                value += ", ";
            }
            value += field.value();
        }
        response.body = std::move(message.body());
        if (!message.keep_alive()) {
            Close();
        }
        return response;
    }
};

HttpClient::HttpClient(std::string host, std::uint16_t port, std::chrono::milliseconds timeout)
    : impl_(std::make_unique<Impl>()) {
    impl_->host = std::move(host);
    impl_->port = port;
    impl_->timeout = timeout;
}

HttpClient::~HttpClient() { impl_->Close(); }

void HttpClient::SetTimeout(std::chrono::milliseconds timeout) { impl_->timeout = timeout; }

HttpResponse HttpClient::Get(std::string const& target, HttpHeaders const& headers) {
    return Request(http::verb::get, target, {}, headers);
}

HttpResponse HttpClient::Post(std::string const& target, std::string body, HttpHeaders const& headers) {
    return Request(http::verb::post, target, std::move(body), headers);
}

HttpResponse HttpClient::Request(http::verb method, std::string const& target, std::string body,
                                 HttpHeaders const& headers) {
    http::request<http::string_body> request{method, target, 11};
    request.set(http::field::host, impl_->host + ":" + std::to_string(impl_->port));
    request.set(http::field::user_agent, "b2bsync-test");
    for (auto const& [name, value] : headers) {
        request.set(name, value);
    }
    request.body() = std::move(body);
    if (!request.body().empty() || method == http::verb::post || method == http::verb::put) {
        request.prepare_payload();
    }
    std::string const what = std::string(http::to_string(method)) + " " + target;
    for (int attempt = 0; attempt < 2; ++attempt) {
        bool const reused = impl_->stream.has_value();
        if (!reused) {
            impl_->Connect();
        }
        std::string failure;
        bool closed_before_answer = false;
        if (auto response = impl_->Exchange(request, failure, closed_before_answer)) {
            return *response;
        }
        impl_->Close();
        // A kept connection the server closed while idle: one retry on a fresh connection.
        if (!(reused && closed_before_answer)) {
            throw std::runtime_error("http client: " + what + " to " + impl_->Where() + ": " + failure);
        }
    }
    throw std::runtime_error("http client: " + what + " to " + impl_->Where() + ": connection closed twice");
}

void HttpClient::Close() { impl_->Close(); }

bool HttpClient::Connected() const { return impl_->stream.has_value(); }

std::string RawSend(std::string const& host, std::uint16_t port, std::string_view bytes,
                    std::chrono::milliseconds read_timeout) {
    asio::io_context ioc;
    beast::tcp_stream stream(ioc);
    std::string const where = host + ":" + std::to_string(port);
    boost::system::error_code ec;
    tcp::resolver resolver(ioc);
    auto const endpoints = resolver.resolve(host, std::to_string(port), ec);
    if (ec) {
        throw std::runtime_error("RawSend: cannot resolve " + where + ": " + ec.message());
    }
    stream.expires_after(read_timeout);
    stream.async_connect(endpoints, [&ec](boost::system::error_code e, tcp::endpoint const&) { ec = e; });
    RunToCompletion(ioc);
    if (ec) {
        throw std::runtime_error("RawSend: cannot connect to " + where + ": " + ec.message());
    }
    // Write and read concurrently under one total deadline: the server may answer (and close)
    // before it has taken all the bytes.
    stream.expires_after(read_timeout);
    asio::async_write(stream, asio::buffer(bytes.data(), bytes.size()), [](boost::system::error_code, std::size_t) {});
    std::string received;
    std::array<char, 4096> chunk{};
    std::function<void()> read_more = [&] {
        stream.async_read_some(asio::buffer(chunk), [&](boost::system::error_code e, std::size_t n) {
            received.append(chunk.data(), n);
            if (!e) {
                read_more();
            }
        });
    };
    read_more();
    RunToCompletion(ioc);
    return received;
}

}  // namespace b2b::test
