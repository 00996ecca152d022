#include "connectors/onec/record_splitter.hpp"

#include <iostream>
#include <sstream>

#include <gtest/gtest.h>

#include "connectors/onec/encoding.hpp"
#include "core/domain/decimal_parse.hpp"
#include "tests/unit/onec/collecting_visitor.hpp"

namespace b2b::onec::test {
namespace {

Decimal D(std::string_view text) { return ParseDecimal(text).value(); }

// A small 2.07-style offers document; `p` is the element prefix ("" or "cml:"), `ns` the xmlns
// attributes of the root.
std::string OffersDoc(std::string const& p, std::string const& ns, std::string const& only_changes_attr,
                      std::string const& only_changes_elem) {
    std::string doc = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    doc += "<" + p + "КоммерческаяИнформация" + ns + " ВерсияСхемы=\"2.07\" ДатаФормирования=\"2020-04-07T2:08:44\">\n";
    doc += "  <" + p + "ПакетПредложений" + only_changes_attr + ">\n";
    doc += "    <" + p + "Ид>cat#</" + p + "Ид>\n";
    doc += "    <" + p + "Наименование><![CDATA[Пакет <предложений>]]> &amp; цены</" + p + "Наименование>\n";
    doc += only_changes_elem;
    doc += "    <!-- <" + p + "Предложения><" + p + "Предложение> in a comment is not a record -->\n";
    doc += "    <" + p + "Предложения>\n";
    for (int i = 1; i <= 3; ++i) {
        std::string const n = std::to_string(i);
        doc += "      <" + p + "Предложение><" + p + "Ид>prod" + n + "#var" + n + "</" + p + "Ид>";
        doc += "<" + p + "Наименование>Товар &lt;" + n + "&gt;</" + p + "Наименование>";
        doc += "<" + p + "Цены><" + p + "Цена><" + p + "ИдТипаЦены>base</" + p + "ИдТипаЦены><" + p +
               "ЦенаЗаЕдиницу>1 234,5" + n + "</" + p + "ЦенаЗаЕдиницу></" + p + "Цена></" + p + "Цены>";
        doc += "<" + p + "Количество>" + n + "</" + p + "Количество>";
        doc += "<" + p + "Склад " + p + "ИдСклада=\"w1\" КоличествоНаСкладе=\"" + n + "\"/>";
        doc += "<" + p + "Остатки><" + p + "Остаток><" + p + "Склад><" + p + "Ид>w1</" + p + "Ид><" + p +
               "Количество>10</" + p + "Количество></" + p + "Склад></" + p + "Остаток></" + p + "Остатки>";
        doc += "</" + p + "Предложение>\n";
    }
    doc += "    </" + p + "Предложения>\n  </" + p + "ПакетПредложений>\n</" + p + "КоммерческаяИнформация>\n";
    return doc;
}

std::string Plain() { return OffersDoc("", "", " СодержитТолькоИзменения=\"true\"", ""); }

void ExpectSameOffers(CollectingVisitor const& a, CollectingVisitor const& b) {
    ASSERT_EQ(a.offers.size(), b.offers.size());
    for (std::size_t i = 0; i < a.offers.size(); ++i) {
        EXPECT_EQ(a.offers[i].id, b.offers[i].id);
        EXPECT_EQ(a.offers[i].ref, b.offers[i].ref);
        EXPECT_EQ(a.offers[i].name, b.offers[i].name);
        EXPECT_EQ(a.offers[i].quantity, b.offers[i].quantity);
        EXPECT_EQ(a.offers[i].stock, b.offers[i].stock);
        ASSERT_EQ(a.offers[i].prices.size(), b.offers[i].prices.size());
        EXPECT_EQ(a.offers[i].prices[0].per_unit, b.offers[i].prices[0].per_unit);
    }
    ASSERT_EQ(a.headers.size(), b.headers.size());
    for (std::size_t i = 0; i < a.headers.size(); ++i) {
        EXPECT_EQ(a.headers[i].id, b.headers[i].id);
        EXPECT_EQ(a.headers[i].name, b.headers[i].name);
        EXPECT_EQ(a.headers[i].only_changes, b.headers[i].only_changes);
        EXPECT_EQ(a.headers[i].schema_version, b.headers[i].schema_version);
    }
}

TEST(CmlSplitter, DecodesSmallDocumentExactly) {
    CollectingVisitor v;
    auto summary = ReadText(Plain(), v);
    ASSERT_TRUE(summary) << summary.error().message;
    ASSERT_EQ(v.offers.size(), 3u);
    CmlOffer const& o = v.offers[1];
    EXPECT_EQ(o.ref.product.value(), "prod2");
    EXPECT_EQ(o.ref.variant->value(), "var2");
    EXPECT_EQ(o.name, "Товар <2>");
    EXPECT_EQ(o.prices[0].per_unit, D("1234.52"));
    EXPECT_EQ(o.quantity, D("2"));
    // Shape 2 (2) and shape 3 (10) for the same warehouse add up.
    ASSERT_EQ(o.stock.size(), 1u);
    EXPECT_EQ(o.stock[0], (CmlStock{"w1", D("12")}));
    ASSERT_EQ(v.headers.size(), 2u);
    EXPECT_EQ(v.headers[0].generated_at, "2020-04-07T2:08:44");
    EXPECT_EQ(v.headers[1].id, "cat#");
    EXPECT_EQ(v.headers[1].name, "Пакет <предложений> & цены");
    EXPECT_EQ(v.headers[1].only_changes, true);
    EXPECT_EQ(v.headers[1].line, 3u);
    EXPECT_EQ(v.headers[1].column, 3u);
}

TEST(CmlSplitter, NamespacesAndPrefixesAreIgnored) {
    CollectingVisitor plain;
    ASSERT_TRUE(ReadText(Plain(), plain));
    CollectingVisitor default_ns;
    ASSERT_TRUE(ReadText(OffersDoc("", " xmlns=\"urn:1C.ru:commerceml_2\"", " СодержитТолькоИзменения=\"true\"", ""),
                         default_ns));
    CollectingVisitor prefixed;
    auto r = ReadText(OffersDoc("cml:", " xmlns:cml=\"urn:1C.ru:commerceml_3\"", " СодержитТолькоИзменения=\"true\"", ""),
                      prefixed);
    ASSERT_TRUE(r) << r.error().message;
    ExpectSameOffers(plain, default_ns);
    ExpectSameOffers(plain, prefixed);
    EXPECT_EQ(prefixed.headers[1].element_path, "КоммерческаяИнформация/ПакетПредложений");
}

TEST(CmlSplitter, OnlyChangesAsAttributeOrElement) {
    CollectingVisitor as_element;
    auto r = ReadText(OffersDoc("", "", "", "    <СодержитТолькоИзменения>true</СодержитТолькоИзменения>\n"), as_element);
    ASSERT_TRUE(r) << r.error().message;
    CollectingVisitor as_attribute;
    ASSERT_TRUE(ReadText(Plain(), as_attribute));
    ExpectSameOffers(as_attribute, as_element);
    EXPECT_EQ(as_element.headers[1].only_changes, true);
    CollectingVisitor absent;
    ASSERT_TRUE(ReadText(OffersDoc("", "", "", ""), absent));
    EXPECT_FALSE(absent.headers[1].only_changes.has_value());
}

TEST(CmlSplitter, BomAndWindows1251GiveIdenticalResults) {
    CollectingVisitor plain;
    ASSERT_TRUE(ReadText(Plain(), plain));
    CollectingVisitor bom;
    ASSERT_TRUE(ReadText("\xEF\xBB\xBF" + Plain(), bom));
    ExpectSameOffers(plain, bom);

    std::string text = Plain();
    text.replace(text.find("UTF-8"), 5, "windows-1251");
    auto cp1251 = Utf8ToCp1251(text);
    ASSERT_TRUE(cp1251) << cp1251.error().message;
    CollectingVisitor win;
    auto r = ReadText(*cp1251, win, "win.xml", 64);
    ASSERT_TRUE(r) << r.error().message;
    ExpectSameOffers(plain, win);
}

TEST(CmlSplitter, RecordPositionsAndSourceOffsets) {
    std::string const text = Plain();
    for (bool windows : {false, true}) {
        std::string input = text;
        if (windows) {
            input.replace(input.find("UTF-8"), 5, "windows-1251");
            input = Utf8ToCp1251(input).value();
        }
        std::istringstream in(input);
        std::vector<RawRecord> records;
        std::vector<std::string> xml;
        ASSERT_TRUE(SplitRecords(in, "t.xml", SplitterOptions{.chunk_size = 32}, [&](RawRecord const& r) -> Status {
            records.push_back(r);
            xml.emplace_back(r.xml);
            return {};
        }));
        ASSERT_EQ(records.size(), 3u);
        EXPECT_EQ(records[0].line, 8u);
        EXPECT_EQ(records[0].column, 7u);
        EXPECT_EQ(records[0].path, "КоммерческаяИнформация/ПакетПредложений/Предложения/Предложение");
        EXPECT_TRUE(xml[2].starts_with("<Предложение><Ид>prod3#var3</Ид>"));
        EXPECT_TRUE(xml[2].ends_with("</Предложение>"));
        // The offsets address the original bytes, whatever the encoding.
        std::string_view const original = input;
        EXPECT_EQ(original.substr(records[1].source_offset, 1), "<");
        EXPECT_EQ(original.substr(records[1].end_source_offset - 1, 1), ">");
        EXPECT_EQ(records[1].end_source_offset - records[1].source_offset,
                  windows ? Utf8ToCp1251(xml[1]).value().size() : xml[1].size());
    }
}

TEST(CmlSplitter, TinyChunksGiveTheSameResultOnARealFixture) {
    CollectingVisitor big;
    auto a = ReadFixture("dobromyslov/offers0_1.xml", big);
    ASSERT_TRUE(a);
    CollectingVisitor tiny;
    auto b = ReadFixture("dobromyslov/offers0_1.xml", tiny, 17);
    ASSERT_TRUE(b) << b.error().message;
    ExpectSameOffers(big, tiny);
    EXPECT_EQ(a->raw_records, b->raw_records);
    CollectingVisitor win_big;
    CollectingVisitor win_tiny;
    ASSERT_TRUE(ReadFixture("dobromyslov/bitrix-query-response-full.xml", win_big));
    ASSERT_TRUE(ReadFixture("dobromyslov/bitrix-query-response-full.xml", win_tiny, 17));
    ASSERT_EQ(win_tiny.documents.size(), 2u);
    EXPECT_EQ(win_tiny.documents[1].requisites, win_big.documents[1].requisites);
}

// --- bad input ---------------------------------------------------------------------------------

std::string ErrorOf(std::string const& text, std::size_t chunk = 256 * 1024) {
    CollectingVisitor v;
    auto r = ReadText(text, v, "bad.xml", chunk);
    return r ? std::string("(no error)") : r.error().message;
}

TEST(CmlSplitter, MismatchedEndTagIsFatalWithPosition) {
    std::string const text =
        "<?xml version=\"1.0\"?>\n<КоммерческаяИнформация>\n  <Каталог>\n    <Товары>\n"
        "      <Товар><Ид>1</Ид></Товары>\n";
    EXPECT_EQ(ErrorOf(text),
              "bad.xml:5:24: mismatched end tag </Товары>, expected </Товар> (opened at 5:7) (element path "
              "КоммерческаяИнформация/Каталог/Товары/Товар)");
}

TEST(CmlSplitter, TruncatedFileIsFatal) {
    std::string const text = "<КоммерческаяИнформация>\n <Документ>\n  <Ид>1</Ид>\n";
    EXPECT_EQ(ErrorOf(text), "bad.xml:4:1: unexpected end of file: <Документ> opened at 2:2 is not closed (element "
                             "path КоммерческаяИнформация/Документ)");
    EXPECT_EQ(ErrorOf("<КоммерческаяИнформация>\n <Документ Ид=\"1", 8),
              "bad.xml:2:2: unexpected end of file inside an attribute value (element path КоммерческаяИнформация)");
    EXPECT_EQ(ErrorOf("<a><!-- never closed"), "bad.xml:1:4: unexpected end of file inside a comment (element path a)");
    EXPECT_EQ(ErrorOf(""), "bad.xml:1:1: no root element: the input is empty or not XML (element path (document))");
    EXPECT_EQ(ErrorOf("<a/><b/>"), "bad.xml:1:5: a second root element <b> (element path (document))");
    EXPECT_EQ(ErrorOf("<a></b>"), "bad.xml:1:4: mismatched end tag </b>, expected </a> (opened at 1:1) (element path a)");
}

TEST(CmlSplitter, DoctypeAndEntityBombAreRefused) {
    std::string const bomb =
        "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 "
        "\"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">]>\n<КоммерческаяИнформация>&lol2;</КоммерческаяИнформация>";
    EXPECT_EQ(ErrorOf(bomb), "bad.xml:2:1: DOCTYPE is refused: CommerceML needs no DTD, and DTD entities could expand "
                             "without bound (element path (document))");
}

TEST(CmlSplitter, EncodingErrorsAreFatal) {
    // windows-1251 bytes without a declaration: the classic mistake.
    std::string const cp = "<?xml version=\"1.0\"?>\n<КоммерческаяИнформация>\n<Документ><Ид>\xCF\xF0\xE8</Ид>";
    EXPECT_EQ(ErrorOf(cp), "bad.xml: invalid UTF-8 at line 3, column 15; is the file windows-1251 without an "
                           "encoding declaration?");
    EXPECT_EQ(ErrorOf("<?xml version=\"1.0\" encoding=\"koi8-r\"?><a/>"),
              "bad.xml: unsupported encoding \"koi8-r\" declared in the XML declaration; supported: UTF-8, "
              "windows-1251");
}

TEST(CmlSplitter, BadRecordIsSkippedAndNeighboursDecoded) {
    std::string text = Plain();
    text.replace(text.find("1 234,52"), 8, "12x4");
    CollectingVisitor v;
    auto r = ReadText(text, v, "offers.xml");
    ASSERT_TRUE(r) << r.error().message;
    ASSERT_EQ(v.offers.size(), 2u);
    EXPECT_EQ(v.offers[0].id.value(), "prod1#var1");
    EXPECT_EQ(v.offers[1].id.value(), "prod3#var3");
    EXPECT_EQ(r->raw_records, 3u);
    EXPECT_EQ(r->skipped, 1u);
    EXPECT_EQ(r->Count(CmlRecordKind::kOffer), 2u);
    ASSERT_EQ(r->problems.size(), 1u);
    EXPECT_EQ(r->problems[0].line, 9u);
    EXPECT_EQ(r->problems[0].column, 7u);
    EXPECT_EQ(r->problems[0].message,
              "offers.xml:9:124: invalid decimal \"12x4\": unexpected \"x4\" (element path "
              "КоммерческаяИнформация/ПакетПредложений/Предложения/Предложение/Цены/Цена/ЦенаЗаЕдиницу)");
}

TEST(CmlSplitter, MalformedRecordInsideIsSkippedWithPugixmlPosition) {
    std::string const text =
        "<КоммерческаяИнформация>\n<Контрагенты>\n<Контрагент><Ид>1</Ид></Контрагент>\n"
        "<Контрагент>\n  <Ид a=1>2</Ид>\n</Контрагент>\n<Контрагент><Ид>3</Ид></Контрагент>\n"
        "</Контрагенты>\n</КоммерческаяИнформация>\n";
    CollectingVisitor v;
    auto r = ReadText(text, v, "c.xml");
    ASSERT_TRUE(r) << r.error().message;
    ASSERT_EQ(v.counterparties.size(), 2u);
    ASSERT_EQ(r->problems.size(), 1u);
    EXPECT_EQ(r->problems[0].message,
              "c.xml:5:9: malformed record: Error parsing element attribute (element path "
              "КоммерческаяИнформация/Контрагенты/Контрагент)");
}

// --- bounded memory and resume -------------------------------------------------------------------

std::string GeneratedCatalog(int products) {
    std::string doc = "\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                      "<КоммерческаяИнформация xmlns=\"urn:1C.ru:commerceml_2\" ВерсияСхемы=\"2.07\">\n"
                      "<Каталог СодержитТолькоИзменения=\"false\"><Ид>c</Ид><Товары>\n";
    for (int i = 0; i < products; ++i) {
        std::string const n = std::to_string(i);
        doc += "<Товар><Ид>00000000-0000-0000-0000-" + n + "</Ид><Артикул>A-" + n +
               "</Артикул><Наименование>Коврик для дома №" + n +
               "</Наименование><БазоваяЕдиница Код=\"796 \" НаименованиеПолное=\"Штука\"/><Группы><Ид>g</Ид>"
               "</Группы><ЗначенияРеквизитов><ЗначениеРеквизита><Наименование>ВидНоменклатуры</Наименование>"
               "<Значение>Товар</Значение></ЗначениеРеквизита></ЗначенияРеквизитов></Товар>\n";
    }
    doc += "</Товары></Каталог>\n</КоммерческаяИнформация>\n";
    return doc;
}

TEST(CmlSplitter, MemoryIsBoundedByRecordNotFile) {
    std::string const doc = GeneratedCatalog(50'000);
    std::istringstream in(doc);
    SplitterOptions options{.chunk_size = 4096};
    RecordSplitter splitter(in, "gen.xml", options);
    std::size_t records = 0;
    std::size_t largest = 0;
    for (;;) {
        auto ev = splitter.Next();
        ASSERT_TRUE(ev) << ev.error().message;
        if (ev->type == SplitEventType::kEnd) {
            break;
        }
        if (ev->type == SplitEventType::kRecord) {
            ++records;
            largest = std::max(largest, ev->record.xml.size());
        }
    }
    std::cout << "[memory] " << doc.size() << " bytes, 50000 products, largest record " << largest
              << " bytes, chunk " << options.chunk_size << ", peak buffer " << splitter.PeakBufferBytes() << " bytes\n";
    EXPECT_EQ(records, 50'000u);
    EXPECT_GT(doc.size(), 20'000'000u);
    // One chunk plus at most the partial record carried over from the previous chunk.
    EXPECT_LE(splitter.PeakBufferBytes(), options.chunk_size + 2 * largest);
    EXPECT_EQ(splitter.SourceBytesRead(), doc.size());
}

TEST(CmlSplitter, OversizedRecordIsFatal) {
    std::string doc = "<КоммерческаяИнформация><Документ><Ид>1</Ид>" + std::string(5000, ' ');
    std::istringstream in(doc);
    RecordSplitter splitter(in, "big.xml", SplitterOptions{.chunk_size = 1024, .max_record_bytes = 2048});
    auto root = splitter.Next();
    ASSERT_TRUE(root);
    auto ev = splitter.Next();
    ASSERT_FALSE(ev);
    EXPECT_EQ(ev.error().message, "big.xml:1:25: record <Документ> is larger than 2048 bytes; is an end tag missing? "
                                  "(element path КоммерческаяИнформация/Документ)");
}

TEST(CmlStreamReader, BoundedStepsAndResumeFromCheckpoint) {
    std::string const doc = GeneratedCatalog(1000);
    ReaderOptions options;
    options.splitter.chunk_size = 1000;

    CollectingVisitor first;
    std::istringstream in1(doc);
    CmlStreamReader reader(in1, "gen.xml", options, first);
    ASSERT_TRUE(reader.Next(300));
    EXPECT_FALSE(reader.Done());
    EXPECT_EQ(first.products.size(), 300u);
    SplitterCheckpoint const cp = reader.Checkpoint();
    EXPECT_EQ(cp.records, 300u);
    ASSERT_EQ(cp.open_elements.size(), 3u);
    EXPECT_EQ(cp.open_elements[2], "Товары");
    EXPECT_EQ(doc.substr(cp.source_offset, 12), "\n<Товар");

    // "Restart": a new stream and reader positioned at the checkpoint.
    CollectingVisitor second;
    std::istringstream in2(doc);
    in2.seekg(static_cast<std::streamoff>(cp.source_offset));
    CmlStreamReader resumed(in2, "gen.xml", options, second, cp);
    while (!resumed.Done()) {
        ASSERT_TRUE(resumed.Next(128));
    }
    ASSERT_EQ(second.products.size(), 700u);
    EXPECT_EQ(second.products.front().article, "A-300");
    EXPECT_EQ(second.products.back().article, "A-999");
    EXPECT_EQ(resumed.Checkpoint().records, 1000u);
    EXPECT_TRUE(second.headers.empty());
}

TEST(CmlStreamReader, VisitorErrorStopsReading) {
    struct Failing : CollectingVisitor {
        Status OnOffer(CmlOffer const& o) override {
            if (o.ref.product.value() == "prod2") {
                return Error::Transient("store busy");
            }
            return CollectingVisitor::OnOffer(o);
        }
    } v;
    auto r = ReadText(Plain(), v);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message, "store busy");
    EXPECT_TRUE(r.error().IsTransient());
    EXPECT_EQ(v.offers.size(), 1u);
}

}  // namespace
}  // namespace b2b::onec::test
