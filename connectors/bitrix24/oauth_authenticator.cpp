#include "connectors/bitrix24/oauth_authenticator.hpp"

#include <utility>

#include "core/util/log.hpp"

namespace b2b::bitrix24 {
namespace {

constexpr char kComponent[] = "bitrix24.oauth";

// "https://portal/" or "https://portal/rest/" -> "https://portal/rest/".
std::string RestBase(std::string url) {
    if (!url.empty() && url.back() != '/') {
        url += '/';
    }
    if (!url.ends_with("/rest/")) {
        url += "rest/";
    }
    return url;
}

}  // namespace

Result<std::unique_ptr<OAuthAuthenticator>> OAuthAuthenticator::Create(OAuthSettings settings, OAuthServerOptions server,
                                                                       OAuthTokenStore& store, Clock const& clock) {
    auto const& url = settings.portal_url;
    auto const host = HostOf(url);
    if (!(url.starts_with("https://") || url.starts_with("http://")) || host.empty() ||
        url.find('?') != std::string::npos) {
        return Error::Permanent("bitrix24.oauth.portal_url: expected https://<portal>/ (e.g. https://example.bitrix24.ru/)");
    }
    auto stored = store.Load(host);
    if (!stored) {
        return stored.error().WithContext("bitrix24 oauth: loading the stored tokens");
    }
    OAuthTokens tokens;
    auto const& seed = settings.seed_refresh_token;
    if (*stored && (seed.empty() || (*stored)->seed == seed)) {
        tokens = **stored;
        log::Info(kComponent, "using the stored token pair", {{"portal", host}});
    } else if (!seed.empty()) {
        tokens.refresh_token = seed;
        tokens.seed = seed;
        log::Info(kComponent,
                  *stored ? "bitrix24.oauth.refresh_token changed (application re-authorised); the first request "
                            "refreshes with it"
                          : "no stored tokens; the first request refreshes with bitrix24.oauth.refresh_token",
                  {{"portal", host}});
    } else {
        return Error::Permanent("bitrix24.oauth.refresh_token is empty and no tokens are stored for " + host +
                                "; authorise the application and set the refresh token (see docs/runbook.md)");
    }
    auto base = RestBase(url);
    return std::unique_ptr<OAuthAuthenticator>(new OAuthAuthenticator(std::move(base), host, std::move(server), store, clock,
                                                                      std::move(tokens)));
}

OAuthAuthenticator::OAuthAuthenticator(std::string base_url, std::string portal, OAuthServerOptions server, OAuthTokenStore& store, Clock const& clock,
                                       OAuthTokens tokens)
    : portal_(std::move(portal)),
      server_(std::move(server)),
      server_host_(server_.ServerHost()),
      store_(store),
      clock_(clock),
      base_url_(std::move(base_url)),
      tokens_(std::move(tokens)) {}

std::string OAuthAuthenticator::BaseUrl() const {
    std::lock_guard lock(mutex_);
    return base_url_;
}

std::string OAuthAuthenticator::PortalHost() const { return HostOf(BaseUrl()); }

void OAuthAuthenticator::OnPortalMoved(std::string new_base_url) {
    std::lock_guard lock(mutex_);
    base_url_ = std::move(new_base_url);
}

std::string OAuthAuthenticator::Problem() const {
    std::lock_guard lock(mutex_);
    return problem_;
}

bool OAuthAuthenticator::UsableLocked() const { return problem_.empty() && !unsaved_ && !tokens_.access_token.empty(); }

std::uint64_t OAuthAuthenticator::Apply(boost::json::object& params) const {
    std::lock_guard lock(mutex_);
    params["auth"] = tokens_.access_token;
    return generation_;
}

Status OAuthAuthenticator::Prepare() {
    {
        std::lock_guard lock(mutex_);
        if (UsableLocked()) {
            return {};
        }
        if (!problem_.empty()) {
            return Error::Permanent(problem_);
        }
    }
    std::lock_guard refresh(refresh_mutex_);
    {
        std::lock_guard lock(mutex_);
        if (UsableLocked()) {
            return {};  // the caller before us fetched one
        }
    }
    return RefreshLocked();
}

Status OAuthAuthenticator::Refresh(std::uint64_t rejected_generation) {
    std::lock_guard refresh(refresh_mutex_);
    {
        std::lock_guard lock(mutex_);
        if (!problem_.empty()) {
            return Error::Permanent(problem_);
        }
        if (generation_ != rejected_generation && UsableLocked()) {
            return {};  // refreshed by another caller while we waited: retry with that token
        }
    }
    return RefreshLocked();
}

Status OAuthAuthenticator::Install(OAuthTokens fresh) {
    if (auto saved = store_.Save(portal_, fresh); !saved) {
        log::Error(kComponent, "could not store the new token pair; holding it unused and retrying the save",
                   {{"portal", portal_}, {"error", saved.error().message}});
        std::lock_guard lock(mutex_);
        unsaved_ = std::move(fresh);
        return Error::Transient("bitrix24 oauth: the new token pair is not stored yet: " + saved.error().message);
    }
    std::lock_guard lock(mutex_);
    auto const expires_at = fresh.expires_at;
    tokens_ = std::move(fresh);
    unsaved_.reset();
    ++generation_;
    refreshes_.fetch_add(1);
    log::Info(kComponent, "access token refreshed and stored", {{"portal", portal_}, {"expires_at_ms", expires_at}});
    return {};
}

Status OAuthAuthenticator::RefreshLocked() {
    std::string refresh_token;
    std::optional<OAuthTokens> pending;
    std::string seed;
    {
        std::lock_guard lock(mutex_);
        pending = unsaved_;
        refresh_token = tokens_.refresh_token;
        seed = tokens_.seed;
    }
    if (pending) {
        // The server already rotated: that pair is the only live one. Store it before anything else.
        return Install(std::move(*pending));
    }
    auto fresh = server_.Refresh(refresh_token, clock_.NowMillis());
    if (!fresh) {
        if (fresh.error().IsTransient()) {
            log::Warn(kComponent, "token refresh failed; the call is retried later",
                      {{"portal", portal_}, {"server", server_host_}, {"reason", fresh.error().message}});
            return fresh.error();
        }
        log::Error(kComponent, "token refresh refused; Bitrix24 calls stop until the application is re-authorised",
                   {{"portal", portal_}, {"server", server_host_}, {"reason", fresh.error().message}});
        std::lock_guard lock(mutex_);
        problem_ = fresh.error().message;
        return fresh.error();
    }
    fresh->seed = std::move(seed);
    return Install(std::move(*fresh));
}

}  // namespace b2b::bitrix24
