#include "connectors/bitrix24/oauth_tokens.hpp"

namespace b2b::bitrix24 {

using store::Transaction;

OAuthTokenStore::OAuthTokenStore(store::Database& db, Clock const& clock) : db_(db), clock_(clock) {}

Result<std::optional<OAuthTokens>> OAuthTokenStore::Load(std::string_view portal) {
    auto tx = Transaction::Begin(db_, "load bitrix24 oauth tokens", Transaction::Mode::kRead);
    if (!tx) {
        return tx.error();
    }
    auto st = (*tx)->Prepare("load bitrix24 oauth tokens",
                             "SELECT access_token, refresh_token, expires_at, seed_refresh_token FROM bitrix24_oauth "
                             "WHERE portal = ?1");
    if (!st) {
        return st.error();
    }
    st->Bind(1, portal);
    auto row = st->Step();
    if (!row) {
        return row.error();
    }
    if (!*row) {
        return std::optional<OAuthTokens>{};
    }
    return std::optional<OAuthTokens>(OAuthTokens{st->ColumnText(0), st->ColumnText(1), st->ColumnInt64(2), st->ColumnText(3)});
}

Status OAuthTokenStore::Save(std::string_view portal, OAuthTokens const& tokens) {
    auto tx = Transaction::Begin(db_, "save bitrix24 oauth tokens");
    if (!tx) {
        return tx.error();
    }
    auto st = (*tx)->Prepare("save bitrix24 oauth tokens",
                             "INSERT INTO bitrix24_oauth (portal, access_token, refresh_token, expires_at, updated_at, "
                             "seed_refresh_token) VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (portal) DO UPDATE SET "
                             "access_token = excluded.access_token, refresh_token = excluded.refresh_token, "
                             "expires_at = excluded.expires_at, updated_at = excluded.updated_at, "
                             "seed_refresh_token = excluded.seed_refresh_token");
    if (!st) {
        return st.error();
    }
    st->Bind(1, portal)
        .Bind(2, std::string_view(tokens.access_token))
        .Bind(3, std::string_view(tokens.refresh_token))
        .Bind(4, tokens.expires_at)
        .Bind(5, clock_.NowMillis())
        .Bind(6, std::string_view(tokens.seed));
    if (auto run = st->Run(); !run) {
        return run.error();
    }
    return (*tx)->Commit();
}

}  // namespace b2b::bitrix24
