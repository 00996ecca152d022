// Generated large catalogs (bench/commerceml_gen: the 1C-Bitrix module's 2.09 shape, 5 price types,
// 10 warehouses) through the real daemon with the 1C client simulator at a small file_limit, so
// every file arrives in many chunks and is imported in many slices: the store ends up with exactly
// what the package says, zipped or not; a repeat changes no row; a partial package deactivates
// nothing while a full one deactivates what it no longer lists; a cut upload and a SIGKILL in the
// middle of the import leave nothing half done, and the import resumes from its persisted cursor.
#include <fstream>
#include <map>
#include <regex>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/integration/onec_support.hpp"
#include "tests/support/http_client.hpp"

// The generator is a benchmark target: without B2B_BUILD_BENCH these tests are not built.
#ifdef B2B_COMMERCEML_GEN
namespace b2b::test::onec {
namespace {

using ::testing::HasSubstr;

// Sized for < ~60 s per test on a loaded 2-core machine: a full exchange of 8,000 products is
// 125 MB (import.xml 86 MB + offers.xml 39 MB), 480 chunks of 256 KiB, 34 import slices, ~9 s at a
// load average of 9 (the partial/deactivation test runs three of them in ~41 s).
constexpr int kProducts = 8000;
constexpr int kDropped = 300;  // products the later full package no longer lists
constexpr int kPriceTypes = 5;
constexpr int kWarehouses = 10;

// Every byte of the generated package (same seed: the first N products are identical).
struct Package {
    std::filesystem::path dir;
    std::vector<std::string> Files() const { return {(dir / "import.xml").string(), (dir / "offers.xml").string()}; }
};

void Generate(std::filesystem::path const& dir, int products) {
    std::filesystem::create_directories(dir);
    auto run = RunCommand(B2B_COMMERCEML_GEN,
                          {dir.string(), "--products", std::to_string(products), "--price-types",
                           std::to_string(kPriceTypes), "--warehouses", std::to_string(kWarehouses)},
                          {}, std::chrono::seconds(120));
    ASSERT_EQ(run.exit_code, 0) << run.output;
}

// The same package marked as changes only (commerceml.md §3.9): every `СодержитТолькоИзменения="false"`
// (Классификатор, Каталог, ПакетПредложений headers) becomes `="true" `.
void MarkAsChangesOnly(std::filesystem::path const& from, std::filesystem::path const& to) {
    std::filesystem::create_directories(to);
    for (char const* name : {"import.xml", "offers.xml"}) {
        std::ifstream in(from / name, std::ios::binary);
        std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        std::string const full = "СодержитТолькоИзменения=\"false\"";
        std::string const part = "СодержитТолькоИзменения=\"true\" ";
        std::size_t replaced = 0;
        for (auto at = bytes.find(full); at != std::string::npos; at = bytes.find(full, at)) {
            bytes.replace(at, full.size(), part);
            ++replaced;
        }
        ASSERT_GE(replaced, 1u) << name;
        std::ofstream out(to / name, std::ios::binary | std::ios::trunc);
        out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    }
}

class OneCLargeCatalog : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        packages_ = new TempDir();
        Generate(Full().dir, kProducts);
        Generate(Fewer().dir, kProducts - kDropped);
        MarkAsChangesOnly(Fewer().dir, FewerChangesOnly().dir);
    }
    static void TearDownTestSuite() {
        delete packages_;
        packages_ = nullptr;
    }
    static Package Full() { return {*packages_ / "full"}; }
    static Package Fewer() { return {*packages_ / "fewer"}; }
    static Package FewerChangesOnly() { return {*packages_ / "fewer-changes-only"}; }

