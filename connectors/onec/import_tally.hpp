#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace b2b::onec {

/// What a sink did with a slice's records, summed by the endpoint over the slices of a file (kept in
/// the import cursor, so a restart mid-file still reports the whole file) for the `success` text.
struct ImportTally {
    /// Rows written of one kind ("products", "offers", "prices", ...).
    struct Rows {
        std::string kind;
        std::uint64_t inserted = 0;
        std::uint64_t updated = 0;
        std::uint64_t unchanged = 0;
        friend bool operator==(Rows const&, Rows const&) = default;
    };
    std::vector<Rows> rows;  ///< in the order the kinds were first reported
    std::uint64_t products_deactivated = 0;
    std::uint64_t offers_deactivated = 0;
    /// Kept without being able to link them yet (commerceml.md §6 quirk 22; issue 3: "kept,
    /// reported in the answer text and metrics, linked when the product arrives").
    std::uint64_t orphan_offers = 0;        ///< offers (with their prices/stock) of products not landed yet
    std::uint64_t unknown_price_types = 0;  ///< prices naming a price type never declared

    /// Adds `other` kind by kind.
    void Add(ImportTally const& other);
    /// One line, e.g. "products 36 (+36 ~0 =0), offers 44 (+44 ~0 =0), deactivated products 0,
    /// deactivated offers 0, orphan offers 0, unknown price types 0"; "" when nothing was counted.
    std::string Summary() const;
    friend bool operator==(ImportTally const&, ImportTally const&) = default;
};

}  // namespace b2b::onec
