#include "core/app/instance_lock.hpp"

#include <unistd.h>

#include <gtest/gtest.h>

#include "tests/support/temp_dir.hpp"

namespace b2b::app {
namespace {

TEST(InstanceLock, SecondAcquireOnTheSameStateDirFailsNamingTheHolder) {
    test::TempDir dir;
    auto first = InstanceLock::Acquire(dir.path());
    ASSERT_TRUE(first.has_value()) << first.error().message;
    EXPECT_EQ(InstanceLock::Holder(dir.path()), getpid());

    auto second = InstanceLock::Acquire(dir.path());
    ASSERT_FALSE(second.has_value());
    EXPECT_EQ(second.error().message, "another b2bsync is already running on state directory " + dir.path().string() +
                                          " (pid " + std::to_string(getpid()) +
                                          "); stop it first or give this instance its own state_dir");
}

TEST(InstanceLock, ReleasedWhenTheHolderGoesAway) {
    test::TempDir dir;
    {
        auto lock = InstanceLock::Acquire(dir.path());
        ASSERT_TRUE(lock.has_value());
    }
    EXPECT_EQ(InstanceLock::Holder(dir.path()), std::nullopt);
    EXPECT_TRUE(InstanceLock::Acquire(dir.path()).has_value());
}

TEST(InstanceLock, UnwritableDirectoryIsAClearError) {
    auto r = InstanceLock::Acquire("/nonexistent/b2bsync-state");
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().message,
              "cannot open lock file /nonexistent/b2bsync-state/b2bsync.lock: No such file or directory");
}

}  // namespace
}  // namespace b2b::app
