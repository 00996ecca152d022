-- 0007: Bitrix24 OAuth tokens (connectors/bitrix24/oauth_*). The OAuth server rotates the refresh
-- token on every refresh and kills the old one at once (bitrix24.md §1.2), so the new pair is
-- written here, in one transaction, before it is used: after a crash the daemon must start from the
-- pair the server knows, not from the seed in the config (which is dead after the first refresh).
-- Shipped; never edit this file, add a new numbered one instead.

-- One row per portal (its host, e.g. "portal.bitrix24.ru"). Tokens are secrets: never logged,
-- never shown by a CLI. `expires_at` is the access token's expiry (unix ms, from the server's
-- `expires`), `updated_at` when this pair was stored (unix ms). `seed_refresh_token` is the
-- configured refresh token this pair descends from: when the config holds a different one, an
-- admin re-authorised the application and the configured token wins over the stored pair.
CREATE TABLE bitrix24_oauth (
    portal        TEXT    NOT NULL PRIMARY KEY,
    access_token  TEXT    NOT NULL,
    refresh_token TEXT    NOT NULL,
    expires_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    seed_refresh_token TEXT NOT NULL
);
