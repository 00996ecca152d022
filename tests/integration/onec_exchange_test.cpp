// 1C's catalog exchange against the real daemon: the 1C client simulator uploads real 1C exports
// (chunked at file_limit, zipped or not) through /1c_exchange.php and the store ends up with exactly
// what the files say, also when the exchange is repeated, cut mid-upload, or the daemon is killed
// mid-import.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/store/database.hpp"
#include "tests/integration/onec_support.hpp"
#include "tests/support/daemon_harness.hpp"

namespace b2b::test {
namespace {

using ::testing::HasSubstr;

std::filesystem::path const kFixtures = std::filesystem::path(B2B_SHARED_DIR) / "fixtures" / "commerceml";
constexpr char kPassword[] = "s3cret-exchange";

std::string OneCConfig(std::string const& extra = "") {
    return DaemonHarness::DefaultConfig("",
                                        "onec:\n"
                                        "  enabled: true\n"
                                        "  user: exchange\n"
                                        "  password: ${B2B_TEST_ONEC_PASSWORD}\n"
                                        "  file_limit: 64KiB\n"
                                        "  import_slice_records: 400\n" +
                                            extra);
}

std::int64_t Count(std::filesystem::path const& db_path, char const* sql) {
    auto db = store::Database::Open(db_path);
    if (!db) {
        ADD_FAILURE() << db.error().message;
        return -1;
    }
    auto tx = store::Transaction::Begin(**db, "test count", store::Transaction::Mode::kRead);
    auto st = (*tx)->Prepare("test count", sql);
    if (!st) {
        ADD_FAILURE() << st.error().message;
        return -1;
    }
    auto row = st->Step();
    return row && *row ? st->ColumnInt64(0) : -1;
}

class OneCExchange : public ::testing::Test {
protected:
    void StartDaemon(std::string const& extra = "") {
        daemon_.WriteConfig(OneCConfig(extra));
        daemon_.Start({{"B2B_TEST_ONEC_PASSWORD", kPassword}});
    }
    CommandResult Simulate(std::vector<std::string> files, std::vector<std::string> extra = {}) {
        std::vector<std::string> args = {"--url",
                                         "http://127.0.0.1:" + std::to_string(daemon_.public_port()) +
                                             "/1c_exchange.php",
                                         "--user", "exchange", "--password-env", "B2B_TEST_ONEC_PASSWORD",
                                         "--type", "catalog", "--timeout", "30s", "--files"};
        for (auto const& f : files) {
            args.push_back((kFixtures / f).string());
        }
        args.insert(args.end(), extra.begin(), extra.end());
        return RunCommand(B2B_ONEC_SIMULATOR, args, {{"B2B_TEST_ONEC_PASSWORD", kPassword}},
                          std::chrono::seconds(120));
    }
    std::int64_t Count(char const* sql) { return test::Count(daemon_.DatabasePath(), sql); }

    DaemonHarness daemon_{B2B_DAEMON_PATH};
};

std::vector<std::string> const kGillbeits = {
    "gillbeits/import___b815e2db-7a65-4265-9241-5f0c4f0565a7.xml",
    "gillbeits/offers___7f304edc-2527-4d3d-b058-6e4ee53de2e0.xml",
    "gillbeits/prices___d66a6b51-ce9c-4e7a-8c7c-25079721107f.xml",
    "gillbeits/rests___1af6e7b8-a026-4690-9752-1c9d64cb914d.xml",
};

TEST_F(OneCExchange, FullCatalogExchangeLandsEveryRecordAndRepeatingItChangesNothing) {
    StartDaemon();
    auto first = Simulate(kGillbeits, {"--full"});
    ASSERT_EQ(first.exit_code, 0) << first.output << daemon_.LogSinceStart();
    EXPECT_THAT(first.output, HasSubstr("\"result\":\"success\""));
    EXPECT_EQ(Count("SELECT COUNT(*) FROM product_groups"), 97);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM offers"), 978);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM prices"), 978);
    std::int64_t const stamp = Count("SELECT MAX(updated_at) FROM offers");

    auto second = Simulate(kGillbeits, {"--full"});
    ASSERT_EQ(second.exit_code, 0) << second.output;
    EXPECT_EQ(Count("SELECT COUNT(*) FROM offers"), 978);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM prices"), 978);
    EXPECT_EQ(Count("SELECT MAX(updated_at) FROM offers"), stamp) << "an identical package must change no row";
    EXPECT_EQ(daemon_.Stop(), 0);
}

TEST_F(OneCExchange, ZippedUt11PackageWithAProductDeletedIn1C) {
    StartDaemon("  zip: true\n");
    auto run = Simulate({"dobromyslov/import0_1.xml", "dobromyslov/offers0_1.xml"}, {"--zip", "auto"});
    ASSERT_EQ(run.exit_code, 0) << run.output << daemon_.LogSinceStart();
    EXPECT_THAT(run.output, HasSubstr(".zip"));
    EXPECT_EQ(Count("SELECT COUNT(*) FROM products"), 36);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM products WHERE active = 0"), 1);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM offers"), 44);
    EXPECT_EQ(daemon_.Stop(), 0);
}

TEST_F(OneCExchange, WrongPasswordIsRefusedAndNothingLands) {
    StartDaemon();
    auto run = RunCommand(B2B_ONEC_SIMULATOR,
                          {"--url", "http://127.0.0.1:" + std::to_string(daemon_.public_port()) + "/1c_exchange.php",
                           "--user", "exchange", "--password", "Pa55-not-this-one", "--type", "catalog", "--files",
                           (kFixtures / kGillbeits[1]).string()});
    EXPECT_EQ(run.exit_code, 1);
    EXPECT_THAT(run.output, HasSubstr("\"result\":\"failure\""));
    EXPECT_EQ(Count("SELECT COUNT(*) FROM offers"), 0);
    EXPECT_THAT(daemon_.LogSinceStart(), ::testing::Not(HasSubstr("Pa55-not-this-one")));
    EXPECT_EQ(daemon_.Stop(), 0);
}

