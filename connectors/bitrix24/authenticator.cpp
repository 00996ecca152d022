#include "connectors/bitrix24/authenticator.hpp"

#include <memory>

namespace b2b::bitrix24 {

std::string HostOf(std::string_view url) {
    auto const scheme = url.find("://");
    if (scheme == std::string_view::npos) {
        return {};
    }
    auto rest = url.substr(scheme + 3);
    return std::string(rest.substr(0, rest.find('/')));
}

Result<std::unique_ptr<WebhookAuthenticator>> WebhookAuthenticator::Create(std::string_view url) {
    std::string base(url);
    if (!base.empty() && base.back() != '/') {
        base += '/';
    }
    bool const http = base.starts_with("https://") || base.starts_with("http://");
    auto const host = HostOf(base);
    auto const path_at = base.find('/', base.find("://") + 3);
    // Path must be /rest/{user}/{code}/
    int segments = 0;
    bool rest_first = false;
    if (http && !host.empty() && path_at != std::string::npos) {
        std::string_view path(base);
        path.remove_prefix(path_at + 1);
        rest_first = path.starts_with("rest/");
        for (char c : path) {
            segments += c == '/' ? 1 : 0;
        }
    }
    if (!http || host.empty() || !rest_first || segments != 3) {
        return Error::Permanent(
            "bitrix24.webhook_url: expected https://<portal>/rest/<user id>/<webhook code>/ (the value is not shown: "
            "it is a secret)");
    }
    return std::unique_ptr<WebhookAuthenticator>(new WebhookAuthenticator(std::move(base)));
}

WebhookAuthenticator::WebhookAuthenticator(std::string base_url) : base_url_(std::move(base_url)) {}

std::string WebhookAuthenticator::BaseUrl() const {
    std::lock_guard lock(mutex_);
    return base_url_;
}

std::string WebhookAuthenticator::PortalHost() const { return HostOf(BaseUrl()); }

std::uint64_t WebhookAuthenticator::Apply(boost::json::object&) const { return 0; }

Status WebhookAuthenticator::Refresh(std::uint64_t) {
    return Error::Permanent("bitrix24: the portal reported an expired token, but a webhook has none to refresh");
}

void WebhookAuthenticator::OnPortalMoved(std::string new_base_url) {
    std::lock_guard lock(mutex_);
    base_url_ = std::move(new_base_url);
}

}  // namespace b2b::bitrix24
