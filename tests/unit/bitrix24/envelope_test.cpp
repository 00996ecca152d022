#include "connectors/bitrix24/envelope.hpp"
#include "connectors/bitrix24/errors.hpp"

#include <gtest/gtest.h>

namespace b2b::bitrix24 {
namespace {

using std::chrono::milliseconds;
constexpr UnixMillis kNow = 1'725'013'197'000;

TEST(Envelope, ParsesResultPagingAndTime) {
    auto reply = ParseEnvelope("crm.company.list", 200, "application/json",
                               R"({"result":[{"ID":"5"}],"total":120,"next":50,"time":{"start":1725013197.63,)"
                               R"("operating_reset_at":1725013797,"operating":0.26}})",
                               kNow);
    ASSERT_TRUE(reply);
    EXPECT_TRUE(reply->result.is_array());
    EXPECT_EQ(reply->total, 120);
    EXPECT_EQ(reply->next, 50);
    EXPECT_EQ(reply->time.operating, 0.26);
    EXPECT_EQ(reply->time.operating_reset_at, UnixMillis{1'725'013'797'000});
}

TEST(Envelope, MissingTimeMembersStayEmpty) {
    auto reply = ParseEnvelope("crm.company.add", 200, "application/json", R"({"result":394,"time":{}})", kNow);
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->result, 394);
    EXPECT_FALSE(reply->next);
    EXPECT_FALSE(reply->time.operating);
}

TEST(Envelope, LegacyEmptyErrorIsPermanentAndKeepsTheDescription) {
    auto reply = ParseEnvelope("crm.company.update", 400, "application/json",
                               R"({"error":"","error_description":"Not found"})", kNow);
    ASSERT_FALSE(reply);
    EXPECT_EQ(reply.error().error_class, ErrorClass::kPermanent);
    EXPECT_EQ(reply.error().message, "crm.company.update: HTTP 400: Not found; the portal rejected the data");
}

TEST(Envelope, HtmlGatewayPageIsTransient) {
    for (long status : {502L, 503L, 504L}) {
        auto reply = ParseEnvelope("crm.deal.add", status, "text/html; charset=utf-8",
                                   "<html><body><h1>502 Bad Gateway</h1></body></html>", kNow);
        ASSERT_FALSE(reply);
        EXPECT_TRUE(reply.error().IsTransient());
        EXPECT_NE(reply.error().message.find("HTML error page from gateway, HTTP " + std::to_string(status)),
                  std::string::npos)
            << reply.error().message;
    }
    auto ok_but_html = ParseEnvelope("crm.deal.add", 200, "text/html", "<html></html>", kNow);
    ASSERT_FALSE(ok_but_html);
    EXPECT_EQ(ok_but_html.error().error_class, ErrorClass::kPermanent);
}

TEST(Envelope, QueryLimitIsTransient) {
    auto reply = ParseEnvelope("batch", 503, "application/json",
                               R"({"error":"QUERY_LIMIT_EXCEEDED","error_description":"Too many requests"})", kNow);
    ASSERT_FALSE(reply);
    EXPECT_TRUE(reply.error().IsTransient());
    EXPECT_EQ(reply.error().retry_after, milliseconds(1000));
}

TEST(Envelope, OperationTimeLimitRetriesAtTheResetTime) {
    auto reply = ParseEnvelope("crm.deal.list", 429, "application/json",
                               R"({"error":"OPERATION_TIME_LIMIT","error_description":"Method is blocked"})", kNow,
                               kNow + 42'000);
    ASSERT_FALSE(reply);
    EXPECT_TRUE(reply.error().IsTransient());
    EXPECT_EQ(reply.error().retry_after, milliseconds(42'000));
}

TEST(Envelope, ErrorTable) {
    struct Case {
        long status;
        char const* code;
        ErrorClass expected;
    };
    Case const cases[] = {
        {401, "NO_AUTH_FOUND", ErrorClass::kPermanent},    {401, "INVALID_CREDENTIALS", ErrorClass::kPermanent},
        {403, "insufficient_scope", ErrorClass::kPermanent}, {403, "ACCESS_DENIED", ErrorClass::kPermanent},
        {403, "access_denied", ErrorClass::kPermanent},      {404, "ERROR_METHOD_NOT_FOUND", ErrorClass::kPermanent},
        {400, "ERROR_CORE", ErrorClass::kPermanent},         {500, "INTERNAL_SERVER_ERROR", ErrorClass::kTransient},
        {503, "OVERLOAD_LIMIT", ErrorClass::kTransient},     {401, "expired_token", ErrorClass::kTransient},
        {502, "SOMETHING_NEW", ErrorClass::kTransient},      {422, "SOMETHING_NEW", ErrorClass::kPermanent},
    };
    for (auto const& c : cases) {
        auto e = ClassifyApiError("crm.company.add", c.status, c.code, "x");
        EXPECT_EQ(e.error_class, c.expected) << c.status << " " << c.code << ": " << e.message;
        EXPECT_EQ(e.message.find("crm.company.add: HTTP "), 0u) << e.message;
    }
}

TEST(Envelope, BrTagsAreDroppedFromDescriptions) {
    EXPECT_EQ(CleanDescription("Discount Sum (DISCOUNT_SUM) is required<br>"), "Discount Sum (DISCOUNT_SUM) is required");
    EXPECT_EQ(CleanDescription("a<br/>b"), "a b");
}

TEST(Envelope, LegacyIdsAsStrings) {
    EXPECT_EQ(AsInt(boost::json::value("5")), 5);
    EXPECT_EQ(AsInt(boost::json::value(7)), 7);
    EXPECT_FALSE(AsInt(boost::json::value("5.0")));
    EXPECT_FALSE(AsInt(boost::json::value(nullptr)));
}

}  // namespace
}  // namespace b2b::bitrix24
