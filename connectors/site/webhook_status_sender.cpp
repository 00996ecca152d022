#include "connectors/site/webhook_status_sender.hpp"

#include <curl/curl.h>

#include "connectors/site/webhook_order_json.hpp"
#include "connectors/site/webhook_signature.hpp"
#include "connectors/webhook/classify.hpp"

namespace b2b::site {
namespace {

struct Exchange {
    std::string body;
    std::string retry_after;
};

std::size_t OnBody(char* data, std::size_t size, std::size_t n, void* user) {
    auto* ex = static_cast<Exchange*>(user);
    if (ex->body.size() < 4096) {
        ex->body.append(data, std::min<std::size_t>(size * n, 4096 - ex->body.size()));
    }
    return size * n;
}

std::size_t OnHeader(char* data, std::size_t size, std::size_t n, void* user) {
    std::string_view line(data, size * n);
    constexpr std::string_view kName = "retry-after:";
    if (line.size() > kName.size()) {
        std::string lower(line.substr(0, kName.size()));
        for (auto& c : lower) {
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        }
        if (lower == kName) {
            auto value = line.substr(kName.size());
            while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' ')) {
                value.remove_suffix(1);
            }
            while (!value.empty() && value.front() == ' ') {
                value.remove_prefix(1);
            }
            static_cast<Exchange*>(user)->retry_after = std::string(value);
        }
    }
    return size * n;
}

char const* Tri(std::optional<bool> const& v) { return !v ? "-" : (*v ? "1" : "0"); }

}  // namespace

struct WebhookStatusSender::Handle {
    CURL* curl = curl_easy_init();
    ~Handle() {
        if (curl != nullptr) {
            curl_easy_cleanup(curl);
        }
    }
};

WebhookStatusSender::WebhookStatusSender(StatusSenderOptions options, Clock const& clock)
    : options_(std::move(options)), clock_(clock), handle_(std::make_unique<Handle>()) {}

WebhookStatusSender::~WebhookStatusSender() = default;

Status WebhookStatusSender::Send(SiteOrderUpdate const& update) {
    std::lock_guard lock(mutex_);
    CURL* curl = handle_->curl;
    if (curl == nullptr) {
        return Error::Transient("site callback: cannot create an HTTP client handle");
    }
    curl_easy_reset(curl);
    std::string const body = EncodeWebhookUpdate(update);
    std::string const timestamp = std::to_string(clock_.NowMillis() / 1000);
    std::string const idempotency = update.order_id + ":" + update.status_id + ":" + Tri(update.paid) + ":" +
                                    Tri(update.shipped) + ":" + Tri(update.cancelled);
    curl_slist* headers = nullptr;
    headers = curl_slist_append(headers, "Content-Type: application/json");
    headers = curl_slist_append(headers, "Expect:");
    headers = curl_slist_append(headers, (std::string(kTimestampHeader) + ": " + timestamp).c_str());
    headers = curl_slist_append(
        headers, (std::string(kSignatureHeader) + ": " + SignWebhook(options_.secret, timestamp, body)).c_str());
    headers = curl_slist_append(headers, ("Idempotency-Key: " + idempotency).c_str());
    Exchange ex;
    curl_easy_setopt(curl, CURLOPT_URL, options_.callback_url.c_str());
    curl_easy_setopt(curl, CURLOPT_POST, 1L);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.timeout.count()));
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &OnBody);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &ex);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, &OnHeader);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &ex);
    curl_easy_setopt(curl, CURLOPT_USERAGENT, "b2bsync");
    CURLcode const rc = curl_easy_perform(curl);
    curl_slist_free_all(headers);
    if (rc != CURLE_OK) {
        return webhook::ClassifyCurlError(rc, "site callback", "");
    }
    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    return webhook::ClassifyHttpStatus(status, webhook::ParseRetryAfter(ex.retry_after, clock_.NowMillis()),
                                       "site callback", status >= 300 ? ex.body.substr(0, 200) : std::string());
}

}  // namespace b2b::site
