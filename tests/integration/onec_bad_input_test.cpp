// Broken or hostile input from the 1C side, through the real daemon and the 1C client simulator
// (issue 3): each case gets a `failure` whose text tells 1C's operator what is wrong and where,
// nothing already in the store changes, and the daemon goes on serving the next exchange.
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/integration/onec_support.hpp"
#include "tests/support/http_client.hpp"

namespace b2b::test::onec {
namespace {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::StartsWith;

std::string const kHead = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                          "<КоммерческаяИнформация ВерсияСхемы=\"2.07\" ДатаФормирования=\"2024-12-02T12:00:00\">\n";

std::vector<std::string> const kBaseline = {(kFixtures / "dobromyslov" / "import0_1.xml").string(),
                                            (kFixtures / "dobromyslov" / "offers0_1.xml").string()};

class OneCBadInput : public ::testing::Test {
protected:
    void SetUp() override {
        daemon_.WriteConfig(OneCConfig("64KiB"));
        daemon_.Start({{kPasswordEnv, kPassword}});
        // What is in the store before the bad input arrives (UT 11 package: 36 products, 44 offers).
        auto run = Catalog(kBaseline);
        ASSERT_EQ(run.exit_code, 0) << run.output << daemon_.LogSinceStart();
        baseline_ = Snapshot();
        ASSERT_EQ(Count("SELECT COUNT(*) FROM products"), 36);
    }
    void TearDown() override { EXPECT_EQ(daemon_.Stop(), 0); }

    CommandResult Catalog(std::vector<std::string> files, std::vector<std::string> extra = {}) {
        std::vector<std::string> args = {"--type", "catalog"};
        args.insert(args.end(), extra.begin(), extra.end());
        args.push_back("--files");
        args.insert(args.end(), files.begin(), files.end());
        return Simulate(daemon_, args);
    }
    std::string Write(std::string const& name, std::string const& bytes) {
        return daemon_.dir().WriteFile(name, bytes).string();
    }
    // The failure text 1C gets for `files`, after checking the run failed.
    std::string Refusal(std::vector<std::string> files, std::vector<std::string> extra = {}) {
        auto run = Catalog(std::move(files), std::move(extra));
        EXPECT_EQ(run.exit_code, 1) << run.output;
        auto failure = SimulatorFailure(run.output);
        RecordProperty("failure_" + std::to_string(++refusals_), failure);  // in --gtest_output=xml reports
        return failure;
    }
    std::int64_t Count(std::string const& sql) { return onec::Count(daemon_.DatabasePath(), sql); }
    std::string Snapshot() {
        std::string out;
        for (char const* table : {"products", "offers", "prices", "stock", "product_groups", "price_types"}) {
            out += std::string(table) + "=" + std::to_string(Count(std::string("SELECT COUNT(*) FROM ") + table)) +
                   "@" + std::to_string(Count(std::string("SELECT COALESCE(MAX(updated_at), 0) FROM ") + table)) +
                   " ";
        }
        return out;
    }
    // Stored data unchanged, health endpoints fine, and the next real exchange goes through.
    void ExpectIntactAndServing() {
        EXPECT_EQ(Snapshot(), baseline_);
        HttpClient admin("127.0.0.1", daemon_.admin_port());
        EXPECT_EQ(admin.Get("/healthz").status, 200);
        EXPECT_EQ(admin.Get("/readyz").status, 200);
        auto again = Catalog(kBaseline);
        EXPECT_EQ(again.exit_code, 0) << again.output << daemon_.LogSinceStart();
        EXPECT_EQ(Snapshot(), baseline_) << "the same package again changes nothing";
    }

