#include "connectors/bitrix24/oauth_server.hpp"

#include <curl/curl.h>

#include <memory>

#include <boost/json/parse.hpp>
#include <fmt/format.h>

#include "connectors/bitrix24/authenticator.hpp"

namespace b2b::bitrix24 {
namespace {

namespace json = boost::json;

std::size_t OnBody(char* data, std::size_t size, std::size_t count, void* user) {
    static_cast<std::string*>(user)->append(data, size * count);
    return size * count;
}

std::string Escape(CURL* curl, std::string const& value) {
    std::unique_ptr<char, decltype(&curl_free)> escaped(
        curl_easy_escape(curl, value.data(), static_cast<int>(value.size())), &curl_free);
    return escaped ? std::string(escaped.get()) : std::string();
}

std::string StringField(json::object const& o, std::string_view key) {
    auto const* v = o.if_contains(key);
    return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

std::string Lower(std::string text) {
    for (auto& c : text) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return text;
}

// What the admin has to do about each refusal (error codes: bitrix24.md §1.2).
std::string Advice(std::string const& code) {
    if (code == "invalid_grant") {
        return "the refresh token is dead (expired after 180 days, already used, or the app was reinstalled); "
               "re-authorise the application and put the new refresh token in bitrix24.oauth.refresh_token";
    }
    if (code == "invalid_client") {
        return "wrong bitrix24.oauth.client_id/client_secret, or the application is not installed on the portal";
    }
    if (code == "payment_required") {
        return "the portal's trial or paid period is over";
    }
    return "check the application's settings on the portal";
}

}  // namespace

OAuthServerClient::OAuthServerClient(OAuthServerOptions options) : options_(std::move(options)) {}

std::string OAuthServerClient::ServerHost() const { return HostOf(options_.token_url); }

Result<OAuthTokens> OAuthServerClient::Refresh(std::string const& refresh_token, UnixMillis now) const {
    std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), &curl_easy_cleanup);
    if (!curl) {
        return Error::Bug("bitrix24 oauth: curl_easy_init failed");
    }
    auto const host = ServerHost();
    std::string url = options_.token_url;
    url += url.find('?') == std::string::npos ? '?' : '&';
    url += "grant_type=refresh_token&client_id=" + Escape(curl.get(), options_.client_id) +
           "&client_secret=" + Escape(curl.get(), options_.client_secret) +
           "&refresh_token=" + Escape(curl.get(), refresh_token);
    std::string body;
    curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl.get(), CURLOPT_HTTPGET, 1L);
    curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT_MS, static_cast<long>(options_.timeout.count()));
    curl_easy_setopt(curl.get(), CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl.get(), CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(curl.get(), CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl.get(), CURLOPT_USERAGENT, options_.user_agent.c_str());
    curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, &OnBody);
    curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &body);
    CURLcode const rc = curl_easy_perform(curl.get());
    // The URL holds the client secret and the refresh token: wipe our copy now.
    std::fill(url.begin(), url.end(), '\0');
    if (rc != CURLE_OK) {
        // A lost reply is the dangerous case: the server may have rotated the token already. The
        // next refresh with the old token then gets invalid_grant and says so.
        return Error::Transient(fmt::format("bitrix24 oauth: token refresh on {} failed: {}", host,
                                            curl_easy_strerror(rc)));
    }
    long status = 0;
    curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &status);
    boost::system::error_code ec;
    auto parsed = json::parse(body, ec);
    json::object const* reply = !ec ? parsed.if_object() : nullptr;
    if (reply == nullptr) {
        if (status >= 500 || status == 429 || status == 408 || status == 200) {
            return Error::Transient(
                fmt::format("bitrix24 oauth: token refresh on {}: HTTP {} with an unreadable body", host, status));
        }
        return Error::Permanent(fmt::format("bitrix24 oauth: token refresh on {}: HTTP {}", host, status));
    }
    if (auto const code = StringField(*reply, "error"); !code.empty() || status != 200) {
        auto const lower = Lower(code);
        auto const text = fmt::format("bitrix24 oauth: token refresh refused by {}: HTTP {} {} ({})", host, status,
                                      code, StringField(*reply, "error_description"));
        if (status >= 500 || status == 429 || status == 408) {
            return Error::Transient(text);
        }
        return Error::Permanent(text + "; " + Advice(lower));
    }
    OAuthTokens tokens;
    tokens.access_token = StringField(*reply, "access_token");
    tokens.refresh_token = StringField(*reply, "refresh_token");
    if (tokens.access_token.empty() || tokens.refresh_token.empty()) {
        return Error::Transient(fmt::format("bitrix24 oauth: token refresh on {}: the reply has no token pair", host));
    }
    // `expires` (unix seconds) is the server's word; `expires_in` is the fallback.
    if (auto const* expires = reply->if_contains("expires"); expires != nullptr && expires->is_int64()) {
        tokens.expires_at = expires->as_int64() * 1000;
    } else if (auto const* in = reply->if_contains("expires_in"); in != nullptr && in->is_int64()) {
        tokens.expires_at = now + in->as_int64() * 1000;
    }
    return tokens;
}

}  // namespace b2b::bitrix24
