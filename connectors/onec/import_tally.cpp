#include "connectors/onec/import_tally.hpp"

#include <algorithm>

namespace b2b::onec {

void ImportTally::Add(ImportTally const& other) {
    for (auto const& r : other.rows) {
        auto it = std::find_if(rows.begin(), rows.end(), [&r](Rows const& mine) { return mine.kind == r.kind; });
        if (it == rows.end()) {
            rows.push_back(r);
            continue;
        }
        it->inserted += r.inserted;
        it->updated += r.updated;
        it->unchanged += r.unchanged;
    }
    products_deactivated += other.products_deactivated;
    offers_deactivated += other.offers_deactivated;
    orphan_offers += other.orphan_offers;
    unknown_price_types += other.unknown_price_types;
}

std::string ImportTally::Summary() const {
    std::string out;
    for (auto const& r : rows) {
        std::uint64_t const total = r.inserted + r.updated + r.unchanged;
        if (total == 0) {
            continue;
        }
        out += r.kind + ' ' + std::to_string(total) + " (+" + std::to_string(r.inserted) + " ~" +
               std::to_string(r.updated) + " =" + std::to_string(r.unchanged) + "), ";
    }
    if (out.empty() && products_deactivated == 0 && offers_deactivated == 0 && orphan_offers == 0 &&
        unknown_price_types == 0) {
        return {};
    }
    out += "deactivated products " + std::to_string(products_deactivated) + ", deactivated offers " +
           std::to_string(offers_deactivated) + ", orphan offers " + std::to_string(orphan_offers) +
           ", unknown price types " + std::to_string(unknown_price_types);
    return out;
}

}  // namespace b2b::onec
