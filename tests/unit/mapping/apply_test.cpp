// Applying compiled mappings: runtime errors name the entity and the mapping line; a fixed
// mapping compiled again (what SIGHUP does) lets the same order through.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "mappings/engine/canonical_values.hpp"
#include "mappings/engine/golden.hpp"
#include "tests/unit/mapping/mapping_test_support.hpp"

namespace b2b::mapping {
namespace {

using testing::Compiled;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::kTables;

constexpr char kDeal[] = R"(target: bitrix24.deal
match:
  ORIGINATOR_ID: "b2bsync"
  ORIGIN_ID: order.id
fields:
  TITLE: "Заказ {{order.number}} — {{buyer.name | upper}}"
  STAGE_ID: order.stage | table(statuses, bitrix24) | link(bitrix24.stage)
  COMPANY_ID: link(buyer, bitrix24.company)
  ASSIGNED_BY_ID: buyer.manager | table(managers)
  OPPORTUNITY: order.total
  UF_CRM_DATE: order.date | date("%d.%m.%Y %H:%M:%S %z")
  UF_CRM_TOTAL3: order.total | decimal(1)
owner:
  STAGE_ID: bitrix24
)";

Order SampleOrder() {
    Order o;
    o.id = CanonicalId("ord-7");
    o.number = "7";
    o.stage = "warehouse";
    o.date = *ParseIso8601("2024-12-02T11:45:21+03:00", std::chrono::minutes(0));
    o.buyer.id = CanonicalId("cp-1");
    o.buyer.name = "ооо ёлка";
    o.buyer.manager = "Петрова А. С.";
    OrderLine line;
    line.name = "Болт";
    line.quantity.value = *Decimal::FromInteger(3);
    line.unit_price = *Decimal::FromScaled(1005, 2);
    line.sum = *Decimal::FromScaled(3015, 2);
    o.lines.push_back(line);
    o.total = line.sum;
    return o;
}

/// Links from a fixed list; "fail" as a key gives a transient error.
class FakeLinks final : public LinkResolver {
public:
    std::map<std::pair<std::string, std::string>, std::string> links;
    Result<std::optional<std::string>> Resolve(std::string_view kind, std::string_view key) const override {
        if (key == "fail") {
            return Error::Transient("store busy");
        }
        auto it = links.find({std::string(kind), std::string(key)});
        if (it == links.end()) {
            return std::optional<std::string>{};
        }
        return std::optional<std::string>{it->second};
    }
};

TEST(MappingApply, MapsAnOrderWithLinksTablesTemplatesAndFunctions) {
    Compiled c({{"tables.yaml", kTables}, {"deal.yaml", kDeal}});
    ASSERT_NE(c.outcome.set, nullptr) << c.Messages().front();
    FakeLinks links;
    links.links[{"bitrix24.stage", "Склад"}] = "C3:PREPARATION";
    links.links[{"bitrix24.company", "cp-1"}] = "4412";
    auto out = c.outcome.set->MapOrder("deal", SampleOrder(), links);
    ASSERT_TRUE(out) << out.error().message;
    EXPECT_EQ(out->target, "bitrix24.deal");
    EXPECT_THAT(
        Flatten(*out),
        ElementsAre("fields.ASSIGNED_BY_ID: \"23\"", "fields.COMPANY_ID: \"4412\"", "fields.OPPORTUNITY: \"30.15\"",
                    "fields.STAGE_ID: \"C3:PREPARATION\"", "fields.TITLE: \"Заказ 7 — ООО ЁЛКА\"",
                    "fields.UF_CRM_DATE: \"02.12.2024 11:45:21 +03:00\"", "fields.UF_CRM_TOTAL3: \"30.2\"",
                    "match.ORIGINATOR_ID: \"b2bsync\"", "match.ORIGIN_ID: \"ord-7\""));
    // Without links the linked fields are left out, not sent empty.
    auto bare = c.outcome.set->MapOrder("deal", SampleOrder(), NoLinks{});
    ASSERT_TRUE(bare);
    EXPECT_EQ(bare->fields.Find("COMPANY_ID"), nullptr);
    EXPECT_EQ(bare->fields.Find("STAGE_ID"), nullptr);
}

// The acceptance path of issue 5: a status with no row fails with the entity and mapping line,
// the caller keeps the order; after the table is fixed and the set recompiled, the retry succeeds.
TEST(MappingApply, MissingStatusRowFailsThenSucceedsAfterFixAndRecompile) {
    Compiled c({{"tables.yaml", kTables}, {"deal.yaml", kDeal}});
    ASSERT_NE(c.outcome.set, nullptr);
    Order order = SampleOrder();
    order.stage = "accounting";
    auto failed = c.outcome.set->MapOrder("deal", order, NoLinks{});
    ASSERT_FALSE(failed);
    EXPECT_EQ(failed.error().error_class, ErrorClass::kPermanent);
    std::string const dir = c.dir.path().string();
    EXPECT_EQ(failed.error().message, dir + "/deal.yaml:7:27: order 7: STAGE_ID: no row in table \"statuses\" (" + dir +
                                          "/tables.yaml:3:3) with stage \"accounting\"");

    c.dir.WriteFile(
        "tables.yaml",
        std::string(kTables) +
            "      - { stage: accounting, bitrix24: \"Бухгалтерия\", onec: \"Ожидается оплата\", site: A }\n");
    auto reloaded = Compile(c.dir.path());
    ASSERT_NE(reloaded.set, nullptr);
    auto retried = reloaded.set->MapOrder("deal", order, NoLinks{});
    ASSERT_TRUE(retried) << retried.error().message;
    // The old set is untouched (a reload swaps pointers; it never edits a set in use).
    EXPECT_FALSE(c.outcome.set->MapOrder("deal", order, NoLinks{}));
}

TEST(MappingApply, InvalidValuesAreErrorsNamingTheField) {
    Compiled c({{"tables.yaml", kTables}, {"deal.yaml", kDeal}});
    ASSERT_NE(c.outcome.set, nullptr);
    FakeLinks links;
    links.links[{"bitrix24.company", "cp-1"}] = "not-a-number";
    auto bad_link = c.outcome.set->MapOrder("deal", SampleOrder(), links);
    ASSERT_FALSE(bad_link);
    EXPECT_THAT(
        bad_link.error().message,
        HasSubstr("/deal.yaml:8:15: order 7: COMPANY_ID: link(bitrix24.company) gave \"not-a-number\", which is "
                  "not an integer"));

    Order unnamed = SampleOrder();
    unnamed.number.clear();
    unnamed.buyer.name.clear();
    auto empty_title = c.outcome.set->MapOrder("deal", unnamed, NoLinks{});
    ASSERT_FALSE(empty_title);
    EXPECT_THAT(empty_title.error().message,
                HasSubstr("/deal.yaml:6:3: order ord-7: TITLE: is required, but the mapping gave an empty value"));
}

TEST(MappingApply, LinkResolverErrorsPassThroughWithTheirClass) {
    Compiled c({{"tables.yaml", kTables}, {"deal.yaml", kDeal}});
    ASSERT_NE(c.outcome.set, nullptr);
    Order order = SampleOrder();
    order.buyer.id = CanonicalId("fail");
    auto out = c.outcome.set->MapOrder("deal", order, FakeLinks{});
    ASSERT_FALSE(out);
    EXPECT_EQ(out.error().error_class, ErrorClass::kTransient);
    EXPECT_THAT(out.error().message, HasSubstr("COMPANY_ID: link bitrix24.company: store busy"));
}

TEST(MappingApply, WrongMappingNameOrSourceIsABug) {
    Compiled c({{"tables.yaml", kTables}, {"deal.yaml", kDeal}});
    ASSERT_NE(c.outcome.set, nullptr);
    EXPECT_EQ(c.outcome.set->MapOrder("nope", SampleOrder(), NoLinks{}).error().error_class, ErrorClass::kBug);
    EXPECT_EQ(c.outcome.set->MapCounterparty("deal", Counterparty{}, NoLinks{}).error().error_class, ErrorClass::kBug);
}

TEST(MappingApply, TableLookupsInBothDirections) {
    Compiled c({{"tables.yaml", kTables}, {"deal.yaml", kDeal}});
    auto const& set = *c.outcome.set;
    EXPECT_EQ(set.Lookup("statuses", "stage", "warehouse", "site").value(), "W");
    EXPECT_EQ(set.Lookup("statuses", "bitrix24", "Склад", "stage").value(), "warehouse");
    EXPECT_EQ(set.Lookup("statuses", "onec", "В производстве", "stage").value(), "production");
    // Two stages share W: the first row wins.
    EXPECT_EQ(set.Lookup("statuses", "site", "W", "stage").value(), "warehouse");
    EXPECT_EQ(set.Lookup("managers", "value", "17", "key").value(), "Иванов И. И.");
    auto miss = set.Lookup("statuses", "site", "Z", "stage");
    ASSERT_FALSE(miss);
    EXPECT_EQ(miss.error().message,
              "no row in table \"statuses\" (" + c.dir.path().string() + "/tables.yaml:3:3) with site \"Z\"");
    EXPECT_THAT(set.Lookup("statuses", "site", "W", "colour").error().message, HasSubstr("has no column \"colour\""));
    EXPECT_THAT(set.Lookup("nope", "a", "b", "c").error().message, HasSubstr("no table \"nope\""));
}

TEST(MappingOwnership, OwnerFromMappingAndConflictDecisions) {
    Compiled c({{"tables.yaml", kTables}, {"deal.yaml", kDeal}});
    auto const& set = *c.outcome.set;
    EXPECT_EQ(set.Owner("bitrix24.deal", "STAGE_ID"), System::kBitrix24);
    EXPECT_EQ(set.Owner("bitrix24.deal", "TITLE"), System::kB2bsync);
    EXPECT_EQ(set.Owner("bitrix24.company", "STAGE_ID"), System::kB2bsync);

    FieldOwnership const stage = set.Ownership("bitrix24.deal", "STAGE_ID");
    using Action = ConflictDecision::Action;
    auto keep = ResolveConflict(stage, std::string("C1:WON"), "C1:NEW", System::kOneC);
    EXPECT_EQ(keep.action, Action::kKeep);
    EXPECT_EQ(keep.reason, "bitrix24.deal STAGE_ID is owned by bitrix24; change from onec not applied");
    auto apply = ResolveConflict(stage, std::string("C1:NEW"), "C1:WON", System::kBitrix24);
    EXPECT_EQ(apply.action, Action::kApply);
    EXPECT_EQ(apply.reason, "bitrix24.deal STAGE_ID is owned by bitrix24; its change applied");
    auto fill = ResolveConflict(stage, std::nullopt, "C1:NEW", System::kOneC);
    EXPECT_EQ(fill.action, Action::kApply);
    EXPECT_EQ(fill.reason, "bitrix24.deal STAGE_ID was empty; set from onec");
    auto same = ResolveConflict(stage, std::string("C1:NEW"), "C1:NEW", System::kOneC);
    EXPECT_EQ(same.action, Action::kKeep);
    EXPECT_EQ(same.reason, "bitrix24.deal STAGE_ID unchanged");
}

TEST(MappingFunctions, CaseMappingCoversCyrillic) {
    Compiled c({{"tables.yaml", kTables},
                {"c.yaml",
                 "target: onec.counterparty\nfields:\n  up: counterparty.name | upper\n"
                 "  low: counterparty.full_name | lower\n  trimmed: counterparty.manager | trim\n"
                 "  kind: counterparty.okpo | default(\"нет\")\n"}});
    ASSERT_NE(c.outcome.set, nullptr) << c.Messages().front();
    Counterparty cp;
    cp.name = "ёжик Ivan";
    cp.full_name = "ЁЖИК IVAN";
    cp.manager = "\xC2\xA0 Иванов ";
    auto out = c.outcome.set->MapCounterparty("c", cp, NoLinks{});
    ASSERT_TRUE(out);
    EXPECT_THAT(Flatten(*out), ElementsAre("fields.kind: \"нет\"", "fields.low: \"ёжик ivan\"",
                                           "fields.trimmed: \"Иванов\"", "fields.up: \"ЁЖИК IVAN\""));
}

// The declared schema and the value tree built from an entity agree: every declared path exists
// with its declared type when the entity is filled in, so no mapping can compile against a path
// that is always absent.
void ExpectMatches(TypeSpec const& spec, Value const& value, std::string const& path) {
    ASSERT_FALSE(value.IsAbsent()) << path << " is declared but absent in a filled entity";
    switch (spec.type) {
        case ValueType::kRecord: {
            Record const* record = value.AsRecord();
            ASSERT_NE(record, nullptr) << path;
            EXPECT_EQ(record->size(), spec.fields.size()) << path << ": built fields and declared fields differ";
            for (auto const& [name, field] : spec.fields) {
                auto it = record->find(name);
                ASSERT_NE(it, record->end()) << path << "." << name << " is declared but not built";
                ExpectMatches(*field, it->second, path + "." + name);
            }
            break;
        }
        case ValueType::kList:
            ASSERT_NE(value.AsList(), nullptr) << path;
            ASSERT_FALSE(value.AsList()->empty()) << path;
            ExpectMatches(*spec.element, value.AsList()->front(), path + "[0]");
            break;
        case ValueType::kText:
            EXPECT_TRUE(std::holds_alternative<std::string>(value.data)) << path;
            break;
        case ValueType::kDecimal:
            EXPECT_TRUE(std::holds_alternative<Decimal>(value.data)) << path;
            break;
        case ValueType::kInteger:
            EXPECT_TRUE(std::holds_alternative<std::int64_t>(value.data)) << path;
            break;
        case ValueType::kBool:
            EXPECT_TRUE(std::holds_alternative<bool>(value.data)) << path;
            break;
        case ValueType::kTime:
            EXPECT_TRUE(std::holds_alternative<ZonedTime>(value.data)) << path;
            break;
    }
}

Counterparty FullCounterparty(CounterpartyKind kind) {
    Counterparty c;
    c.id = CanonicalId("cp-1");
    c.kind = kind;
    c.name = "Иванов Иван Иванович";
    c.full_name = "ИП Иванов Иван Иванович";
    c.inn = c.kpp = c.ogrn = c.okpo = c.buyer_group = c.manager = "x";
    c.addresses = {{AddressKind::kLegal, "a", "101000", "Москва"}, {AddressKind::kActual, "b", "1", "c"}};
    c.bank_accounts = {{"1", "bank", "2", "3"}};
    c.contacts = {{ContactKind::kPhone, "+7", "work"}, {ContactKind::kEmail, "a@b", "work"}};
    return c;
}

TEST(CanonicalValues, SchemaAndValueTreeAgree) {
    Order o = SampleOrder();
    o.site_id = SiteId("s");
    o.onec_number = "1";
    o.comment = "c";
    o.payment_method = "card";
    o.onec_status = "s";
    o.delivery = {"m", "a", *Decimal::FromInteger(1)};
    o.lines[0].offer_id = OneCId("p#v");
    o.lines[0].article = "A";
    o.lines[0].vat_rate = *Decimal::FromInteger(20);
    Counterparty const person_like = FullCounterparty(CounterpartyKind::kSoleProprietor);
    o.buyer = person_like;
    Record const roots = OrderRoots(o);
    Counterparty const legal = FullCounterparty(CounterpartyKind::kLegalEntity);
    // A legal entity has no name parts nor ОГРНИП; check those with a sole proprietor.
    Value const legal_value = CounterpartyValue(legal);
    Value const sole_value = CounterpartyValue(person_like);
    for (auto const& [field, spec] : CounterpartySource().Root("counterparty")->fields) {
        Record const& legal_record = *legal_value.AsRecord();
        Record const& sole_record = *sole_value.AsRecord();
        Value const& v = legal_record.at(field).IsAbsent() ? sole_record.at(field) : legal_record.at(field);
        ExpectMatches(*spec, v, "counterparty." + field);
    }
    Record const& order = *roots.at("order").AsRecord();
    for (auto const& [field, spec] : OrderSource().Root("order")->fields) {
        if (field != "buyer") {
            ExpectMatches(*spec, order.at(field), "order." + field);
        }
    }
}

}  // namespace
}  // namespace b2b::mapping
