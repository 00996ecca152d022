#include "connectors/site/exchange_transport.hpp"

#include <curl/curl.h>
#include <fmt/format.h>

namespace b2b::site {
namespace {

std::size_t OnBody(char* data, std::size_t size, std::size_t count, void* user) {
    static_cast<std::string*>(user)->append(data, size * count);
    return size * count;
}

std::string HostOf(std::string const& url) {
    auto const scheme = url.find("://");
    auto const start = scheme == std::string::npos ? 0 : scheme + 3;
    auto const end = url.find_first_of("/?#", start);
    auto host = url.substr(start, end == std::string::npos ? std::string::npos : end - start);
    auto const at = host.rfind('@');  // never echo user:password@ from a URL
    return at == std::string::npos ? host : host.substr(at + 1);
}

}  // namespace

struct ExchangeTransport::Handle {
    CURL* curl = curl_easy_init();
    ~Handle() {
        if (curl != nullptr) {
            curl_easy_cleanup(curl);
        }
    }
};

ExchangeTransport::ExchangeTransport(std::string url, std::string user, std::string password,
                                     std::chrono::milliseconds timeout)
    : url_(std::move(url)),
      user_(std::move(user)),
      password_(std::move(password)),
      timeout_(timeout),
      host_(HostOf(url_)),
      handle_(std::make_unique<Handle>()) {}

ExchangeTransport::~ExchangeTransport() = default;

Result<HttpReply> ExchangeTransport::Send(std::string_view mode, std::string const& query, std::string const& cookie,
                                          std::string const* body) {
    CURL* curl = handle_->curl;
    if (curl == nullptr) {
        return Error::Transient("site: cannot create an HTTP client handle");
    }
    curl_easy_reset(curl);  // keeps the connection cache
    HttpReply reply;
    std::string const target = url_ + (url_.find('?') == std::string::npos ? "?" : "&") + query;
    curl_slist* headers = nullptr;
    headers = curl_slist_append(headers, "Expect:");
    if (body != nullptr) {
        headers = curl_slist_append(headers, "Content-Type: application/octet-stream");
    }
    curl_easy_setopt(curl, CURLOPT_URL, target.c_str());
    curl_easy_setopt(curl, CURLOPT_HTTPAUTH, static_cast<long>(CURLAUTH_BASIC));
    curl_easy_setopt(curl, CURLOPT_USERNAME, user_.c_str());
    curl_easy_setopt(curl, CURLOPT_PASSWORD, password_.c_str());
    if (!cookie.empty()) {
        curl_easy_setopt(curl, CURLOPT_COOKIE, cookie.c_str());
    }
    if (body != nullptr) {
        curl_easy_setopt(curl, CURLOPT_POST, 1L);
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body->data());
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body->size()));
        // A POST that died on a reused connection must not be re-sent silently: `file` appends.
        curl_easy_setopt(curl, CURLOPT_FRESH_CONNECT, 1L);
    } else {
        curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
    }
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout_.count()));
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, std::min<long>(static_cast<long>(timeout_.count()), 10000L));
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_USERAGENT, "1C+Enterprise/8.3 (b2bsync)");
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &OnBody);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &reply.body);
    CURLcode const rc = curl_easy_perform(curl);
    curl_slist_free_all(headers);
    if (rc != CURLE_OK) {
        auto const text = fmt::format("site {}: mode={}: {}", host_, mode, curl_easy_strerror(rc));
        switch (rc) {
            case CURLE_URL_MALFORMAT:
            case CURLE_UNSUPPORTED_PROTOCOL:
            case CURLE_PEER_FAILED_VERIFICATION:
            case CURLE_SSL_CACERT_BADFILE:
                return Error::Permanent(text + "; fix site.url or the TLS setup");
            default:
                return Error::Transient(text);
        }
    }
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &reply.status);
    char* content_type = nullptr;
    curl_easy_getinfo(curl, CURLINFO_CONTENT_TYPE, &content_type);
    reply.content_type = content_type != nullptr ? content_type : "";
    if (reply.status >= 200 && reply.status < 300) {
        return reply;
    }
    auto const text = fmt::format("site {}: mode={}: HTTP {}", host_, mode, reply.status);
    if (reply.status == 408 || reply.status == 429 || reply.status >= 500) {
        return Error::Transient(text);
    }
    if (reply.status == 413) {
        return Error::Permanent(text + ": a proxy refused the upload size; raise its body limit or lower the "
                                       "site's file_limit");
    }
    if (reply.status == 401 || reply.status == 403) {
        return Error::Permanent(text + ": access denied; check site.user and site.password");
    }
    return Error::Permanent(text);
}

}  // namespace b2b::site
