#include "tests/emulators/onec/tests/test_helpers.hpp"

#include <gmock/gmock.h>
#include <zip.h>

#include <chrono>
#include <regex>
#include <thread>

namespace b2b::emu::onec::testing {
namespace {

using ::testing::HasSubstr;

std::string Describe(Recorded const& r) {
    std::string out = r.method + " " + r.Mode();
    if (r.Has("filename")) {
        out += " " + r.Get("filename");
    }
    if (r.Mode() == "file") {
        out += " " + std::to_string(r.body.size());
    }
    return out;
}

std::vector<std::string> Sequence(std::vector<Recorded> const& requests) {
    std::vector<std::string> out;
    for (auto const& r : requests) {
        out.push_back(Describe(r));
    }
    return out;
}

TEST(CatalogExchange, FullRunSendsTheExactRequestSequence) {
    TempDir dir;
    BitrixScript script;
    script.progress_per_file["import.xml"] = 3;
    ScriptedServer server(script);
    auto options = BaseOptions(server, ExchangeType::kCatalog);
    options.files = {dir.Write("import.xml", RandomBytes(2500, 1)), dir.Write("offers.xml", RandomBytes(300, 2))};
    options.full = true;
    std::ostringstream log;

    auto const summary = RunExchange(options, log);

    ASSERT_TRUE(summary.success) << summary.failure << "\n" << log.str();
    auto const requests = server.Requests();
    EXPECT_EQ(Sequence(requests), (std::vector<std::string>{
                                      "GET checkauth", "GET init", "POST file import.xml 1000",
                                      "POST file import.xml 1000", "POST file import.xml 500",
                                      "POST file offers.xml 300", "GET import import.xml", "GET import import.xml",
                                      "GET import import.xml", "GET import import.xml", "GET import offers.xml",
                                      "GET deactivate", "GET complete"}));
    EXPECT_EQ(requests[0].authorization, "Basic c2l0ZTpzZWNyZXQ=");  // site:secret, as in §2.1
    EXPECT_EQ(requests[0].Get("type"), "catalog");
    EXPECT_EQ(requests[1].Get("version"), "2.10");
    for (auto const& r : AfterCheckauth(requests)) {
        EXPECT_EQ(r.cookie, "PHPSESSID=cookie123") << Describe(r);
        EXPECT_EQ(r.Get("sessid"), "5a562c8331776182a53b39fa228c99cc") << Describe(r);
        EXPECT_EQ(r.Get("type"), "catalog") << Describe(r);
    }
    EXPECT_EQ(requests[11].Get("timestamp"), "1733140000");
    EXPECT_EQ(summary.requests, 13u);
    EXPECT_EQ(summary.uploaded_bytes, 2800u);
    EXPECT_EQ(summary.import_calls, 5u);
    EXPECT_EQ(summary.progress_answers, 3u);
    EXPECT_EQ(ExitCodeFor(summary), 0);
    EXPECT_THAT(log.str(), HasSubstr("mode=import filename=import.xml -> progress step\n"));
    EXPECT_THAT(SummaryJson(summary), HasSubstr("\"result\":\"success\""));
}

TEST(CatalogExchange, ChunksAtFileLimitReassembleByteExact) {
    TempDir dir;
    BitrixScript script;
    script.init = "zip=no\nfile_limit=1024\n";
    ScriptedServer server(script);
    auto options = BaseOptions(server, ExchangeType::kCatalog);
    auto const content = RandomBytes(10'007, 7);
    options.files = {dir.Write("import0_1.xml", content)};

    auto const summary = RunExchange(options, std::cerr);

    ASSERT_TRUE(summary.success) << summary.failure;
    auto const requests = server.Requests();
    std::vector<std::size_t> sizes;
    for (auto const& r : requests) {
        if (r.Mode() == "file") {
            sizes.push_back(r.body.size());
        }
    }
    EXPECT_EQ(sizes, (std::vector<std::size_t>{1024, 1024, 1024, 1024, 1024, 1024, 1024, 1024, 1024, 791}));
    EXPECT_EQ(Reassemble(requests, "import0_1.xml"), content);
}

TEST(CatalogExchange, ZipModeSendsOneArchiveThatUnzipsToTheInputs) {
    TempDir dir;
    BitrixScript script;
    script.init = "zip=yes\nfile_limit=700\n";
    ScriptedServer server(script);
    auto options = BaseOptions(server, ExchangeType::kCatalog);
    auto const import_xml = RandomBytes(3000, 3);
    auto const offers_xml = std::string("<?xml version=\"1.0\"?><offers/>");
    auto const image = RandomBytes(900, 4);
    options.base_dir = (dir.Path() / "export").string();
    options.files = {dir.Write("export/goods/1/import.xml", import_xml),
                     dir.Write("export/import_files/ac/pic.jpg", image),
                     dir.Write("export/goods/1/offers.xml", offers_xml)};

    auto const summary = RunExchange(options, std::cerr);

    ASSERT_TRUE(summary.success) << summary.failure;
    auto const requests = server.Requests();
    std::string archive_name;
    for (auto const& r : requests) {
        if (r.Mode() == "file") {
            if (archive_name.empty()) {
                archive_name = r.Get("filename");
            }
            EXPECT_EQ(r.Get("filename"), archive_name) << "only one archive is uploaded";
            EXPECT_LE(r.body.size(), 700u);
        }
    }
    EXPECT_TRUE(std::regex_match(archive_name, std::regex("v8_[0-9A-F]{4}_[0-9a-f]{6}\\.zip"))) << archive_name;

    auto const zip_path = dir.Path() / "received.zip";
    std::ofstream(zip_path, std::ios::binary) << Reassemble(requests, archive_name);
    int error = 0;
    zip_t* zip = zip_open(zip_path.c_str(), ZIP_RDONLY, &error);
    ASSERT_NE(zip, nullptr);
    std::map<std::string, std::string> expected{{"goods/1/import.xml", import_xml},
                                                {"import_files/ac/pic.jpg", image},
                                                {"goods/1/offers.xml", offers_xml}};
    ASSERT_EQ(zip_get_num_entries(zip, 0), 3);
    for (auto const& [name, bytes] : expected) {
        zip_file_t* entry = zip_fopen(zip, name.c_str(), 0);
        ASSERT_NE(entry, nullptr) << name;
        std::string got(bytes.size() + 1, '\0');
        auto const n = zip_fread(entry, got.data(), got.size());
        got.resize(static_cast<std::size_t>(std::max<zip_int64_t>(n, 0)));
        EXPECT_EQ(got, bytes) << name;
        zip_fclose(entry);
    }
    zip_close(zip);

    std::vector<std::string> imports;
    for (auto const& r : requests) {
        if (r.Mode() == "import") {
            imports.push_back(r.Get("filename"));
        }
    }
    EXPECT_EQ(imports, (std::vector<std::string>{"goods/1/import.xml", "goods/1/offers.xml"}));
}

TEST(CatalogExchange, ImportsGoodsBeforeOffersPricesAndRests) {
    TempDir dir;
    ScriptedServer server(BitrixScript{});
    auto options = BaseOptions(server, ExchangeType::kCatalog);
    options.base_dir = dir.Path().string();
    options.files = {dir.Write("offers___1.xml", "o"), dir.Write("goods/1/prices.xml", "p"),
                     dir.Write("goods/1/offers.xml", "o"), dir.Write("rests___1.xml", "r"),
                     dir.Write("goods/1/import.xml", "i"), dir.Write("import___1.xml", "i")};

    auto const summary = RunExchange(options, std::cerr);

    ASSERT_TRUE(summary.success) << summary.failure;
    std::vector<std::string> imports;
    for (auto const& r : server.Requests()) {
        if (r.Mode() == "import") {
            imports.push_back(r.Get("filename"));
        }
    }
    EXPECT_EQ(imports, (std::vector<std::string>{"goods/1/import.xml", "import___1.xml", "offers___1.xml",
                                                 "goods/1/offers.xml", "goods/1/prices.xml", "rests___1.xml"}));
}

TEST(CatalogExchange, FailureStopsTheRunWithItsText) {
    TempDir dir;
    BitrixScript script;
    script.import_reply["import.xml"] = Reply{.body = "failure\nERROR: 2004\n"};
    ScriptedServer server(script);
    auto options = BaseOptions(server, ExchangeType::kCatalog);
    options.files = {dir.Write("import.xml", "i"), dir.Write("offers.xml", "o")};

    auto const summary = RunExchange(options, std::cerr);

    EXPECT_FALSE(summary.success);
    EXPECT_THAT(summary.failure, HasSubstr("ERROR: 2004"));
    EXPECT_EQ(ExitCodeFor(summary), 1);
    auto const requests = server.Requests();
    EXPECT_EQ(requests.back().Mode(), "import") << "nothing is sent after a failure";
    EXPECT_EQ(requests.back().Get("filename"), "import.xml");
    EXPECT_THAT(SummaryJson(summary), HasSubstr("\"result\":\"failure\""));
}

TEST(CatalogExchange, UnknownStatusWordAndHttpErrorsAreFailures) {
    TempDir dir;
    {
        BitrixScript script;
        script.import_reply["import.xml"] = Reply{.body = "Successfully processed file import.xml\n"};
        ScriptedServer server(script);
        auto options = BaseOptions(server, ExchangeType::kCatalog);
        options.files = {dir.Write("import.xml", "i")};
        auto const summary = RunExchange(options, std::cerr);
        EXPECT_FALSE(summary.success);
        EXPECT_THAT(summary.failure, HasSubstr("unknown status: Successfully processed file import.xml"));
    }
    {
        BitrixScript script;
        script.import_reply["import.xml"] = Reply{.status = 502, .body = "Bad Gateway"};
        ScriptedServer server(script);
        auto options = BaseOptions(server, ExchangeType::kCatalog);
        options.files = {dir.Write("import.xml", "i")};
        auto const summary = RunExchange(options, std::cerr);
        EXPECT_FALSE(summary.success);
        EXPECT_THAT(summary.failure, HasSubstr("HTTP 502"));
    }
}

TEST(CatalogExchange, OldStyleThreeLineCheckauthSendsCookieButNoSessid) {
    TempDir dir;
    BitrixScript script;
    script.checkauth = "success\nwc1c-auth\nabc\n";
    ScriptedServer server(script);
    auto options = BaseOptions(server, ExchangeType::kCatalog);
    options.files = {dir.Write("import.xml", "i")};
    options.full = true;  // no timestamp from checkauth: deactivate cannot be sent

    auto const summary = RunExchange(options, std::cerr);

    ASSERT_TRUE(summary.success) << summary.failure;
    auto const requests = server.Requests();
    EXPECT_EQ(Sequence(requests), (std::vector<std::string>{"GET checkauth", "GET init", "POST file import.xml 1",
                                                            "GET import import.xml", "GET complete"}));
    for (auto const& r : AfterCheckauth(requests)) {
        EXPECT_EQ(r.cookie, "wc1c-auth=abc");
        EXPECT_FALSE(r.Has("sessid"));
    }
}

TEST(CatalogExchange, BomBeforeStatusAndCp1251TextAreDecoded) {
    TempDir dir;
    BitrixScript script;
    script.checkauth = "\xEF\xBB\xBF" "success\nPHPSESSID\nx\n";
    // "Обработано 5 из 10" and "Ошибка" in windows-1251, the first with a charset, the second without.
    script.progress_per_file["import.xml"] = 1;
    script.progress_reply_template = Reply{.body = "progress\n\xCE\xE1\xF0\xE0\xE1\xEE\xF2\xE0\xED\xEE 5 \xE8\xE7 10\n",
                                           .content_type = "text/html; charset=windows-1251"};
    script.import_reply["offers.xml"] = Reply{.body = "failure\n\xCE\xF8\xE8\xE1\xEA\xE0\n", .content_type = "text/html"};
    ScriptedServer server(script);
    auto options = BaseOptions(server, ExchangeType::kCatalog);
    options.files = {dir.Write("import.xml", "i"), dir.Write("offers.xml", "o")};
    std::ostringstream log;

    auto const summary = RunExchange(options, log);

    EXPECT_THAT(log.str(), HasSubstr("mode=checkauth -> success PHPSESSID"));
    EXPECT_THAT(log.str(), HasSubstr("mode=import filename=import.xml -> progress Обработано 5 из 10"));
    EXPECT_THAT(summary.failure, HasSubstr("failure: Ошибка"));
}

TEST(CatalogExchange, DropAfterBytesClosesMidChunkAndTheNextRunStartsOver) {
    TempDir dir;
    ScriptedServer server(BitrixScript{});
    auto options = BaseOptions(server, ExchangeType::kCatalog);
    auto const content = RandomBytes(2500, 9);
    options.files = {dir.Write("import.xml", content)};
    options.drop_after_bytes = 1500;

    auto const dropped = RunExchange(options, std::cerr);

    EXPECT_FALSE(dropped.success);
    EXPECT_THAT(dropped.failure, HasSubstr("--drop-after-bytes"));
    // The server records the cut request when it sees the close, which may be just after the
    // client has returned: give it a moment (bounded) instead of racing it.
    auto requests = server.Requests();
    for (int i = 0; i < 500 && requests.size() < 4; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
        requests = server.Requests();
    }
    ASSERT_EQ(requests.size(), 4u);
    EXPECT_TRUE(requests[2].complete);
    EXPECT_EQ(requests[2].body.size(), 1000u);
    EXPECT_FALSE(requests[3].complete) << "the second chunk must be cut off";
    EXPECT_EQ(requests[3].body, content.substr(1000, 500));

    options.drop_after_bytes.reset();
    auto const retried = RunExchange(options, std::cerr);

    ASSERT_TRUE(retried.success) << retried.failure;
    requests = server.Requests();
    EXPECT_EQ(requests[4].Mode(), "checkauth");
    EXPECT_EQ(requests[5].Mode(), "init");
}

TEST(CatalogExchange, StopAfterImportsInterruptsTheExchange) {
    TempDir dir;
    BitrixScript script;
    script.progress_per_file["import.xml"] = 5;
    ScriptedServer server(script);
    auto options = BaseOptions(server, ExchangeType::kCatalog);
    options.files = {dir.Write("import.xml", "i")};
    options.stop_after_imports = 2;

    auto const summary = RunExchange(options, std::cerr);

    EXPECT_FALSE(summary.success);
    EXPECT_EQ(summary.import_calls, 2u);
    EXPECT_THAT(summary.failure, HasSubstr("--stop-after-imports"));
    EXPECT_EQ(server.Requests().back().Mode(), "import");
}

}  // namespace
}  // namespace b2b::emu::onec::testing
