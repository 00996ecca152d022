#include "connectors/bitrix24/rest_client.hpp"

#include <curl/curl.h>

#include <boost/json/serialize.hpp>
#include <fmt/format.h>

#include "connectors/bitrix24/errors.hpp"
#include "core/util/log.hpp"

namespace b2b::bitrix24 {
namespace {

constexpr std::string_view kLog = "bitrix24";

std::size_t OnBody(char* data, std::size_t size, std::size_t count, void* user) {
    static_cast<std::string*>(user)->append(data, size * count);
    return size * count;
}

int OnProgress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
    return static_cast<std::atomic<bool> const*>(user)->load() ? 1 : 0;
}

bool IsRedirect(long status) { return status == 301 || status == 302 || status == 307 || status == 308; }

// The new base URL after a portal rename: the Location minus the method name when it ends with
// it (…/rest/1/code/crm.company.add[.json]); otherwise the old path on the new host.
std::string NewBase(std::string const& location, std::string const& old_base, std::string_view method) {
    auto query_at = location.find('?');
    std::string path = location.substr(0, query_at);
    for (std::string suffix : {std::string(method) + ".json", std::string(method)}) {
        if (path.size() > suffix.size() && path.ends_with(suffix) && path[path.size() - suffix.size() - 1] == '/') {
            return path.substr(0, path.size() - suffix.size());
        }
    }
    auto const scheme_end = location.find("://");
    auto const host_end = location.find('/', scheme_end == std::string::npos ? 0 : scheme_end + 3);
    auto const old_path_at = old_base.find('/', old_base.find("://") + 3);
    return location.substr(0, host_end) + old_base.substr(old_path_at);
}

}  // namespace

struct RestClient::Handle {
    CURL* curl = curl_easy_init();
    ~Handle() {
        if (curl != nullptr) {
            curl_easy_cleanup(curl);
        }
    }
};

Error ClassifyTransportError(int curl_code, std::string_view method, std::string_view host, std::string_view detail) {
    auto const code = static_cast<CURLcode>(curl_code);
    auto const text = fmt::format("{} on {}: {} ({})", method, host, curl_easy_strerror(code), detail);
    switch (code) {
        case CURLE_URL_MALFORMAT:
        case CURLE_UNSUPPORTED_PROTOCOL:
        case CURLE_PEER_FAILED_VERIFICATION:
        case CURLE_SSL_CACERT_BADFILE:
        case CURLE_SSL_CERTPROBLEM:
            return Error::Permanent(text + "; fix bitrix24.webhook_url or the TLS setup");
        case CURLE_GOT_NOTHING:
        case CURLE_RECV_ERROR:
        case CURLE_PARTIAL_FILE:
        case CURLE_OPERATION_TIMEDOUT:
            // The request left: the portal may have applied it. The retry looks the entity up
            // by its external id before writing, so it cannot duplicate.
            return Error::Transient(text + "; the reply was lost, the request may have been applied");
        default:
            return Error::Transient(text);
    }
}

RestClient::RestClient(Authenticator& auth, Limiter& limiter, Clock const& clock, RestOptions options)
    : auth_(auth), limiter_(limiter), clock_(clock), options_(std::move(options)) {}

RestClient::~RestClient() = default;

std::unique_ptr<RestClient::Handle> RestClient::AcquireHandle() {
    {
        std::lock_guard lock(mutex_);
        if (!idle_.empty()) {
            auto h = std::move(idle_.back());
            idle_.pop_back();
            return h;
        }
    }
    return std::make_unique<Handle>();
}

void RestClient::ReleaseHandle(std::unique_ptr<Handle> handle) {
    std::lock_guard lock(mutex_);
    idle_.push_back(std::move(handle));
}

void RestClient::Cancel() {
    cancelled_ = true;
    limiter_.Cancel();
}

bool IsCrmWrite(std::string_view method) noexcept { return method.starts_with("crm.") && !IsReadOnlyMethod(method); }

bool IsReadOnlyMethod(std::string_view method) noexcept {
    // event.offline.get reserves a batch under our process_id: a silent libcurl re-send would
    // reserve a second one that event.offline.clear then deletes unseen. It is a write.
    if (method.starts_with("event.offline.")) {
        return false;
    }
    for (std::string_view suffix : {".list", ".get", ".fields", ".types"}) {
        if (method.ends_with(suffix)) {
            return true;
        }
    }
    return false;
}

