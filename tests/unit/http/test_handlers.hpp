#pragma once

#include <atomic>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>

#include <boost/asio/awaitable.hpp>

#include "core/http/router.hpp"

namespace b2b::http::test {

// Coroutines take their state as parameters (style rule 5); the Handler lambdas only forward.

inline boost::asio::awaitable<Response> TextReply(Request request, std::string text) {
    Response response{beast_http::status::ok, request.version()};
    response.set(beast_http::field::content_type, "text/plain");
    response.body() = std::move(text);
    co_return response;
}

inline boost::asio::awaitable<Response> EchoReply(Request request) {
    Response response{beast_http::status::ok, request.version()};
    response.set("X-Method", std::string(request.method_string()));
    response.body() = std::move(request.body());
    co_return response;
}

inline boost::asio::awaitable<Response> ThrowingReply(Request request) {
    if (!request.body().empty()) {
        throw std::runtime_error("handler exploded");
    }
    co_return Response{};
}

/// Answers `text`.
inline Handler Text(std::string text) {
    return [text = std::move(text)](Request request) { return TextReply(std::move(request), text); };
}

/// Answers with the request body and an X-Method header.
inline Handler Echo() {
    return [](Request request) { return EchoReply(std::move(request)); };
}

/// Answers `text` and counts calls.
inline Handler Counted(std::shared_ptr<std::atomic<int>> calls, std::string text) {
    return [calls = std::move(calls), text = std::move(text)](Request request) {
        ++*calls;
        return TextReply(std::move(request), text);
    };
}

inline Handler Throwing() {
    return [](Request request) { return ThrowingReply(std::move(request)); };
}

}  // namespace b2b::http::test
