// The splitter's inner loop for plain tags inside records, and the UTF-8 validation of each chunk,
// must give the same events, positions and errors however the input is cut into chunks.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "connectors/onec/record_splitter.hpp"

namespace b2b::onec {
namespace {

// Every event (and a checkpoint after it) as text, or the error that ended the split.
std::vector<std::string> Events(std::string const& input, std::size_t chunk_size) {
    std::istringstream in(input);
    RecordSplitter splitter(in, "t.xml", SplitterOptions{.chunk_size = chunk_size});
    std::vector<std::string> out;
    for (;;) {
        auto ev = splitter.Next();
        if (!ev) {
            out.push_back("error " + ev.error().message);
            return out;
        }
        if (ev->type == SplitEventType::kEnd) {
            return out;
        }
        if (ev->type == SplitEventType::kHeader) {
            out.push_back(fmt::format("header {} {}:{} id={} name={}", ev->header.element_path, ev->header.line,
                                      ev->header.column, ev->header.id, ev->header.name));
        } else {
            RawRecord const& r = ev->record;
            out.push_back(fmt::format("record {} {}:{} [{}, {}) {}", r.path, r.line, r.column, r.source_offset,
                                      r.end_source_offset, r.xml));
        }
        auto const cp = splitter.Checkpoint();
        out.push_back(fmt::format("checkpoint {} {}:{} {}", cp.source_offset, cp.line, cp.column, cp.records));
    }
}

// Records with what the inner loop must leave to the general tokenizer or get right itself:
// comments and CDATA holding '<', '>' and end tags, PIs, attributes with '>' and '/' in values,
// empty elements, end tags with whitespace, prefixes, digits and punctuation in names, names over
// 16 and 32 bytes, nested Группа, and 2-, 3- and 4-byte characters to be cut by chunk ends.
std::string const kDocument =
    "\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<КоммерческаяИнформация ВерсияСхемы=\"2.10\">\n"
    "\t<Классификатор>\n"
    "\t\t<Ид>cls</Ид>\n"
    "\t\t<Группы>\n"
    "\t\t\t<Группа><Ид>g1</Ид><Наименование>Дом «Сад» № 1 😀</Наименование>\n"
    "\t\t\t\t<Группы><Группа><Ид>g2</Ид><Группы><Группа><Ид>g3</Ид></Группа></Группы></Группа></Группы>\n"
    "\t\t\t</Группа>\n"
    "\t\t</Группы>\n"
    "\t</Классификатор>\n"
    "\t<Каталог>\n"
    "\t\t<Товары>\n"
    "\t\t\t<Товар><!-- <Товар> and </Товар> in a comment --><Ид>p1</Ид>\r\n"
    "\t\t\t\t<Описание><![CDATA[a < b > c </Описание> ]]></Описание>\n"
    "\t\t\t\t<БазоваяЕдиница Код=\"796\" Имя='a>b/c'>шт</БазоваяЕдиница ><Пусто/><Пусто2 a=\"1\"/>\n"
    "\t\t\t\t<?pi <x> "
    "?><cml:Имя1-2.x>v</cml:Имя1-2.x><ЗначенияСвойствЗначенияСвойств>x</ЗначенияСвойствЗначенияСвойств>\n"
    "\t\t\t</Товар>\n"
    "\t\t\t<Товар><Ид>p2</Ид><Ид>€</Ид></Товар>\n"
    "\t\t</Товары>\n"
    "\t</Каталог>\n"
    "</КоммерческаяИнформация>\n";

TEST(CmlSplitterChunking, SameEventsAtEveryChunkSize) {
    std::vector<std::string> const reference = Events(kDocument, 256 * 1024);
    ASSERT_EQ(reference.size(), 12u);
    EXPECT_TRUE(reference[4].starts_with("record КоммерческаяИнформация/Классификатор/Группы/Группа 6:4 [188, 468) "))
        << reference[4];
    EXPECT_EQ(reference[5], "checkpoint 468 8:13 1");  // the nested groups are inside the first record
    EXPECT_TRUE(reference[8].starts_with("record КоммерческаяИнформация/Каталог/Товары/Товар 13:4 [556, 1047) "))
        << reference[8];
    EXPECT_EQ(
        reference[10],
        "record КоммерческаяИнформация/Каталог/Товары/Товар 18:4 [1051, 1107) <Товар><Ид>p2</Ид><Ид>€</Ид></Товар>");
    EXPECT_EQ(reference[11], "checkpoint 1107 18:40 3");
    for (std::size_t chunk = 16; chunk <= 300; ++chunk) {
        ASSERT_EQ(Events(kDocument, chunk), reference) << "chunk " << chunk;
    }
}

std::string ErrorOf(std::string const& input, std::size_t chunk_size) {
    auto const events = Events(input, chunk_size);
    return events.empty() ? std::string() : events.back();
}

TEST(CmlSplitterChunking, ErrorsInsideRecordsAtEveryChunkSize) {
    std::string const head =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<КоммерческаяИнформация>\n<Каталог>\n<Товары>\n"
        "  <Товар><Ид>1</Ид>\n    <Группы><Ид>Ёж</Ид>";
    struct Case {
        std::string tail;
        std::string error;
    };
    std::vector<Case> const cases = {
        {"<Ид>a\xFF</Ид></Группы></Товар>",
         "error t.xml: invalid UTF-8 at line 6, column 29; is the file windows-1251 without an encoding "
         "declaration?"},
        {"<Ид>\xD0\xD0</Ид>",
         "error t.xml: invalid UTF-8 at line 6, column 28; is the file windows-1251 without an encoding "
         "declaration?"},
        {"<Ид>a\xE2\x82",
         "error t.xml: invalid UTF-8 at line 6, column 29; is the file windows-1251 without an encoding "
         "declaration?"},
        {"\n\t<Ид>1</Иd></Группы></Товар>",
         "error t.xml:7:7: mismatched end tag </Иd>, expected </Ид> (opened at 7:2) (element path "
         "КоммерческаяИнформация/Каталог/Товары/Товар/Группы/Ид)"},
        {"</Товар>",
         "error t.xml:6:24: mismatched end tag </Товар>, expected </Группы> (opened at 6:5) (element path "
         "КоммерческаяИнформация/Каталог/Товары/Товар/Группы)"},
        // A quote makes '>' part of a name; its end tag then does not match.
        {"<a\">\"b>x</a\">\"b></Группы></Товар>",
         "error t.xml:6:32: mismatched end tag </a\">, expected </a\">\"b> (opened at 6:24) (element path "
         "КоммерческаяИнформация/Каталог/Товары/Товар/Группы/a\">\"b)"},
        {"<Ид a=\"1\" <b>",
         "error t.xml:6:24: malformed start tag: '<' inside a tag (element path "
         "КоммерческаяИнформация/Каталог/Товары/Товар/Группы)"},
        {"<Ид>1</Ид>",
         "error t.xml:6:34: unexpected end of file: <Группы> opened at 6:5 is not closed (element path "
         "КоммерческаяИнформация/Каталог/Товары/Товар/Группы)"},
    };
    for (auto const& c : cases) {
        for (std::size_t chunk = 16; chunk <= 200; ++chunk) {
            ASSERT_EQ(ErrorOf(head + c.tail, chunk), c.error) << "chunk " << chunk << ": " << c.tail;
        }
    }
}

}  // namespace
}  // namespace b2b::onec
