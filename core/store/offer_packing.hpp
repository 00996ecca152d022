#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/store/catalog_repository.hpp"
#include "core/util/error.hpp"

namespace b2b::store {

// An offer's prices and stock as one value each: the JSON arrays of offers.prices_json and
// offers.stock_json (migration 0010). Entries are sorted by id with one entry per id, so two equal
// sets always pack to the same text and "did it change?" is a string compare.

struct PackedPrice {
    std::string price_type_id;
    std::int64_t price_raw = 0;
    std::string currency;
    std::string unit;
    std::optional<std::int64_t> coefficient_raw;
    friend bool operator==(PackedPrice const&, PackedPrice const&) = default;
};

struct PackedStock {
    std::string warehouse_id;
    std::int64_t quantity_raw = 0;
    friend bool operator==(PackedStock const&, PackedStock const&) = default;
};

/// Applies incoming rows in order to `stored` (any order; sorted on return), counting per row as
/// one upsert each would: absent → inserted, equal → unchanged, different → updated. Ids not in
/// `incoming` are kept: a package never deletes what it does not mention.
UpsertCounts MergePrices(std::vector<PackedPrice>& stored, std::span<PriceRow const> incoming);
UpsertCounts MergeStock(std::vector<PackedStock>& stored, std::span<StockRow const> incoming);

/// Appends the JSON array of sorted, unique entries to `out`.
void PackPrices(std::span<PackedPrice const> prices, std::string& out);
void PackStock(std::span<PackedStock const> stock, std::string& out);

/// Reads what Pack* wrote (or migration 0010 built). Errors (Permanent): `offer <id>: <column> is
/// not an array of ...` — a row edited by hand into another shape.
Result<std::vector<PackedPrice>> UnpackPrices(std::string_view offer_id, std::string_view json);
Result<std::vector<PackedStock>> UnpackStock(std::string_view offer_id, std::string_view json);

}  // namespace b2b::store
