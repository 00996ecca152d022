#include "core/store/backoff.hpp"

#include <gtest/gtest.h>

namespace b2b::store {
namespace {

using std::chrono::milliseconds;

RetryPolicy Policy() {
    return RetryPolicy{.initial = milliseconds(1000), .multiplier = 2.0, .max = milliseconds(60000), .jitter = 0.2,
                       .max_attempts = 10};
}

TEST(Backoff, GrowsExponentiallyWithoutJitterAtTheMidpoint) {
    EXPECT_EQ(BackoffDelay(Policy(), 1, 0.5), milliseconds(1000));
    EXPECT_EQ(BackoffDelay(Policy(), 2, 0.5), milliseconds(2000));
    EXPECT_EQ(BackoffDelay(Policy(), 3, 0.5), milliseconds(4000));
    EXPECT_EQ(BackoffDelay(Policy(), 6, 0.5), milliseconds(32000));
}

TEST(Backoff, IsCappedAtMaxEvenForHugeAttemptNumbers) {
    EXPECT_EQ(BackoffDelay(Policy(), 7, 0.5), milliseconds(60000));
    EXPECT_EQ(BackoffDelay(Policy(), 5000, 0.5), milliseconds(60000));
}

TEST(Backoff, JitterSpansPlusMinusTheFraction) {
    EXPECT_EQ(BackoffDelay(Policy(), 2, 0.0), milliseconds(1600));
    EXPECT_EQ(BackoffDelay(Policy(), 2, 0.75), milliseconds(2200));
    EXPECT_EQ(BackoffDelay(Policy(), 2, 1.0), milliseconds(2400));
    // Jitter applies after the cap, so capped delays still spread apart.
    EXPECT_EQ(BackoffDelay(Policy(), 50, 0.0), milliseconds(48000));
}

TEST(Backoff, RetryAfterIsAFloorNotAReplacement) {
    EXPECT_EQ(BackoffDelay(Policy(), 1, 0.5, milliseconds(30000)), milliseconds(30000));
    EXPECT_EQ(BackoffDelay(Policy(), 3, 0.5, milliseconds(100)), milliseconds(4000));
}

TEST(Backoff, AttemptZeroOrNegativeIsTreatedAsTheFirst) {
    EXPECT_EQ(BackoffDelay(Policy(), 0, 0.5), milliseconds(1000));
    EXPECT_EQ(BackoffDelay(Policy(), -3, 0.5), milliseconds(1000));
}

}  // namespace
}  // namespace b2b::store
