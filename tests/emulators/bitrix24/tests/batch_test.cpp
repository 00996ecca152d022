#include "tests/emulators/bitrix24/tests/emulator_fixture.hpp"

namespace b2b::emu::bitrix24::test {
namespace {

TEST_F(EmulatorTest, BatchSubstitutesResultsAndReportsErrorsPerCommand) {
    auto r = PostJson(Hook("batch"), json::parse(R"({"halt":0,"cmd":{
        "co":"crm.company.add?fields[TITLE]=Acme",
        "deal":"crm.deal.add?fields[TITLE]=D&fields[COMPANY_ID]=$result[co]",
        "get":"crm.deal.get?id=$result[deal]",
        "bad":"crm.deal.get?id=999",
        "list":"crm.company.list?select[]=ID&select[]=TITLE"}})"));
    ASSERT_EQ(r.status, 200u) << r.body;
    auto const& result = At(r.json, "result").as_object();
    EXPECT_EQ(At(result.at("result"), "co"), json::value(1));
    EXPECT_EQ(At(At(result.at("result"), "get"), "COMPANY_ID"), json::value("1"));
    EXPECT_EQ(At(At(result.at("result_error"), "bad"), "error"), json::value(""));
    EXPECT_EQ(At(result.at("result_total"), "list"), json::value(1));
    EXPECT_TRUE(result.at("result_next").is_array());  // empty section is [] not {}
    EXPECT_TRUE(At(result.at("result_time"), "co").as_object().contains("operating"));
    EXPECT_FALSE(result.at("result_time").as_object().contains("bad"));
}

TEST_F(EmulatorTest, BatchHaltStopsAtFirstErrorWithoutRollback) {
    auto r = PostJson(Hook("batch"), json::parse(R"({"halt":1,"cmd":{
        "a":"crm.company.add?fields[TITLE]=kept",
        "b":"crm.company.update?id=77&fields[TITLE]=x",
        "c":"crm.company.add?fields[TITLE]=never"}})"));
    auto const& result = At(r.json, "result").as_object();
    EXPECT_EQ(result.at("result").as_object().size(), 1u);
    EXPECT_EQ(At(At(result.at("result_error"), "b"), "error_description"), json::value("Company is not found"));
    auto list = Get(Hook("crm.company.list"));
    EXPECT_EQ(At(list.json, "total"), json::value(1));
}

TEST_F(EmulatorTest, BatchWithNumericKeysReturnsLists) {
    auto r = PostJson(Hook("batch"),
                      json::parse(R"({"cmd":["crm.company.add?fields[TITLE]=a","crm.company.add?fields[TITLE]=b"]})"));
    auto const& inner = At(At(r.json, "result"), "result");
    ASSERT_TRUE(inner.is_array()) << r.body;
    EXPECT_EQ(inner.as_array().size(), 2u);
}

TEST_F(EmulatorTest, BatchLimitsAndForbiddenMethods) {
    json::object cmd;
    for (int i = 0; i < 51; ++i) {
        cmd["c" + std::to_string(i)] = "crm.company.list";
    }
    auto too_long = PostJson(Hook("batch"), json::object{{"cmd", cmd}});
    EXPECT_EQ(too_long.status, 400u);
    EXPECT_EQ(At(too_long.json, "error"), json::value("ERROR_BATCH_LENGTH_EXCEEDED"));
    auto nested = PostJson(Hook("batch"), json::parse(R"({"cmd":{"x":"batch?cmd[y]=crm.company.list"}})"));
    EXPECT_EQ(At(At(At(At(nested.json, "result"), "result_error"), "x"), "error"),
              json::value("ERROR_BATCH_METHOD_NOT_ALLOWED"));
}

TEST_F(EmulatorTest, BatchFormEncodedCursorPaging) {
    for (int i = 0; i < 60; ++i) {
        PostJson(Hook("crm.company.add"), json::object{{"fields", json::object{{"TITLE", "c" + std::to_string(i)}}}});
    }
    auto r = PostForm(Hook("batch"),
                      "cmd[p0]=" + std::string("crm.company.list%3Forder%5BID%5D%3DASC%26start%3D-1") +
                          "&cmd[p1]=" + "crm.company.list%3Forder%5BID%5D%3DASC%26start%3D-1%26filter%5B%3EID%5D%3D"
                                        "%24result%5Bp0%5D%5B49%5D%5BID%5D");
    auto const& result = At(At(r.json, "result"), "result");
    EXPECT_EQ(At(result, "p0").as_array().size(), 50u);
    ASSERT_EQ(At(result, "p1").as_array().size(), 10u) << r.body;
    EXPECT_EQ(At(At(result, "p1").as_array().at(0), "ID"), json::value("51"));
}

}  // namespace
}  // namespace b2b::emu::bitrix24::test
