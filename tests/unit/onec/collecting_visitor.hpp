#pragma once

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "connectors/onec/cml_reader.hpp"
#include "tests/unit/onec/transcript_visitor.hpp"

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

/// Reads `text` (label `label`) through ReadCommerceMl with a UTC+3 default offset, once decoding
/// inline into a copy of `visitor` and once on a worker thread (the default) into `visitor`, and
/// expects the same visitor calls and summary (or error) from both: every reader test checks both
/// paths. Returns the worker-thread read.
template <class Visitor>
Result<ReadSummary> ReadText(std::string const& text, Visitor& visitor, std::string const& label = "test.xml",
                             std::size_t chunk_size = 256 * 1024) {
    auto read = [&](std::size_t decode_threads, CmlVisitor& into) {
        std::istringstream in(text);
        ReaderOptions options;
        options.default_utc_offset = std::chrono::minutes(180);
        options.splitter.chunk_size = chunk_size;
        options.decode_threads = decode_threads;
        return ReadCommerceMl(in, label, options, into);
    };
    Visitor inline_visitor = visitor;
    TranscriptVisitor inline_calls(&inline_visitor);
    auto const inline_read = read(0, inline_calls);
    TranscriptVisitor threaded_calls(&visitor);
    auto threaded_read = read(1, threaded_calls);
    EXPECT_EQ(inline_calls.lines, threaded_calls.lines) << label;
    EXPECT_EQ(inline_read.has_value(), threaded_read.has_value()) << label;
    if (inline_read && threaded_read) {
        EXPECT_EQ(Describe(*inline_read), Describe(*threaded_read)) << label;
        EXPECT_EQ(inline_read->source_bytes, threaded_read->source_bytes) << label;
    } else if (!inline_read && !threaded_read) {
        EXPECT_EQ(inline_read.error().message, threaded_read.error().message) << label;
    }
    return threaded_read;
}

template <class Visitor>
Result<ReadSummary> ReadFixture(std::string const& relative, Visitor& visitor, std::size_t chunk_size = 256 * 1024) {
    return ReadText(ReadBytes(FixturePath(relative)), visitor, FixturePath(relative).filename().string(), chunk_size);
}

}  // namespace b2b::onec::test
