-- 0001: the core tables. Shipped; never edit this file, add a new numbered one instead.
-- Portable SQL only (SQLite now, PostgreSQL later): TEXT/INTEGER columns, times are UnixMillis UTC.

-- (kind, canonical id) <-> (system, external id); one external id per system per entity, and an
-- external id never points at two entities.
CREATE TABLE links (
    kind         TEXT    NOT NULL,
    canonical_id TEXT    NOT NULL,
    system       TEXT    NOT NULL,
    external_id  TEXT    NOT NULL,
    updated_at   INTEGER NOT NULL,
    PRIMARY KEY (kind, canonical_id, system),
    UNIQUE (kind, system, external_id)
);

-- The durable outbox: every outbound effect is a job written in the same transaction as its cause.
CREATE TABLE jobs (
    id               INTEGER PRIMARY KEY,
    target           TEXT    NOT NULL,
    entity_key       TEXT    NOT NULL,
    kind             TEXT    NOT NULL,
    payload          TEXT    NOT NULL,
    idempotency_key  TEXT    NOT NULL UNIQUE,
    state            TEXT    NOT NULL CHECK (state IN ('pending', 'inflight', 'done', 'dead')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    max_attempts     INTEGER NOT NULL,
    next_at          INTEGER NOT NULL,
    lease_until      INTEGER NOT NULL DEFAULT 0,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    done_at          INTEGER NOT NULL DEFAULT 0,
    last_error       TEXT    NOT NULL DEFAULT '',
    last_error_class TEXT    NOT NULL DEFAULT ''
);

-- Watermarks of inbound feeds (last exported order, offline-event position, ...).
CREATE TABLE cursors (
    name       TEXT    NOT NULL PRIMARY KEY,
    value      TEXT    NOT NULL,
    updated_at INTEGER NOT NULL
);

-- Who changed what.
CREATE TABLE audit (
    id          INTEGER PRIMARY KEY,
    at          INTEGER NOT NULL,
    actor       TEXT    NOT NULL,
    entity_kind TEXT    NOT NULL,
    entity_id   TEXT    NOT NULL,
    field       TEXT    NOT NULL,
    old_value   TEXT,
    new_value   TEXT,
    reason      TEXT    NOT NULL DEFAULT ''
);

-- Inbound items a parser or mapping rejected, kept for the operator to fix and retry.
CREATE TABLE dead_letters (
    id           INTEGER PRIMARY KEY,
    source       TEXT    NOT NULL,
    entity       TEXT    NOT NULL,
    reason       TEXT    NOT NULL,
    payload      TEXT,
    payload_path TEXT,
    created_at   INTEGER NOT NULL,
    retried_at   INTEGER NOT NULL DEFAULT 0,
    state        TEXT    NOT NULL DEFAULT 'new' CHECK (state IN ('new', 'retried'))
);