Result<RestClient::RawReply> RestClient::Perform(std::string const& url, std::string_view method,
                                                 std::string const& body, bool read_only) {
    auto handle = AcquireHandle();
    CURL* curl = handle->curl;
    if (curl == nullptr) {
        return Error::Bug("bitrix24: curl_easy_init failed");
    }
    curl_easy_reset(curl);  // keeps the connection cache (keep-alive), clears per-request options
    RawReply raw;
    curl_slist* headers = nullptr;
    headers = curl_slist_append(headers, "Content-Type: application/json");
    headers = curl_slist_append(headers, "Accept: application/json");
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_POST, 1L);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.timeout.count()));
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options_.connect_timeout.count()));
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_FRESH_CONNECT, read_only ? 0L : 1L);
    // Redirects are followed by Send (portal rename), as a POST with the same body; should
    // following ever be switched on here, POSTREDIR keeps libcurl from turning it into a GET.
    curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(curl, CURLOPT_POSTREDIR, static_cast<long>(CURL_REDIR_POST_ALL));
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_USERAGENT, options_.user_agent.c_str());
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &OnBody);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &raw.body);
    curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, &OnProgress);
    curl_easy_setopt(curl, CURLOPT_XFERINFODATA, &cancelled_);
    ++stats_.requests;
    CURLcode const rc = curl_easy_perform(curl);
    curl_slist_free_all(headers);
    if (rc != CURLE_OK) {
        ++stats_.transport_errors;
        if (rc == CURLE_COULDNT_CONNECT || rc == CURLE_COULDNT_RESOLVE_HOST || rc == CURLE_COULDNT_RESOLVE_PROXY) {
            unreachable_ = true;
        } else if (rc == CURLE_OPERATION_TIMEDOUT) {
            // Timed out before a connection existed: as unreachable as a refused connect.
            curl_off_t connect_us = 0;
            curl_easy_getinfo(curl, CURLINFO_CONNECT_TIME_T, &connect_us);
            if (connect_us == 0) {
                unreachable_ = true;
            }
        }
        ReleaseHandle(std::move(handle));
        auto const host = HostOf(url);
        log::Warn(kLog, "request failed", {{"portal", host}, {"method", method}, {"curl", curl_easy_strerror(rc)}});
        return ClassifyTransportError(rc, method, host, cancelled_ ? "cancelled" : "transport");
    }
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &raw.status);
    unreachable_ = false;
    char* content_type = nullptr;
    curl_easy_getinfo(curl, CURLINFO_CONTENT_TYPE, &content_type);
    raw.content_type = content_type != nullptr ? content_type : "";
    char* location = nullptr;
    curl_easy_getinfo(curl, CURLINFO_REDIRECT_URL, &location);
    raw.location = location != nullptr ? location : "";
    ReleaseHandle(std::move(handle));
    return raw;
}

