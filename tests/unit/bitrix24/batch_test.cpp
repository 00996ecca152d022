#include "connectors/bitrix24/batch.hpp"
#include "connectors/bitrix24/php_query.hpp"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

namespace b2b::bitrix24 {
namespace {

namespace json = boost::json;

TEST(PhpQuery, EncodesBracketsAndEscapesReservedCharacters) {
    json::object params{{"fields", json::object{{"TITLE", "A&B 100% [x]#+"}, {"ORIGIN_ID", "cp-1"}}},
                        {"select", json::array{"ID", "ENTITY_ID"}},
                        {"start", -1},
                        {"flag", true},
                        {"empty", nullptr}};
    EXPECT_EQ(EncodePhpQuery(params),
              "fields[TITLE]=A%26B%20100%25%20%5Bx%5D%23%2B&fields[ORIGIN_ID]=cp-1&select[0]=ID&select[1]=ENTITY_ID"
              "&start=-1&flag=1&empty=");
}

TEST(PhpQuery, EncodesUtf8) {
    EXPECT_EQ(EncodePhpQuery(json::object{{"n", "Опт"}}), "n=%D0%9E%D0%BF%D1%82");
}

TEST(Batch, EncodesCommandsWithResultReferencesRaw) {
    std::vector<BatchCommand> commands{
        {"co_add_1", "crm.company.add", json::object{{"fields", json::object{{"TITLE", "ООО \"Ромашка\""}}}}},
        {"rq_add_1", "crm.requisite.add",
         json::object{{"fields", json::object{{"ENTITY_ID", ResultRef("co_add_1")}, {"PRESET_ID", 1}}}}},
        {"list", "crm.company.list", {}}};
    auto body = EncodeBatch(commands);
    ASSERT_TRUE(body);
    EXPECT_EQ(body->at("halt"), 0);
    auto const& cmd = body->at("cmd").as_object();
    EXPECT_EQ(cmd.at("co_add_1"), "crm.company.add?fields[TITLE]=%D0%9E%D0%9E%D0%9E%20%22%D0%A0%D0%BE%D0%BC%D0%B0%D1%88%D0%BA%D0%B0%22");
    EXPECT_EQ(cmd.at("rq_add_1"), "crm.requisite.add?fields[ENTITY_ID]=$result[co_add_1]&fields[PRESET_ID]=1");
    EXPECT_EQ(cmd.at("list"), "crm.company.list");
    EXPECT_EQ(ResultRef("rq_1", {"0", "ID"}), "$result[rq_1][0][ID]");
}

TEST(Batch, RejectsNumericRepeatedKeysAndMoreThanFifty) {
    std::vector<BatchCommand> numeric{{"0", "crm.company.list", {}}};
    EXPECT_FALSE(EncodeBatch(numeric));
    std::vector<BatchCommand> repeated{{"a", "m", {}}, {"a", "m", {}}};
    EXPECT_FALSE(EncodeBatch(repeated));
    std::vector<BatchCommand> many;
    for (int i = 0; i < 51; ++i) {
        many.push_back({"k" + std::to_string(i), "m", {}});
    }
    auto r = EncodeBatch(many);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().error_class, ErrorClass::kBug);
}

TEST(Batch, DecodesResultsAndMapsErrorsToTheirCommands) {
    std::vector<BatchCommand> commands{{"ok", "crm.company.add", {}},
                                       {"bad", "crm.requisite.add", {}},
                                       {"slow", "crm.deal.list", {}},
                                       {"page", "crm.company.list", {}},
                                       {"halted", "crm.deal.add", {}}};
    auto const reply = json::parse(R"({
      "result": {"ok": 17, "page": [{"ID":"1"}]},
      "result_error": {
        "bad": {"error": "", "error_description": "ENTITY_ID is not defined or invalid.<br>"},
        "slow": {"error": "OPERATION_TIME_LIMIT", "error_description": "Method is blocked"}},
      "result_total": {"page": 120},
      "result_next": {"page": 50},
      "result_time": {"ok": {"operating": 1.5, "operating_reset_at": 1700000600},
                      "slow": {"operating": 481, "operating_reset_at": 1700000300}}
    })");
    auto const now = UnixMillis{1'700'000'000'000};
    auto outcomes = DecodeBatch(commands, reply, now);
    ASSERT_TRUE(outcomes);
    ASSERT_EQ(outcomes->size(), 5u);
    auto const& ok = (*outcomes)[0].reply;
    ASSERT_TRUE(ok);
    EXPECT_EQ(ok->result, 17);
    EXPECT_EQ(ok->time.operating, 1.5);
    EXPECT_EQ(ok->time.operating_reset_at, UnixMillis{1'700'000'600'000});

    auto const& bad = (*outcomes)[1].reply;
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().error_class, ErrorClass::kPermanent);
    EXPECT_EQ(bad.error().message.find("crm.requisite.add: HTTP 400: ENTITY_ID is not defined or invalid."), 0u)
        << bad.error().message;

    auto const& slow = (*outcomes)[2].reply;
    ASSERT_FALSE(slow);
    EXPECT_TRUE(slow.error().IsTransient());
    EXPECT_EQ(slow.error().retry_after, std::chrono::milliseconds(300'000));

    auto const& page = (*outcomes)[3].reply;
    ASSERT_TRUE(page);
    EXPECT_EQ(page->total, 120);
    EXPECT_EQ(page->next, 50);

    auto const& halted = (*outcomes)[4].reply;
    ASSERT_FALSE(halted);
    EXPECT_TRUE(halted.error().IsTransient());
}

TEST(Batch, EmptySectionsArePhpEmptyArrays) {
    std::vector<BatchCommand> commands{{"a", "crm.company.add", {}}};
    auto const reply = json::parse(R"({"result":{"a":5},"result_error":[],"result_total":[],"result_next":[],"result_time":[]})");
    auto outcomes = DecodeBatch(commands, reply, 0);
    ASSERT_TRUE(outcomes);
    ASSERT_TRUE((*outcomes)[0].reply);
    EXPECT_EQ((*outcomes)[0].reply->result, 5);
}

}  // namespace
}  // namespace b2b::bitrix24
