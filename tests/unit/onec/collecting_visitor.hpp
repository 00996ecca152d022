#pragma once

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "connectors/onec/cml_reader.hpp"

namespace b2b::onec::test {

/// Keeps every decoded record, in order.
class CollectingVisitor : public CmlVisitor {
public:
    std::vector<CmlHeader> headers;
    std::vector<CmlGroup> groups;
    std::vector<CmlProperty> properties;
    std::vector<CmlPriceType> price_types;
    std::vector<CmlWarehouse> warehouses;
    std::vector<CmlUnit> units;
    std::vector<CmlProduct> products;
    std::vector<CmlOffer> offers;
    std::vector<CmlCounterparty> counterparties;
    std::vector<CmlDocument> documents;

    // CmlVisitor
    Status OnHeader(CmlHeader const& v) override { return Keep(headers, v); }
    Status OnGroup(CmlGroup const& v) override { return Keep(groups, v); }
    Status OnProperty(CmlProperty const& v) override { return Keep(properties, v); }
    Status OnPriceType(CmlPriceType const& v) override { return Keep(price_types, v); }
    Status OnWarehouse(CmlWarehouse const& v) override { return Keep(warehouses, v); }
    Status OnUnit(CmlUnit const& v) override { return Keep(units, v); }
    Status OnProduct(CmlProduct const& v) override { return Keep(products, v); }
    Status OnOffer(CmlOffer const& v) override { return Keep(offers, v); }
    Status OnCounterparty(CmlCounterparty const& v) override { return Keep(counterparties, v); }
    Status OnDocument(CmlDocument const& v) override { return Keep(documents, v); }

private:
    template <class T>
    static Status Keep(std::vector<T>& into, T const& v) {
        into.push_back(v);
        return {};
    }
};

inline std::filesystem::path FixturePath(std::string const& relative) {
    return std::filesystem::path(B2B_SHARED_DIR) / "fixtures" / "commerceml" / relative;
}

inline std::string ReadBytes(std::filesystem::path const& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

/// Reads `text` (label `label`) through ReadCommerceMl with a UTC+3 default offset.
inline Result<ReadSummary> ReadText(std::string const& text, CollectingVisitor& visitor,
                                    std::string const& label = "test.xml", std::size_t chunk_size = 256 * 1024) {
    std::istringstream in(text);
    ReaderOptions options;
    options.default_utc_offset = std::chrono::minutes(180);
    options.splitter.chunk_size = chunk_size;
    return ReadCommerceMl(in, label, options, visitor);
}

inline Result<ReadSummary> ReadFixture(std::string const& relative, CollectingVisitor& visitor,
                                       std::size_t chunk_size = 256 * 1024) {
    return ReadText(ReadBytes(FixturePath(relative)), visitor, FixturePath(relative).filename().string(), chunk_size);
}

}  // namespace b2b::onec::test
