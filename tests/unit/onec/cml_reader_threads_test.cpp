// CmlStreamReader decoding on worker threads (ReaderOptions::decode_threads) against decoding
// inline: the same visitor calls in the same order, the same summary, the same errors — across
// batch boundaries, headers between records, skipped records, visitor and document errors.
// (Every test reading through ReadText/ReadFixture also compares 0 and 1 threads.)
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <sstream>

#include "tests/unit/onec/collecting_visitor.hpp"
#include "tests/unit/onec/transcript_visitor.hpp"

namespace b2b::onec::test {
namespace {

// A catalog and an offer package in one document: headers between records, several batches
// (by count and by size: every 50th product carries a 200 KiB description), and records that
// are skipped for a missing Ид, a malformed tag or a bad number.
std::string MixedDocument(int products) {
    std::string doc = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<КоммерческаяИнформация ВерсияСхемы=\"2.09\">\n";
    doc +=
        "<Классификатор><Ид>c</Ид><Группы><Группа><Ид>g1</Ид><Группы><Группа><Ид>g2</Ид></Группа></Группы>"
        "</Группа><Группа><Наименование>no id</Наименование></Группа></Группы>"
        "<Свойства><Свойство><Ид>p1</Ид><Наименование>Цвет</Наименование></Свойство></Свойства>"
        "</Классификатор>\n";
    doc += "<Каталог СодержитТолькоИзменения=\"false\"><Ид>cat</Ид><Товары>\n";
    std::string const long_text(200 * 1024, 'x');
    for (int i = 0; i < products; ++i) {
        if (i % 37 == 5) {
            doc += "<Товар><Наименование>без Ид</Наименование></Товар>\n";
        } else if (i % 53 == 7) {
            doc += fmt::format("<Товар>\n  <Ид a=1>{}</Ид></Товар>\n", i);
        } else {
            doc += fmt::format(
                "<Товар><Ид>p{0}#v{0}</Ид><Артикул>A-{0}</Артикул><Наименование>Товар &lt;{0}&gt;</Наименование>"
                "<Описание>{1}</Описание><ЗначенияСвойств><ЗначенияСвойства><Ид>p1</Ид><Значение>{0}</Значение>"
                "</ЗначенияСвойства></ЗначенияСвойств><Картинка>a{0}.jpg</Картинка></Товар>\n",
                i, i % 50 == 0 ? long_text : std::string("описание"));
        }
    }
    doc += "</Товары></Каталог>\n<ПакетПредложений><Ид>cat#</Ид><Предложения>\n";
    for (int i = 0; i < products; ++i) {
        std::string const price = i % 41 == 3 ? "12x4" : fmt::format("{}.50", i);
        doc += fmt::format(
            "<Предложение><Ид>p{0}#v{0}</Ид><Цены><Цена><ИдТипаЦены>t</ИдТипаЦены><ЦенаЗаЕдиницу>{1}</ЦенаЗаЕдиницу>"
            "</Цена></Цены><Остатки><Остаток><Склад><Ид>w1</Ид><Количество>{0}</Количество></Склад></Остаток>"
            "</Остатки></Предложение>\n",
            i, price);
    }
    doc += "</Предложения></ПакетПредложений>\n</КоммерческаяИнформация>\n";
    return doc;
}

struct ReadRun {
    std::vector<std::string> calls;
    std::string summary;
    std::vector<std::string> statuses;  ///< per Next(): the checkpoint's record count, or the error
    std::uint64_t source_bytes = 0;
};

// Reads `text` with Next(step) until done or an error (then once more, which must repeat it).
ReadRun ReadInSteps(std::string const& text, std::size_t decode_threads, std::size_t step, CmlVisitor* next = nullptr) {
    ReadRun run;
    TranscriptVisitor calls(next);
    std::istringstream in(text);
    ReaderOptions options;
    options.decode_threads = decode_threads;
    CmlStreamReader reader(in, "mixed.xml", options, calls);
    while (!reader.Done()) {
        auto st = reader.Next(step);
        if (!st) {
            run.statuses.push_back(st.error().message);
            auto again = reader.Next(step);
            run.statuses.push_back(again ? "ok" : again.error().message);
            break;
        }
        run.statuses.push_back(fmt::format("at record {}", reader.Checkpoint().records));
    }
    run.calls = std::move(calls.lines);
    run.summary = Describe(reader.Summary());
    run.source_bytes = reader.Summary().source_bytes;
    return run;
}

// Equal runs; source_bytes only when no error stopped reading (see Describe).
void ExpectSameRun(ReadRun const& expected, ReadRun const& actual, bool stopped_by_error = false) {
    EXPECT_EQ(expected.calls, actual.calls);
    EXPECT_EQ(expected.summary, actual.summary);
    EXPECT_EQ(expected.statuses, actual.statuses);
    if (!stopped_by_error) {
        EXPECT_EQ(expected.source_bytes, actual.source_bytes);
    }
}

TEST(CmlReaderThreads, SameCallsAndSummaryAsInlineAcrossBatches) {
    std::string const doc = MixedDocument(400);
    for (std::size_t step : {std::size_t{1}, std::size_t{63}, std::size_t{1000}, std::size_t{100000}}) {
        SCOPED_TRACE(fmt::format("Next({})", step));
        ReadRun const inline_run = ReadInSteps(doc, 0, step);
        ASSERT_EQ(inline_run.statuses.back(), fmt::format("at record {}", 3 + 400 + 400));
        EXPECT_NE(inline_run.summary.find("skipped 30 "), std::string::npos) << inline_run.summary;
        ExpectSameRun(inline_run, ReadInSteps(doc, 1, step));
        ExpectSameRun(inline_run, ReadInSteps(doc, 3, step));
    }
}

// Fails on one product: reading stops there with that error, later Next() calls repeat it.
class FailOnProduct : public CmlVisitor {
public:
    explicit FailOnProduct(std::string article) : article_(std::move(article)) {}
    Status OnProduct(CmlProduct const& p) override {
        if (p.article == article_) {
            return Error::Transient("store busy");
        }
        return {};
    }

private:
    std::string article_;
};

TEST(CmlReaderThreads, VisitorErrorMidBatchStopsAtTheSameRecord) {
    std::string const doc = MixedDocument(400);
    for (std::size_t step : {std::size_t{10}, std::size_t{1000}}) {
        SCOPED_TRACE(fmt::format("Next({})", step));
        FailOnProduct fail_inline("A-130");
        ReadRun const inline_run = ReadInSteps(doc, 0, step, &fail_inline);
        ASSERT_EQ(inline_run.statuses.back(), "store busy");
        FailOnProduct fail_threaded("A-130");
        // Batches after the failing one are in flight or queued: the reader must still stop and join.
        ExpectSameRun(inline_run, ReadInSteps(doc, 1, step, &fail_threaded), true);
    }
}

TEST(CmlReaderThreads, DocumentErrorAfterRecordsDeliversTheRecordsBeforeIt) {
    std::string doc = MixedDocument(100);
    // Cut inside the offers: the splitter fails at the end of the input, after ~50 good offers.
    doc.resize(doc.find("<Ид>p50#v50</Ид>"));
    ReadRun const inline_run = ReadInSteps(doc, 0, 1000);
    ASSERT_NE(inline_run.statuses.back().find("unexpected end of file"), std::string::npos)
        << inline_run.statuses.back();
    ExpectSameRun(inline_run, ReadInSteps(doc, 1, 1000));
}

TEST(CmlReaderThreads, ReaderDestroyedMidDocumentJoinsItsWorkers) {
    std::string const doc = MixedDocument(400);
    for (int i = 0; i < 20; ++i) {
        CollectingVisitor v;
        std::istringstream in(doc);
        ReaderOptions options;
        options.decode_threads = 2;
        CmlStreamReader reader(in, "mixed.xml", options, v);
        ASSERT_TRUE(reader.Next(100 + static_cast<std::size_t>(i)));
        EXPECT_EQ(reader.Summary().raw_records, 100u + static_cast<std::size_t>(i));
    }
}

}  // namespace
}  // namespace b2b::onec::test
