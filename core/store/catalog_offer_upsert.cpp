// CatalogRepository::UpsertOffer: an offer row with its packed prices and stock (migration 0010).
#include <vector>

#include "core/store/catalog_repository.hpp"
#include "core/store/offer_packing.hpp"

namespace b2b::store {
namespace {

// ?1 onec_id, ?2..?7 catalog, product, name, article, barcode, unit, ?8 marked_deleted, ?9 active,
// ?10 now, ?11 exchange id, ?12 prices_json, ?13 stock_json. Leaves a present row alone: changes()
// says whether it inserted, and a known offer goes through the read-merge-update below.
constexpr char kInsertSql[] =
    "INSERT INTO offers (onec_id, catalog_id, product_id, name, article, barcode, base_unit_code, marked_deleted,"
    " active, deleted_at, deactivated_at, last_seen_exchange, version, created_at, updated_at, prices_json,"
    " stock_json, prices_updated_at, stock_updated_at)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, CASE WHEN ?8 THEN ?10 END, NULL, ?11, 1, ?10, ?10, ?12, ?13,"
    " CASE WHEN ?12 <> '[]' THEN ?10 END, CASE WHEN ?13 <> '[]' THEN ?10 END)"
    " ON CONFLICT (onec_id) DO NOTHING";

constexpr char kSelectSql[] =
    "SELECT catalog_id, product_id, name, article, barcode, base_unit_code, marked_deleted, active,"
    " last_seen_exchange, prices_json, stock_json FROM offers WHERE onec_id = ?1";

// Parameters as kInsertSql (the offer columns already merged), plus ?14 / ?15 / ?16: whether the
// offer columns / the prices / the stock changed, so only those timestamps and the version move.
constexpr char kUpdateSql[] =
    "UPDATE offers SET catalog_id = ?2, product_id = ?3, name = ?4, article = ?5, barcode = ?6,"
    " base_unit_code = ?7, marked_deleted = ?8, active = ?9,"
    " deleted_at = CASE WHEN ?8 THEN COALESCE(deleted_at, ?10) END,"
    " deactivated_at = CASE WHEN ?9 THEN NULL ELSE deactivated_at END, last_seen_exchange = ?11,"
    " version = version + ?14, updated_at = CASE WHEN ?14 THEN ?10 ELSE updated_at END,"
    " prices_json = ?12, prices_updated_at = CASE WHEN ?15 THEN ?10 ELSE prices_updated_at END,"
    " stock_json = ?13, stock_updated_at = CASE WHEN ?16 THEN ?10 ELSE stock_updated_at END"
    " WHERE onec_id = ?1";

// ?1..?13 of kInsertSql and kUpdateSql.
void BindOfferColumns(Statement& s, OfferRow const& r, bool active, UnixMillis now, std::string_view exchange_id,
                      std::string const& prices_json, std::string const& stock_json) {
    s.BindStatic(1, r.onec_id)
        .BindStatic(2, r.catalog_id)
        .BindStatic(3, r.product_id)
        .BindStatic(4, r.name)
        .BindStatic(5, r.article)
        .BindStatic(6, r.barcode)
        .BindStatic(7, r.base_unit_code)
        .Bind(8, r.marked_deleted ? 1 : 0)
        .Bind(9, active ? 1 : 0)
        .Bind(10, now)
        .BindStatic(11, exchange_id)
        .BindStatic(12, prices_json)
        .BindStatic(13, stock_json);
}

// What is stored of a known offer.
struct StoredOffer {
    OfferRow row;
    bool active = false;
    std::string last_seen_exchange;
    std::string prices_json;
    std::string stock_json;
};

Result<StoredOffer> ReadOffer(Transaction& tx, std::string_view onec_id) {
    auto s = tx.Prepare("read offer", kSelectSql);
    if (!s) {
        return s.error();
    }
    s->BindStatic(1, onec_id);
    auto row = s->Step();
    if (!row) {
        return row.error();
    }
    if (!*row) {  // the insert just found it: only a concurrent delete in this transaction could do this
        return Error::Bug("store: offer " + std::string(onec_id) + " vanished between insert and read");
    }
    StoredOffer out;
    out.row = OfferRow{
        .onec_id = std::string(onec_id),
        .catalog_id = s->ColumnText(0),
        .product_id = s->ColumnText(1),
        .name = s->ColumnText(2),
        .article = s->ColumnText(3),
        .barcode = s->ColumnText(4),
        .base_unit_code = s->ColumnText(5),
        .marked_deleted = s->ColumnInt64(6) != 0,
    };
    out.active = s->ColumnInt64(7) != 0;
    out.last_seen_exchange = s->ColumnText(8);
    out.prices_json = s->ColumnText(9);
    out.stock_json = s->ColumnText(10);
    return out;
}

// The incoming offer columns over the stored ones: an empty text keeps what is stored (the prices
// and rests files of the 2.09+ module carry only the Ид). True when something differs.
bool MergeOfferColumns(OfferRow const& incoming, StoredOffer& stored) {
    bool changed = false;
    auto take = [&changed](std::string const& in, std::string& into, bool keep_if_empty) {
        if ((keep_if_empty && in.empty()) || in == into) {
            return;
        }
        into = in;
        changed = true;
    };
    take(incoming.catalog_id, stored.row.catalog_id, false);
    take(incoming.product_id, stored.row.product_id, false);
    take(incoming.name, stored.row.name, true);
    take(incoming.article, stored.row.article, true);
    take(incoming.barcode, stored.row.barcode, true);
    take(incoming.base_unit_code, stored.row.base_unit_code, true);
    bool const active = !incoming.marked_deleted;
    if (incoming.marked_deleted != stored.row.marked_deleted || active != stored.active) {
        stored.row.marked_deleted = incoming.marked_deleted;
        stored.active = active;
        changed = true;
    }
    return changed;
}

// Merges `incoming` into the packed `stored_json`. On entry `packed` holds the incoming rows alone
// packed (PackNew*, which counted `as_new`), on return the merged text. True when that differs
// from what is stored.
template <class Row, class Unpack, class MergeFn, class Pack>
Result<bool> MergePacked(std::string_view offer_id, std::string const& stored_json, std::span<Row const> incoming,
                         UpsertCounts const& as_new, UpsertCounts& counts, std::string& packed, Unpack unpack,
                         MergeFn merge, Pack pack) {
    if (incoming.empty()) {
        packed = stored_json;
        return false;
    }
    bool const unique_ids = as_new.inserted == static_cast<std::int64_t>(incoming.size());
    if (unique_ids && packed == stored_json) {  // the same rows again (every repeated exchange): no parse
        counts.unchanged = as_new.inserted;
        return false;
    }
    packed.clear();
    auto stored = unpack(offer_id, stored_json);
    if (!stored) {
        return stored.error();
    }
    counts = merge(*stored, incoming);
    pack(std::span<Row const>(*stored), packed);
    return packed != stored_json;
}

}  // namespace

OfferValues OfferValues::Pack(std::vector<PriceRow> prices, std::vector<StockRow> stock) {
    OfferValues v{.prices = std::move(prices), .stock = std::move(stock)};
    v.prices_as_new = PackNewPrices(v.prices, v.prices_json);
    v.stock_as_new = PackNewStock(v.stock, v.stock_json);
    return v;
}

Result<OfferUpsert> CatalogRepository::UpsertOffer(Transaction& tx, OfferRow const& r,
                                                   std::span<PriceRow const> prices, std::span<StockRow const> stock,
                                                   std::string_view exchange_id) {
    return UpsertOffer(tx, r,
                       OfferValues::Pack(std::vector<PriceRow>(prices.begin(), prices.end()),
                                         std::vector<StockRow>(stock.begin(), stock.end())),
                       exchange_id);
}

Result<OfferUpsert> CatalogRepository::UpsertOffer(Transaction& tx, OfferRow const& r, OfferValues const& values,
                                                   std::string_view exchange_id) {
    UnixMillis const now = clock_.NowMillis();
    OfferUpsert result;
    // A new offer: its prices and stock are exactly the incoming ones, packed by OfferValues::Pack.
    result.prices = values.prices_as_new;
    result.stock = values.stock_as_new;
    {
        auto s = tx.Prepare("insert offer", kInsertSql);
        if (!s) {
            return s.error();
        }
        BindOfferColumns(*s, r, !r.marked_deleted, now, exchange_id, values.prices_json, values.stock_json);
        if (auto st = s->Run(); !st) {
            return st.error();
        }
        if (s->Changes() == 1) {
            result.offer = UpsertOutcome::kInserted;
            return result;
        }
    }

    auto stored = ReadOffer(tx, r.onec_id);
    if (!stored) {
        return stored.error();
    }
    result = OfferUpsert{};
    bool const offer_changed = MergeOfferColumns(r, *stored);
    packed_prices_ = values.prices_json;
    auto prices_changed = MergePacked(r.onec_id, stored->prices_json, std::span<PriceRow const>(values.prices),
                                      values.prices_as_new, result.prices, packed_prices_, UnpackPrices, MergePrices,
                                      PackPrices);
    if (!prices_changed) {
        return prices_changed.error();
    }
    packed_stock_ = values.stock_json;
    auto stock_changed = MergePacked(r.onec_id, stored->stock_json, std::span<StockRow const>(values.stock),
                                     values.stock_as_new, result.stock, packed_stock_, UnpackStock, MergeStock,
                                     PackStock);
    if (!stock_changed) {
        return stock_changed.error();
    }
    result.offer = offer_changed ? UpsertOutcome::kUpdated : UpsertOutcome::kUnchanged;
    if (!offer_changed && !*prices_changed && !*stock_changed && stored->last_seen_exchange == exchange_id) {
        return result;  // the same package again: nothing to write
    }
    auto s = tx.Prepare("update offer", kUpdateSql);
    if (!s) {
        return s.error();
    }
    BindOfferColumns(*s, stored->row, stored->active, now, exchange_id, packed_prices_, packed_stock_);
    s->Bind(14, offer_changed ? 1 : 0)
        .Bind(15, *prices_changed ? 1 : 0)
        .Bind(16, *stock_changed ? 1 : 0);
    if (auto st = s->Run(); !st) {
        return st.error();
    }
    return result;
}

Result<UpsertOutcome> CatalogRepository::UpsertOffer(Transaction& tx, OfferRow const& row,
                                                     std::string_view exchange_id) {
    auto r = UpsertOffer(tx, row, {}, {}, exchange_id);
    if (!r) {
        return r.error();
    }
    return r->offer;
}

}  // namespace b2b::store
