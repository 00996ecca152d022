// Form decoding and event reading (connectors/bitrix24/events_parse), on payloads shaped like
// bitrix24.md §7.
#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

#include "connectors/bitrix24/events_parse.hpp"
#include "connectors/bitrix24/events_stages.hpp"

namespace b2b::bitrix24 {
namespace {

namespace json = boost::json;

// bitrix24.md §7 wire example, with the app-only auth members.
constexpr char const* kDealUpdate =
    "event=ONCRMDEALUPDATE&event_handler_id=201&data%5BFIELDS%5D%5BID%5D=759&ts=1736405807"
    "&auth%5Bdomain%5D=example.bitrix24.ru&auth%5Bclient_endpoint%5D=https%3A%2F%2Fexample.bitrix24.ru%2Frest%2F"
    "&auth%5Bserver_endpoint%5D=https%3A%2F%2Foauth.bitrix.info%2Frest%2F&auth%5Bmember_id%5D=a223c6b3710f85df22e9377d6c4f7553"
    "&auth%5Bapplication_token%5D=51856fefc120afa4b628cc82d3935cce&auth%5Bstatus%5D=L";

TEST(EventsParse, DecodesNestedPhpBrackets) {
    auto form = DecodePhpForm(kDealUpdate);
    ASSERT_TRUE(form) << form.error().message;
    EXPECT_EQ(form->at("data").at("FIELDS").at("ID"), "759");
    EXPECT_EQ(form->at("auth").at("client_endpoint"), "https://example.bitrix24.ru/rest/");
    EXPECT_EQ(FormString(*form, {"auth", "application_token"}), "51856fefc120afa4b628cc82d3935cce");
    EXPECT_EQ(FormString(*form, {"auth", "nothing"}), std::nullopt);
    EXPECT_EQ(FormString(*form, {"data", "FIELDS"}), std::nullopt) << "an object is not a string";
}

TEST(EventsParse, RawBracketsAppendAndPlusAreHandledAsPhpDoes) {
    auto form = DecodePhpForm("select[]=ID&select[]=STAGE_ID&title=A+%26+B&x=1&x[y]=2&empty=&flag");
    ASSERT_TRUE(form) << form.error().message;
    EXPECT_EQ(json::value(*form), json::parse(R"({"select":{"0":"ID","1":"STAGE_ID"},"title":"A & B",)"
                                              R"("x":{"y":"2"},"empty":"","flag":""})"));
}

TEST(EventsParse, RejectsMalformedBodies) {
    for (char const* bad : {"event=%ZZ", "event=%4", "data[FIELDS=1", "[x]=1", "a[b]c=1",
                            "a[1][2][3][4][5][6][7][8][9][10][11][12][13][14][15][16]=deep"}) {
        auto form = DecodePhpForm(bad);
        EXPECT_FALSE(form) << bad;
    }
    EXPECT_TRUE(DecodePhpForm(""));
}

TEST(EventsParse, ReadsAnOutboundEvent) {
    auto form = DecodePhpForm(kDealUpdate);
    ASSERT_TRUE(form);
    auto event = ReadOutboundEvent(*form, 99);
    ASSERT_TRUE(event) << event.error().message;
    EXPECT_EQ(event->record.event, "ONCRMDEALUPDATE");
    EXPECT_EQ(event->record.entity_type, "deal");
    EXPECT_EQ(event->record.entity_id, 759);
    EXPECT_EQ(event->record.ts, 1736405807);
    EXPECT_EQ(event->record.source, "online");
    EXPECT_EQ(event->handler_id, "201");
    EXPECT_EQ(event->domain, "example.bitrix24.ru");
    EXPECT_EQ(event->member_id, "a223c6b3710f85df22e9377d6c4f7553");
}

TEST(EventsParse, OutboundEventNeedsNameAndNumericIdButNotTs) {
    auto lower = DecodePhpForm("event=onCrmCompanyAdd&data[FIELDS][ID]=5");
    ASSERT_TRUE(lower);
    auto company = ReadOutboundEvent(*lower, 1700000000);
    ASSERT_TRUE(company) << company.error().message;
    EXPECT_EQ(company->record.event, "ONCRMCOMPANYADD");
    EXPECT_EQ(company->record.entity_type, "company");
    EXPECT_EQ(company->record.ts, 1700000000) << "a missing ts falls back to the receive time";

    auto no_id = DecodePhpForm("event=ONCRMDEALUPDATE&data[FIELDS][ID]=abc&ts=1");
    ASSERT_TRUE(no_id);
    auto rejected = ReadOutboundEvent(*no_id, 1);
    ASSERT_FALSE(rejected);
    EXPECT_EQ(rejected.error().message, "event ONCRMDEALUPDATE without a numeric data[FIELDS][ID]");
    auto no_event = DecodePhpForm("data[FIELDS][ID]=1");
    ASSERT_TRUE(no_event);
    EXPECT_FALSE(ReadOutboundEvent(*no_event, 1));
}

TEST(EventsParse, ReadsOfflineRecords) {
    auto record = ReadOfflineEvent(json::parse(
        R"({"ID":"7","TIMESTAMP_X":"2024-08-30T14:29:00+02:00","EVENT_NAME":"ONCRMDEALUPDATE",)"
        R"("EVENT_DATA":{"FIELDS":{"ID":"42"}},"EVENT_ADDITIONAL":[],"MESSAGE_ID":"7"})"));
    ASSERT_TRUE(record) << record.error().message;
    EXPECT_EQ(record->event, "ONCRMDEALUPDATE");
    EXPECT_EQ(record->entity_type, "deal");
    EXPECT_EQ(record->entity_id, 42);
    EXPECT_EQ(record->ts, 1725020940);  // 12:29:00 UTC
    EXPECT_EQ(record->source, "offline");

    auto numeric = ReadOfflineEvent(json::parse(
        R"({"TIMESTAMP_X":"2024-08-30T12:29:00Z","EVENT_NAME":"ONCRMDEALADD","EVENT_DATA":{"FIELDS":{"ID":43}}})"));
    ASSERT_TRUE(numeric) << numeric.error().message;
    EXPECT_EQ(numeric->entity_id, 43);
    EXPECT_EQ(numeric->ts, 1725020940);

    EXPECT_FALSE(ReadOfflineEvent(json::parse(R"({"EVENT_NAME":"ONCRMDEALADD","EVENT_DATA":{"FIELDS":{"ID":1}}})")));
    EXPECT_FALSE(ReadOfflineEvent(json::parse(R"({"TIMESTAMP_X":"2024-08-30T12:29:00Z","EVENT_NAME":"X","EVENT_DATA":[]})")));
}

TEST(EventsParse, EntityTypesAndTimestamps) {
    EXPECT_EQ(EntityTypeOfEvent("ONCRMDEALMOVETOCATEGORY"), "deal");
    EXPECT_EQ(EntityTypeOfEvent("ONCRMDEALRECURRINGADD"), "deal_recurring");
    EXPECT_EQ(EntityTypeOfEvent("ONCRMREQUISITEUPDATE"), "requisite");
    EXPECT_EQ(EntityTypeOfEvent("ONAPPUNINSTALL"), "other");
    EXPECT_EQ(ParseIsoSeconds("1970-01-01T03:00:00+03:00"), 0);
    EXPECT_EQ(ParseIsoSeconds("2024-02-29T00:00:00.123-01:30"), 1709170200);
    EXPECT_EQ(ParseIsoSeconds("2024-02-30T00:00:00Z"), std::nullopt);
    EXPECT_EQ(ParseIsoSeconds("2024-02-01"), std::nullopt);
    EXPECT_EQ(ParseIsoSeconds("2024-02-01T00:00:00+0300"), std::nullopt);
}

TEST(EventsStages, DetectionIsPure) {
    DealStage const prep{"PREPARATION", 0};
    EXPECT_EQ(DetectStageChange(1, DealStage{"NEW", 0}, prep, false, 5),
              (StageChange{1, 0, "NEW", "PREPARATION", 5, 0}));
    EXPECT_EQ(DetectStageChange(1, prep, prep, false, 5), std::nullopt);
    EXPECT_EQ(DetectStageChange(1, std::nullopt, prep, false, 5), std::nullopt) << "first sight of an old deal";
    EXPECT_EQ(DetectStageChange(1, std::nullopt, prep, true, 5), (StageChange{1, 0, "", "PREPARATION", 5, 0}));
    EXPECT_EQ(CategoryOfStage("C12:WON"), 12);
    EXPECT_EQ(CategoryOfStage("WON"), 0);
    EXPECT_EQ(CategoryOfStage("CX:WON"), 0);
    EXPECT_TRUE(IsDealNotFound(Error::Permanent("deal 5: crm.deal.get: HTTP 400: Not found; the portal rejected the data")));
    EXPECT_FALSE(IsDealNotFound(Error::Permanent("crm.deal.get: HTTP 403 ACCESS_DENIED: Access denied")));
    EXPECT_FALSE(IsDealNotFound(Error::Transient("crm.deal.get: HTTP 400: Not found")));
}

}  // namespace
}  // namespace b2b::bitrix24