    DaemonHarness daemon_{B2B_DAEMON_PATH};
    std::string baseline_;
    int refusals_ = 0;
};

TEST_F(OneCBadInput, MalformedXmlIsReportedWithFileLineColumnAndElementPath) {
    auto const file = Write("import.xml", kHead +
                                              "<Каталог СодержитТолькоИзменения=\"true\"><Ид>c</Ид><Товары>\n"
                                              "<Товар><Ид>p1</Ид><Наименование>ok</Наименование></Товар>\n"
                                              "<Товар><Ид>p2</Ид><Наименование>bad</Наименованиe></Товар>\n"
                                              "</Товары></Каталог>\n</КоммерческаяИнформация>\n");
    EXPECT_EQ(Refusal({file}),
              "mode=import filename=import.xml: failure: import.xml:5:36: mismatched end tag </Наименованиe>, expected "
              "</Наименование> (opened at 5:19) (element path КоммерческаяИнформация/Каталог/Товары/Товар/"
              "Наименование)");
    ExpectIntactAndServing();
}

TEST_F(OneCBadInput, Windows1251BytesWithoutOrWithAWrongDeclarationAndAnUnknownEncoding) {
    // "Товар" in windows-1251 where the document says (or defaults to) UTF-8.
    std::string const cp1251_name = "\xd2\xee\xe2\xe0\xf0";
    auto const undeclared = Write("import.xml", "<?xml version=\"1.0\"?>\n<КоммерческаяИнформация>\n<Каталог><Ид>c</Ид>"
                                                "<Товары><Товар><Ид>p</Ид><Наименование>" +
                                                    cp1251_name + "</Наименование></Товар></Товары></Каталог>\n"
                                                                  "</КоммерческаяИнформация>\n");
    EXPECT_EQ(Refusal({undeclared}), "mode=import filename=import.xml: failure: import.xml: invalid UTF-8 at line 3, "
                                     "column 59; is the file windows-1251 without an encoding declaration?");
    auto const declared_utf8 = Write("import.xml", "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<r>" + cp1251_name + "</r>\n");
    EXPECT_EQ(Refusal({declared_utf8}), "mode=import filename=import.xml: failure: import.xml: invalid UTF-8 at line 2, "
                                        "column 4; is the file windows-1251 without an encoding declaration?");

    auto const koi8 = Write("offers.xml", "<?xml version=\"1.0\" encoding=\"KOI8-R\"?>\n<r/>\n");
    EXPECT_THAT(Refusal({koi8}), HasSubstr("unsupported encoding \"KOI8-R\" declared in the XML declaration; "
                                           "supported: UTF-8, windows-1251"));
    ExpectIntactAndServing();
}

TEST_F(OneCBadInput, UnknownPriceTypeIsKeptAndReportedNotAFailure) {
    auto const offers = Write("offers.xml", kHead +
                                                "<ПакетПредложений СодержитТолькоИзменения=\"true\"><Ид>pkg#</Ид>"
                                                "<ИдКаталога>c</ИдКаталога><Предложения>\n"
                                                "<Предложение><Ид>ghost-product</Ид><Наименование>x</Наименование>"
                                                "<Цены><Цена><Представление>1 234,50 руб. за шт</Представление>"
                                                "<ИдТипаЦены>never-declared</ИдТипаЦены><Валюта>руб</Валюта></Цена>"
                                                "</Цены><Количество>3</Количество></Предложение>\n"
                                                "</Предложения></ПакетПредложений>\n</КоммерческаяИнформация>\n");
    auto run = Catalog({offers});
    ASSERT_EQ(run.exit_code, 0) << run.output << daemon_.LogSinceStart();
    EXPECT_THAT(run.output, HasSubstr("unknown price types 1"));
    EXPECT_EQ(Count("SELECT price_raw FROM prices WHERE offer_id = 'ghost-product' AND "
                    "price_type_id = 'never-declared'"),
              12345000);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM products"), 36) << "earlier products untouched";
}

TEST_F(OneCBadInput, TruncatedUploadFailsAtItsEndAndLandsNothingOfIt) {
    std::ifstream in(kBaseline[0], std::ios::binary);
    std::string whole((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    // Another package id, so a half-landed catalog would show up as extra rows.
    auto const file = Write("import0_1.xml", whole.substr(0, whole.size() / 2));
    EXPECT_EQ(Refusal({file}), "mode=import filename=import0_1.xml: failure: import0_1.xml:1650:6: unexpected end of "
                               "file inside a start tag (element path КоммерческаяИнформация/Каталог/Товары/Товар/"
                               "ЗначенияСвойств)");
    ExpectIntactAndServing();
}

TEST_F(OneCBadInput, EntityBombIsRefusedBeforeAnyExpansion) {
    std::string bomb = "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n<!ENTITY lol \"lol\">\n";
    for (int i = 1; i <= 9; ++i) {
        bomb += "<!ENTITY lol" + std::to_string(i) + " \"";
        for (int k = 0; k < 10; ++k) {
            bomb += "&lol" + (i == 1 ? std::string() : std::to_string(i - 1)) + ";";
        }
        bomb += "\">\n";
    }
    bomb += "]>\n<КоммерческаяИнформация><Каталог><Ид>&lol9;</Ид></Каталог></КоммерческаяИнформация>\n";
    EXPECT_EQ(Refusal({Write("import.xml", bomb)}),
              "mode=import filename=import.xml: failure: import.xml:2:1: DOCTYPE is refused: CommerceML needs no DTD, and "
              "DTD entities could expand without bound (element path (document))");
    ExpectIntactAndServing();
}

TEST_F(OneCBadInput, ZipBombIsRefusedByTheRatioGuard) {
    // 40 MB of spaces deflate to ~40 KB: a ratio of ~1000 against the default limit of 200.
    auto const file = Write("import.xml", kHead + std::string(40u << 20, ' ') + "</КоммерческаяИнформация>\n");
    auto const failure = Refusal({file}, {"--zip", "yes"});
    EXPECT_THAT(failure, MatchesRegex("mode=import filename=import.xml: failure: v8_.*\\.zip: zip bomb guard: .*; "
                                      "archive refused"));
    ExpectIntactAndServing();
}

TEST_F(OneCBadInput, FileNameWithDotDotIsRefusedPlainAndInsideAZip) {
    auto const payload = Write("payload.xml", kHead + "</КоммерческаяИнформация>\n");
    EXPECT_EQ(Refusal({payload}, {"--remote-name", "../../evil.xml"}),
              "mode=file filename=../../evil.xml: failure: file name \"../../evil.xml\" is not allowed: \"..\" path "
              "component");
    // Zip-slip: a harmless import.xml and an entry named ../evil.xml in one archive.
    auto const good = Write("good.xml", kHead + "</КоммерческаяИнформация>\n");
    auto const zipped = Refusal({good, payload}, {"--zip", "yes", "--remote-name", "import.xml", "../evil.xml"});
    EXPECT_THAT(zipped, MatchesRegex("mode=import filename=import.xml: failure: .*v8_.*\\.zip.*"));
    EXPECT_THAT(zipped, HasSubstr("file name \"../evil.xml\" is not allowed: \"..\" path component"));
    // Nothing was written outside the work directory.
    for (auto const& entry : std::filesystem::recursive_directory_iterator(daemon_.dir().path())) {
        EXPECT_NE(entry.path().filename(), "evil.xml") << entry.path();
    }
    ExpectIntactAndServing();
}

}  // namespace
}  // namespace b2b::test::onec
