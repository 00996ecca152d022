-- 0005: the order feed 1C pulls with type=sale&mode=query (connectors/onec/order_feed.*,
-- core/store/order_feed_repository.*), and which CommerceML dialect each sale session speaks.
-- Shipped; never edit this file, add a new numbered one instead.

-- One row per order ever offered to 1C, keyed by the Документ Ид. `document` is the CmlDocument
-- as JSON (order_feed.cpp; Decimals as strings). `version` is bumped by every change, so a changed
-- order is offered again; `confirmed_version` is the highest version a session confirmed with
-- mode=success. Pending = confirmed_version < version. `queued_at` is when the current version
-- was queued (unix ms): the query answer lists orders in that order.
CREATE TABLE onec_order_feed (
    order_id          TEXT    NOT NULL PRIMARY KEY,
    version           INTEGER NOT NULL,
    document          TEXT    NOT NULL,
    queued_at         INTEGER NOT NULL,
    confirmed_version INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX onec_order_feed_by_queued_at ON onec_order_feed (queued_at, order_id);

-- What the latest mode=query of a session offered (order and the version it had then). mode=success
-- confirms exactly these versions, so an order changed after the query stays pending: at-least-once
-- with a commit point (commerceml.md §1.7, §6 quirk 10). Rows go with their session.
CREATE TABLE onec_order_offers (
    session_id TEXT    NOT NULL REFERENCES exchange_sessions (id) ON DELETE CASCADE,
    order_id   TEXT    NOT NULL REFERENCES onec_order_feed (order_id) ON DELETE CASCADE,
    version    INTEGER NOT NULL,
    offered_at INTEGER NOT NULL,
    PRIMARY KEY (session_id, order_id)
);
CREATE INDEX onec_order_offers_by_order ON onec_order_offers (order_id);

-- The CommerceML version 1C sent with mode=init (sale: "new" 1C, which uploads with file + import);
-- NULL when it sent none ("old" 1C: mode=file imports at once) or before init.
ALTER TABLE exchange_sessions ADD COLUMN client_version TEXT;
