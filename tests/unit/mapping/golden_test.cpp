#include "mappings/engine/golden.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "tests/support/temp_dir.hpp"

namespace b2b::mapping {
namespace {

namespace fs = std::filesystem;

fs::path ShippedDir() { return fs::path(B2B_SOURCE_DIR) / "mappings" / "default"; }

std::shared_ptr<MappingSet const> CompileShipped() {
    auto outcome = Compile(ShippedDir());
    for (auto const& d : outcome.diagnostics) {
        ADD_FAILURE() << d.ToString();
    }
    return outcome.set;
}

TEST(ShippedMappings, CompileWithoutDiagnostics) {
    auto set = CompileShipped();
    ASSERT_NE(set, nullptr);
    for (char const* name :
         {"deal", "company", "requisite", "contact", "onec_order", "onec_counterparty", "site_order"}) {
        EXPECT_NE(set->Find(name), nullptr) << name;
    }
    for (char const* table : {"statuses", "price_types", "units", "vat", "managers"}) {
        EXPECT_NE(set->FindTable(table), nullptr) << table;
    }
}

// Every shipped mapping has golden cases, and every case passes.
TEST(ShippedMappings, EveryMappingPassesItsGoldenCases) {
    auto set = CompileShipped();
    ASSERT_NE(set, nullptr);
    int cases = 0;
    for (auto const& name : set->MappingNames()) {
        fs::path const cases_file = ShippedDir() / (name + ".cases.yaml");
        if (!fs::exists(cases_file)) {
            ADD_FAILURE() << "mapping " << name << ".yaml has no golden cases: add " << cases_file.filename();
            continue;
        }
        for (auto const& result : RunCases(*set, cases_file)) {
            ++cases;
            EXPECT_TRUE(result.passed) << result.at << ": " << result.name << ": " << result.message;
        }
    }
    EXPECT_GE(cases, 20);
}

// The runner itself: a wrong expectation, an unknown key and a missing mapping all fail loudly.
TEST(GoldenRunner, FailuresSayWhatDiffers) {
    test::TempDir dir;
    dir.WriteFile("tables.yaml", "tables:\n  managers: { a: 1 }\n");
    dir.WriteFile("c.yaml", "target: onec.counterparty\nfields:\n  name: counterparty.name | upper\n");
    auto set = Compile(dir.path()).set;
    ASSERT_NE(set, nullptr);
    auto cases =
        dir.WriteFile("c.cases.yaml",
                      "- name: wrong\n  counterparty: { id: x, name: ab }\n  expect: { fields: { name: ab } }\n"
                      "- name: typo\n  counterparty: { id: x, name: ab }\n  expcet: {}\n"
                      "- name: right\n  counterparty: { id: x, name: ab }\n  expect: { fields: { name: AB } }\n");
    auto results = RunCases(*set, cases);
    ASSERT_EQ(results.size(), 3U);
    EXPECT_FALSE(results[0].passed);
    EXPECT_EQ(results[0].message, "output differs:\n  expected fields.name: \"ab\"\n  but got  fields.name: \"AB\"");
    EXPECT_FALSE(results[1].passed);
    EXPECT_EQ(results[1].message,
              "unknown key \"expcet\" in a case; valid keys: name, counterparty, links, expect, expect_error");
    EXPECT_TRUE(results[2].passed) << results[2].message;
    auto orphan = RunCases(*set, dir.WriteFile("gone.cases.yaml", "- name: x\n"));
    ASSERT_EQ(orphan.size(), 1U);
    EXPECT_EQ(orphan[0].message, "there is no mapping \"gone\" for these cases");
}

// A cases file without its mapping is a leftover (a renamed mapping): it would silently test nothing.
TEST(ShippedMappings, EveryCasesFileHasItsMapping) {
    auto set = CompileShipped();
    ASSERT_NE(set, nullptr);
    for (auto const& entry : fs::directory_iterator(ShippedDir())) {
        std::string const file = entry.path().filename().string();
        if (file.ends_with(".cases.yaml")) {
            std::string const stem = file.substr(0, file.size() - std::string(".cases.yaml").size());
            EXPECT_NE(set->Find(stem), nullptr) << file << " has no mapping " << stem << ".yaml";
        }
    }
}

}  // namespace
}  // namespace b2b::mapping
