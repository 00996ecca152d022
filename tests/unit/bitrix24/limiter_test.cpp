#include "connectors/bitrix24/limiter.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace b2b::bitrix24 {
namespace {

using std::chrono::milliseconds;

std::vector<std::string> const kCompanyAdd{"crm.company.add"};
std::vector<std::string> const kDealList{"crm.deal.list"};

LimiterOptions Options(double burst, double per_second, double headroom = 0) {
    LimiterOptions o;
    o.burst = burst;
    o.per_second = per_second;
    o.headroom = headroom;
    return o;
}

TEST(Limiter, BurstGoesAtOnceThenWaitsForTheDrain) {
    FakeClock clock;
    Limiter limiter(Options(50, 2), clock);
    for (int i = 0; i < 50; ++i) {
        ASSERT_EQ(limiter.TryAcquire(kCompanyAdd), milliseconds(0)) << "request " << i;
    }
    // The 51st would overflow the bucket: one unit drains in 1/2 s.
    EXPECT_EQ(limiter.TryAcquire(kCompanyAdd), milliseconds(500));
    clock.Advance(milliseconds(499));
    EXPECT_EQ(limiter.TryAcquire(kCompanyAdd), milliseconds(1));
    clock.Advance(milliseconds(1));
    EXPECT_EQ(limiter.TryAcquire(kCompanyAdd), milliseconds(0));
    EXPECT_EQ(limiter.TryAcquire(kCompanyAdd), milliseconds(500));
}

TEST(Limiter, SustainedRateNeverExceedsTheDrain) {
    FakeClock clock;
    Limiter limiter(Options(50, 2), clock);
    int granted = 0;
    // 60 s of callers asking every 100 ms: at most burst + 60 s × 2/s may pass.
    for (int step = 0; step < 600; ++step) {
        if (limiter.TryAcquire(kCompanyAdd).count() == 0) {
            ++granted;
        }
        clock.Advance(milliseconds(100));
    }
    EXPECT_LE(granted, 50 + 120);
    EXPECT_GE(granted, 50 + 118);
    EXPECT_LE(limiter.Level(), 50.0);
}

TEST(Limiter, HeadroomKeepsUnitsFree) {
    FakeClock clock;
    Limiter limiter(Options(250, 5, 2), clock);
    for (int i = 0; i < 248; ++i) {
        ASSERT_EQ(limiter.TryAcquire(kCompanyAdd), milliseconds(0));
    }
    EXPECT_EQ(limiter.TryAcquire(kCompanyAdd), milliseconds(200));
}

TEST(Limiter, OperationTimeLimitParksOnlyThatMethodUntilReset) {
    FakeClock clock;
    Limiter limiter(Options(50, 2), clock);
    auto const now = clock.NowMillis();
    limiter.OnReply("crm.company.add", OperatingInfo{12.5, now + 300'000});
    auto const until = limiter.OnOperationTimeLimit("crm.company.add");
    EXPECT_EQ(until, now + 300'000);
    EXPECT_EQ(limiter.TryAcquire(kCompanyAdd), milliseconds(300'000));
    EXPECT_EQ(limiter.TryAcquire(kDealList), milliseconds(0)) << "other methods go on";
    // A batch containing the parked method waits too.
    std::vector<std::string> batch{"crm.deal.list", "crm.company.add"};
    EXPECT_EQ(limiter.WaitTime(batch), milliseconds(300'000));
    clock.Advance(milliseconds(300'000));
    EXPECT_EQ(limiter.TryAcquire(kCompanyAdd), milliseconds(0));
}

TEST(Limiter, OperatingAtTheLimitParksBeforeThePortalSays429) {
    FakeClock clock;
    LimiterOptions o = Options(50, 2);
    o.operating_limit = 480;
    Limiter limiter(o, clock);
    auto const now = clock.NowMillis();
    limiter.OnReply("crm.deal.list", OperatingInfo{479.0, now + 60'000});
    EXPECT_FALSE(limiter.ParkedUntil("crm.deal.list"));
    limiter.OnReply("crm.deal.list", OperatingInfo{480.5, now + 60'000});
    EXPECT_EQ(limiter.ParkedUntil("crm.deal.list"), now + 60'000);
}

TEST(Limiter, Park429WithoutKnownResetUsesTheMinimum) {
    FakeClock clock;
    Limiter limiter(Options(50, 2), clock);
    auto const until = limiter.OnOperationTimeLimit("crm.deal.add");
    EXPECT_EQ(until, clock.NowMillis() + 10'000);
}

TEST(Limiter, QueryLimitFillsTheBucketAndBacksOffMoreEachTime) {
    FakeClock clock;
    Limiter limiter(Options(50, 2), clock);
    EXPECT_EQ(limiter.OnQueryLimitExceeded(), milliseconds(1000));
    EXPECT_EQ(limiter.TryAcquire(kCompanyAdd), milliseconds(1000));
    EXPECT_EQ(limiter.OnQueryLimitExceeded(), milliseconds(2000));
    EXPECT_EQ(limiter.OnQueryLimitExceeded(), milliseconds(4000));
    limiter.OnAccepted();
    EXPECT_EQ(limiter.OnQueryLimitExceeded(), milliseconds(1000));
}

TEST(Limiter, AcquireReturnsTransientWithRetryAfterWhenTheWaitIsTooLong) {
    FakeClock clock;
    Limiter limiter(Options(50, 2), clock);
    limiter.OnOperationTimeLimit("crm.company.add");
    auto status = limiter.Acquire(kCompanyAdd, milliseconds(100));
    ASSERT_FALSE(status);
    EXPECT_TRUE(status.error().IsTransient());
    EXPECT_EQ(status.error().retry_after, milliseconds(10'000));
    EXPECT_NE(status.error().message.find("crm.company.add is parked"), std::string::npos) << status.error().message;
    EXPECT_TRUE(limiter.Acquire(kDealList, milliseconds(100)));
}

}  // namespace
}  // namespace b2b::bitrix24