Result<Reply> RestClient::Send(std::string_view method, std::span<std::string const> limiter_methods,
                               boost::json::object params, bool read_only) {
    if (cancelled_) {
        return Error::Transient(fmt::format("{}: bitrix24 client is shutting down", method));
    }
    if (auto prepared = auth_.Prepare(); !prepared) {
        return prepared.error().WithContext(method);
    }
    if (!options_.auth_connector.empty() && IsCrmWrite(method) && !params.contains("auth_connector")) {
        params["auth_connector"] = options_.auth_connector;
    }
    std::uint64_t generation = auth_.Apply(params);
    std::string body = boost::json::serialize(params);
    bool redirected = false;
    bool refreshed = false;
    for (;;) {
        if (auto acquired = limiter_.Acquire(limiter_methods, options_.max_limiter_wait); !acquired) {
            return acquired.error().WithContext(method);
        }
        std::string const base = auth_.BaseUrl();
        auto raw = Perform(base + std::string(method), method, body, read_only);
        if (!raw) {
            return raw.error();
        }
        if (IsRedirect(raw->status) && !raw->location.empty() && !redirected) {
            redirected = true;
            ++stats_.redirects;
            auto new_base = NewBase(raw->location, base, method);
            log::Warn(kLog, "portal moved; re-sending to the new address",
                      {{"from", HostOf(base)}, {"to", HostOf(new_base)}, {"method", method}});
            auth_.OnPortalMoved(std::move(new_base));
            continue;
        }
        auto const now = clock_.NowMillis();
        auto reply = ParseEnvelope(method, raw->status, raw->content_type, raw->body, now,
                                   limiter_methods.size() == 1 ? limiter_.ResetAt(limiter_methods[0])
                                                               : std::optional<UnixMillis>{});
        if (reply) {
            limiter_.OnAccepted();
            limiter_.OnReply(method, reply->time);
            return reply;
        }
        if (raw->status == 503 && raw->body.find("QUERY_LIMIT_EXCEEDED") != std::string::npos) {
            ++stats_.query_limit_503;
            auto const pause = limiter_.OnQueryLimitExceeded();
            log::Warn(kLog, "request rate limit exceeded",
                      {{"portal", auth_.PortalHost()}, {"method", method}, {"pause_ms", pause.count()}});
            auto error = reply.error();
            error.retry_after = std::max(error.retry_after.value_or(pause), pause);
            return error;
        }
        limiter_.OnAccepted();
        if (raw->status == 429 && raw->body.find("OPERATION_TIME_LIMIT") != std::string::npos) {
            ++stats_.operation_limit_429;
            auto const until = limiter_.OnOperationTimeLimit(method);
            auto error = reply.error();
            error.retry_after = std::chrono::milliseconds(std::max<UnixMillis>(until - now, 0));
            log::Warn(kLog, "method parked: operating-time budget spent",
                      {{"portal", auth_.PortalHost()}, {"method", method}, {"retry_ms", until - now}});
            return error;
        }
        if (raw->status == 401 && raw->body.find("expired_token") != std::string::npos && !refreshed) {
            refreshed = true;
            if (auto refreshed_ok = auth_.Refresh(generation); !refreshed_ok) {
                return refreshed_ok.error().WithContext(method);
            }
            // The one retry goes with the new credentials (the old body still carries the dead token).
            generation = auth_.Apply(params);
            body = boost::json::serialize(params);
            continue;
        }
        log::Warn(kLog, "call failed", {{"portal", auth_.PortalHost()}, {"method", method}, {"http_status", raw->status},
                                        {"class", ToString(reply.error().error_class)}});
        return reply;
    }
}

Result<Reply> RestClient::Call(std::string_view method, boost::json::object params) {
    std::string const m(method);
    return Send(method, std::span<std::string const>(&m, 1), std::move(params), IsReadOnlyMethod(method));
}

Result<std::vector<CommandOutcome>> RestClient::Batch(std::span<BatchCommand const> commands) {
    // Each command carries auth_connector itself: the docs say nothing of the outer batch passing it on.
    std::vector<BatchCommand> tagged;
    if (!options_.auth_connector.empty()) {
        tagged.assign(commands.begin(), commands.end());
        for (auto& c : tagged) {
            if (IsCrmWrite(c.method) && !c.params.contains("auth_connector")) {
                c.params["auth_connector"] = options_.auth_connector;
            }
        }
        commands = tagged;
    }
    auto body = EncodeBatch(commands, false);
    if (!body) {
        return body.error();
    }
    std::vector<std::string> methods;
    methods.reserve(commands.size());
    bool read_only = true;
    for (auto const& c : commands) {
        methods.push_back(c.method);
        read_only = read_only && IsReadOnlyMethod(c.method);
    }
    auto reply = Send("batch", methods, std::move(*body), read_only);
    if (!reply) {
        return reply.error();
    }
    auto outcomes = DecodeBatch(commands, reply->result, clock_.NowMillis());
    if (!outcomes) {
        return outcomes.error();
    }
    for (auto& o : *outcomes) {
        if (o.reply) {
            limiter_.OnReply(o.method, o.reply->time);
        } else if (o.reply.error().IsTransient() && o.reply.error().message.find("OPERATION_TIME_LIMIT") !=
                                                        std::string::npos) {
            ++stats_.operation_limit_429;
            auto const until = limiter_.OnOperationTimeLimit(o.method);
            o.reply.error().retry_after =
                std::chrono::milliseconds(std::max<UnixMillis>(until - clock_.NowMillis(), 0));
        }
    }
    return outcomes;
}

}  // namespace b2b::bitrix24
