#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/store/database.hpp"
#include "core/util/clock.hpp"
#include "core/util/error.hpp"

namespace b2b::bitrix24 {

/// An OAuth token pair of one portal (bitrix24.md §1.2). Both tokens are secrets: never log them.
struct OAuthTokens {
    std::string access_token;   ///< empty: none yet (only a seed refresh token is known)
    std::string refresh_token;  ///< single use: the server rotates it on every refresh
    UnixMillis expires_at = 0;  ///< the access token's expiry as the server announced it (0: unknown)
    std::string seed;           ///< the configured refresh token this pair descends from
};

/// The durable home of the pair (table bitrix24_oauth, migration 0007). The server kills the old
/// refresh token the moment it issues a new one, so a pair must be saved before it is used: a
/// daemon that used a pair it then lost in a crash could never refresh again. Thread-safe (each
/// call is its own transaction on the database's writer connection).
class OAuthTokenStore {
public:
    /// `db` and `clock` must outlive the store.
    OAuthTokenStore(store::Database& db, Clock const& clock);

    /// The pair stored for `portal` (its host), if any.
    Result<std::optional<OAuthTokens>> Load(std::string_view portal);
    /// Replaces the pair of `portal` in one durable transaction (both tokens or neither).
    Status Save(std::string_view portal, OAuthTokens const& tokens);

private:
    store::Database& db_;
    Clock const& clock_;
};

}  // namespace b2b::bitrix24
