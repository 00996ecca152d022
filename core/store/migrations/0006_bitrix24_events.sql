-- 0006: Bitrix24 events (connectors/bitrix24/events_*): the inbox every received event is written
-- to before it is acknowledged, the last deal stage we saw, and the offline-queue batch in flight.
-- Shipped; never edit this file, add a new numbered one instead.

-- One row per distinct event. Bitrix24 never re-sends an outbound event, so the endpoint stores it
-- before answering 200; the offline poller stores a batch before confirming it on the portal.
-- (event, entity_type, entity_id, ts) is the identity: a re-delivery or a re-read after a crash
-- lands on the same row. `ts` is the event's own time in unix seconds (`ts` of an outbound POST,
-- TIMESTAMP_X of an offline record); `source` is 'online' or 'offline'. `processed_at` is NULL
-- while the entry waits for stage detection; `outcome` says why it was closed (or the last error
-- while it waits); `attempts` counts failed processing attempts.
CREATE TABLE bitrix24_event_inbox (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    event        TEXT    NOT NULL,
    entity_type  TEXT    NOT NULL,
    entity_id    INTEGER NOT NULL,
    ts           INTEGER NOT NULL,
    source       TEXT    NOT NULL CHECK (source IN ('online', 'offline')),
    received_at  INTEGER NOT NULL,
    processed_at INTEGER,
    attempts     INTEGER NOT NULL DEFAULT 0,
    outcome      TEXT,
    UNIQUE (event, entity_type, entity_id, ts)
);
CREATE INDEX bitrix24_event_inbox_pending ON bitrix24_event_inbox (id) WHERE processed_at IS NULL;

-- The stage of each deal as we last saw it (read after an event, or written by us before our own
-- move, so that the echo of our own write compares equal and triggers nothing).
CREATE TABLE bitrix24_deal_state (
    deal_id     INTEGER NOT NULL PRIMARY KEY,
    stage_id    TEXT    NOT NULL,
    category_id INTEGER NOT NULL,
    seen_at     INTEGER NOT NULL
);

-- The offline-queue batch reserved with event.offline.get clear=0 and not yet confirmed with
-- event.offline.clear. Written before the get, removed after the clear: a row found at start-up
-- means a crash in between, and the poller re-reads that batch before taking a new one.
CREATE TABLE bitrix24_offline_process (
    process_id TEXT    NOT NULL PRIMARY KEY,
    started_at INTEGER NOT NULL
);
