#include "tests/emulators/bitrix24/tests/emulator_fixture.hpp"

namespace b2b::emu::bitrix24::test {
namespace {

TEST_F(EmulatorTest, LeakyBucketRefusesAboveBurstAndDrains) {
    Control("limits", json::object{{"burst", 5}, {"drain", 1}});
    for (int i = 0; i < 5; ++i) {
        ASSERT_EQ(Get(Hook("crm.company.list")).status, 200u) << i;
    }
    auto refused = Get(Hook("crm.company.list"));
    EXPECT_EQ(refused.status, 503u);
    EXPECT_EQ(refused.body, R"({"error":"QUERY_LIMIT_EXCEEDED","error_description":"Too many requests"})");
    AdvanceClock(1.0);
    EXPECT_EQ(Get(Hook("crm.company.list")).status, 200u);
    EXPECT_EQ(Get(Hook("crm.company.list")).status, 503u);
    auto state = Get("/_emulator/state");
    EXPECT_EQ(At(At(state.json, "counters"), "query_limit_503"), json::value(2));
}

TEST_F(EmulatorTest, BatchCountsAsOneRequestInTheBucket) {
    Control("limits", json::object{{"burst", 2}, {"drain", 0}});
    json::object cmd;
    for (int i = 0; i < 10; ++i) {
        cmd["c" + std::to_string(i)] = "crm.company.add?fields[TITLE]=x";
    }
    EXPECT_EQ(PostJson(Hook("batch"), json::object{{"cmd", cmd}}).status, 200u);
    EXPECT_EQ(Get(Hook("crm.company.list")).status, 200u);
    EXPECT_EQ(Get(Hook("crm.company.list")).status, 503u);
}

TEST_F(EmulatorTest, OperatingBudgetBlocksOnlyTheExhaustedMethod) {
    Control("limits", json::object{{"operating_limit", 0.05}, {"default_cost", 0.02}});
    for (int i = 0; i < 3; ++i) {
        auto r = PostJson(Hook("crm.company.add"), json::parse(R"({"fields":{"TITLE":"x"}})"));
        ASSERT_EQ(r.status, 200u);
        if (i == 2) {
            EXPECT_DOUBLE_EQ(At(At(r.json, "time"), "operating").to_number<double>(), 0.06);
        }
    }
    auto blocked = PostJson(Hook("crm.company.add"), json::parse(R"({"fields":{"TITLE":"x"}})"));
    EXPECT_EQ(blocked.status, 429u);
    EXPECT_EQ(At(blocked.json, "error"), json::value("OPERATION_TIME_LIMIT"));
    EXPECT_EQ(PostJson(Hook("crm.contact.add"), json::parse(R"({"fields":{"NAME":"y"}})")).status, 200u);
    AdvanceClock(600);
    EXPECT_EQ(PostJson(Hook("crm.company.add"), json::parse(R"({"fields":{"TITLE":"x"}})")).status, 200u);
}

TEST_F(EmulatorTest, ListWithoutCountBurnsLessOperatingTime) {
    Control("limits", json::object{{"default_cost", 0.01}, {"count_cost", 0.5}});
    auto counted = Get(Hook("crm.deal.list"));
    auto counted_operating = At(At(counted.json, "time"), "operating").to_number<double>();
    EXPECT_DOUBLE_EQ(counted_operating, 0.51);
    auto cheap = Get(Hook("crm.deal.list?start=-1"));
    EXPECT_NEAR(At(At(cheap.json, "time"), "operating").to_number<double>() - counted_operating, 0.01, 1e-9);
}

}  // namespace
}  // namespace b2b::emu::bitrix24::test
