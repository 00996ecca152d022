-- 0003: what 1C sends, landed as is (connectors/onec/catalog_landing, core/store/catalog_repository).
-- Shipped; never edit this file, add a new numbered one instead.
--
-- Conventions for every table below:
--  * keys are 1C Ид verbatim (commerceml.md §6 quirk 18); nothing is matched by name;
--  * money and quantities are the raw int64 of core/domain/decimal.hpp: units of 1/10000
--    (181.5 RUB -> 1815000), never REAL;
--  * times are UnixMillis UTC from the injected Clock;
--  * rows are never deleted by an exchange: marked_deleted mirrors 1C's deletion mark and `active`
--    goes to 0 (commerceml.md §3.9); `updated_at` moves only when a landed value really changed,
--    so re-landing the same package is observable as "nothing changed";
--  * tri-state flags (1C may omit them) are INTEGER NULL: NULL = not sent.

CREATE TABLE price_types (
    onec_id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    currency TEXT NOT NULL,
    tax_name TEXT NOT NULL,
    tax_included INTEGER,                -- Налог/УчтеноВСумме; NULL when absent
    marked_deleted INTEGER NOT NULL DEFAULT 0,
    declared_in TEXT NOT NULL,           -- 'classifier' | 'offer_package': where first declared
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE warehouses (
    onec_id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    marked_deleted INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) WITHOUT ROWID;

-- Keyed by the unit's Ид, or by its Код when the file has no Ид (older generators).
CREATE TABLE units (
    onec_id TEXT PRIMARY KEY,
    code TEXT NOT NULL,
    short_name TEXT NOT NULL,
    full_name TEXT NOT NULL,
    international TEXT NOT NULL,
    marked_deleted INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE product_groups (
    onec_id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    parent_id TEXT,                      -- NULL for a top-level group; no FK: order of arrival varies
    marked_deleted INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) WITHOUT ROWID;

-- onec_id is the product part of the Товар Ид (before the first '#').
CREATE TABLE products (
    onec_id TEXT PRIMARY KEY,
    catalog_id TEXT NOT NULL,            -- Каталог/Ид it last arrived in: the scope of deactivation
    article TEXT NOT NULL,
    barcode TEXT NOT NULL,
    name TEXT NOT NULL,
    base_unit_code TEXT NOT NULL,
    base_unit_name TEXT NOT NULL,
    group_ids_json TEXT NOT NULL,        -- JSON array of group Ид, in document order
    manufacturer_id TEXT NOT NULL,
    manufacturer_name TEXT NOT NULL,
    marked_deleted INTEGER NOT NULL,
    active INTEGER NOT NULL,
    deleted_at INTEGER,                  -- when 1C's deletion mark was first landed
    deactivated_at INTEGER,              -- when a full package no longer listed it
    last_seen_exchange TEXT NOT NULL,
    version INTEGER NOT NULL,            -- 1 on insert, +1 on every real change
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX products_by_catalog_active ON products (catalog_id, active);

-- onec_id is the full Предложение Ид (`product#variant` or `product`). Deliberately no foreign
-- key to products: prices/rests may arrive before the goods (commerceml.md §1.5), and the join
-- on product_id starts working when the product lands.
CREATE TABLE offers (
    onec_id TEXT PRIMARY KEY,
    catalog_id TEXT NOT NULL,            -- ПакетПредложений/ИдКаталога
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
    updated_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX offers_by_product ON offers (product_id);
CREATE INDEX offers_by_catalog_active ON offers (catalog_id, active);

-- price_type_id may name a type never declared: kept, and reported by the landing.
CREATE TABLE prices (
    offer_id TEXT NOT NULL,
    price_type_id TEXT NOT NULL,
    price_raw INTEGER NOT NULL,          -- ЦенаЗаЕдиницу, Decimal raw (1/10000)
    currency TEXT NOT NULL,
    unit TEXT NOT NULL,
    coefficient_raw INTEGER,             -- Коэффициент, Decimal raw; NULL when absent
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (offer_id, price_type_id)
) WITHOUT ROWID;

-- warehouse_id '' holds an offer's total Количество when 1C sent no per-warehouse figures.
CREATE TABLE stock (
    offer_id TEXT NOT NULL,
    warehouse_id TEXT NOT NULL,
    quantity_raw INTEGER NOT NULL,       -- Decimal raw (1/10000)
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (offer_id, warehouse_id)
) WITHOUT ROWID;

-- Counterparties as 1C sent them (Контрагенты, or inside documents); matching to canonical
-- counterparties happens later through links and INN+KPP (design.md §3).
CREATE TABLE counterparties_onec (
    onec_id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    full_name TEXT NOT NULL,
    official_name TEXT NOT NULL,
    inn TEXT NOT NULL,
    kpp TEXT NOT NULL,
    okpo TEXT NOT NULL,
    role TEXT NOT NULL,
    details_json TEXT NOT NULL,          -- names of a person, addresses, contacts, bank accounts, representatives
    marked_deleted INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX counterparties_onec_by_inn_kpp ON counterparties_onec (inn, kpp);

CREATE TABLE onec_documents (
    onec_id TEXT PRIMARY KEY,
    number TEXT NOT NULL,
    onec_number TEXT NOT NULL,           -- Номер1С / "Номер по 1С"
    date TEXT,                           -- ISO 8601 with the offset it was read at; NULL when absent
    operation TEXT NOT NULL,             -- ХозОперация
    role TEXT NOT NULL,
    currency TEXT NOT NULL,
    sum_raw INTEGER,                     -- Сумма, Decimal raw (1/10000)
    posted INTEGER,
    cancelled INTEGER,
    marked_deleted INTEGER,
    paid INTEGER,
    shipped INTEGER,
    status TEXT NOT NULL,                -- "Статус заказа"
    comment TEXT NOT NULL,
    counterparties_json TEXT NOT NULL,
    requisites_json TEXT NOT NULL,       -- [[name, value], ...] in document order
    lines_json TEXT NOT NULL,            -- amounts as decimal strings, never JSON numbers
    received_at INTEGER NOT NULL,        -- first landed
    updated_at INTEGER NOT NULL
) WITHOUT ROWID;