TEST_F(OneCExchange, ConnectionDroppedMidUploadThenTheNextExchangeCompletes) {
    StartDaemon();
    auto cut = Simulate(kGillbeits, {"--drop-after-bytes", "300000"});
    EXPECT_EQ(cut.exit_code, 1) << cut.output;
    auto again = Simulate(kGillbeits);
    ASSERT_EQ(again.exit_code, 0) << again.output << daemon_.LogSinceStart();
    EXPECT_EQ(Count("SELECT COUNT(*) FROM offers"), 978);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM prices"), 978);
    EXPECT_EQ(daemon_.Stop(), 0);
}

TEST_F(OneCExchange, DaemonKilledMidImportThenTheNextExchangeCompletesWithWholeData) {
    StartDaemon();
    // Two import calls of 400 records each, then 1C's exchange is interrupted and the daemon dies.
    auto partial = Simulate(kGillbeits, {"--stop-after-imports", "2"});
    EXPECT_EQ(partial.exit_code, 1) << partial.output;
    daemon_.Crash();
    daemon_.Start({{"B2B_TEST_ONEC_PASSWORD", kPassword}});
    auto again = Simulate(kGillbeits, {"--full"});
    ASSERT_EQ(again.exit_code, 0) << again.output << daemon_.LogSinceStart();
    EXPECT_EQ(Count("SELECT COUNT(*) FROM product_groups"), 97);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM offers"), 978);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM prices"), 978);
    EXPECT_EQ(daemon_.Stop(), 0);
}

TEST_F(OneCExchange, SaleExchangeServesTheOrderFeedAndLands1CsOrderDocuments) {
    StartDaemon();
    auto const orders = daemon_.dir() / "orders-from-b2bsync.xml";
    for (bool old_1c : {false, true}) {
        std::vector<std::string> args = {"--url",
                                         "http://127.0.0.1:" + std::to_string(daemon_.public_port()) +
                                             "/1c_exchange.php",
                                         "--user", "exchange", "--password-env", "B2B_TEST_ONEC_PASSWORD", "--type",
                                         "sale", "--save-orders", orders.string(), "--documents",
                                         (kFixtures / "argentcrusade" / "documents-example.xml").string()};
        if (old_1c) {
            args.push_back("--old-1c");
        }
        auto run = RunCommand(B2B_ONEC_SIMULATOR, args, {{"B2B_TEST_ONEC_PASSWORD", kPassword}},
                              std::chrono::seconds(60));
        ASSERT_EQ(run.exit_code, 0) << run.output << daemon_.LogSinceStart();
        // No site orders are queued yet: the answer is the bare root, in windows-1251 as Bitrix sends it.
        std::string const body = ReadFile(orders);
        EXPECT_THAT(body, HasSubstr("encoding=\"windows-1251\""));
        EXPECT_THAT(body, ::testing::Not(HasSubstr("<\xc4\xee\xea\xf3\xec\xe5\xed\xf2>")));  // no <Документ>
    }
    // Both runs uploaded the same two 1C documents: landed once each, keyed by their Ид.
    EXPECT_EQ(Count("SELECT COUNT(*) FROM onec_documents"), 2);
    EXPECT_EQ(daemon_.Stop(), 0);
}

TEST_F(OneCExchange, Old1CSendsItsOrderDocumentInChunksAndMayStillCallImport) {
    // УТ 10.3 style (commerceml.md §1.4, §1.7): no version at init, the document in file_limit
    // chunks under one name (appended), imported when the last chunk is in; then an import call.
    daemon_.WriteConfig(onec::OneCConfig("4KiB"));
    daemon_.Start({{"B2B_TEST_ONEC_PASSWORD", kPassword}});
    auto const info = daemon_.dir() / "info-from-b2bsync.xml";
    auto run = onec::Simulate(daemon_, {"--type", "sale", "--old-1c", "--old-1c-import", "--save-info", info.string(),
                                        "--documents", (kFixtures / "argentcrusade" / "documents-example.xml").string()});
    ASSERT_EQ(run.exit_code, 0) << run.output << daemon_.LogSinceStart();
    EXPECT_THAT(run.output, HasSubstr("\"chunks\":6"));
    EXPECT_THAT(run.output, HasSubstr("mode=import filename=documents-example.xml -> success documents-example.xml: "
                                      "already processed in this session"));
    EXPECT_EQ(Count("SELECT COUNT(*) FROM onec_documents"), 2);
    // mode=info: Bitrix's Справочник document, windows-1251 like the orders.
    std::string const directory = ReadFile(info);
    EXPECT_THAT(directory, ::testing::StartsWith("<?xml version=\"1.0\" encoding=\"windows-1251\"?>\n"));
    EXPECT_THAT(directory, HasSubstr("<\xd1\xef\xf0\xe0\xe2\xee\xf7\xed\xe8\xea>"));  // <Справочник>
    // The shipped mappings' payment_systems table: "Наличные" in windows-1251 under ПлатежныеСистемы.
    EXPECT_THAT(directory, HasSubstr("\xcd\xe0\xeb\xe8\xf7\xed\xfb\xe5"));
    EXPECT_EQ(daemon_.Stop(), 0);
}

}  // namespace
}  // namespace b2b::test
