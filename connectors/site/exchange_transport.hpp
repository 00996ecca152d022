#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "core/util/error.hpp"

namespace b2b::site {

struct HttpReply {
    long status = 0;
    std::string content_type;
    std::string body;
};

/// One HTTP request to the site's exchange script over libcurl (one easy handle, reused:
/// keep-alive like 1C). Basic credentials go with every request (Bitrix authorises `checkauth`
/// by them; later calls by the cookie). Not thread-safe: one per ExchangeClient call at a time.
///
/// Errors: transport failures are transient except a malformed URL / unsupported scheme / TLS
/// verification (permanent). HTTP statuses: 2xx -> the reply; 408, 429, 5xx -> transient;
/// 413 -> permanent ("lower the proxy's body limit or the site's file_limit"); other -> permanent.
/// Messages name the host and the mode, never the query string (it carries the sessid).
class ExchangeTransport {
public:
    ExchangeTransport(std::string url, std::string user, std::string password, std::chrono::milliseconds timeout);
    ~ExchangeTransport();
    ExchangeTransport(ExchangeTransport const&) = delete;
    ExchangeTransport& operator=(ExchangeTransport const&) = delete;

    /// GET (body empty) or POST `<url>?<query>` with `Cookie: <cookie>` when not empty.
    Result<HttpReply> Send(std::string_view mode, std::string const& query, std::string const& cookie,
                           std::string const* body);

    /// The host:port of the URL, for messages.
    std::string const& host() const { return host_; }

private:
    struct Handle;
    std::string url_;
    std::string user_;
    std::string password_;
    std::chrono::milliseconds timeout_;
    std::string host_;
    std::unique_ptr<Handle> handle_;
};

}  // namespace b2b::site
