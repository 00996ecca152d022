#include "connectors/onec/cml_reader.hpp"

#include <fstream>

#include <gtest/gtest.h>

#include "connectors/onec/encoding.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/unit/onec/collecting_visitor.hpp"

namespace b2b::onec::test {
namespace {

std::string Windows1251Orders(int count) {
    std::string doc = "<?xml version=\"1.0\" encoding=\"windows-1251\"?>\n<КоммерческаяИнформация ВерсияСхемы=\"2.05\">\n";
    for (int i = 1; i <= count; ++i) {
        doc += "<Документ><Ид>" + std::to_string(i) + "</Ид><Номер>Заказ №" + std::to_string(i) +
               "</Номер></Документ>\n";
    }
    doc += "</КоммерческаяИнформация>\n";
    return Utf8ToCp1251(doc).value();
}

TEST(CmlReaderFile, ReadsAFileAndLabelsErrorsWithItsName) {
    b2b::test::TempDir dir;
    auto const path = dir.WriteFile("orders.xml", Windows1251Orders(3));
    CollectingVisitor v;
    auto r = ReadCommerceMlFile(path, ReaderOptions{}, v);
    ASSERT_TRUE(r) << r.error().message;
    ASSERT_EQ(v.documents.size(), 3u);
    EXPECT_EQ(v.documents[2].number, "Заказ №3");

    auto const bad = dir.WriteFile("broken.xml", "<КоммерческаяИнформация>\n<Документ>");
    CollectingVisitor w;
    auto e = ReadCommerceMlFile(bad, ReaderOptions{}, w);
    ASSERT_FALSE(e);
    EXPECT_EQ(e.error().message, "broken.xml:2:11: unexpected end of file: <Документ> opened at 2:1 is not closed "
                                 "(element path КоммерческаяИнформация/Документ)");

    auto missing = ReadCommerceMlFile(dir / "nope.xml", ReaderOptions{}, w);
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().message, "cannot open " + (dir / "nope.xml").string());
}

TEST(CmlReaderFile, ResumesWindows1251FileFromCheckpointAfterRestart) {
    b2b::test::TempDir dir;
    auto const path = dir.WriteFile("orders.xml", Windows1251Orders(50));
    ReaderOptions options;
    options.splitter.chunk_size = 64;

    SplitterCheckpoint cp;
    {
        CollectingVisitor v;
        std::ifstream in(path, std::ios::binary);
        CmlStreamReader reader(in, "orders.xml", options, v);
        ASSERT_TRUE(reader.Next(20));
        ASSERT_EQ(v.documents.size(), 20u);
        cp = reader.Checkpoint();
    }
    EXPECT_EQ(cp.encoding, TextEncoding::kWindows1251);
    EXPECT_EQ(cp.records, 20u);
    EXPECT_EQ(cp.line, 22u);  // just after the 20th Документ on line 22

    CollectingVisitor v;
    std::ifstream in(path, std::ios::binary);
    in.seekg(static_cast<std::streamoff>(cp.source_offset));
    CmlStreamReader reader(in, "orders.xml", options, v, cp);
    ASSERT_TRUE(reader.Next(1000));
    EXPECT_TRUE(reader.Done());
    ASSERT_EQ(v.documents.size(), 30u);
    EXPECT_EQ(v.documents.front().number, "Заказ №21");
    EXPECT_EQ(v.documents.back().id, "50");
    EXPECT_EQ(reader.Summary().raw_records, 30u);
}

}  // namespace
}  // namespace b2b::onec::test
