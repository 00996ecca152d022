// Repeatable speed probe of the CommerceML import path: split only, decode only, landing into a
// real SQLite store. Prints figures (best and median of several runs); asserts nothing about time,
// only that the runs read what they should. Run alone for profiling:
//   unit_onec --gtest_filter='CmlPerfProbe.*'
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "connectors/onec/catalog_landing.hpp"
#include "connectors/onec/encoding.hpp"
#include "connectors/onec/record_splitter.hpp"
#include "core/util/clock.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/unit/onec/collecting_visitor.hpp"
#include "tests/unit/store/store_test_util.hpp"

namespace b2b::onec::test {
namespace {

constexpr int kRuns = 5;

// An offers package like the 2.09+ module sends: names, two prices, per-warehouse stock.
std::string GenerateOffers(std::size_t count) {
    std::string xml =
        "\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<КоммерческаяИнформация xmlns=\"urn:1C.ru:commerceml_2\" ВерсияСхемы=\"2.09\" "
        "ДатаФормирования=\"2024-05-01T10:00:00\">\n"
        "\t<ПакетПредложений СодержитТолькоИзменения=\"false\">\n"
        "\t\t<Ид>cat-1#</Ид>\n\t\t<Наименование>Пакет предложений</Наименование>\n"
        "\t\t<ИдКаталога>cat-1</ИдКаталога>\n\t\t<ИдКлассификатора>cat-1</ИдКлассификатора>\n"
        "\t\t<ТипыЦен>\n\t\t\t<ТипЦены>\n\t\t\t\t<Ид>pt-retail</Ид>\n\t\t\t\t<Наименование>Розничная</Наименование>\n"
        "\t\t\t\t<Валюта>RUB</Валюта>\n\t\t\t</ТипЦены>\n\t\t</ТипыЦен>\n"
        "\t\t<Склады>\n\t\t\t<Склад>\n\t\t\t\t<Ид>wh-1</Ид>\n\t\t\t\t<Наименование>Основной</Наименование>\n"
        "\t\t\t</Склад>\n\t\t</Склады>\n"
        "\t\t<Предложения>\n";
    for (std::size_t i = 0; i < count; ++i) {
        xml += fmt::format(
            "\t\t\t<Предложение>\n"
            "\t\t\t\t<Ид>26b0dc1e-4d66-11e4-99fe-{:012d}#{:08d}</Ид>\n"
            "\t\t\t\t<Артикул>ART-{}</Артикул>\n"
            "\t\t\t\t<Наименование>Дезодорант для мужчин Чистая линия &quot;Фито&quot; {} мл</Наименование>\n"
            "\t\t\t\t<БазоваяЕдиница Код=\"796\" НаименованиеПолное=\"Штука\">шт</БазоваяЕдиница>\n"
            "\t\t\t\t<Цены>\n"
            "\t\t\t\t\t<Цена>\n"
            "\t\t\t\t\t\t<Представление>{}.50 RUB за шт</Представление>\n"
            "\t\t\t\t\t\t<ИдТипаЦены>pt-retail</ИдТипаЦены>\n"
            "\t\t\t\t\t\t<ЦенаЗаЕдиницу>{}.50</ЦенаЗаЕдиницу>\n"
            "\t\t\t\t\t\t<Валюта>RUB</Валюта>\n"
            "\t\t\t\t\t\t<Единица>шт</Единица>\n"
            "\t\t\t\t\t\t<Коэффициент>1</Коэффициент>\n"
            "\t\t\t\t\t</Цена>\n"
            "\t\t\t\t\t<Цена>\n"
            "\t\t\t\t\t\t<ИдТипаЦены>pt-wholesale</ИдТипаЦены>\n"
            "\t\t\t\t\t\t<ЦенаЗаЕдиницу>{}</ЦенаЗаЕдиницу>\n"
            "\t\t\t\t\t\t<Валюта>RUB</Валюта>\n"
            "\t\t\t\t\t</Цена>\n"
            "\t\t\t\t</Цены>\n"
            "\t\t\t\t<Количество>{}</Количество>\n"
            "\t\t\t\t<Склад ИдСклада=\"wh-1\" КоличествоНаСкладе=\"{}\"/>\n"
            "\t\t\t</Предложение>\n",
            i / 4, i % 4, i, 100 + i % 400, 100 + i % 900, 100 + i % 900, 90 + i % 800, i % 57, i % 57);
    }
    xml += "\t\t</Предложения>\n\t</ПакетПредложений>\n</КоммерческаяИнформация>\n";
    return xml;
}

struct Figures {
    double best = 0;
    double median = 0;
};

Figures Summarise(std::vector<double> runs) {
    std::sort(runs.begin(), runs.end());
    return Figures{runs.back(), runs[runs.size() / 2]};
}

double Seconds(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

Figures SplitMegabytesPerSecond(std::string const& text, std::uint64_t& records) {
    std::vector<double> runs;
    for (int i = 0; i < kRuns; ++i) {
        std::istringstream in(text);
        std::uint64_t n = 0;
        auto const start = std::chrono::steady_clock::now();
        auto st = SplitRecords(in, "probe.xml", SplitterOptions{}, [&n](RawRecord const&) -> Status {
            ++n;
            return {};
        });
        runs.push_back(static_cast<double>(text.size()) / 1e6 / Seconds(start));
        EXPECT_TRUE(st) << st.error().message;
        records = n;
    }
    return Summarise(runs);
}

Figures DecodeMegabytesPerSecond(std::string const& text, ReadSummary& summary) {
    std::vector<double> runs;
    for (int i = 0; i < kRuns; ++i) {
        CmlVisitor ignore;
        std::istringstream in(text);
        auto const start = std::chrono::steady_clock::now();
        auto r = ReadCommerceMl(in, "probe.xml", ReaderOptions{}, ignore);
        runs.push_back(static_cast<double>(text.size()) / 1e6 / Seconds(start));
        EXPECT_TRUE(r) << r.error().message;
        if (r) {
            summary = *r;
        }
    }
    return Summarise(runs);
}

void PrintDecode(std::string const& name, std::string const& text) {
    std::uint64_t records = 0;
    Figures const split = SplitMegabytesPerSecond(text, records);
    ReadSummary summary;
    Figures const decode = DecodeMegabytesPerSecond(text, summary);
    EXPECT_EQ(summary.skipped, 0u);
    EXPECT_EQ(summary.raw_records, records);
    std::cout << fmt::format(
        "[probe] {} ({:.2f} MB, {} records): split best {:.0f} median {:.0f} MB/s; decode best {:.0f} median {:.0f} "
        "MB/s; peak buffer {} bytes\n",
        name, static_cast<double>(text.size()) / 1e6, records, split.best, split.median, decode.best, decode.median,
        summary.peak_buffer_bytes);
}

TEST(CmlPerfProbe, DecodeThroughput) {
    PrintDecode("gillbeits import",
                ReadBytes(FixturePath("gillbeits/import___b815e2db-7a65-4265-9241-5f0c4f0565a7.xml")));
    PrintDecode("gillbeits prices",
                ReadBytes(FixturePath("gillbeits/prices___d66a6b51-ce9c-4e7a-8c7c-25079721107f.xml")));
    PrintDecode("generated offers", GenerateOffers(8000));
}

// Lands a file into a fresh store (all inserts), then again (all unchanged), timing both.
void PrintLanding(std::string const& name, std::vector<std::string> const& texts, int run_count = 3) {
    std::vector<double> first_runs;
    std::vector<double> again_runs;
    std::vector<double> mb_runs;
    std::uint64_t records = 0;
    std::size_t bytes = 0;
    for (auto const& t : texts) {
        bytes += t.size();
    }
    for (int run = 0; run < run_count; ++run) {
        b2b::test::TempDir dir;
        auto db = store::test::OpenOrDie(dir.path() / "state.db");
        ASSERT_TRUE(db);
        FakeClock clock;
        for (int pass = 0; pass < 2; ++pass) {
            std::uint64_t landed = 0;
            auto const start = std::chrono::steady_clock::now();
            for (auto const& text : texts) {
                CatalogLanding landing(*db, clock, pass == 0 ? "ex1" : "ex2");
                std::istringstream in(text);
                auto r = ReadCommerceMl(in, "probe.xml", ReaderOptions{}, landing);
                ASSERT_TRUE(r) << r.error().message;
                auto st = landing.Finish();
                ASSERT_TRUE(st) << st.error().message;
                landed += r->raw_records;
            }
            double const seconds = Seconds(start);
            records = landed;
            (pass == 0 ? first_runs : again_runs).push_back(static_cast<double>(landed) / seconds);
            if (pass == 0) {
                mb_runs.push_back(static_cast<double>(bytes) / 1e6 / seconds);
            }
        }
    }
    Figures const first = Summarise(first_runs);
    Figures const again = Summarise(again_runs);
    Figures const mb = Summarise(mb_runs);
    std::cout << fmt::format(
        "[probe] landing {} ({} records): fresh best {:.0f} median {:.0f} rec/s ({:.0f}/{:.0f} MB/s); "
        "again (unchanged) best {:.0f} median {:.0f} rec/s\n",
        name, records, first.best, first.median, mb.best, mb.median, again.best, again.median);
}

// The byte loop Utf8Validator used before its 16-byte fast path: the reference for the test below.
class ReferenceUtf8Validator {
public:
    std::optional<std::string> Feed(std::string_view chunk) {
        for (char c : chunk) {
            auto const b = static_cast<unsigned char>(c);
            if (pending_ > 0) {
                bool ok = (b & 0xC0) == 0x80;
                if (ok && first_) {
                    ok = !((lead_ == 0xE0 && b < 0xA0) || (lead_ == 0xED && b > 0x9F) || (lead_ == 0xF0 && b < 0x90) ||
                           (lead_ == 0xF4 && b > 0x8F));
                }
                if (!ok) {
                    return Message(column_ - 1);
                }
                first_ = false;
                --pending_;
                continue;
            }
            if (b < 0x80) {
                if (b == '\n') {
                    ++line_;
                    column_ = 1;
                } else {
                    ++column_;
                }
                continue;
            }
            if (b >= 0xC2 && b <= 0xDF) {
                pending_ = 1;
            } else if (b >= 0xE0 && b <= 0xEF) {
                pending_ = 2;
            } else if (b >= 0xF0 && b <= 0xF4) {
                pending_ = 3;
            } else {
                return Message(column_);
            }
            lead_ = b;
            first_ = true;
            ++column_;
        }
        return std::nullopt;
    }

private:
    std::string Message(std::uint64_t column) const {
        return fmt::format(
            "invalid UTF-8 at line {}, column {}; is the file windows-1251 without an encoding declaration?", line_,
            column);
    }
    std::uint64_t line_ = 1;
    std::uint64_t column_ = 1;
    int pending_ = 0;
    unsigned char lead_ = 0;
    bool first_ = false;
};

// Random mixes of ASCII, Cyrillic, 3- and 4-byte characters and stray bytes, fed in random chunks:
// the fast validator must accept and reject exactly what the byte loop does, at the same position.
// A final 0xFF exposes the position reached after valid input.
TEST(CmlPerfProbe, Utf8FastPathMatchesByteLoop) {
    std::uint64_t seed = 12345;
    auto next = [&seed](std::uint64_t bound) {
        seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
        return (seed >> 33) % bound;
    };
    std::array<std::string_view, 9> const pieces = {
        "a", "\n", "<Ид>", "\xD0\x9F", "\xD1\x8F", "\xE2\x84\x96", "\xF0\x9F\x98\x80", "\t\t", "0123456789abcdef"};
    std::array<std::string_view, 6> const bad = {"\xFF", "\xC0\xAF", "\xD0", "\xE0\x80\x80", "\xED\xA0\x80", "\x80"};
    for (int round = 0; round < 3000; ++round) {
        std::string text;
        std::size_t const length = 1 + next(120);
        for (std::size_t k = 0; k < length; ++k) {
            text += pieces[next(pieces.size())];
        }
        if (next(3) == 0) {
            text.insert(next(text.size() + 1), bad[next(bad.size())]);
        }
        text += "\xFF";
        Utf8Validator fast;
        ReferenceUtf8Validator reference;
        std::string fast_error;
        std::optional<std::string> reference_error;
        for (std::size_t at = 0; at < text.size() && fast_error.empty() && !reference_error;) {
            std::size_t const size = std::min(text.size() - at, 1 + next(40));
            std::string_view const chunk = std::string_view(text).substr(at, size);
            if (auto st = fast.Feed(chunk); !st) {
                fast_error = st.error().message;
            }
            reference_error = reference.Feed(chunk);
            at += size;
        }
        ASSERT_TRUE(reference_error.has_value());
        ASSERT_EQ(fast_error, *reference_error) << "round " << round;
    }
}

// Frames inside a record get their line/column only when an error needs it (RecordSplitter::OpenedAt):
// the position must be right however the record was cut into chunks.
TEST(CmlPerfProbe, InnerElementPositionsInErrors) {
    std::string const mismatched =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<КоммерческаяИнформация>\n<Каталог>\n<Товары>\n"
        "  <Товар><Ид>1</Ид>\n    <Наименование>Мыло</Товар>\n</Товары></Каталог></КоммерческаяИнформация>\n";
    std::string const unclosed =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<КоммерческаяИнформация>\n<Каталог>\n<Товары>\n"
        "  <Товар><Ид>1</Ид>\n  <Группы>\n\t<Ид>2";
    for (std::size_t chunk : {16u, 40u, 4096u}) {
        for (auto const& [text, expected] : {std::pair{&mismatched, std::string("(opened at 6:5)")},
                                             std::pair{&unclosed, std::string("<Ид> opened at 7:2")}}) {
            std::istringstream in(*text);
            SplitterOptions options;
            options.chunk_size = chunk;
            auto st = SplitRecords(in, "bad.xml", options, [](RawRecord const&) -> Status { return {}; });
            ASSERT_FALSE(st);
            EXPECT_NE(st.error().message.find(expected), std::string::npos) << chunk << ": " << st.error().message;
        }
    }
}

TEST(CmlPerfProbe, LandingThroughput) {
    PrintLanding("gillbeits import",
                 {ReadBytes(FixturePath("gillbeits/import___b815e2db-7a65-4265-9241-5f0c4f0565a7.xml"))});
    PrintLanding("generated offers", {GenerateOffers(8000)});
}

// Landing only, one fresh and one unchanged pass: small enough to run under
//   valgrind --tool=callgrind unit_onec --gtest_filter='CmlPerfProbe.LandingGeneratedOnce'
TEST(CmlPerfProbe, LandingGeneratedOnce) { PrintLanding("generated offers once", {GenerateOffers(2000)}, 1); }

}  // namespace
}  // namespace b2b::onec::test
