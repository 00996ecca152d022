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

/// Applies incoming rows in order to `stored` (any order; sorted on return), counting per row as
/// one upsert each would: absent → inserted, equal → unchanged, different → updated. Ids not in
/// `incoming` are kept: a package never deletes what it does not mention.
UpsertCounts MergePrices(std::vector<PriceRow>& stored, std::span<PriceRow const> incoming);
UpsertCounts MergeStock(std::vector<StockRow>& stored, std::span<StockRow const> incoming);

/// The packing of a new offer's rows: MergePrices into nothing, then PackPrices, without copying
/// the rows. Appends to `out`.
UpsertCounts PackNewPrices(std::span<PriceRow const> incoming, std::string& out);
UpsertCounts PackNewStock(std::span<StockRow const> incoming, std::string& out);

/// Appends the JSON array of sorted, unique entries to `out`.
void PackPrices(std::span<PriceRow const> prices, std::string& out);
void PackStock(std::span<StockRow const> stock, std::string& out);

/// Reads what Pack* wrote (or migration 0010 built). Errors (Permanent): `offer <id>: <column> is
/// not an array of ...` — a row edited by hand into another shape.
Result<std::vector<PriceRow>> UnpackPrices(std::string_view offer_id, std::string_view json);
Result<std::vector<StockRow>> UnpackStock(std::string_view offer_id, std::string_view json);

}  // namespace b2b::store
