-- 0010: products and offers stored in arrival order, an offer's prices and stock packed into its own
-- row. Shipped; never edit this file, add a new numbered one instead.
--
-- Why (bench/README.md, CommerceML figures): 1C Ид are random GUIDs. As WITHOUT ROWID tables keyed
-- by them, every landed product, offer, price and stock row went to a random leaf page, so once a
-- table outgrew the page cache each insert read a page back from disk, and every commit rewrote
-- most leaf pages to the WAL; the 15 price/stock rows of an offer made it 1.5 million such inserts
-- per 100,000 offers (offers.xml landed at ~20 MB/s). Now:
--  * products and offers are rowid tables: new rows append at the end of the table; only the
--    UNIQUE index on onec_id (≈ 50 bytes per row) takes random inserts, and it stays in cache;
--  * an offer's prices and stock are two JSON arrays in its row (written by
--    core/store/offer_packing.cpp, sorted by id, one entry per id):
--      prices_json  [[price_type_id, price_raw, currency, unit, coefficient_raw|null], ...]
--      stock_json   [[warehouse_id, quantity_raw], ...]   (warehouse '' = a total without warehouse)
--    amounts stay Decimal raw integers (1/10000); prices_updated_at / stock_updated_at move only
--    when that array really changed (NULL while it is empty), so re-landing still changes nothing;
--  * the views `prices` and `stock` keep the old tables' columns for every reader;
--  * offers_by_product, products_by_catalog_active and offers_by_catalog_active are gone. Nothing
--    looks offers up by product (an offer reaches its product through products' own key); the
--    catalog indexes served only the deactivation after a full package, once per exchange, which a
--    scan of the table does in well under a second, while every landed row paid for them: all
--    entries share one 36-character catalog Ид, so each insert compared it all the way down the
--    tree (a fifth of the landing writer's CPU). Add an index back with the first reader that needs it.
-- Keys, meanings and the other tables of 0003 are unchanged; `id` is internal and never exposed.

CREATE TABLE products_by_arrival (
    id INTEGER PRIMARY KEY,
    onec_id TEXT NOT NULL UNIQUE,
    catalog_id TEXT NOT NULL,
    article TEXT NOT NULL,
    barcode TEXT NOT NULL,
    name TEXT NOT NULL,
    base_unit_code TEXT NOT NULL,
    base_unit_name TEXT NOT NULL,
    group_ids_json TEXT NOT NULL,
    manufacturer_id TEXT NOT NULL,
    manufacturer_name TEXT NOT NULL,
    marked_deleted INTEGER NOT NULL,
    active INTEGER NOT NULL,
    deleted_at INTEGER,
    deactivated_at INTEGER,
    last_seen_exchange TEXT NOT NULL,
    version INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
INSERT INTO products_by_arrival (onec_id, catalog_id, article, barcode, name, base_unit_code, base_unit_name,
                                 group_ids_json, manufacturer_id, manufacturer_name, marked_deleted, active,
                                 deleted_at, deactivated_at, last_seen_exchange, version, created_at, updated_at)
SELECT onec_id, catalog_id, article, barcode, name, base_unit_code, base_unit_name, group_ids_json, manufacturer_id,
       manufacturer_name, marked_deleted, active, deleted_at, deactivated_at, last_seen_exchange, version, created_at,
       updated_at
FROM products ORDER BY created_at, onec_id;
DROP TABLE products;
ALTER TABLE products_by_arrival RENAME TO products;

CREATE TABLE offers_by_arrival (
    id INTEGER PRIMARY KEY,
    onec_id TEXT NOT NULL UNIQUE,
    catalog_id TEXT NOT NULL,
    product_id TEXT NOT NULL,
    name TEXT NOT NULL,
    article TEXT NOT NULL,
    barcode TEXT NOT NULL,
    base_unit_code TEXT NOT NULL,
    marked_deleted INTEGER NOT NULL,
    active INTEGER NOT NULL,
    deleted_at INTEGER,
    deactivated_at INTEGER,
    last_seen_exchange TEXT NOT NULL,
    version INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    prices_json TEXT NOT NULL DEFAULT '[]',
    stock_json TEXT NOT NULL DEFAULT '[]',
    prices_updated_at INTEGER,
    stock_updated_at INTEGER
);

-- Price or stock rows of an offer that has no offers row (b2bsync never wrote such rows, but lose
-- nothing): they get a minimal, inactive offer row so their values survive the move.
INSERT INTO offers (onec_id, catalog_id, product_id, name, article, barcode, base_unit_code, marked_deleted, active,
                    last_seen_exchange, version, created_at, updated_at)
SELECT k.offer_id, '', CASE WHEN instr(k.offer_id, '#') > 0 THEN substr(k.offer_id, 1, instr(k.offer_id, '#') - 1)
                            ELSE k.offer_id END,
       '', '', '', '', 0, 0, '', 1, MIN(k.created_at), MAX(k.updated_at)
FROM (SELECT offer_id, created_at, updated_at FROM prices
      UNION ALL SELECT offer_id, created_at, updated_at FROM stock) AS k
WHERE k.offer_id NOT IN (SELECT onec_id FROM offers)
GROUP BY k.offer_id;

INSERT INTO offers_by_arrival (onec_id, catalog_id, product_id, name, article, barcode, base_unit_code, marked_deleted,
                               active, deleted_at, deactivated_at, last_seen_exchange, version, created_at, updated_at,
                               prices_json, stock_json, prices_updated_at, stock_updated_at)
SELECT o.onec_id, o.catalog_id, o.product_id, o.name, o.article, o.barcode, o.base_unit_code, o.marked_deleted,
       o.active, o.deleted_at, o.deactivated_at, o.last_seen_exchange, o.version, o.created_at, o.updated_at,
       COALESCE((SELECT json_group_array(json_array(p.price_type_id, p.price_raw, p.currency, p.unit,
                                                    p.coefficient_raw))
                 FROM (SELECT * FROM prices WHERE offer_id = o.onec_id ORDER BY price_type_id) AS p), '[]'),
       COALESCE((SELECT json_group_array(json_array(s.warehouse_id, s.quantity_raw))
                 FROM (SELECT * FROM stock WHERE offer_id = o.onec_id ORDER BY warehouse_id) AS s), '[]'),
       (SELECT MAX(updated_at) FROM prices WHERE offer_id = o.onec_id),
       (SELECT MAX(updated_at) FROM stock WHERE offer_id = o.onec_id)
FROM offers AS o ORDER BY o.created_at, o.onec_id;

DROP TABLE prices;
DROP TABLE stock;
DROP TABLE offers;
ALTER TABLE offers_by_arrival RENAME TO offers;

CREATE VIEW prices (offer_id, price_type_id, price_raw, currency, unit, coefficient_raw, created_at, updated_at) AS
SELECT o.onec_id, p.value ->> 0, p.value ->> 1, p.value ->> 2, p.value ->> 3, p.value ->> 4, o.created_at,
       o.prices_updated_at
FROM offers AS o, json_each(o.prices_json) AS p;

CREATE VIEW stock (offer_id, warehouse_id, quantity_raw, created_at, updated_at) AS
SELECT o.onec_id, s.value ->> 0, s.value ->> 1, o.created_at, o.stock_updated_at
FROM offers AS o, json_each(o.stock_json) AS s;
