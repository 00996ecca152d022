#pragma once

#include <chrono>
#include <string>

#include "connectors/bitrix24/oauth_tokens.hpp"
#include "core/util/clock.hpp"
#include "core/util/error.hpp"

namespace b2b::bitrix24 {

struct OAuthServerOptions {
    std::string token_url = "https://oauth.bitrix.info/oauth/token/";
    std::string client_id;      ///< the application's id ("local.xxxx" for a local app)
    std::string client_secret;  ///< a secret: sent only to the OAuth server, never to the portal
    std::chrono::milliseconds timeout{30'000};
    std::string user_agent = "b2bsync/0.1";
};

/// Talks to the Bitrix24 authorization server (bitrix24.md §1.2): the refresh_token grant,
/// `GET {token_url}?grant_type=refresh_token&client_id=..&client_secret=..&refresh_token=..` ->
/// `{access_token, refresh_token, expires, expires_in, ...}`. Stateless and thread-safe; the
/// caller serialises refreshes (a refresh token is single use). The URL carries secrets: it is
/// never logged, and error messages name only the server's host.
class OAuthServerClient {
public:
    explicit OAuthServerClient(OAuthServerOptions options);

    /// Exchanges `refresh_token` for a new pair. Errors: permanent for the server's refusals
    /// (`invalid_grant`: the refresh token is dead — re-authorise the app; `invalid_client`: wrong
    /// client id/secret or the app is not installed; `PAYMENT_REQUIRED`, scope errors, any other 4xx);
    /// transient for transport failures, 5xx/429 and unreadable replies.
    Result<OAuthTokens> Refresh(std::string const& refresh_token, UnixMillis now) const;

    /// The host of token_url (safe to log).
    std::string ServerHost() const;

private:
    OAuthServerOptions options_;
};

}  // namespace b2b::bitrix24
