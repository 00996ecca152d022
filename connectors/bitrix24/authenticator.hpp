#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>

#include "core/util/error.hpp"

namespace b2b::bitrix24 {

/// Where and how requests are authorised. The webhook flavour keeps the secret in the URL path;
/// the OAuth flavour (oauth_authenticator.hpp) adds `auth` to each body and refreshes on 401
/// expired_token. Implementations are thread-safe.
class Authenticator {
public:
    virtual ~Authenticator() = default;

    /// Base URL the method name is appended to, ending in '/'. A secret: never log it.
    virtual std::string BaseUrl() const = 0;
    /// The portal's host, safe to log ("portal.bitrix24.ru").
    virtual std::string PortalHost() const = 0;
    /// Called before a request is built: ok when credentials exist (OAuth without an access token
    /// yet fetches one). Default: ok.
    virtual Status Prepare() { return {}; }
    /// Adds credentials to a request body (OAuth: "auth"); the webhook adds nothing. Returns the
    /// generation of the credentials used, to hand to Refresh if the portal rejects them.
    virtual std::uint64_t Apply(boost::json::object& params) const = 0;
    /// Called after a 401 expired_token for a request sent with `rejected_generation`. Returns ok
    /// when a retry with fresh credentials makes sense (including when another caller already
    /// replaced them); the webhook returns a permanent error (webhooks do not expire tokens).
    virtual Status Refresh(std::uint64_t rejected_generation) = 0;
    /// The portal was renamed (a 301/302 to another host): remember `new_base_url` (same shape
    /// as BaseUrl) for every later request.
    virtual void OnPortalMoved(std::string new_base_url) = 0;
    /// Why the credentials cannot work any more without an admin (e.g. the refresh token was
    /// refused), or "" while they can. Safe to show on /readyz (never contains a secret).
    virtual std::string Problem() const { return {}; }
};

/// Inbound-webhook credentials: `https://{portal}/rest/{user}/{code}/`.
class WebhookAuthenticator final : public Authenticator {
public:
    /// Errors: permanent when `url` is not http(s)://host/rest/{user}/{code}[/] (the message
    /// does not repeat the URL, which is a secret).
    static Result<std::unique_ptr<WebhookAuthenticator>> Create(std::string_view url);

    std::string BaseUrl() const override;
    std::string PortalHost() const override;
    std::uint64_t Apply(boost::json::object& params) const override;
    Status Refresh(std::uint64_t rejected_generation) override;
    void OnPortalMoved(std::string new_base_url) override;

private:
    explicit WebhookAuthenticator(std::string base_url);
    mutable std::mutex mutex_;
    std::string base_url_;
};

/// The host part of an http(s) URL ("" when it has none).
std::string HostOf(std::string_view url);

}  // namespace b2b::bitrix24
