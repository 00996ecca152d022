#include "connectors/webhook/classify.hpp"

#include <gtest/gtest.h>

namespace b2b::webhook {
namespace {

TEST(WebhookClassify, SuccessStatusesAreOk) {
    EXPECT_TRUE(ClassifyHttpStatus(200, {}, "sink", "").has_value());
    EXPECT_TRUE(ClassifyHttpStatus(204, {}, "sink", "").has_value());
}

TEST(WebhookClassify, ThrottlingAndServerErrorsAreTransientWithTheHint) {
    auto r = ClassifyHttpStatus(503, std::chrono::seconds(7), "sink", "maintenance");
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().error_class, ErrorClass::kTransient);
    EXPECT_EQ(r.error().message, "sink: HTTP 503: maintenance");
    EXPECT_EQ(r.error().retry_after, std::chrono::milliseconds(7000));
    for (long s : {408L, 425L, 429L, 500L, 502L, 504L}) {
        EXPECT_EQ(ClassifyHttpStatus(s, {}, "sink", "").error().error_class, ErrorClass::kTransient) << s;
    }
}

TEST(WebhookClassify, ClientErrorsArePermanent) {
    for (long s : {400L, 401L, 403L, 404L, 409L, 422L, 301L}) {
        auto r = ClassifyHttpStatus(s, {}, "sink", "");
        ASSERT_FALSE(r.has_value());
        EXPECT_EQ(r.error().error_class, ErrorClass::kPermanent) << s;
    }
    EXPECT_EQ(ClassifyHttpStatus(403, {}, "crm", "").error().message, "crm: HTTP 403");
}

TEST(WebhookClassify, CurlTransportErrorsSplitByCause) {
    EXPECT_EQ(ClassifyCurlError(CURLE_COULDNT_CONNECT, "sink", "").error_class, ErrorClass::kTransient);
    EXPECT_EQ(ClassifyCurlError(CURLE_OPERATION_TIMEDOUT, "sink", "").error_class, ErrorClass::kTransient);
    EXPECT_EQ(ClassifyCurlError(CURLE_GOT_NOTHING, "sink", "").error_class, ErrorClass::kTransient);
    EXPECT_EQ(ClassifyCurlError(CURLE_URL_MALFORMAT, "sink", "").error_class, ErrorClass::kPermanent);
    EXPECT_EQ(ClassifyCurlError(CURLE_PEER_FAILED_VERIFICATION, "sink", "").error_class, ErrorClass::kPermanent);
    EXPECT_EQ(ClassifyCurlError(CURLE_COULDNT_CONNECT, "sink", "127.0.0.1:1").message,
              "sink: Couldn't connect to server (127.0.0.1:1)");
}

TEST(WebhookRetryAfter, ParsesSecondsAndHttpDates) {
    EXPECT_EQ(ParseRetryAfter("120", 0), std::chrono::milliseconds(120000));
    EXPECT_EQ(ParseRetryAfter(" 0 ", 0), std::chrono::milliseconds(0));
    // 2015-10-21T07:28:00Z is 1445412480 s; "now" ten seconds earlier.
    EXPECT_EQ(ParseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT", 1445412470000), std::chrono::milliseconds(10000));
    EXPECT_EQ(ParseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT", 1445412490000), std::chrono::milliseconds(0));
    EXPECT_EQ(ParseRetryAfter("soon", 0), std::nullopt);
    EXPECT_EQ(ParseRetryAfter("-5", 0), std::nullopt);
    EXPECT_EQ(ParseRetryAfter("", 0), std::nullopt);
}

}  // namespace
}  // namespace b2b::webhook
