// Exact messages of every kind of mapping diagnostic (docs/mappings.md "Error messages").
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/unit/mapping/mapping_test_support.hpp"

namespace b2b::mapping {
namespace {

using testing::Compiled;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::kTables;

std::vector<std::string> Diagnose(std::string const& deal) {
    Compiled c({{"tables.yaml", kTables}, {"deal.yaml", deal}});
    EXPECT_EQ(c.outcome.set, nullptr);
    return c.Messages();
}

TEST(MappingDiagnostics, UnknownTopLevelKeyWithSuggestionAndMissingFields) {
    EXPECT_THAT(Diagnose("target: bitrix24.deal\nfeilds:\n  TITLE: order.number\n"),
                ElementsAre("deal.yaml:1:1: missing required key \"fields\"",
                            "deal.yaml:2:1: unknown key \"feilds\" at the top level; did you mean \"fields\"?"));
}

TEST(MappingDiagnostics, UnknownTopLevelKeyListsValidKeys) {
    EXPECT_THAT(Diagnose("target: bitrix24.deal\nfields: { TITLE: order.number }\nzzz: 1\n"),
                ElementsAre("deal.yaml:3:1: unknown key \"zzz\" at the top level; valid keys: target, description, "
                            "match, fields, owner, tables"));
}

TEST(MappingDiagnostics, MissingTarget) {
    EXPECT_THAT(Diagnose("fields: { TITLE: order.number }\n"),
                ElementsAre("deal.yaml:1:1: missing required key \"target\" (one of: bitrix24.deal, bitrix24.company, "
                            "bitrix24.contact, bitrix24.requisite, onec.order, onec.counterparty, site.order)"));
}

TEST(MappingDiagnostics, UnknownTarget) {
    EXPECT_THAT(Diagnose("target: bitrix24.dael\nfields: { TITLE: order.number }\n"),
                ElementsAre("deal.yaml:1:9: unknown target \"bitrix24.dael\"; did you mean \"bitrix24.deal\"?"));
}

TEST(MappingDiagnostics, UnknownFieldOfTarget) {
    EXPECT_THAT(Diagnose("target: bitrix24.deal\nfields:\n  TITLE: order.number\n  TITEL: order.number\n"
                         "  UF_CRM_x: order.number\n  UF_CRM_ONEC: order.onec_number\n"),
                ElementsAre("deal.yaml:4:3: unknown field \"TITEL\" for target bitrix24.deal; did you mean \"TITLE\"?",
                            "deal.yaml:5:3: unknown field \"UF_CRM_x\" for target bitrix24.deal; user fields are "
                            "UF_CRM_ followed by capitals, digits and _"));
}

TEST(MappingDiagnostics, MissingRequiredField) {
    EXPECT_THAT(Diagnose("target: bitrix24.deal\nfields:\n  OPPORTUNITY: order.total\n"),
                ElementsAre("deal.yaml:2:1: fields of target bitrix24.deal: missing required field \"TITLE\""));
}

TEST(MappingDiagnostics, UnknownPaths) {
    EXPECT_THAT(
        Diagnose("target: bitrix24.deal\nfields:\n  TITLE: order.number\n  OPPORTUNITY: order.totl\n"
                 "  CURRENCY_ID: ordr.currency\n  COMMENTS: x.y\n  SOURCE_ID: order.total.z\n"),
        ElementsAre("deal.yaml:4:16: unknown path \"order.totl\"; did you mean \"order.total\"?",
                    "deal.yaml:5:16: unknown path \"ordr.currency\"; did you mean \"order.currency\"?",
                    "deal.yaml:6:13: unknown path \"x.y\": it must start with one of: order, buyer",
                    "deal.yaml:7:14: unknown path \"order.total.z\": \"order.total\" is a decimal, it has no fields"));
}

TEST(MappingDiagnostics, UnknownFunction) {
    EXPECT_THAT(
        Diagnose(
            "target: bitrix24.deal\nfields:\n  TITLE: order.number | uper\n  COMMENTS: order.comment | frobnicate\n"),
        ElementsAre("deal.yaml:3:25: unknown function \"uper\"; did you mean \"upper\"?",
                    "deal.yaml:4:29: unknown function \"frobnicate\"; functions: table, default, upper, lower, "
                    "trim, date, link, decimal"));
}

TEST(MappingDiagnostics, UnknownTableAndColumn) {
    EXPECT_THAT(
        Diagnose("target: bitrix24.deal\nfields:\n  TITLE: order.number\n"
                 "  ASSIGNED_BY_ID: buyer.manager | table(manager)\n"
                 "  STAGE_ID: order.stage | table(statuses, bitrx24)\n"
                 "  SOURCE_ID: order.stage | table(statuses)\n"),
        ElementsAre("deal.yaml:4:41: unknown table \"manager\"; did you mean \"managers\"?",
                    "deal.yaml:5:43: table \"statuses\" has no column \"bitrx24\"; did you mean \"bitrix24\"?",
                    "deal.yaml:6:28: table \"statuses\" has columns (stage, bitrix24, onec, site): name the one "
                    "to return, e.g. table(statuses, bitrix24)"));
}

TEST(MappingDiagnostics, DuplicateKeys) {
    EXPECT_THAT(Diagnose("target: bitrix24.deal\nfields:\n  TITLE: order.number\n  TITLE: order.id\n"),
                ElementsAre("deal.yaml:4:3: duplicate key \"TITLE\" in \"fields\" (first defined at line 3)"));
}

TEST(MappingDiagnostics, TypeErrors) {
    EXPECT_THAT(
        Diagnose("target: bitrix24.deal\nfields:\n  TITLE: order.total | upper\n  OPPORTUNITY: order.comment\n"
                 "  COMPANY_ID: buyer\n  IS_MANUAL_OPPORTUNITY: order.total\n  CLOSED: order.cancelled | decimal(2)\n"),
        ElementsAre("deal.yaml:3:24: type error: \"upper\" expects text, got decimal",
                    "deal.yaml:4:16: type error: OPPORTUNITY expects decimal, got text",
                    "deal.yaml:5:15: type error: COMPANY_ID needs a single value, but \"buyer\" is a record; name "
                    "one of its fields",
                    "deal.yaml:6:26: type error: IS_MANUAL_OPPORTUNITY expects bool, got decimal",
                    "deal.yaml:7:29: type error: \"decimal\" expects decimal or integer, got bool"));
}

TEST(MappingDiagnostics, SyntaxErrors) {
    EXPECT_THAT(
        Diagnose("target: bitrix24.deal\nfields:\n  TITLE: \"Заказ {{order.number\"\n  COMMENTS: order.comment |\n"
                 "  SOURCE_ID: order.comment | table(statuses\n"),
        ElementsAre("deal.yaml:3:31: syntax error: expected \"}}\" to close \"{{\"",
                    "deal.yaml:4:28: syntax error: expected a name, found the end",
                    "deal.yaml:5:44: syntax error: expected \",\" or \")\", found the end"));
}

TEST(MappingDiagnostics, WrongArgumentCounts) {
    EXPECT_THAT(Diagnose("target: bitrix24.deal\nfields:\n  TITLE: order.number | upper(1)\n"
                         "  OPPORTUNITY: order.total | decimal\n  TAX_VALUE: order.vat_total | decimal(7)\n"),
                ElementsAre("deal.yaml:3:25: function \"upper\" takes 0 arguments, got 1",
                            "deal.yaml:4:30: function \"decimal\" takes 1 argument, got 0",
                            "deal.yaml:5:40: decimal takes a scale 0..4, got \"7\""));
}

TEST(MappingDiagnostics, ListFields) {
    EXPECT_THAT(Diagnose("target: bitrix24.deal\nfields:\n  TITLE: order.number\n  PRODUCT_ROWS: order.lines\n"
                         "  CONTACT_ID: { each: order.lines, fields: {} }\n"),
                ElementsAre("deal.yaml:4:17: PRODUCT_ROWS is a list: write it as { each: PATH, fields: { ... } }",
                            "deal.yaml:5:3: CONTACT_ID is not a list field of target bitrix24.deal; \"each\" is for "
                            "multi-fields (PHONE, EMAIL, WEB), PRODUCT_ROWS and BANK_DETAILS"));
    EXPECT_THAT(
        Diagnose("target: bitrix24.deal\nfields:\n  TITLE: order.number\n  PRODUCT_ROWS:\n    each: order.total\n"
                 "    fields: { PRODUCT_NAME: line.name }\n"),
        ElementsAre("deal.yaml:5:11: \"each\" needs a list, but \"order.total\" is a decimal"));
    EXPECT_THAT(
        Diagnose("target: bitrix24.deal\nfields:\n  TITLE: order.number\n  PRODUCT_ROWS:\n    each: order.lines\n"
                 "    fields: { PRODUCT_NAME: line.nam, PRICE: line.price, PRISE: line.price }\n"),
        ElementsAre("deal.yaml:6:29: unknown path \"line.nam\"; did you mean \"line.name\"?",
                    "deal.yaml:6:58: unknown field \"PRISE\" for the items of this list; did you mean \"PRICE\"?"));
}

TEST(MappingDiagnostics, LongFormAndListKeys) {
    EXPECT_THAT(
        Diagnose("target: bitrix24.deal\nfields:\n  TITLE: order.number\n"
                 "  UF_CRM_A: { value: order.total, type: money }\n"
                 "  UF_CRM_B: { valeu: order.total }\n"
                 "  OPPORTUNITY: { value: order.total, type: text }\n"
                 "  PRODUCT_ROWS: { each: order.lines }\n"),
        ElementsAre(
            "deal.yaml:4:41: unknown type \"money\" for UF_CRM_A; expected text, integer, decimal, bool or date",
            "deal.yaml:5:3: \"UF_CRM_B\": missing required key \"value\"",
            "deal.yaml:5:15: unknown key \"valeu\" in \"UF_CRM_B\"; did you mean \"value\"?",
            "deal.yaml:6:44: OPPORTUNITY is a decimal field of the target; its type cannot be changed",
            "deal.yaml:7:3: \"PRODUCT_ROWS\": missing required key \"fields\""));
}

TEST(MappingDiagnostics, FunctionArguments) {
    EXPECT_THAT(Diagnose("target: bitrix24.deal\nfields:\n  TITLE: order.number | default(order.id)\n"
                         "  BEGINDATE: order.date | date(ymd)\n  COMMENTS: order.comment | table(\"statuses\")\n"),
                ElementsAre("deal.yaml:3:33: default takes a literal: a \"text\", a number, true or false",
                            "deal.yaml:4:32: date takes a quoted format, e.g. date(\"%d.%m.%Y\")",
                            "deal.yaml:5:35: table takes names without quotes: table(NAME), table(NAME, TO), "
                            "table(NAME, FROM, TO)"));
}

TEST(MappingDiagnostics, Owners) {
    EXPECT_THAT(
        Diagnose("target: bitrix24.deal\nfields: { TITLE: order.number }\nowner:\n  STAGE_ID: bitrix\n"
                 "  STAGEID: bitrix24\n  TITLE: everybody\n"),
        ElementsAre("deal.yaml:4:13: unknown system \"bitrix\" for STAGE_ID; did you mean \"bitrix24\"?",
                    "deal.yaml:5:3: unknown field \"STAGEID\" for target bitrix24.deal; did you mean \"STAGE_ID\"?",
                    "deal.yaml:6:10: unknown system \"everybody\" for TITLE; expected one of: b2bsync, onec, "
                    "bitrix24, site"));
}

TEST(MappingDiagnostics, LinkArguments) {
    EXPECT_THAT(
        Diagnose("target: bitrix24.deal\nfields:\n  TITLE: order.number\n  COMPANY_ID: link(buyer, bitrx24.company)\n"
                 "  CONTACT_ID: link(order.total, bitrix24.contact)\n"),
        ElementsAre("deal.yaml:4:15: unknown system \"bitrx24\" in \"bitrx24.company\"; expected one of: "
                    "b2bsync, onec, bitrix24, site; did you mean \"bitrix24\"?",
                    "deal.yaml:5:15: link needs an entity with an id (order, buyer, counterparty), got "
                    "\"order.total\""));
}

TEST(MappingDiagnostics, Tables) {
    Compiled c({{"a.yaml",
                 "tables:\n  managers: { x: 1 }\n  st:\n    key: stage\n    rows:\n      - { stage: a }\n"
                 "      - { stage: a }\n      - { site: N }\n  bad:\n    key: nope\n    rows: [ { stage: a } ]\n"},
                {"b.yaml", "tables:\n  managers: { y: 2 }\n"}});
    EXPECT_THAT(c.Messages(), ElementsAre("a.yaml:7:9: table \"st\": duplicate stage \"a\" (first at line 6)",
                                          "a.yaml:8:9: table \"st\": the row has no \"stage\" (its key column)",
                                          "a.yaml:9:3: table \"bad\": key column \"nope\" is not a column of its rows",
                                          "b.yaml:2:3: table \"managers\" is already defined at a.yaml:2:3"));
}

TEST(MappingDiagnostics, YamlSyntaxErrorAndNotAMap) {
    Compiled c({{"tables.yaml", kTables}, {"deal.yaml", "target: [unclosed\n"}, {"x.yaml", "- a\n- b\n"}});
    ASSERT_EQ(c.Messages().size(), 2U);
    EXPECT_THAT(c.Messages()[0], HasSubstr("deal.yaml:"));
    EXPECT_THAT(c.Messages()[0], HasSubstr(": YAML syntax error: "));
    EXPECT_EQ(c.Messages()[1],
              "x.yaml:1:1: a mapping file must be a map of keys (target, match, fields, owner, tables), got a list");
}

TEST(MappingDiagnostics, DirectoryProblems) {
    test::TempDir dir;
    auto missing = Compile(dir / "nope");
    ASSERT_EQ(missing.diagnostics.size(), 1U);
    EXPECT_EQ(missing.diagnostics[0].ToString(),
              (dir / "nope").string() + ": cannot read the mappings directory: No such file or directory");
    auto empty = Compile(dir.path());
    ASSERT_EQ(empty.diagnostics.size(), 1U);
    EXPECT_EQ(empty.diagnostics[0].ToString(),
              dir.path().string() + ": no mapping files (*.yaml) in the mappings directory");
}

// All problems of all files come back at once, sorted by file, line and column.
TEST(MappingDiagnostics, EverythingReportedTogetherAndSorted) {
    Compiled c({{"tables.yaml", kTables},
                {"z.yaml", "target: bitrix24.company\nfields:\n  TITLE: counterparty.nme\n"},
                {"deal.yaml", "target: bitrix24.deal\nfields:\n  TITLE: order.numbr\n  TITLE: order.id\nextra: 1\n"}});
    EXPECT_THAT(c.Messages(),
                ElementsAre("deal.yaml:3:10: unknown path \"order.numbr\"; did you mean \"order.number\"?",
                            "deal.yaml:4:3: duplicate key \"TITLE\" in \"fields\" (first defined at line 3)",
                            "deal.yaml:5:1: unknown key \"extra\" at the top level; valid keys: target, description, "
                            "match, fields, owner, tables",
                            "z.yaml:3:10: unknown path \"counterparty.nme\"; did you mean \"counterparty.name\"?"));
}

}  // namespace
}  // namespace b2b::mapping
