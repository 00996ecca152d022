#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/store/database.hpp"
#include "core/util/clock.hpp"
#include "core/util/error.hpp"

namespace b2b::store {

/// What an upsert did. kUnchanged means the incoming row equalled the stored one: nothing was
/// written except, for products and offers, the last_seen_exchange bookkeeping column.
enum class UpsertOutcome { kInserted, kUpdated, kUnchanged };

// Rows of the tables of migration 0003 (see that file for column meanings; 0010 moved prices and
// stock into the offer row, behind views of the old names). Amounts are Decimal raw
// int64 (1/10000 units). Tri-state flags are std::optional<bool> (nullopt = 1C did not send it).

struct PriceTypeRow {
    std::string onec_id;
    std::string name;
    std::string currency;
    std::string tax_name;
    std::optional<bool> tax_included;
    bool marked_deleted = false;
    std::string declared_in;  ///< "classifier" | "offer_package"; the first declaration is kept
};

struct WarehouseRow {
    std::string onec_id;
    std::string name;
    bool marked_deleted = false;
};

struct UnitRow {
    std::string onec_id;  ///< the unit's Ид, or its Код when it has none
    std::string code;
    std::string short_name;
    std::string full_name;
    std::string international;
    bool marked_deleted = false;
};

struct ProductGroupRow {
    std::string onec_id;
    std::string name;
    std::optional<std::string> parent_id;
    bool marked_deleted = false;
};

/// A product: `active` is always !marked_deleted when landed; deactivation by absence is separate.
struct ProductRow {
    std::string onec_id;  ///< the product part of the Ид
    std::string catalog_id;
    std::string article;
    std::string barcode;
    std::string name;
    std::string base_unit_code;
    std::string base_unit_name;
    std::string group_ids_json;
    std::string manufacturer_id;
    std::string manufacturer_name;
    bool marked_deleted = false;
};

/// An offer. Empty name/article/barcode/base_unit_code keep the stored value: the 2.09+ module
/// sends the same offer in offers (names), prices and rests files, and the latter two carry only
/// the Ид, so an empty text means "not sent", not "cleared".
struct OfferRow {
    std::string onec_id;  ///< full `product#variant`
    std::string catalog_id;
    std::string product_id;
    std::string name;
    std::string article;
    std::string barcode;
    std::string base_unit_code;
    bool marked_deleted = false;
};

/// One price of an offer (Цена): stored packed in the offer's row (migration 0010).
struct PriceRow {
    std::string price_type_id;
    std::int64_t price_raw = 0;
    std::string currency;
    std::string unit;
    std::optional<std::int64_t> coefficient_raw;
    friend bool operator==(PriceRow const&, PriceRow const&) = default;
};

/// One stock figure of an offer: stored packed in the offer's row (migration 0010).
struct StockRow {
    std::string warehouse_id;  ///< "" for a total without warehouse
    std::int64_t quantity_raw = 0;
    friend bool operator==(StockRow const&, StockRow const&) = default;
};

struct OnecCounterpartyRow {
    std::string onec_id;
    std::string name;
    std::string full_name;
    std::string official_name;
    std::string inn;
    std::string kpp;
    std::string okpo;
    std::string role;
    std::string details_json;
    bool marked_deleted = false;
};

struct OnecDocumentRow {
    std::string onec_id;
    std::string number;
    std::string onec_number;
    std::optional<std::string> date;  ///< ISO 8601 with offset
    std::string operation;
    std::string role;
    std::string currency;
    std::optional<std::int64_t> sum_raw;
    std::optional<bool> posted;
    std::optional<bool> cancelled;
    std::optional<bool> marked_deleted;
    std::optional<bool> paid;
    std::optional<bool> shipped;
    std::string status;
    std::string comment;
    std::string counterparties_json;
    std::string requisites_json;
    std::string lines_json;
};

/// The bookkeeping of a product or offer row, for tests and diagnostics.
struct CatalogItemState {
    bool active = false;
    bool marked_deleted = false;
    std::optional<UnixMillis> deleted_at;
    std::optional<UnixMillis> deactivated_at;
    std::string last_seen_exchange;
    std::int64_t version = 0;
    UnixMillis updated_at = 0;
};

/// What a set of upserts did, row by row summed up.
struct UpsertCounts {
    std::int64_t inserted = 0;
    std::int64_t updated = 0;
    std::int64_t unchanged = 0;
};

/// An offer's prices and stock, plus their packing as a new row would store them (PackNewPrices /
/// PackNewStock of core/store/offer_packing.hpp): built with Pack() wherever is convenient (the
/// catalog landing does it on its reading thread, so the store's thread only writes).
struct OfferValues {
    std::vector<PriceRow> prices;
    std::vector<StockRow> stock;
    std::string prices_json;
    std::string stock_json;
    UpsertCounts prices_as_new;  ///< how the rows count when the offer is new (repeated ids merge)
    UpsertCounts stock_as_new;

