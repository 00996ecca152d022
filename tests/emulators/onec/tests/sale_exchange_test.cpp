#include "tests/emulators/onec/tests/test_helpers.hpp"

#include <gmock/gmock.h>

namespace b2b::emu::onec::testing {
namespace {

using ::testing::HasSubstr;

std::vector<std::string> Modes(std::vector<Recorded> const& requests) {
    std::vector<std::string> out;
    for (auto const& r : requests) {
        out.push_back(r.method + " " + r.Mode());
    }
    return out;
}

// The orders answer as Bitrix sends it: windows-1251 bytes with a matching declaration.
std::string const kOrdersCp1251 =
    "<?xml version=\"1.0\" encoding=\"windows-1251\"?>\n<\xCA\xEE\xEC\xEC\xE5\xF0\xF7\xE5\xF1\xEA\xE0\xFF/>\n";

TEST(SaleExchange, NewOneCQueriesConfirmsUploadsAndImports) {
    TempDir dir;
    BitrixScript script;
    script.checkauth = "success\nPHPSESSID\n9d8c\nsessid=aecf\n";
    script.init = "zip=yes\nfile_limit=204800\nsessid=aecf\nversion=2.09\n";
    script.query = Reply{.body = kOrdersCp1251, .content_type = "application/xml; charset=windows-1251"};
    script.progress_per_file["documents___1.xml"] = 2;
    ScriptedServer server(script);
    auto options = BaseOptions(server, ExchangeType::kSale);
    options.cml_version = "2.08";
    options.save_orders = (dir.Path() / "orders.xml").string();
    auto const document = "\xEF\xBB\xBF<?xml version=\"1.0\"?><doc/>";
    options.documents = {dir.Write("documents___1.xml", document)};

    auto const summary = RunExchange(options, std::cerr);

    ASSERT_TRUE(summary.success) << summary.failure;
    auto const requests = server.Requests();
    EXPECT_EQ(Modes(requests), (std::vector<std::string>{"GET checkauth", "GET init", "GET query", "GET success",
                                                         "POST file", "GET import", "GET import", "GET import"}));
    EXPECT_EQ(requests[1].Get("version"), "2.08");
    for (auto const& r : AfterCheckauth(requests)) {
        EXPECT_EQ(r.Get("type"), "sale");
        EXPECT_EQ(r.Get("sessid"), "aecf");
        EXPECT_EQ(r.cookie, "PHPSESSID=9d8c");
    }
    EXPECT_EQ(requests[4].body, document) << "sale documents are not zipped";
    EXPECT_EQ(ReadAll(options.save_orders), kOrdersCp1251) << "orders are saved byte-exact";
    EXPECT_EQ(summary.orders_bytes, kOrdersCp1251.size());
}

TEST(SaleExchange, OldOneCSendsNoVersionAndNoImportCalls) {
    TempDir dir;
    BitrixScript script;
    script.query = Reply{.body = kOrdersCp1251, .content_type = "application/xml; charset=windows-1251"};
    ScriptedServer server(script);
    auto options = BaseOptions(server, ExchangeType::kSale);
    options.old_1c = true;
    options.save_orders = (dir.Path() / "orders.xml").string();
    options.documents = {dir.Write("documents.xml", "<doc/>")};

    auto const summary = RunExchange(options, std::cerr);

    ASSERT_TRUE(summary.success) << summary.failure;
    auto const requests = server.Requests();
    EXPECT_EQ(Modes(requests),
              (std::vector<std::string>{"GET checkauth", "GET init", "GET query", "GET success", "POST file"}));
    EXPECT_FALSE(requests[1].Has("version"));
    for (auto const& r : AfterCheckauth(requests)) {
        EXPECT_FALSE(r.Has("sessid")) << "old 1C ignores the sessid line";
        EXPECT_EQ(r.cookie, "PHPSESSID=cookie123");
    }
    EXPECT_EQ(summary.import_calls, 0u);
    EXPECT_EQ(ReadAll(options.save_orders), kOrdersCp1251);
}

TEST(SaleExchange, ErrorAnswerToSuccessStopsTheRun) {
    TempDir dir;
    BitrixScript script;
    ScriptedServer server([script](Recorded const& r) mutable {
        if (r.Mode() == "success") {
            return Reply{.body = "error\ncookie mismatch\n"};
        }
        return script(r);
    });
    auto options = BaseOptions(server, ExchangeType::kSale);
    options.documents = {dir.Write("documents.xml", "<doc/>")};

    auto const summary = RunExchange(options, std::cerr);

    EXPECT_FALSE(summary.success);
    EXPECT_THAT(summary.failure, HasSubstr("mode=success: unknown status: error cookie mismatch"));
    EXPECT_EQ(server.Requests().back().Mode(), "success");
}

}  // namespace
}  // namespace b2b::emu::onec::testing
