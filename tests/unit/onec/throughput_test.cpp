// Prints the reader's throughput (not asserted: timing depends on the machine and build type).
#include <chrono>
#include <iostream>

#include "connectors/onec/encoding.hpp"
#include "tests/unit/onec/collecting_visitor.hpp"

namespace b2b::onec::test {
namespace {

double MegabytesPerSecond(std::string const& text, std::string const& label, ReadSummary& out) {
    CmlVisitor ignore;
    auto const start = std::chrono::steady_clock::now();
    std::istringstream in(text);
    auto r = ReadCommerceMl(in, label, ReaderOptions{}, ignore);
    auto const seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    EXPECT_TRUE(r) << r.error().message;
    if (r) {
        out = *r;
    }
    return static_cast<double>(text.size()) / 1e6 / seconds;
}

TEST(CmlThroughput, PrintsMegabytesPerSecond) {
    std::string const import = ReadBytes(FixturePath("gillbeits/import___b815e2db-7a65-4265-9241-5f0c4f0565a7.xml"));
    std::string const offers = ReadBytes(FixturePath("gillbeits/prices___d66a6b51-ce9c-4e7a-8c7c-25079721107f.xml"));
    ReadSummary s;
    for (auto const& [name, text] : {std::pair{"gillbeits import (1.2 MB, 2009 records)", &import},
                                     std::pair{"gillbeits prices (0.44 MB, 978 offers)", &offers}}) {
        // Repeat the whole file 4x so short runs do not dominate.
        double best = 0;
        for (int i = 0; i < 4; ++i) {
            best = std::max(best, MegabytesPerSecond(*text, "bench.xml", s));
        }
        std::cout << "[throughput] " << name << ": " << best << " MB/s (peak buffer " << s.peak_buffer_bytes
                  << " bytes)\n";
    }
    // The file is windows-1251, so the markers are searched for in that encoding.
    std::string const win = ReadBytes(FixturePath("dobromyslov/bitrix-query-response-full.xml"));
    std::string const open_tag = Utf8ToCp1251("<Документ>").value();
    std::string const root_end = Utf8ToCp1251("</КоммерческаяИнформация>").value();
    auto const first = win.find(open_tag);
    auto const last = win.rfind(root_end);
    ASSERT_NE(first, std::string::npos);
    ASSERT_NE(last, std::string::npos);
    std::string repeated = win.substr(0, first);
    std::string const body = win.substr(first, last - first);
    while (repeated.size() < 8'000'000) {
        repeated += body;
    }
    repeated += root_end + "\n";
    double const mbps = MegabytesPerSecond(repeated, "orders.xml", s);
    std::cout << "[throughput] windows-1251 orders repeated to " << repeated.size() / 1'000'000 << " MB ("
              << s.Count(CmlRecordKind::kDocument) << " documents): " << mbps << " MB/s (peak buffer "
              << s.peak_buffer_bytes << " bytes)\n";
    EXPECT_EQ(s.skipped, 0u);
}

}  // namespace
}  // namespace b2b::onec::test
