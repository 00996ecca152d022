#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "connectors/bitrix24/authenticator.hpp"
#include "connectors/bitrix24/oauth_server.hpp"
#include "connectors/bitrix24/oauth_tokens.hpp"
#include "core/util/clock.hpp"
#include "core/util/error.hpp"

namespace b2b::bitrix24 {

struct OAuthSettings {
    std::string portal_url;          ///< https://portal.bitrix24.ru/ — REST calls go to {portal}/rest/{method}
    std::string seed_refresh_token;  ///< from the config; used only while the store holds no pair (a secret)
};

/// A local or Marketplace application's credentials (bitrix24.md §1.2): `auth` = access token in
/// every body; on 401 expired_token the RestClient calls Refresh, which runs the refresh_token grant
/// on the OAuth server and retries the call once.
///
/// One refresh at a time: the server rotates the refresh token and kills the old one, so two
/// concurrent refreshes with one token would leave one caller with invalid_grant (b24jssdk#147).
/// Callers that hit expired_token while a refresh is in flight wait for it and retry with its
/// token; a caller whose rejected token was already replaced does not refresh again (generations).
///
/// The new pair is saved in the store before it is used; if the save fails the pair is kept in
/// memory, unused, and saved again before the next request (the old refresh token is dead anyway).
/// At start the stored pair wins over the config's seed, unless the config holds a different seed
/// than the one the pair descends from (an admin re-authorised the app and put its new refresh
/// token in the config); with nothing stored the seed is used. A refusal (invalid_grant, invalid_client, ...) is permanent and
/// sticky: every later request fails at once with the reason (Problem(), shown on /readyz) until
/// the daemon is restarted with new credentials. Tokens are never logged. Thread-safe.
class OAuthAuthenticator final : public Authenticator {
public:
    /// Loads the stored pair of the portal. Errors: permanent for a malformed portal_url or when
    /// neither a stored pair nor a seed exists; the store's errors.
    static Result<std::unique_ptr<OAuthAuthenticator>> Create(OAuthSettings settings, OAuthServerOptions server,
                                                              OAuthTokenStore& store, Clock const& clock);

    std::string BaseUrl() const override;
    std::string PortalHost() const override;
    Status Prepare() override;
    std::uint64_t Apply(boost::json::object& params) const override;
    Status Refresh(std::uint64_t rejected_generation) override;
    void OnPortalMoved(std::string new_base_url) override;
    std::string Problem() const override;

    /// Refresh grants that produced a stored pair (for metrics and tests).
    std::uint64_t refreshes() const { return refreshes_.load(); }

private:
    OAuthAuthenticator(std::string base_url, std::string portal, OAuthServerOptions server, OAuthTokenStore& store,
                       Clock const& clock, OAuthTokens tokens);
    /// With refresh_mutex_ held: saves a pair left unsaved, or runs the grant and saves its pair.
    Status RefreshLocked();
    Status Install(OAuthTokens fresh);
    bool UsableLocked() const;  // with mutex_ held

    std::string const portal_;  // the store's key: the configured host, stable across renames
    OAuthServerClient const server_;
    std::string const server_host_;
    OAuthTokenStore& store_;
    Clock const& clock_;

    std::mutex refresh_mutex_;  // held for a whole refresh (HTTP + store write): one at a time
    mutable std::mutex mutex_;  // guards everything below; never held across I/O
    std::string base_url_;
    OAuthTokens tokens_;
    std::uint64_t generation_ = 1;
    std::optional<OAuthTokens> unsaved_;  // issued by the server, not yet in the store: not used
    std::string problem_;
    std::atomic<std::uint64_t> refreshes_{0};
};

}  // namespace b2b::bitrix24
