#include "core/store/catalog_repository.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <cstddef>
#include <variant>
#include <vector>

namespace b2b::store {
namespace {

namespace json = boost::json;

// One column value as bound: NULL, an integer or a text viewed in the row being landed (which
// outlives the upsert, so binding copies nothing).
using Value = std::variant<std::monostate, std::int64_t, std::string_view>;
// One column value as read back from the store.
using StoredValue = std::variant<std::monostate, std::int64_t, std::string>;

Value Text(std::string const& s) { return std::string_view(s); }
Value Int(std::int64_t v) { return v; }
Value Flag(bool v) { return std::int64_t{v ? 1 : 0}; }
Value OptFlag(std::optional<bool> v) { return v ? Flag(*v) : Value{}; }
Value OptInt(std::optional<std::int64_t> v) { return v ? Int(*v) : Value{}; }
Value OptText(std::optional<std::string> const& v) { return v ? Text(*v) : Value{}; }

// The SQL of one table's upsert. Parameters are numbered the same way in every statement:
// ?1..?K the key columns, ?K+1..?K+C the content columns in `kinds` order, ?K+C+1 now and, for
// tables with last_seen_exchange, ?K+C+2 the exchange id. `select` returns the C content columns
// (then last_seen_exchange when `touch` is set). Every statement but `select` mentions the highest
// parameter, so all of them can be bound to every statement.
struct TableSql {
    std::string_view purpose;  // a literal: Database keeps it
    char const* select;
    char const* insert;
    char const* update;
    char const* touch;       // sets only last_seen_exchange; nullptr for tables without it
    std::string_view kinds;  // per content column: 't' text, 'i' integer (either may be NULL)
    int key_count;
    unsigned keep_if_empty = 0;  // bit i: an empty incoming text keeps the stored value of column i
    unsigned keep_stored = 0;    // bit i: a non-empty stored value wins (first declaration)
    // `insert` that leaves a present row alone, for tables landed in bulk: while rows keep being
    // new (a first catalog exchange) one statement does what select + insert did.
    char const* insert_if_absent = nullptr;
};

void BindValue(Statement& s, int index, Value const& v) {
    if (auto const* i = std::get_if<std::int64_t>(&v)) {
        s.Bind(index, *i);
    } else if (auto const* t = std::get_if<std::string_view>(&v)) {
        s.BindStatic(index, *t);  // the values outlive every statement they are bound to
    } else {
        s.BindNull(index);
    }
}

StoredValue ReadValue(Statement const& s, int column, char kind) {
    if (s.ColumnIsNull(column)) {
        return StoredValue{};
    }
    if (kind == 'i') {
        return s.ColumnInt64(column);
    }
    return s.ColumnText(column);
}

Value View(StoredValue const& v) {
    if (auto const* i = std::get_if<std::int64_t>(&v)) {
        return *i;
    }
    if (auto const* t = std::get_if<std::string>(&v)) {
        return std::string_view(*t);
    }
    return Value{};
}

bool IsEmptyText(Value const& v) {
    auto const* t = std::get_if<std::string_view>(&v);
    return t == nullptr || t->empty();
}

Result<int> BindAllAndRun(Transaction& tx, TableSql const& t, char const* sql, std::vector<Value> const& keys,
                     std::vector<Value> const& content, UnixMillis now, std::optional<std::string_view> exchange) {
    auto s = tx.Prepare(t.purpose, sql);
    if (!s) {
        return s.error();
    }
    int index = 1;
    for (auto const& k : keys) {
        BindValue(*s, index++, k);
    }
    for (auto const& c : content) {
        BindValue(*s, index++, c);
    }
    s->Bind(index++, now);
    if (exchange) {
        s->Bind(index, *exchange);
    }
    if (auto st = s->Run(); !st) {
        return st.error();
    }
    return s->Changes();
}

// The stored content columns of a row, and its last_seen_exchange when the table has one.
struct StoredRow {
    std::vector<StoredValue> content;
    std::string last_seen_exchange;
};

// Reads in its own scope so the SELECT is reset before the row is written.
Result<std::optional<StoredRow>> ReadStored(Transaction& tx, TableSql const& t, std::vector<Value> const& keys) {
    auto select = tx.Prepare(t.purpose, t.select);
    if (!select) {
        return select.error();
    }
    for (std::size_t i = 0; i < keys.size(); ++i) {
        BindValue(*select, static_cast<int>(i + 1), keys[i]);
    }
    auto row = select->Step();
    if (!row) {
        return row.error();
    }
    if (!*row) {
        return std::optional<StoredRow>();
    }
    StoredRow stored;
    stored.content.reserve(t.kinds.size());
    for (std::size_t i = 0; i < t.kinds.size(); ++i) {
        stored.content.push_back(ReadValue(*select, static_cast<int>(i), t.kinds[i]));
    }
    if (t.touch != nullptr) {
        stored.last_seen_exchange = select->ColumnText(static_cast<int>(t.kinds.size()));
    }
    return std::optional(std::move(stored));
}

// Reads the stored row, merges, compares, and writes only what differs. `last_inserted` (tables
// with insert_if_absent): whether the previous upsert of this table inserted; if so, the insert is
// tried first, since rows of a bulk landing are new in runs.
Result<UpsertOutcome> Upsert(Transaction& tx, TableSql const& t, std::vector<Value> const& keys,
                             std::vector<Value> content, UnixMillis now,
                             std::optional<std::string_view> exchange = std::nullopt, bool* last_inserted = nullptr) {
    if (content.size() != t.kinds.size() || keys.size() != static_cast<std::size_t>(t.key_count)) {
        return Error::Bug("store: " + std::string(t.purpose) + ": row shape does not match its table description");
    }
    bool const insert_first = t.insert_if_absent != nullptr && last_inserted != nullptr && *last_inserted;
    if (insert_first) {
        auto inserted = BindAllAndRun(tx, t, t.insert_if_absent, keys, content, now, exchange);
        if (!inserted) {
            return inserted.error();
        }
        if (*inserted == 1) {
            return UpsertOutcome::kInserted;
        }
    }
    auto stored = ReadStored(tx, t, keys);
    if (!stored) {
        return stored.error();
    }
    if (last_inserted != nullptr) {
        *last_inserted = !*stored;
    }
    if (!*stored) {
        if (auto st = BindAllAndRun(tx, t, t.insert, keys, content, now, exchange); !st) {
            return st.error();
        }
        return UpsertOutcome::kInserted;
    }
    bool changed = false;
    for (std::size_t i = 0; i < content.size(); ++i) {
        StoredValue const& old_value = (*stored)->content[i];
        unsigned const bit = 1u << i;
        if (((t.keep_if_empty & bit) != 0 && IsEmptyText(content[i])) ||
            ((t.keep_stored & bit) != 0 && !IsEmptyText(View(old_value)))) {
            content[i] = View(old_value);  // `stored` lives until the row is written
        } else if (View(old_value) != content[i]) {
            changed = true;
        }
    }
    if (changed) {
        if (auto st = BindAllAndRun(tx, t, t.update, keys, content, now, exchange); !st) {
            return st.error();
        }
        return UpsertOutcome::kUpdated;
    }
    if (t.touch != nullptr && (*stored)->last_seen_exchange != exchange.value_or("")) {
        if (auto st = BindAllAndRun(tx, t, t.touch, keys, content, now, exchange); !st) {
            return st.error();
        }
    }
    return UpsertOutcome::kUnchanged;
}

constexpr TableSql kPriceTypes{
    "upsert price type",
    "SELECT name, currency, tax_name, tax_included, marked_deleted, declared_in FROM price_types WHERE onec_id = ?1",
    "INSERT INTO price_types (onec_id, name, currency, tax_name, tax_included, marked_deleted, declared_in,"
    " created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)",
    "UPDATE price_types SET name = ?2, currency = ?3, tax_name = ?4, tax_included = ?5, marked_deleted = ?6,"
    " declared_in = ?7, updated_at = ?8 WHERE onec_id = ?1",
    nullptr,
    "tttiit",
    1,
    0,
    1u << 5,
};

constexpr TableSql kWarehouses{
    "upsert warehouse",
    "SELECT name, marked_deleted FROM warehouses WHERE onec_id = ?1",
    "INSERT INTO warehouses (onec_id, name, marked_deleted, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?4)",
    "UPDATE warehouses SET name = ?2, marked_deleted = ?3, updated_at = ?4 WHERE onec_id = ?1",
    nullptr,
    "ti",
    1,
};

constexpr TableSql kUnits{
    "upsert unit",
    "SELECT code, short_name, full_name, international, marked_deleted FROM units WHERE onec_id = ?1",
    "INSERT INTO units (onec_id, code, short_name, full_name, international, marked_deleted, created_at,"
    " updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)",
    "UPDATE units SET code = ?2, short_name = ?3, full_name = ?4, international = ?5, marked_deleted = ?6,"
    " updated_at = ?7 WHERE onec_id = ?1",
    nullptr,
    "tttti",
    1,
};

constexpr TableSql kGroups{
    "upsert product group",
    "SELECT name, parent_id, marked_deleted FROM product_groups WHERE onec_id = ?1",
    "INSERT INTO product_groups (onec_id, name, parent_id, marked_deleted, created_at, updated_at)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
    "UPDATE product_groups SET name = ?2, parent_id = ?3, marked_deleted = ?4, updated_at = ?5 WHERE onec_id = ?1",
    nullptr,
    "tti",
    1,
};

// active (?12) is part of the compared content so that a product deactivated by absence and
// listed again counts as a change.
constexpr TableSql kProducts{
    "upsert product",
    "SELECT catalog_id, article, barcode, name, base_unit_code, base_unit_name, group_ids_json, manufacturer_id,"
    " manufacturer_name, marked_deleted, active, last_seen_exchange FROM products WHERE onec_id = ?1",
    "INSERT INTO products (onec_id, catalog_id, article, barcode, name, base_unit_code, base_unit_name,"
    " group_ids_json, manufacturer_id, manufacturer_name, marked_deleted, active, deleted_at, deactivated_at,"
    " last_seen_exchange, version, created_at, updated_at)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, CASE WHEN ?11 THEN ?13 END, NULL, ?14, 1, ?13, ?13)",
    "UPDATE products SET catalog_id = ?2, article = ?3, barcode = ?4, name = ?5, base_unit_code = ?6,"
    " base_unit_name = ?7, group_ids_json = ?8, manufacturer_id = ?9, manufacturer_name = ?10,"
    " marked_deleted = ?11, active = ?12, deleted_at = CASE WHEN ?11 THEN COALESCE(deleted_at, ?13) END,"
    " deactivated_at = CASE WHEN ?12 THEN NULL ELSE deactivated_at END, last_seen_exchange = ?14,"
    " version = version + 1, updated_at = ?13 WHERE onec_id = ?1",
    "UPDATE products SET last_seen_exchange = ?14 WHERE onec_id = ?1",
    "tttttttttii",
    1,
    0,
    0,
    "INSERT INTO products (onec_id, catalog_id, article, barcode, name, base_unit_code, base_unit_name,"
    " group_ids_json, manufacturer_id, manufacturer_name, marked_deleted, active, deleted_at, deactivated_at,"
    " last_seen_exchange, version, created_at, updated_at)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, CASE WHEN ?11 THEN ?13 END, NULL, ?14, 1, ?13, ?13)"
    " ON CONFLICT (onec_id) DO NOTHING",
};

constexpr TableSql kCounterparties{
    "upsert 1C counterparty",
    "SELECT name, full_name, official_name, inn, kpp, okpo, role, details_json, marked_deleted"
    " FROM counterparties_onec WHERE onec_id = ?1",
    "INSERT INTO counterparties_onec (onec_id, name, full_name, official_name, inn, kpp, okpo, role, details_json,"
    " marked_deleted, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11)",
    "UPDATE counterparties_onec SET name = ?2, full_name = ?3, official_name = ?4, inn = ?5, kpp = ?6, okpo = ?7,"
    " role = ?8, details_json = ?9, marked_deleted = ?10, updated_at = ?11 WHERE onec_id = ?1",
    nullptr,
    "tttttttti",
    1,
};

constexpr TableSql kDocuments{
    "upsert 1C document",
    "SELECT number, onec_number, date, operation, role, currency, sum_raw, posted, cancelled, marked_deleted, paid,"
    " shipped, status, comment, counterparties_json, requisites_json, lines_json FROM onec_documents"
    " WHERE onec_id = ?1",
    "INSERT INTO onec_documents (onec_id, number, onec_number, date, operation, role, currency, sum_raw, posted,"
    " cancelled, marked_deleted, paid, shipped, status, comment, counterparties_json, requisites_json, lines_json,"
    " received_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,"
    " ?18, ?19, ?19)",
    "UPDATE onec_documents SET number = ?2, onec_number = ?3, date = ?4, operation = ?5, role = ?6, currency = ?7,"
    " sum_raw = ?8, posted = ?9, cancelled = ?10, marked_deleted = ?11, paid = ?12, shipped = ?13, status = ?14,"
    " comment = ?15, counterparties_json = ?16, requisites_json = ?17, lines_json = ?18, updated_at = ?19"
    " WHERE onec_id = ?1",
    nullptr,
    "ttttttiiiiiittttt",
    1,
};

Result<bool> Exists(Transaction& tx, std::string_view purpose, char const* sql, std::string_view id) {
    auto s = tx.Prepare(purpose, sql);
    if (!s) {
        return s.error();
    }
    s->BindStatic(1, id);
    return s->Step();
}

Result<std::optional<CatalogItemState>> ItemState(Transaction& tx, std::string_view purpose, char const* sql,
                                                  std::string_view id) {
    auto s = tx.Prepare(purpose, sql);
    if (!s) {
        return s.error();
    }
    s->Bind(1, id);
    auto row = s->Step();
    if (!row) {
        return row.error();
    }
    if (!*row) {
        return std::optional<CatalogItemState>();
    }
    auto opt_int = [&](int c) { return s->ColumnIsNull(c) ? std::nullopt : std::optional(s->ColumnInt64(c)); };
    return std::optional(CatalogItemState{
        .active = s->ColumnInt64(0) != 0,
        .marked_deleted = s->ColumnInt64(1) != 0,
        .deleted_at = opt_int(2),
        .deactivated_at = opt_int(3),
        .last_seen_exchange = s->ColumnText(4),
        .version = s->ColumnInt64(5),
        .updated_at = s->ColumnInt64(6),
    });
}

Result<std::int64_t> Deactivate(Transaction& tx, std::string_view purpose, char const* sql, std::string_view catalog,
                                std::string_view exchange, UnixMillis now) {
    auto s = tx.Prepare(purpose, sql);
    if (!s) {
        return s.error();
    }
    s->Bind(1, catalog).Bind(2, exchange).Bind(3, now);
    if (auto st = s->Run(); !st) {
        return st.error();
    }
    return std::int64_t{s->Changes()};
}

}  // namespace

Result<UpsertOutcome> CatalogRepository::UpsertPriceType(Transaction& tx, PriceTypeRow const& r) {
    return Upsert(tx, kPriceTypes, {Text(r.onec_id)},
                  {Text(r.name), Text(r.currency), Text(r.tax_name), OptFlag(r.tax_included), Flag(r.marked_deleted),
                   Text(r.declared_in)},
                  clock_.NowMillis());
}

Result<UpsertOutcome> CatalogRepository::UpsertWarehouse(Transaction& tx, WarehouseRow const& r) {
    return Upsert(tx, kWarehouses, {Text(r.onec_id)}, {Text(r.name), Flag(r.marked_deleted)}, clock_.NowMillis());
}

Result<UpsertOutcome> CatalogRepository::UpsertUnit(Transaction& tx, UnitRow const& r) {
    return Upsert(tx, kUnits, {Text(r.onec_id)},
                  {Text(r.code), Text(r.short_name), Text(r.full_name), Text(r.international), Flag(r.marked_deleted)},
                  clock_.NowMillis());
}

Result<UpsertOutcome> CatalogRepository::UpsertProductGroup(Transaction& tx, ProductGroupRow const& r) {
    return Upsert(tx, kGroups, {Text(r.onec_id)}, {Text(r.name), OptText(r.parent_id), Flag(r.marked_deleted)},
                  clock_.NowMillis());
}

Result<UpsertOutcome> CatalogRepository::UpsertProduct(Transaction& tx, ProductRow const& r,
                                                       std::string_view exchange_id) {
    return Upsert(tx, kProducts, {Text(r.onec_id)},
                  {Text(r.catalog_id), Text(r.article), Text(r.barcode), Text(r.name), Text(r.base_unit_code),
                   Text(r.base_unit_name), Text(r.group_ids_json), Text(r.manufacturer_id), Text(r.manufacturer_name),
                   Flag(r.marked_deleted), Flag(!r.marked_deleted)},
                  clock_.NowMillis(), exchange_id, &last_product_inserted_);
}

Result<UpsertOutcome> CatalogRepository::UpsertCounterparty(Transaction& tx, OnecCounterpartyRow const& r) {
    return Upsert(tx, kCounterparties, {Text(r.onec_id)},
                  {Text(r.name), Text(r.full_name), Text(r.official_name), Text(r.inn), Text(r.kpp), Text(r.okpo),
                   Text(r.role), Text(r.details_json), Flag(r.marked_deleted)},
                  clock_.NowMillis());
}

Result<UpsertOutcome> CatalogRepository::UpsertDocument(Transaction& tx, OnecDocumentRow const& r) {
    return Upsert(tx, kDocuments, {Text(r.onec_id)},
                  {Text(r.number), Text(r.onec_number), OptText(r.date), Text(r.operation), Text(r.role),
                   Text(r.currency), OptInt(r.sum_raw), OptFlag(r.posted), OptFlag(r.cancelled),
                   OptFlag(r.marked_deleted), OptFlag(r.paid), OptFlag(r.shipped), Text(r.status), Text(r.comment),
                   Text(r.counterparties_json), Text(r.requisites_json), Text(r.lines_json)},
                  clock_.NowMillis());
}

Result<std::int64_t> CatalogRepository::DeactivateProductsNotSeen(Transaction& tx, std::string_view catalog_id,
                                                                  std::string_view exchange_id) {
    return Deactivate(tx, "deactivate products not seen",
                      "UPDATE products SET active = 0, deactivated_at = ?3, version = version + 1, updated_at = ?3"
                      " WHERE catalog_id = ?1 AND active = 1 AND last_seen_exchange <> ?2",
                      catalog_id, exchange_id, clock_.NowMillis());
}

Result<std::int64_t> CatalogRepository::DeactivateOffersNotSeen(Transaction& tx, std::string_view catalog_id,
                                                                std::string_view exchange_id) {
    return Deactivate(tx, "deactivate offers not seen",
                      "UPDATE offers SET active = 0, deactivated_at = ?3, version = version + 1, updated_at = ?3"
                      " WHERE catalog_id = ?1 AND active = 1 AND last_seen_exchange <> ?2",
                      catalog_id, exchange_id, clock_.NowMillis());
}

Result<bool> CatalogRepository::PriceTypeExists(Transaction& tx, std::string_view onec_id) {
    return Exists(tx, "find price type", "SELECT 1 FROM price_types WHERE onec_id = ?1", onec_id);
}

Result<bool> CatalogRepository::ProductExists(Transaction& tx, std::string_view onec_id) {
    return Exists(tx, "find product", "SELECT 1 FROM products WHERE onec_id = ?1", onec_id);
}

Result<std::int64_t> CatalogRepository::CountMissingProducts(Transaction& tx,
                                                             std::span<std::string const> product_ids) {
    json::array ids;
    ids.reserve(product_ids.size());
    for (auto const& id : product_ids) {
        ids.emplace_back(id);
    }
    std::string const list = json::serialize(ids);
    auto s = tx.Prepare("count offers of unknown products",
                        "SELECT COUNT(*) FROM json_each(?1) AS j"
                        " WHERE NOT EXISTS (SELECT 1 FROM products WHERE onec_id = j.value)");
    if (!s) {
        return s.error();
    }
    s->BindStatic(1, list);
    auto row = s->Step();
    if (!row) {
        return row.error();
    }
    return s->ColumnInt64(0);
}

Result<std::optional<CatalogItemState>> CatalogRepository::ProductState(Transaction& tx, std::string_view onec_id) {
    return ItemState(tx, "read product state",
                     "SELECT active, marked_deleted, deleted_at, deactivated_at, last_seen_exchange, version,"
                     " updated_at FROM products WHERE onec_id = ?1",
                     onec_id);
}

Result<std::optional<CatalogItemState>> CatalogRepository::OfferState(Transaction& tx, std::string_view onec_id) {
    return ItemState(tx, "read offer state",
                     "SELECT active, marked_deleted, deleted_at, deactivated_at, last_seen_exchange, version,"
                     " updated_at FROM offers WHERE onec_id = ?1",
                     onec_id);
}

Result<CatalogCounts> CatalogRepository::Counts(Transaction& tx) {
    auto s = tx.Prepare("count catalog rows",
                        "SELECT (SELECT COUNT(*) FROM price_types), (SELECT COUNT(*) FROM warehouses),"
                        " (SELECT COUNT(*) FROM units), (SELECT COUNT(*) FROM product_groups),"
                        " (SELECT COUNT(*) FROM products), (SELECT COUNT(*) FROM products WHERE active = 1),"
                        " (SELECT COUNT(*) FROM offers), (SELECT COUNT(*) FROM offers WHERE active = 1),"
                        " (SELECT COUNT(*) FROM prices), (SELECT COUNT(*) FROM stock),"
                        " (SELECT COUNT(*) FROM counterparties_onec), (SELECT COUNT(*) FROM onec_documents),"
                        " (SELECT COUNT(*) FROM offers o JOIN products p ON p.onec_id = o.product_id)");
    if (!s) {
        return s.error();
    }
    auto row = s->Step();
    if (!row) {
        return row.error();
    }
    return CatalogCounts{
        .price_types = s->ColumnInt64(0),
        .warehouses = s->ColumnInt64(1),
        .units = s->ColumnInt64(2),
        .product_groups = s->ColumnInt64(3),
        .products = s->ColumnInt64(4),
        .active_products = s->ColumnInt64(5),
        .offers = s->ColumnInt64(6),
        .active_offers = s->ColumnInt64(7),
        .prices = s->ColumnInt64(8),
        .stock = s->ColumnInt64(9),
        .counterparties = s->ColumnInt64(10),
        .documents = s->ColumnInt64(11),
        .offers_with_product = s->ColumnInt64(12),
    };
}

Result<UnixMillis> CatalogRepository::MaxUpdatedAt(Transaction& tx) {
    auto s = tx.Prepare("max catalog updated_at",
                        "SELECT MAX(m) FROM (SELECT MAX(updated_at) AS m FROM price_types"
                        " UNION ALL SELECT MAX(updated_at) FROM warehouses UNION ALL SELECT MAX(updated_at) FROM units"
                        " UNION ALL SELECT MAX(updated_at) FROM product_groups"
                        " UNION ALL SELECT MAX(updated_at) FROM products UNION ALL SELECT MAX(updated_at) FROM offers"
                        " UNION ALL SELECT MAX(updated_at) FROM prices UNION ALL SELECT MAX(updated_at) FROM stock"
                        " UNION ALL SELECT MAX(updated_at) FROM counterparties_onec"
                        " UNION ALL SELECT MAX(updated_at) FROM onec_documents)");
    if (!s) {
        return s.error();
    }
    auto row = s->Step();
    if (!row) {
        return row.error();
    }
    return s->ColumnIsNull(0) ? UnixMillis{0} : s->ColumnInt64(0);
}

}  // namespace b2b::store