    static OfferValues Pack(std::vector<PriceRow> prices, std::vector<StockRow> stock);
};

/// What landing one offer did: the offer row itself, and its prices and stock counted per entry.
struct OfferUpsert {
    UpsertOutcome offer = UpsertOutcome::kUnchanged;
    UpsertCounts prices;
    UpsertCounts stock;
};

/// Row counts of the catalog tables.
struct CatalogCounts {
    std::int64_t price_types = 0, warehouses = 0, units = 0, product_groups = 0;
    std::int64_t products = 0, active_products = 0, offers = 0, active_offers = 0;
    std::int64_t prices = 0, stock = 0, counterparties = 0, documents = 0;
    /// Offers whose product_id names a stored product (the join the rest of b2bsync uses).
    std::int64_t offers_with_product = 0;
};

/// SQL access to the tables of migration 0003. Every call runs in the caller's Transaction.
/// Upserts key strictly by 1C Ид, compare the incoming row with the stored one and write only on
/// a real difference (then `updated_at` = now and, for products/offers, version + 1); products and
/// offers also record `exchange_id` as last_seen_exchange without counting that as a change.
/// Errors: those of Statement (transient on lock contention, permanent on I/O or constraint).
class CatalogRepository {
public:
    explicit CatalogRepository(Clock const& clock) : clock_(clock) {}

    Result<UpsertOutcome> UpsertPriceType(Transaction& tx, PriceTypeRow const& row);
    Result<UpsertOutcome> UpsertWarehouse(Transaction& tx, WarehouseRow const& row);
    Result<UpsertOutcome> UpsertUnit(Transaction& tx, UnitRow const& row);
    Result<UpsertOutcome> UpsertProductGroup(Transaction& tx, ProductGroupRow const& row);
    /// A marked-deleted product gets active = 0 and deleted_at (kept from the first mark); an
    /// unmarked one is (re)activated.
    Result<UpsertOutcome> UpsertProduct(Transaction& tx, ProductRow const& row, std::string_view exchange_id);
    /// An offer with its prices and stock (migration 0010: one row, the prices and stock packed in
    /// it). Offer columns: an empty name/article/barcode/unit keeps the stored value; a change
    /// moves version and updated_at. Prices and stock merge into the stored ones by price type /
    /// warehouse (never removing one the package does not mention) and move prices_updated_at /
    /// stock_updated_at only when the merged set differs. Counted per row as separate upserts were.
    /// A new offer is one INSERT; a known one a read and, only when something differs (or
    /// last_seen_exchange moves), one UPDATE.
    /// Extra error (Permanent): a stored packed column that is not what 0010 describes.
    Result<OfferUpsert> UpsertOffer(Transaction& tx, OfferRow const& row, OfferValues const& values,
                                    std::string_view exchange_id);
    /// The same, packing here.
    Result<OfferUpsert> UpsertOffer(Transaction& tx, OfferRow const& row, std::span<PriceRow const> prices,
                                    std::span<StockRow const> stock, std::string_view exchange_id);
    /// The offer alone: its stored prices and stock stay as they are.
    Result<UpsertOutcome> UpsertOffer(Transaction& tx, OfferRow const& row, std::string_view exchange_id);
    Result<UpsertOutcome> UpsertCounterparty(Transaction& tx, OnecCounterpartyRow const& row);
    Result<UpsertOutcome> UpsertDocument(Transaction& tx, OnecDocumentRow const& row);

    /// Sets active = 0 and deactivated_at = now on the active products of `catalog_id` whose
    /// last_seen_exchange is not `exchange_id`. Never deletes. Returns how many were deactivated.
    Result<std::int64_t> DeactivateProductsNotSeen(Transaction& tx, std::string_view catalog_id,
                                                   std::string_view exchange_id);
    /// The same for offers of a ПакетПредложений's catalog.
    Result<std::int64_t> DeactivateOffersNotSeen(Transaction& tx, std::string_view catalog_id,
                                                 std::string_view exchange_id);

    Result<bool> PriceTypeExists(Transaction& tx, std::string_view onec_id);
    Result<bool> ProductExists(Transaction& tx, std::string_view onec_id);
    /// How many of `product_ids` (counted with repeats) name no stored product: one statement for a
    /// whole batch of landed offers instead of a lookup each.
    Result<std::int64_t> CountMissingProducts(Transaction& tx, std::span<std::string const> product_ids);

    Result<std::optional<CatalogItemState>> ProductState(Transaction& tx, std::string_view onec_id);
    Result<std::optional<CatalogItemState>> OfferState(Transaction& tx, std::string_view onec_id);
    Result<CatalogCounts> Counts(Transaction& tx);
    /// The largest updated_at over all catalog tables (0 when empty): "did anything move?".
    Result<UnixMillis> MaxUpdatedAt(Transaction& tx);

private:
    Clock const& clock_;
    std::string packed_prices_;  ///< reused between offers: packing does not allocate each time
    std::string packed_stock_;
    bool last_product_inserted_ = false;  ///< the previous UpsertProduct inserted: try the insert first
};

}  // namespace b2b::store
