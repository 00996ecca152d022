// The engine on its own: a section declared only with fields (as onec:, bitrix24:, mappings: will be),
// including kinds AppConfig does not use yet (bool, list of scalars, list of maps).
#include "core/config/schema.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/config/reference.hpp"
#include "core/config/schema_types.hpp"
#include "tests/unit/config/test_env.hpp"

namespace b2b::config::schema {
namespace {

struct Rule {
    std::string field;
    bool enabled = false;
};

struct Section {
    std::vector<std::string> tags;
    std::vector<Rule> rules;
    std::uint16_t port = 0;
};

std::shared_ptr<StructSpec<Section>> SectionSchema() {
    auto rule = Struct<Rule>();
    rule->Field("field", &Rule::field, String()).Required().Description("Field name.");
    rule->Field("enabled", &Rule::enabled, Bool()).Default("true").Description("Whether the rule runs.");
    auto s = Struct<Section>();
    s->Field("tags", &Section::tags, ListOf(String())).Description("Free-form tags.");
    s->Field("rules", &Section::rules, ListOf(rule)).Description("Rules, in order.");
    s->Field("port", &Section::port, IntAtLeast<std::uint16_t>(1)).Default("80").Description("A port.");
    return s;
}

struct Decoded {
    Section value;
    std::vector<std::string> messages;
};

Decoded DecodeText(std::string const& yaml) {
    auto const env = test::EnvOf();
    DecodeContext ctx("s.yaml", env);
    Decoded out;
    YAML::Node const root = YAML::Load(yaml);
    SectionSchema()->Decode(root, root.Mark(), "", ctx, &out.value);
    for (auto const& d : ctx.TakeSorted()) {
        out.messages.push_back(d.ToString());
    }
    return out;
}

TEST(SchemaEngine, ListsOfScalarsAndOfMapsWithDefaults) {
    auto const d = DecodeText("tags: [a, b]\nrules:\n  - field: x\n  - {field: y, enabled: false}\nport: 8080\n");
    EXPECT_TRUE(d.messages.empty());
    EXPECT_THAT(d.value.tags, ::testing::ElementsAre("a", "b"));
    ASSERT_EQ(d.value.rules.size(), 2u);
    EXPECT_EQ(d.value.rules[0].field, "x");
    EXPECT_TRUE(d.value.rules[0].enabled);
    EXPECT_EQ(d.value.rules[1].field, "y");
    EXPECT_FALSE(d.value.rules[1].enabled);
    EXPECT_EQ(d.value.port, 8080);
}

TEST(SchemaEngine, ListItemPathsAndIntegerTypeLimits) {
    auto const d = DecodeText("tags: x\nrules:\n  - enabled: yes\nport: 70000\n");
    EXPECT_THAT(d.messages,
                ::testing::ElementsAre("s.yaml:1:7: \"tags\": expected a list, got \"x\"",
                                       "s.yaml:3:5: \"rules[0]\": missing required key \"field\"",
                                       "s.yaml:3:14: \"rules[0].enabled\": expected true or false, got \"yes\"",
                                       "s.yaml:4:7: \"port\": 70000 is out of range; must be at most 65535"));
}

TEST(SchemaEngine, ReferenceCoversListsOfMaps) {
    std::string const doc = RenderKeyTables(*SectionSchema());
    EXPECT_NE(doc.find("| `tags` | list of string | — | Free-form tags. |"), std::string::npos) << doc;
    EXPECT_NE(doc.find("### `rules[]`"), std::string::npos) << doc;
    EXPECT_NE(doc.find("| `rules[].field` | string | **required** | Field name. |"), std::string::npos) << doc;
}

TEST(SchemaEngine, DeclaringAKeyTwiceIsAProgrammingError) {
    auto s = Struct<Rule>();
    s->Field("field", &Rule::field, String()).Description("x");
    EXPECT_THROW(s->Field("field", &Rule::field, String()), std::logic_error);
}

}  // namespace
}  // namespace b2b::config::schema
