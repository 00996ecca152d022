#include "connectors/onec/exchange_endpoint.hpp"

#include <filesystem>
#include <fstream>
#include <regex>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "connectors/onec/encoding.hpp"
#include "tests/unit/onec/exchange_test_support.hpp"

namespace b2b::onec::test {
namespace {

// The success answer's second line for `products` products landed over the whole file (the test
// sink counts each as inserted) and `orphans` of them kept without a product.
std::string TallyLine(int products, int orphans = 0) {
    return "products " + std::to_string(products) + " (+" + std::to_string(products) +
           " ~0 =0), deactivated products 0, deactivated offers 0, orphan offers " + std::to_string(orphans) +
           ", unknown price types 0";
}

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::StartsWith;

std::string ReadAll(std::filesystem::path const& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

std::vector<std::string> Ids(int from, int to) {
    std::vector<std::string> ids;
    for (int i = from; i <= to; ++i) {
        ids.push_back("p" + std::to_string(i));
    }
    return ids;
}

using ExchangeEndpointTest = ExchangeFixture;

TEST_F(ExchangeEndpointTest, FullCatalogTranscriptOfSection2_1) {
    StartServer();
    auto const auth = Get("type=catalog&mode=checkauth", {{"Authorization", kBasic}});
    EXPECT_EQ(auth.status, 200);
    EXPECT_EQ(auth.Header("Content-Type"), "text/plain; charset=windows-1251");
    auto const lines = Lines(auth.body);
    ASSERT_EQ(lines.size(), 5u) << auth.body;
    EXPECT_EQ(lines[0], "success");
    EXPECT_EQ(lines[1], "PHPSESSID");
    EXPECT_THAT(lines[2], MatchesRegex("[0-9a-f]{32}"));
    EXPECT_THAT(lines[3], MatchesRegex("sessid=[0-9a-f]{32}"));
    EXPECT_EQ(lines[4], "timestamp=1733140000");
    cookie_ = "PHPSESSID=" + lines[2];
    sessid_ = lines[3].substr(7);

    auto const init = Get("type=catalog&mode=init&sessid=" + sessid_ + "&version=2.10", Cookie());
    EXPECT_EQ(init.body, "zip=no\nfile_limit=256");

    std::string const xml = CatalogXml(5);
    ASSERT_GT(xml.size(), 3 * options_.file_limit);
    Upload("import0_1.xml", xml);
    Upload("import_files/ac/ac0184b3_eda38572.jpg", std::string(300, '\xFF'));
    EXPECT_EQ(ReadAll(SessionDir() / "import0_1.xml"), xml);
    EXPECT_EQ(ReadAll(SessionDir() / "import_files/ac/ac0184b3_eda38572.jpg"), std::string(300, '\xFF'));

    auto const answers = ImportAll("import0_1.xml");
    ASSERT_EQ(answers.size(), 3u);
    EXPECT_THAT(answers[0], MatchesRegex("progress\n2 records of file import0_1\\.xml, [0-9]+%"));
    EXPECT_THAT(answers[1], MatchesRegex("progress\n4 records of file import0_1\\.xml, [0-9]+%"));
    EXPECT_EQ(answers[2], "success\nimport0_1.xml: 5 records imported\n" + TallyLine(5));
    EXPECT_EQ(log_->flushed, Ids(1, 5));
    EXPECT_EQ(log_->flushes, 3);
    EXPECT_EQ(log_->finishes, 1);
    ASSERT_EQ(log_->contexts.size(), 3u);
    EXPECT_FALSE(log_->contexts[0].resumed);
    EXPECT_TRUE(log_->contexts[2].resumed);
    EXPECT_EQ(log_->contexts[2].file_name, "import0_1.xml");
    EXPECT_EQ(log_->contexts[2].session_id, SessionDir().filename().string());
    // Every slice's sink learns the document's headers (replayed on resume).
    EXPECT_THAT(log_->headers, ElementsAre("КоммерческаяИнформация", "КоммерческаяИнформация/Каталог",
                                           "КоммерческаяИнформация", "КоммерческаяИнформация/Каталог",
                                           "КоммерческаяИнформация", "КоммерческаяИнформация/Каталог"));

    EXPECT_EQ(Get("type=catalog&mode=deactivate&timestamp=1733140000&sessid=" + sessid_, Cookie()).body, "success");
    EXPECT_EQ(Get("type=catalog&mode=complete&sessid=" + sessid_, Cookie()).body, "success");
    EXPECT_THAT(log_->deactivations, ElementsAre("1733140000"));
    EXPECT_EQ(log_->completes, 1);

    auto const metrics = registry_.Render();
    EXPECT_THAT(metrics, HasSubstr("b2b_onec_requests_total{type=\"catalog\",mode=\"import\",result=\"progress\"} 2"));
    EXPECT_THAT(metrics, HasSubstr("b2b_onec_requests_total{type=\"catalog\",mode=\"import\",result=\"success\"} 1"));
    EXPECT_THAT(metrics, HasSubstr("b2b_onec_import_records_total 5"));
    EXPECT_THAT(metrics, HasSubstr("b2b_onec_upload_bytes_total " + std::to_string(xml.size() + 300)));
}

TEST_F(ExchangeEndpointTest, DeactivateWithoutTimestampFails) {
    StartServer();
    CheckAuth();
    EXPECT_EQ(Get("type=catalog&mode=deactivate", Cookie()).body,
              "failure\ntimestamp is required for mode=deactivate");
}

TEST_F(ExchangeEndpointTest, FollowUpCallsWorkWithCookieOnlyOrBasicOnly) {
    StartServer();
    CheckAuth();
    // Cookie only, no sessid, unknown parameters ignored.
    EXPECT_EQ(Get("type=catalog&mode=init&CRM_SITE_URL=x", Cookie()).body, "zip=no\nfile_limit=256");
    // Basic only: lands in the latest session.
    auto const file = Post("type=catalog&mode=file&filename=import.xml", "<?xml version=\"1.0\"?>",
                           {{"Authorization", kBasic}});
    EXPECT_EQ(file.body, "success");
    EXPECT_TRUE(std::filesystem::exists(SessionDir() / "import.xml"));
    // Basic with the session's sessid.
    auto const again = Post("type=catalog&mode=file&filename=import.xml&sessid=" + sessid_, "<root/>",
                            {{"Authorization", kBasic}});
    EXPECT_EQ(again.body, "success");
    EXPECT_EQ(ReadAll(SessionDir() / "import.xml"), "<?xml version=\"1.0\"?><root/>");
    // A sessid that does not match the cookie's session is refused.
    EXPECT_EQ(Get("type=catalog&mode=init&sessid=00000000000000000000000000000000", Cookie()).body,
              "failure\nsessid does not match the session; run checkauth again");
}

TEST_F(ExchangeEndpointTest, WrongOrMissingCredentialsAnswer401) {
    StartServer();
    auto const wrong = Get("type=catalog&mode=checkauth", {{"Authorization", "Basic c2l0ZTp3cm9uZw=="}});  // site:wrong
    EXPECT_EQ(wrong.status, 401);
    EXPECT_THAT(wrong.Header("WWW-Authenticate"), StartsWith("Basic "));
    EXPECT_EQ(wrong.body, "failure\nwrong user name or password");

    auto const none = Get("type=catalog&mode=init");
    EXPECT_EQ(none.status, 401);
    EXPECT_EQ(none.body, "failure\nauthorization required");

    auto const stale = Get("type=catalog&mode=init", {{"Cookie", "PHPSESSID=0123456789abcdef0123456789abcdef"}});
    EXPECT_EQ(stale.status, 401);
    EXPECT_THAT(registry_.Render(),
                HasSubstr("b2b_onec_requests_total{type=\"catalog\",mode=\"checkauth\",result=\"unauthorized\"} 1"));
    EXPECT_THAT(registry_.Render(), HasSubstr("b2b_onec_failures_total{reason=\"auth\"} 3"));
}

TEST_F(ExchangeEndpointTest, UnknownTypeModeAndSaleAnswers) {
    options_.sale_enabled = false;
    StartServer();
    CheckAuth();
    EXPECT_EQ(Get("type=reference&mode=init", Cookie()).body, "failure\nUnknown command type.");
    EXPECT_EQ(Get("type=catalog&mode=frobnicate", Cookie()).body, "failure\nunknown mode frobnicate");
    EXPECT_EQ(Get("type=sale&mode=checkauth", {{"Authorization", kBasic}}).body,
              "failure\nsale exchange is disabled in b2bsync");
}

TEST_F(ExchangeEndpointTest, RefusesTraversalAbsoluteAndScriptNames) {
    StartServer();
    CheckAuth();
    EXPECT_EQ(Post("type=catalog&mode=file&filename=../evil.xml", "x", Cookie()).body,
              "failure\nfile name \"../evil.xml\" is not allowed: \"..\" path component");
    EXPECT_EQ(Post("type=catalog&mode=file&filename=%2Fetc%2Fcron.d%2Fx", "x", Cookie()).body,
              "failure\nfile name \"/etc/cron.d/x\" is not allowed: absolute path");
    EXPECT_EQ(Post("type=catalog&mode=file&filename=import_files/shell.PHP", "x", Cookie()).body,
              "failure\nfile name \"import_files/shell.PHP\" is not allowed: script file type");
    EXPECT_EQ(Post("type=catalog&mode=file&filename=a%00b.xml", "x", Cookie()).body,
              std::string("failure\nfile name \"a") + '\0' + "b.xml\" is not allowed: NUL byte");
    // A Windows path and Bitrix's /tmp/ prefix are reduced to the relative name.
    EXPECT_EQ(Post("type=catalog&mode=file&filename=C:%5Cv8_8789_c.xml", "x", Cookie()).body, "success");
    EXPECT_EQ(Post("type=catalog&mode=file&filename=/tmp/offers.xml", "y", Cookie()).body, "success");
    EXPECT_EQ(ReadAll(SessionDir() / "v8_8789_c.xml"), "x");
    EXPECT_EQ(ReadAll(SessionDir() / "offers.xml"), "y");
    EXPECT_FALSE(std::filesystem::exists(dir_ / "evil.xml"));
    EXPECT_THAT(registry_.Render(), HasSubstr("b2b_onec_failures_total{reason=\"filename\"} 4"));
}

TEST_F(ExchangeEndpointTest, ChunkStartingWithXmlDeclarationReplacesAStaleFile) {
    StartServer();
    CheckAuth();
    Upload("import.xml", "<?xml version=\"1.0\"?><stale");
    EXPECT_EQ(Post("type=catalog&mode=file&filename=import.xml", "<?xml version=\"1.0\"?><fresh", Cookie()).body,
              "success");
    EXPECT_EQ(Post("type=catalog&mode=file&filename=import.xml", "/>", Cookie()).body, "success");
    EXPECT_EQ(ReadAll(SessionDir() / "import.xml"), "<?xml version=\"1.0\"?><fresh/>");
}

TEST_F(ExchangeEndpointTest, SizeCapsRefuseOversizedUploads) {
    options_.max_file_size = 300;
    options_.max_session_size = 500;
    StartServer();
    CheckAuth();
    Upload("a.xml", std::string(256, 'a'));
    EXPECT_EQ(Post("type=catalog&mode=file&filename=a.xml", std::string(100, 'a'), Cookie()).body,
              "failure\nfile a.xml exceeds the limit of 300 bytes");
    Upload("b.xml", std::string(200, 'b'));
    EXPECT_EQ(Post("type=catalog&mode=file&filename=c.xml", std::string(100, 'c'), Cookie()).body,
              "failure\nuploads of this session exceed the limit of 500 bytes");
}

TEST_F(ExchangeEndpointTest, InitEmptiesTheWorkDirectory) {
    StartServer();
    CheckAuth();
    Upload("import.xml", "abc");
    EXPECT_EQ(Get("type=catalog&mode=init", Cookie()).body, "zip=no\nfile_limit=256");
    EXPECT_FALSE(std::filesystem::exists(SessionDir() / "import.xml"));
    EXPECT_EQ(Get("type=catalog&mode=import&filename=import.xml", Cookie()).body,
              "failure\nfile import.xml was not uploaded in this session");
}

TEST_F(ExchangeEndpointTest, ZipUploadedInChunksIsUnpackedOnFirstImport) {
    options_.zip = true;
    StartServer();
    CheckAuth();
    EXPECT_EQ(Get("type=catalog&mode=init", Cookie()).body, "zip=yes\nfile_limit=256");
    std::string const xml = CatalogXml(3);
    std::string const zip = MakeZip(dir_, {{"import0_1.xml", xml}, {"import_files/ab/x.jpg", std::string(1000, 'j')}});
    ASSERT_GT(zip.size(), options_.file_limit);
    Upload("v8_2C7E_125d5b.zip", zip);

    auto const answers = ImportAll("import0_1.xml");
    ASSERT_EQ(answers.size(), 3u);
    EXPECT_EQ(answers[0], "progress\nunpacking v8_2C7E_125d5b.zip: 2 files, " + std::to_string(xml.size() + 1000) +
                              " bytes");
    EXPECT_THAT(answers[1], MatchesRegex("progress\n2 records of file import0_1\\.xml, [0-9]+%"));
    EXPECT_EQ(answers[2], "success\nimport0_1.xml: 3 records imported\n" + TallyLine(3));
    EXPECT_EQ(log_->flushed, Ids(1, 3));
    EXPECT_EQ(ReadAll(SessionDir() / "import_files/ab/x.jpg"), std::string(1000, 'j'));
}

TEST_F(ExchangeEndpointTest, ZipBombIsRefused) {
    options_.zip = true;
    options_.max_zip_ratio = 50;
    options_.file_limit = 64 * 1024;
    StartServer();
    CheckAuth();
    Upload("v8_bomb.zip", MakeZip(dir_, {{"import.xml", std::string(8 << 20, '\0')}}));
    auto const first = Get("type=catalog&mode=import&filename=import.xml", Cookie());
    EXPECT_THAT(first.body, StartsWith("failure\nv8_bomb.zip: zip bomb guard: entry import.xml declares 8388608 bytes, "
                                       "over the unpack limit ("));
    EXPECT_THAT(first.body, HasSubstr("; archive refused"));
    EXPECT_FALSE(std::filesystem::exists(SessionDir() / "import.xml"));
    // The archive stays failed; import.xml never appeared.
    EXPECT_EQ(Get("type=catalog&mode=import&filename=import.xml", Cookie()).body,
              "failure\nfile import.xml was not uploaded in this session");
    EXPECT_THAT(registry_.Render(), HasSubstr("b2b_onec_failures_total{reason=\"zip_bomb\"} 1"));
}

TEST_F(ExchangeEndpointTest, ImportResumesAfterDaemonRestartFromStoredCheckpoint) {
    StartServer();
    CheckAuth();
    Upload("import0_1.xml", CatalogXml(7));
    auto const first = Get("type=catalog&mode=import&filename=import0_1.xml", Cookie());
    EXPECT_THAT(first.body, MatchesRegex("progress\n2 records of file import0_1\\.xml, [0-9]+%"));
    EXPECT_EQ(log_->flushed, Ids(1, 2));

    StopServer();  // daemon restart: server, endpoint and database connection are rebuilt
    StartServer();
    auto const answers = ImportAll("import0_1.xml");
    ASSERT_EQ(answers.size(), 3u);
    EXPECT_THAT(answers[0], MatchesRegex("progress\n4 records of file import0_1\\.xml, [0-9]+%"));
    EXPECT_THAT(answers[1], MatchesRegex("progress\n6 records of file import0_1\\.xml, [0-9]+%"));
    EXPECT_EQ(answers[2], "success\nimport0_1.xml: 7 records imported\n" + TallyLine(7));
    EXPECT_EQ(log_->flushed, Ids(1, 7));  // every record exactly once
    EXPECT_EQ(log_->finishes, 1);
}

TEST_F(ExchangeEndpointTest, KeptButUnlinkedRecordsAreSummedOverSlicesIntoTheAnswerAndMetrics) {
    StartServer();
    CheckAuth();
    std::string xml = CatalogXml(2);
    for (int i = 1; i <= 3; ++i) {
        auto const at = xml.find("</Товары>");
        xml.insert(at, "<Товар><Ид>orphan-" + std::to_string(i) + "</Ид></Товар>\n");
    }
    Upload("offers.xml", xml);
    auto const answers = ImportAll("offers.xml");
    ASSERT_EQ(answers.size(), 3u);  // 5 records, 2 per slice: the orphans span all three slices
    EXPECT_EQ(answers[2], "success\noffers.xml: 5 records imported\n" + TallyLine(5, 3) + "\n"
                          "kept without a link yet: 3 offers of unknown products, 0 prices of unknown price types");
    EXPECT_THAT(registry_.Render(), HasSubstr("b2b_onec_orphan_offers_total 3\n"));
    EXPECT_THAT(registry_.Render(), HasSubstr("b2b_onec_unknown_price_type_prices_total 0\n"));
}

TEST_F(ExchangeEndpointTest, ImportOfUnknownFileFails) {
    StartServer();
    CheckAuth();
    EXPECT_EQ(Get("type=catalog&mode=import&filename=offers0_1.xml", Cookie()).body,
              "failure\nfile offers0_1.xml was not uploaded in this session");
}

TEST_F(ExchangeEndpointTest, MalformedXmlFailsWithPositionAndKeepsFlushedRecords) {
    options_.answer_encoding = AnswerEncoding::kUtf8;
    StartServer();
    CheckAuth();
    std::string xml = CatalogXml(3);
    xml.resize(xml.find("</Товары>"));
    xml += "</Каталог>\n";
    Upload("import.xml", xml);
    auto const answers = ImportAll("import.xml");
    ASSERT_EQ(answers.size(), 2u);
    EXPECT_THAT(answers[0], StartsWith("progress\n2 records"));
    // The reader's own text, passed through unchanged. "opened at" is where the resumed slice started:
    // a checkpoint keeps the names of the open elements, not their positions (record_splitter).
    EXPECT_EQ(answers[1], "failure\nimport.xml:10:1: mismatched end tag </Каталог>, expected </Товары> (opened at 8:87) "
                          "(element path КоммерческаяИнформация/Каталог/Товары)");
    EXPECT_EQ(log_->flushed, Ids(1, 2));
    EXPECT_EQ(log_->finishes, 0);
    // The file stays failed.
    EXPECT_EQ(Get("type=catalog&mode=import&filename=import.xml", Cookie()).body, answers[1]);
}

TEST_F(ExchangeEndpointTest, RussianMessagesAreSentInWindows1251) {
    StartServer();
    CheckAuth();
    auto const r = Get("type=catalog&mode=import&filename=%D1%82%D0%BE%D0%B2%D0%B0%D1%80%D1%8B.xml", Cookie());
    EXPECT_EQ(r.Header("Content-Type"), "text/plain; charset=windows-1251");
    // "товары" in windows-1251: F2 EE E2 E0 F0 FB.
    EXPECT_EQ(r.body, "failure\nfile \xF2\xEE\xE2\xE0\xF0\xFB.xml was not uploaded in this session");
}

TEST_F(ExchangeEndpointTest, Utf8AnswersWhenConfigured) {
    options_.answer_encoding = AnswerEncoding::kUtf8;
    StartServer();
    CheckAuth();
    auto const r = Get("type=catalog&mode=import&filename=%D1%82%D0%BE%D0%B2%D0%B0%D1%80%D1%8B.xml", Cookie());
    EXPECT_EQ(r.Header("Content-Type"), "text/plain; charset=utf-8");
    EXPECT_EQ(r.body, "failure\nfile товары.xml was not uploaded in this session");
}

}  // namespace
}  // namespace b2b::onec::test
