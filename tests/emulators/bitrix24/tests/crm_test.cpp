#include "tests/emulators/bitrix24/tests/emulator_fixture.hpp"

namespace b2b::emu::bitrix24::test {
namespace {

json::value const& Result(Response const& r) { return At(r.json, "result"); }

TEST_F(EmulatorTest, DuplicatesAreAllowedAndOriginFieldsFilterable) {
    auto body = json::parse(R"({"fields":{"TITLE":"Same","ORIGINATOR_ID":"1c","ORIGIN_ID":"42","TYPO_FIELD":"x"}})");
    EXPECT_EQ(Result(PostJson(Hook("crm.company.add"), body)), json::value(1));
    EXPECT_EQ(Result(PostJson(Hook("crm.company.add"), body)), json::value(2));
    auto found = PostJson(Hook("crm.company.list"),
                          json::parse(R"({"filter":{"ORIGINATOR_ID":"1c","ORIGIN_ID":"42"},"select":["ID","ORIGIN_ID"]})"));
    EXPECT_EQ(At(found.json, "total"), json::value(2));
    auto const& row = Result(found).as_array().at(0).as_object();
    EXPECT_EQ(row.size(), 2u);
    auto got = Get(Hook("crm.company.get?id=1"));
    EXPECT_FALSE(Result(got).as_object().contains("TYPO_FIELD"));  // unknown keys are dropped silently
}

TEST_F(EmulatorTest, MultiFieldUpdateAppendsChangesAndDeletes) {
    PostJson(Hook("crm.contact.add"),
             json::parse(R"({"fields":{"NAME":"A","PHONE":[{"VALUE":"111","VALUE_TYPE":"WORK"},{"VALUE":"222"}]}})"));
    // Re-sending without ids appends: the classic duplicate-phone bug.
    PostJson(Hook("crm.contact.update"), json::parse(R"({"id":1,"fields":{"PHONE":[{"VALUE":"111"}]}})"));
    auto phones = At(Result(Get(Hook("crm.contact.get?id=1"))), "PHONE").as_array();
    ASSERT_EQ(phones.size(), 3u);
    PostJson(Hook("crm.contact.update"),
             json::parse(R"({"id":1,"fields":{"PHONE":[{"ID":"1","VALUE":"999"},{"ID":"2","DELETE":"Y"},{"ID":"3","VALUE":""}]}})"));
    phones = At(Result(Get(Hook("crm.contact.get?id=1"))), "PHONE").as_array();
    ASSERT_EQ(phones.size(), 1u);
    EXPECT_EQ(At(phones.at(0), "VALUE"), json::value("999"));
    auto bad = PostJson(Hook("crm.contact.add"), json::parse(R"({"fields":{"EMAIL":[{"VALUE":"not-an-email"}]}})"));
    EXPECT_EQ(bad.status, 400u);
    EXPECT_EQ(At(bad.json, "error"), json::value("ERROR_CORE"));
}

TEST_F(EmulatorTest, LegacyErrorsHaveEmptyCode) {
    auto missing = Get(Hook("crm.deal.get?id=5"));
    EXPECT_EQ(missing.status, 400u);
    EXPECT_EQ(missing.body, R"({"error":"","error_description":"Not found"})");
    auto no_fields = PostJson(Hook("crm.deal.add"), json::object{});
    EXPECT_EQ(At(no_fields.json, "error_description"), json::value("Parameter 'fields' must be array."));
    auto update = PostJson(Hook("crm.company.update"), json::parse(R"({"id":3,"fields":{"TITLE":"x"}})"));
    EXPECT_EQ(At(update.json, "error_description"), json::value("Company is not found"));
}

TEST_F(EmulatorTest, DealPipelinesStagesAndImmutableCategory) {
    auto id = Result(PostJson(Hook("crm.deal.add"), json::parse(R"({"fields":{"TITLE":"W","CATEGORY_ID":1}})")));
    auto deal = Result(Get(Hook("crm.deal.get?id=1")));
    EXPECT_EQ(At(deal, "STAGE_ID"), json::value("C1:NEW"));
    EXPECT_EQ(At(deal, "STAGE_SEMANTIC_ID"), json::value("P"));
    EXPECT_EQ(At(deal, "OPPORTUNITY"), json::value("0.00"));
    PostJson(Hook("crm.deal.update"), json::parse(R"({"id":1,"fields":{"CATEGORY_ID":0,"STAGE_ID":"C1:WON"}})"));
    deal = Result(Get(Hook("crm.deal.get?id=1")));
    EXPECT_EQ(At(deal, "CATEGORY_ID"), json::value("1"));
    EXPECT_EQ(At(deal, "STAGE_SEMANTIC_ID"), json::value("S"));

    auto stages = PostJson(Hook("crm.status.list"), json::parse(R"({"filter":{"ENTITY_ID":"DEAL_STAGE_1"}})"));
    EXPECT_EQ(At(stages.json, "total"), json::value(7));
    EXPECT_EQ(At(Result(stages).as_array().at(2), "STATUS_ID"), json::value("C1:UC_PROD"));
    auto categories = Get(Hook("crm.category.list?entityTypeId=2"));
    auto const& list = At(Result(categories), "categories").as_array();
    ASSERT_EQ(list.size(), 2u);
    EXPECT_EQ(At(list.at(1), "name"), json::value("Опт"));
    EXPECT_EQ(At(list.at(0), "isDefault"), json::value("Y"));
    (void)id;
}

TEST_F(EmulatorTest, ProductRowsReplaceTheSetAndDriveOpportunity) {
    PostJson(Hook("crm.deal.add"), json::parse(R"({"fields":{"TITLE":"P"}})"));
    PostJson(Hook("crm.deal.productrows.set"),
             json::parse(R"({"id":1,"rows":[{"PRODUCT_NAME":"a","PRICE":"899.1","QUANTITY":3},{"PRODUCT_NAME":"b","PRICE":"0.15","QUANTITY":"1.5"}]})"));
    EXPECT_EQ(At(Result(Get(Hook("crm.deal.get?id=1"))), "OPPORTUNITY"), json::value("2697.53"));
    auto rows = Get(Hook("crm.deal.productrows.get?id=1"));
    EXPECT_NE(rows.body.find(R"("PRICE":899.1,"PRICE_ACCOUNT":"899.10")"), std::string::npos) << rows.body;
    PostJson(Hook("crm.deal.productrows.set"), json::parse(R"({"id":1,"rows":[{"PRODUCT_NAME":"c","PRICE":"10"}]})"));
    EXPECT_EQ(Result(Get(Hook("crm.deal.productrows.get?id=1"))).as_array().size(), 1u);
    EXPECT_EQ(At(Result(Get(Hook("crm.deal.get?id=1"))), "OPPORTUNITY"), json::value("10.00"));
    PostJson(Hook("crm.deal.update"),
             json::parse(R"({"id":1,"fields":{"IS_MANUAL_OPPORTUNITY":"Y","OPPORTUNITY":"5000"}})"));
    PostJson(Hook("crm.deal.productrows.set"), json::parse(R"({"id":1,"rows":[]})"));
    EXPECT_EQ(At(Result(Get(Hook("crm.deal.get?id=1"))), "OPPORTUNITY"), json::value("5000.00"));
}

TEST_F(EmulatorTest, RequisitesBankDetailsAndAddresses) {
    PostJson(Hook("crm.company.add"), json::parse(R"({"fields":{"TITLE":"Acme"}})"));
    auto bad = PostJson(Hook("crm.requisite.add"), json::parse(R"({"fields":{"ENTITY_TYPE_ID":2,"ENTITY_ID":1}})"));
    EXPECT_EQ(bad.body, R"({"error":"","error_description":"ENTITY_TYPE_ID is not defined or invalid."})");
    auto rq = json::parse(R"({"fields":{"ENTITY_TYPE_ID":4,"ENTITY_ID":1,"PRESET_ID":1,"NAME":"R","RQ_INN":"7701","RQ_KPP":"1"}})");
    EXPECT_EQ(Result(PostJson(Hook("crm.requisite.add"), rq)), json::value(1));
    EXPECT_EQ(Result(PostJson(Hook("crm.requisite.add"), rq)), json::value(2));  // same INN twice is fine
    auto found = PostJson(Hook("crm.requisite.list"), json::parse(R"({"filter":{"RQ_INN":"7701","ENTITY_TYPE_ID":4}})"));
    EXPECT_EQ(At(found.json, "total"), json::value(2));
    EXPECT_EQ(At(Get(Hook("crm.requisite.preset.list")).json, "total"), json::value(4));
    auto bank = json::parse(R"({"fields":{"ENTITY_ID":1,"NAME":"main","RQ_BIK":"044525225"}})");
    EXPECT_EQ(Result(PostJson(Hook("crm.requisite.bankdetail.add"), bank)), json::value(1));
    auto addr = json::parse(R"({"fields":{"TYPE_ID":1,"ENTITY_TYPE_ID":8,"ENTITY_ID":1,"CITY":"Moscow"}})");
    EXPECT_EQ(PostJson(Hook("crm.address.add"), addr).status, 200u);
    auto dup = PostJson(Hook("crm.address.add"), addr);
    EXPECT_EQ(At(dup.json, "error_description"), json::value("TypeAddress exists."));
}

TEST_F(EmulatorTest, ListPagingTotalsAndCursorWithoutCount) {
    for (int i = 0; i < 120; ++i) {
        PostJson(Hook("crm.company.add"), json::object{{"fields", json::object{{"TITLE", "c"}}}});
    }
    auto first = Get(Hook("crm.company.list?limit=500"));
    EXPECT_EQ(Result(first).as_array().size(), 50u);  // limit is ignored
    EXPECT_EQ(At(first.json, "next"), json::value(50));
    EXPECT_EQ(At(first.json, "total"), json::value(120));
    auto last = Get(Hook("crm.company.list?start=100"));
    EXPECT_EQ(Result(last).as_array().size(), 20u);
    EXPECT_FALSE(last.json.as_object().contains("next"));
    auto cursor = PostJson(Hook("crm.company.list"),
                           json::parse(R"({"order":{"ID":"ASC"},"filter":{">ID":100},"select":["ID"],"start":-1})"));
    EXPECT_EQ(Result(cursor).as_array().size(), 20u);
    EXPECT_EQ(At(cursor.json, "total"), json::value(0));
    EXPECT_FALSE(cursor.json.as_object().contains("next"));
    auto desc = PostJson(Hook("crm.company.list"), json::parse(R"({"order":{"ID":"DESC"},"filter":{"@ID":[3,7]}})"));
    EXPECT_EQ(At(Result(desc).as_array().at(0), "ID"), json::value("7"));
}

TEST_F(EmulatorTest, TimelineTasksAndNotificationsAreRecorded) {
    auto upper = PostJson(Hook("crm.timeline.comment.add"),
                          json::parse(R"({"FIELDS":{"ENTITY_ID":1,"ENTITY_TYPE":"deal","COMMENT":"x"}})"));
    EXPECT_EQ(upper.status, 400u);  // only lowercase `fields` since crm 23.100.0
    auto ok = PostJson(Hook("crm.timeline.comment.add"),
                       json::parse(R"({"fields":{"ENTITY_ID":1,"ENTITY_TYPE":"deal","COMMENT":"x"}})"));
    EXPECT_EQ(Result(ok), json::value(1));
    auto task = PostJson(Hook("tasks.task.add"), json::parse(R"({"fields":{"TITLE":"Call","RESPONSIBLE_ID":1}})"));
    EXPECT_EQ(At(At(Result(task), "task"), "id"), json::value("1"));
    auto no_title = PostJson(Hook("tasks.task.add"), json::parse(R"({"fields":{"RESPONSIBLE_ID":1}})"));
    EXPECT_EQ(At(no_title.json, "error_description"), json::value("Task title is not specified<br>"));
    PostJson(Hook("im.notify.system.add"), json::parse(R"({"USER_ID":1,"MESSAGE":"hi"})"));
    auto log = Get("/_emulator/log");
    EXPECT_EQ(At(log.json, "notifications").as_array().size(), 1u);
    EXPECT_EQ(At(log.json, "tasks").as_array().size(), 1u);
    EXPECT_EQ(At(log.json, "timeline_comments").as_array().size(), 1u);
}

}  // namespace
}  // namespace b2b::emu::bitrix24::test
