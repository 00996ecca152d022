-- 0009: the state the flows keep (core/flows): canonical orders, and the change log that turns what
-- 1C uploaded into flow work. Shipped; never edit this file, add a new numbered one instead.

-- One row per canonical order. `document` is the canonical order as JSON (core/flows/order_json);
-- `version` is bumped by every change the flows apply, so jobs can carry "order X at version N" in
-- their idempotency keys. `stage` is the canonical stage key (mappings: tables.statuses).
CREATE TABLE orders (
    id         TEXT    NOT NULL PRIMARY KEY,
    number     TEXT    NOT NULL,
    stage      TEXT    NOT NULL,
    document   TEXT    NOT NULL,
    version    INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);

-- What changed in the tables 1C's exchange lands into, in commit order. Written by the triggers
-- below in the same transaction as the landing, so a crash can neither lose a change nor report one
-- that was rolled back; the flow worker removes a row in the transaction that applies it. The
-- landing writes a row only when its content changed, so a repeated package adds nothing here.
CREATE TABLE inbound_changes (
    seq       INTEGER PRIMARY KEY AUTOINCREMENT,
    source    TEXT    NOT NULL CHECK (source IN ('onec_document', 'onec_counterparty')),
    entity_id TEXT    NOT NULL,
    at        INTEGER NOT NULL
);

CREATE TRIGGER onec_documents_inserted AFTER INSERT ON onec_documents
BEGIN
    INSERT INTO inbound_changes (source, entity_id, at) VALUES ('onec_document', NEW.onec_id, NEW.updated_at);
END;
CREATE TRIGGER onec_documents_updated AFTER UPDATE ON onec_documents
BEGIN
    INSERT INTO inbound_changes (source, entity_id, at) VALUES ('onec_document', NEW.onec_id, NEW.updated_at);
END;
CREATE TRIGGER counterparties_onec_inserted AFTER INSERT ON counterparties_onec
BEGIN
    INSERT INTO inbound_changes (source, entity_id, at) VALUES ('onec_counterparty', NEW.onec_id, NEW.updated_at);
END;
CREATE TRIGGER counterparties_onec_updated AFTER UPDATE ON counterparties_onec
BEGIN
    INSERT INTO inbound_changes (source, entity_id, at) VALUES ('onec_counterparty', NEW.onec_id, NEW.updated_at);
END;