    void StartDaemon(std::string const& onec_extra = "") {
        // 256 KiB chunks: ~55 chunks per 1,000 products; 500 records per import slice.
        daemon_.WriteConfig(OneCConfig("256KiB", "  zip: true\n  import_slice_records: 500\n" + onec_extra));
        daemon_.Start({{kPasswordEnv, kPassword}});
    }
    void ExpectExchangeSucceeds(Package const& package, std::vector<std::string> extra = {}) {
        std::vector<std::string> args = {"--type", "catalog", "--files"};
        for (auto const& f : package.Files()) {
            args.push_back(f);
        }
        args.insert(args.end(), extra.begin(), extra.end());
        auto run = Simulate(daemon_, args, std::chrono::seconds(300));
        ASSERT_EQ(run.exit_code, 0) << run.output << daemon_.LogSinceStart();
        EXPECT_THAT(run.output, HasSubstr("\"result\":\"success\""));
        last_output_ = run.output;
    }
    std::int64_t Count(std::string const& sql) { return onec::Count(daemon_.DatabasePath(), sql); }
    void ExpectWholeCatalog(int active_products, int inactive_products = 0) {
        int const all = active_products + inactive_products;
        EXPECT_EQ(Count("SELECT COUNT(*) FROM price_types"), kPriceTypes);
        EXPECT_EQ(Count("SELECT COUNT(*) FROM warehouses"), kWarehouses);
        EXPECT_EQ(Count("SELECT COUNT(*) FROM products"), all);
        EXPECT_EQ(Count("SELECT COUNT(*) FROM products WHERE active = 1"), active_products);
        EXPECT_EQ(Count("SELECT COUNT(*) FROM offers"), all);
        EXPECT_EQ(Count("SELECT COUNT(*) FROM offers WHERE active = 1"), active_products);
        EXPECT_EQ(Count("SELECT COUNT(*) FROM prices"), std::int64_t{all} * kPriceTypes);
        EXPECT_EQ(Count("SELECT COUNT(*) FROM stock"), std::int64_t{all} * kWarehouses);
        // Every offer is linked to its product and every price to a declared type.
        EXPECT_EQ(Count("SELECT COUNT(*) FROM offers o JOIN products p ON p.onec_id = o.product_id"), all);
        EXPECT_EQ(Count("SELECT COUNT(*) FROM prices WHERE price_type_id NOT IN (SELECT onec_id FROM price_types)"),
                  0);
    }
    // A fingerprint of every row's version stamp: equal before and after means nothing was written.
    std::string Stamps() {
        std::string out;
        for (char const* table : {"products", "offers", "prices", "stock", "product_groups"}) {
            out += std::to_string(Count(std::string("SELECT COALESCE(MAX(updated_at), 0) FROM ") + table)) + "/" +
                   std::to_string(Count(std::string("SELECT COALESCE(SUM(updated_at % 1000003), 0) FROM ") + table)) +
                   " ";
        }
        return out;
    }

    static TempDir* packages_;
    DaemonHarness daemon_{B2B_DAEMON_PATH};
    std::string last_output_;
};

TempDir* OneCLargeCatalog::packages_ = nullptr;

TEST_F(OneCLargeCatalog, ManyChunksPlainThenZippedLandEverythingAndTheRepeatChangesNothing) {
    StartDaemon();
    ExpectExchangeSucceeds(Full(), {"--zip", "no", "--full"});
    ExpectWholeCatalog(kProducts);
    // Many chunks and many slices really happened.
    std::smatch chunks;
    ASSERT_TRUE(std::regex_search(last_output_, chunks, std::regex("\"chunks\":([0-9]+)")));
    EXPECT_GT(std::stoi(chunks[1]), 20);
    std::smatch progress;
    ASSERT_TRUE(std::regex_search(last_output_, progress, std::regex("\"progress_answers\":([0-9]+)")));
    EXPECT_GE(std::stoi(progress[1]), 2 * kProducts / 500 - 2);
    std::string const stamps = Stamps();

    ExpectExchangeSucceeds(Full(), {"--zip", "yes", "--full"});
    EXPECT_THAT(last_output_, HasSubstr(".zip"));
    ExpectWholeCatalog(kProducts);
    EXPECT_EQ(Stamps(), stamps) << "an identical package must change no row";
    EXPECT_EQ(daemon_.Stop(), 0);
}

TEST_F(OneCLargeCatalog, PartialPackageDeactivatesNothingAFullOneDeactivatesWhatItNoLongerLists) {
    StartDaemon();
    ExpectExchangeSucceeds(Full(), {"--zip", "yes", "--full"});
    ExpectWholeCatalog(kProducts);

    ExpectExchangeSucceeds(FewerChangesOnly(), {"--zip", "yes"});
    ExpectWholeCatalog(kProducts);

    ExpectExchangeSucceeds(Fewer(), {"--zip", "yes", "--full"});
    ExpectWholeCatalog(kProducts - kDropped, kDropped);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM products WHERE active = 0 AND deactivated_at IS NOT NULL"), kDropped);
    EXPECT_EQ(daemon_.Stop(), 0);
}

