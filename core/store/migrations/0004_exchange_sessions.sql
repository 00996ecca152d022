-- 0004: sessions of the 1C "exchange with site" endpoint (connectors/onec/exchange_*), so that a
-- daemon restart in the middle of an exchange loses neither the session nor the import cursor.
-- Shipped; never edit this file, add a new numbered one instead.

-- One row per checkauth. `cookie` and `sessid` are the secrets 1C sends back on every call
-- (never log them). `state` is 'open' until mode=complete, then 'complete'.
CREATE TABLE exchange_sessions (
    id            TEXT    NOT NULL PRIMARY KEY,
    exchange_type TEXT    NOT NULL,
    cookie        TEXT    NOT NULL UNIQUE,
    sessid        TEXT    NOT NULL,
    created_at    INTEGER NOT NULL,
    last_seen     INTEGER NOT NULL,
    state         TEXT    NOT NULL DEFAULT 'open'
);
CREATE INDEX exchange_sessions_by_last_seen ON exchange_sessions (exchange_type, last_seen);

-- One row per uploaded (or unpacked) file of a session, keyed by its canonical relative name.
-- `checkpoint` is the import cursor (JSON, see exchange_import.cpp), NULL before the first slice;
-- `done` is 1 once imported (or, for a zip, unpacked); `failure` holds the reason a file failed.
CREATE TABLE exchange_files (
    session_id TEXT    NOT NULL REFERENCES exchange_sessions (id) ON DELETE CASCADE,
    name       TEXT    NOT NULL,
    size       INTEGER NOT NULL DEFAULT 0,
    checkpoint TEXT,
    done       INTEGER NOT NULL DEFAULT 0,
    failure    TEXT,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (session_id, name)
);
