#include "connectors/webhook/webhook_deliverer.hpp"

#include <curl/curl.h>

#include "connectors/webhook/classify.hpp"

namespace b2b::webhook {
namespace {

constexpr std::size_t kMaxResponseBody = 64 * 1024;  // enough for an error text; bounded
constexpr std::size_t kBodyExcerpt = 200;            // what goes into last_error

struct Exchange {
    std::string body;
    std::string retry_after;
};

std::size_t OnBody(char* data, std::size_t size, std::size_t n, void* user) {
    auto* ex = static_cast<Exchange*>(user);
    std::size_t const bytes = size * n;
    if (ex->body.size() < kMaxResponseBody) {
        ex->body.append(data, std::min(bytes, kMaxResponseBody - ex->body.size()));
    }
    return bytes;
}

std::size_t OnHeader(char* data, std::size_t size, std::size_t n, void* user) {
    auto* ex = static_cast<Exchange*>(user);
    std::string_view line(data, size * n);
    constexpr std::string_view kName = "retry-after:";
    if (line.size() > kName.size()) {
        bool match = true;
        for (std::size_t i = 0; i < kName.size(); ++i) {
            if (std::tolower(static_cast<unsigned char>(line[i])) != kName[i]) {
                match = false;
                break;
            }
        }
        if (match) {
            auto value = line.substr(kName.size());
            while (!value.empty() && (value.back() == '\r' || value.back() == '\n')) {
                value.remove_suffix(1);
            }
            ex->retry_after = std::string(value);
        }
    }
    return size * n;
}

int OnProgress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
    // Non-zero aborts the transfer: used by Cancel() when shutdown's grace period ran out.
    return static_cast<std::atomic<bool>*>(user)->load() ? 1 : 0;
}

std::string Excerpt(std::string const& body) {
    std::string out = body.substr(0, kBodyExcerpt);
    for (auto& ch : out) {
        if (ch == '\n' || ch == '\r') {
            ch = ' ';
        }
    }
    while (!out.empty() && out.back() == ' ') {
        out.pop_back();
    }
    return out;
}

}  // namespace

struct WebhookDeliverer::Handle {
    CURL* curl = nullptr;
    Handle() : curl(curl_easy_init()) {}
    ~Handle() {
        if (curl != nullptr) {
            curl_easy_cleanup(curl);
        }
    }
};

WebhookDeliverer::WebhookDeliverer(WebhookOptions options, Clock const& clock)
    : options_(std::move(options)), clock_(clock) {}

WebhookDeliverer::~WebhookDeliverer() = default;

std::unique_ptr<WebhookDeliverer::Handle> WebhookDeliverer::Acquire() {
    std::lock_guard lock(mutex_);
    if (!idle_.empty()) {
        auto h = std::move(idle_.back());
        idle_.pop_back();
        return h;
    }
    return std::make_unique<Handle>();
}

void WebhookDeliverer::Release(std::unique_ptr<Handle> handle) {
    std::lock_guard lock(mutex_);
    idle_.push_back(std::move(handle));
}

void WebhookDeliverer::Cancel() { cancelled_ = true; }

void WebhookDeliverer::Update(WebhookOptions options) {
    std::lock_guard lock(mutex_);
    options_ = std::move(options);
}

std::vector<Status> WebhookDeliverer::DeliverBatch(std::span<store::Job const> jobs) {
    std::vector<Status> results;
    results.reserve(jobs.size());
    auto handle = Acquire();
    WebhookOptions options;
    {
        std::lock_guard lock(mutex_);
        options = options_;
    }
    for (auto const& job : jobs) {
        results.push_back(DeliverOne(*handle, options, job));
    }
    Release(std::move(handle));
    return results;
}

Status WebhookDeliverer::DeliverOne(Handle& handle, WebhookOptions const& opts, store::Job const& job) {
    if (handle.curl == nullptr) {
        return Error::Transient(opts.name + ": cannot create an HTTP client handle");
    }
    CURL* curl = handle.curl;
    curl_easy_reset(curl);  // keeps the connection cache, clears per-request options
    Exchange ex;
    curl_slist* headers = nullptr;
    headers = curl_slist_append(headers, "Content-Type: application/json");
    headers = curl_slist_append(headers, ("Idempotency-Key: " + job.idempotency_key).c_str());
    headers = curl_slist_append(headers, ("X-B2B-Job-Id: " + std::to_string(job.id)).c_str());
    headers = curl_slist_append(headers, ("X-B2B-Entity: " + job.entity_key).c_str());
    headers = curl_slist_append(headers, ("X-B2B-Kind: " + job.kind).c_str());
    headers = curl_slist_append(headers, "Expect:");  // no 100-continue round trip
    if (!opts.bearer_token.empty()) {
        headers = curl_slist_append(headers, ("Authorization: Bearer " + opts.bearer_token).c_str());
    }
    auto const connect_timeout = std::min<long>(static_cast<long>(opts.timeout.count()), 5000L);
    curl_easy_setopt(curl, CURLOPT_URL, opts.url.c_str());
    curl_easy_setopt(curl, CURLOPT_POST, 1L);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, job.payload.data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(job.payload.size()));
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(opts.timeout.count()));
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, connect_timeout);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);  // threads: no SIGALRM for DNS timeouts
    curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &OnBody);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &ex);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, &OnHeader);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &ex);
    curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, &OnProgress);
    curl_easy_setopt(curl, CURLOPT_XFERINFODATA, &cancelled_);
    curl_easy_setopt(curl, CURLOPT_USERAGENT, "b2bsync");

    CURLcode const rc = curl_easy_perform(curl);
    curl_slist_free_all(headers);
    if (rc != CURLE_OK) {
        return ClassifyCurlError(rc, opts.name, "");
    }
    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    return ClassifyHttpStatus(status, ParseRetryAfter(ex.retry_after, clock_.NowMillis()), opts.name,
                              status >= 300 ? Excerpt(ex.body) : std::string());
}

}  // namespace b2b::webhook