TEST_F(OneCLargeCatalog, CutUploadAndKillMidImportThenTheImportResumesFromItsCursor) {
    StartDaemon();
    // 1C's connection drops in the middle of the upload: nothing is imported from the torn file.
    auto cut = Simulate(daemon_, {"--type", "catalog", "--zip", "no", "--drop-after-bytes", "3000000", "--files",
                                  Full().Files()[0], Full().Files()[1]});
    ASSERT_EQ(cut.exit_code, 1) << cut.output;
    EXPECT_EQ(Count("SELECT COUNT(*) FROM products"), 0);

    // The next exchange uploads everything, imports a few slices of import.xml, and stops; then the
    // daemon is SIGKILLed in the middle of the file.
    auto partial = Simulate(daemon_, {"--type", "catalog", "--zip", "no", "--stop-after-imports", "3", "--files",
                                      Full().Files()[0], Full().Files()[1]});
    ASSERT_EQ(partial.exit_code, 1) << partial.output;
    std::int64_t const landed = Count("SELECT COUNT(*) FROM products");
    EXPECT_GT(landed, 0);
    EXPECT_LT(landed, kProducts);
    // One more import call (1C retrying) is in flight when the daemon is SIGKILLed: its slice may be
    // cut anywhere, and its answer never arrives. Whatever it did must not break the resume below.
    std::thread in_flight([port = daemon_.public_port()] {
        try {
            HttpClient client("127.0.0.1", port);
            client.Get("/1c_exchange.php?type=catalog&mode=import&filename=import.xml",
                       {{"Authorization", kBasicAuthorization}});
        } catch (std::exception const&) {
            // expected: the connection dies with the daemon
        }
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(150));
    daemon_.Crash();
    in_flight.join();
    daemon_.Start({{kPasswordEnv, kPassword}});

    // 1C retries the same session's import (Basic auth picks the latest session): the first answer
    // continues after the slices done before the kill, and the file completes over many slices.
    HttpClient client("127.0.0.1", daemon_.public_port());
    auto import_call = [&](std::string const& file) {
        return client.Get("/1c_exchange.php?type=catalog&mode=import&filename=" + file,
                          {{"Authorization", kBasicAuthorization}});
    };
    auto const first = import_call("import.xml");
    ASSERT_EQ(first.status, 200) << first.body;
    std::smatch records;
    ASSERT_TRUE(std::regex_search(first.body, records, std::regex("^progress\n([0-9]+) records of file import.xml")))
        << first.body;
    EXPECT_GT(std::stoll(records[1]), 3 * 500) << "the import started over instead of resuming";
    int slices = 1;
    std::map<std::string, std::string> success;
    for (auto const& file : {std::string("import.xml"), std::string("offers.xml")}) {
        for (;;) {
            auto const answer = import_call(file);
            ASSERT_EQ(answer.status, 200);
            ++slices;
            if (answer.body.rfind("progress\n", 0) == 0) {
                ASSERT_LT(slices, 1000) << "import never finishes";
                continue;
            }
            ASSERT_EQ(answer.body.rfind("success\n", 0), 0u) << answer.body;
            success[file] = answer.body;
            break;
        }
    }
    EXPECT_GE(slices, 2 * kProducts / 500 - 4);
    // The answers count the whole file, summed over its slices before and after the restart (not
    // the last slice's rows): what 1C writes to its exchange log.
    auto const n = std::to_string(kProducts);
    std::smatch products;
    ASSERT_TRUE(std::regex_search(success["import.xml"], products,
                                  std::regex("products ([0-9]+) \\(\\+([0-9]+) ~0 =([0-9]+)\\)")))
        << success["import.xml"];
    EXPECT_EQ(std::stoll(products[2]) + std::stoll(products[3]), std::stoll(products[1]));
    EXPECT_GE(std::stoll(products[1]), kProducts) << "every product counted at least once";
    EXPECT_THAT(success["offers.xml"], HasSubstr("offers " + n + " (+" + n + " ~0 =0)")) << success["offers.xml"];
    ExpectWholeCatalog(kProducts);

    // And a whole new exchange afterwards changes nothing.
    std::string const stamps = Stamps();
    ExpectExchangeSucceeds(Full(), {"--zip", "no", "--full"});
    ExpectWholeCatalog(kProducts);
    EXPECT_EQ(Stamps(), stamps);
    EXPECT_EQ(daemon_.Stop(), 0);
}

}  // namespace
}  // namespace b2b::test::onec
#endif  // B2B_COMMERCEML_GEN
