#include "core/store/job_queue.hpp"

#include <gtest/gtest.h>

#include <set>

#include "core/util/clock.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/unit/store/store_test_util.hpp"

namespace b2b::store {
namespace {

using std::chrono::milliseconds;
using test::BeginOrDie;

constexpr UnixMillis kStart = 1'700'000'000'000;

class JobQueueTest : public ::testing::Test {
protected:
    JobQueueTest()
        : db_(test::OpenOrDie(dir_ / "state.db")),
          clock_(kStart),
          queue_(*db_, clock_,
                 RetryPolicy{.initial = milliseconds(1000), .multiplier = 2.0, .max = milliseconds(60000),
                             .jitter = 0.2, .max_attempts = 3},
                 [this] { return random_; }) {}

    std::int64_t Add(std::string entity, std::string key, std::string target = "bitrix24.deal",
                     UnixMillis not_before = 0) {
        auto tx = BeginOrDie(*db_);
        auto r = queue_.Enqueue(*tx, NewJob{target, entity, "upsert", "{\"n\":1}", key, not_before});
        EXPECT_TRUE(r) << r.error().message;
        EXPECT_TRUE(tx->Commit());
        return r ? r->id : 0;
    }

    std::vector<std::int64_t> ClaimIds(int limit = 100, milliseconds lease = milliseconds(60000)) {
        auto jobs = queue_.Claim(limit, lease);
        EXPECT_TRUE(jobs) << jobs.error().message;
        std::vector<std::int64_t> ids;
        for (auto const& j : jobs.value()) {
            ids.push_back(j.id);
        }
        return ids;
    }

    Job Get(std::int64_t id) {
        auto j = queue_.Get(id);
        EXPECT_TRUE(j && *j);
        return j && *j ? **j : Job{};
    }

    using Ids = std::vector<std::int64_t>;

    b2b::test::TempDir dir_;
    std::unique_ptr<Database> db_;
    FakeClock clock_;
    double random_ = 0.5;  // no jitter
    JobQueue queue_;
};

TEST_F(JobQueueTest, EnqueueStoresAPendingJobDueNow) {
    auto id = Add("order:1", "k1");
    Job j = Get(id);
    EXPECT_EQ(j.target, "bitrix24.deal");
    EXPECT_EQ(j.entity_key, "order:1");
    EXPECT_EQ(j.kind, "upsert");
    EXPECT_EQ(j.payload, "{\"n\":1}");
    EXPECT_EQ(j.state, JobState::kPending);
    EXPECT_EQ(j.attempts, 0);
    EXPECT_EQ(j.max_attempts, 3);
    EXPECT_EQ(j.next_at, kStart);
    EXPECT_EQ(j.created_at, kStart);
}

TEST_F(JobQueueTest, SameIdempotencyKeyTwiceCreatesOneJob) {
    auto tx = BeginOrDie(*db_);
    auto a = queue_.Enqueue(*tx, NewJob{"t", "e", "k", "p1", "same"});
    auto b = queue_.Enqueue(*tx, NewJob{"t", "e", "k", "p2", "same"});
    ASSERT_TRUE(a && b);
    EXPECT_TRUE(a->inserted);
    EXPECT_FALSE(b->inserted);
    EXPECT_EQ(a->id, b->id);
    ASSERT_TRUE(tx->Commit());
    auto all = queue_.List({});
    ASSERT_TRUE(all);
    ASSERT_EQ(all->size(), 1u);
    EXPECT_EQ(all->front().payload, "p1");
}

TEST_F(JobQueueTest, EnqueueRollsBackWithTheCallersTransaction) {
    {
        auto tx = BeginOrDie(*db_);
        ASSERT_TRUE(queue_.Enqueue(*tx, NewJob{"t", "e", "k", "p", "key"}));
    }
    auto stats = queue_.Stats();
    ASSERT_TRUE(stats);
    EXPECT_EQ(stats->pending, 0);
}

TEST_F(JobQueueTest, EmptyIdempotencyKeyIsABug) {
    auto tx = BeginOrDie(*db_);
    auto r = queue_.Enqueue(*tx, NewJob{"t", "e", "k", "p", ""});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().error_class, ErrorClass::kBug);
}

TEST_F(JobQueueTest, ClaimReturnsOneJobPerEntityInIdOrder) {
    auto a1 = Add("A", "a1");
    auto b1 = Add("B", "b1");
    auto a2 = Add("A", "a2");
    auto c1 = Add("C", "c1", "site.status");
    auto c_other_target = Add("C", "c2", "bitrix24.deal");  // same entity key, other target: independent
    EXPECT_EQ(ClaimIds(), (Ids{a1, b1, c1, c_other_target}));
    EXPECT_EQ(ClaimIds(), Ids{});  // a2 waits for a1
    ASSERT_TRUE(queue_.Complete(std::vector<std::int64_t>{a1}));
    EXPECT_EQ(ClaimIds(), Ids{a2});
    Job j = Get(a1);
    EXPECT_EQ(j.state, JobState::kDone);
    EXPECT_EQ(j.done_at, kStart);
}

TEST_F(JobQueueTest, ClaimHonoursLimitAndMarksInflightWithLease) {
    auto a = Add("A", "a");
    Add("B", "b");
    EXPECT_EQ(ClaimIds(1, milliseconds(5000)), Ids{a});
    Job j = Get(a);
    EXPECT_EQ(j.state, JobState::kInflight);
    EXPECT_EQ(j.attempts, 1);
    EXPECT_EQ(j.lease_until, kStart + 5000);
}

TEST_F(JobQueueTest, NotBeforeDelaysTheJob) {
    auto a = Add("A", "a", "t", kStart + 10'000);
    EXPECT_EQ(ClaimIds(), Ids{});
    clock_.Advance(milliseconds(10'000));
    EXPECT_EQ(ClaimIds(), Ids{a});
}

TEST_F(JobQueueTest, ExpiredLeaseMakesAJobClaimableAgain) {
    auto a = Add("A", "a");
    EXPECT_EQ(ClaimIds(10, milliseconds(5000)), Ids{a});
    clock_.Advance(milliseconds(4999));
    EXPECT_EQ(ClaimIds(), Ids{});
    clock_.Advance(milliseconds(1));
    EXPECT_EQ(ClaimIds(), Ids{a});
    EXPECT_EQ(Get(a).attempts, 2);
}

TEST_F(JobQueueTest, RecoverInflightMakesEveryInflightJobPendingNow) {
    auto a = Add("A", "a");
    auto b = Add("B", "b");
    Add("C", "c");
    EXPECT_EQ(ClaimIds(2), (Ids{a, b}));
    auto n = queue_.RecoverInflight();
    ASSERT_TRUE(n);
    EXPECT_EQ(*n, 2);
    EXPECT_EQ(Get(a).state, JobState::kPending);
    EXPECT_EQ(Get(a).lease_until, 0);
    EXPECT_EQ(ClaimIds().size(), 3u);
}

TEST_F(JobQueueTest, TransientFailureRetriesWithBackoffAndKeepsTheError) {
    auto a = Add("A", "a");
    auto a2 = Add("A", "a2");
    ASSERT_EQ(ClaimIds(), Ids{a});
    auto out = queue_.Fail(a, Error::Transient("bitrix24[main]: crm.deal.add returned 503"));
    ASSERT_TRUE(out);
    EXPECT_FALSE(out->dead);
    EXPECT_EQ(out->attempts, 1);
    EXPECT_EQ(out->next_at, kStart + 1000);
    Job j = Get(a);
    EXPECT_EQ(j.state, JobState::kPending);
    EXPECT_EQ(j.last_error, "bitrix24[main]: crm.deal.add returned 503");
    EXPECT_EQ(j.last_error_class, "transient");
    // While a waits for its retry, a2 stays blocked behind it.
    EXPECT_EQ(ClaimIds(), Ids{});
    clock_.Advance(milliseconds(1000));
    EXPECT_EQ(ClaimIds(), Ids{a});
    // Second failure: doubled delay, with jitter from the injected random source.
    random_ = 1.0;
    out = queue_.Fail(a, Error::Transient("again"));
    ASSERT_TRUE(out);
    EXPECT_EQ(out->next_at, clock_.NowMillis() + 2400);
    (void)a2;
}

TEST_F(JobQueueTest, DeferUndoesTheClaimsAttemptAndKeepsTheEntityOrder) {
    auto a = Add("A", "a");
    auto a2 = Add("A", "a2");
    auto b = Add("B", "b");
    ASSERT_EQ(ClaimIds(), (Ids{a, b}));
    ASSERT_EQ(Get(a).attempts, 1);
    ASSERT_TRUE(queue_.Defer(Ids{a, b}, milliseconds(5000), "bitrix24: portal unreachable"));
    for (auto id : {a, b}) {
        Job j = Get(id);
        EXPECT_EQ(j.state, JobState::kPending);
        EXPECT_EQ(j.attempts, 0) << "nothing was attempted";
        EXPECT_EQ(j.next_at, kStart + 5000);
        EXPECT_EQ(j.last_error, "bitrix24: portal unreachable");
    }
    EXPECT_EQ(ClaimIds(), Ids{}) << "a2 still waits behind a";
    // Many deferrals never make a job dead (max_attempts is 3).
    for (int round = 0; round < 5; ++round) {
        clock_.Advance(milliseconds(5000));
        ASSERT_EQ(ClaimIds(), (Ids{a, b}));
        ASSERT_TRUE(queue_.Defer(Ids{a, b}, milliseconds(5000), "bitrix24: portal unreachable"));
    }
    EXPECT_EQ(Get(a).attempts, 0);
    // Only inflight jobs are deferred: a pending job is left alone.
    ASSERT_TRUE(queue_.Defer(Ids{a2}, milliseconds(99000), "x"));
    EXPECT_EQ(Get(a2).next_at, kStart);
}

TEST_F(JobQueueTest, RetryAfterHintIsTheMinimumDelay) {
    auto a = Add("A", "a");
    ASSERT_EQ(ClaimIds(), Ids{a});
    auto out = queue_.Fail(a, Error::Transient("QUERY_LIMIT_EXCEEDED", milliseconds(30'000)));
    ASSERT_TRUE(out);
    EXPECT_EQ(out->next_at, kStart + 30'000);
}

TEST_F(JobQueueTest, TransientFailuresUpToMaxAttemptsEndDead) {
    auto a = Add("A", "a");
    for (int attempt = 1; attempt <= 3; ++attempt) {
        ASSERT_EQ(ClaimIds(), Ids{a}) << attempt;
        auto out = queue_.Fail(a, Error::Transient("503"));
        ASSERT_TRUE(out);
        EXPECT_EQ(out->attempts, attempt);
        EXPECT_EQ(out->dead, attempt == 3);
        clock_.Advance(milliseconds(60'000));
    }
    EXPECT_EQ(Get(a).state, JobState::kDead);
    EXPECT_EQ(ClaimIds(), Ids{});
}

TEST_F(JobQueueTest, PermanentAndBugFailuresAreDeadAtOnce) {
    auto a = Add("A", "a");
    auto b = Add("B", "b");
    ASSERT_EQ(ClaimIds(), (Ids{a, b}));
    auto out_a = queue_.Fail(a, Error::Permanent("400 invalid INN"));
    auto out_b = queue_.Fail(b, Error::Bug("deliverer threw"));
    ASSERT_TRUE(out_a && out_b);
    EXPECT_TRUE(out_a->dead);
    EXPECT_TRUE(out_b->dead);
    EXPECT_EQ(Get(a).last_error_class, "permanent");
    EXPECT_EQ(Get(b).last_error_class, "bug");
    EXPECT_EQ(Get(a).attempts, 1);
}

TEST_F(JobQueueTest, ADeadJobDoesNotBlockItsEntity) {
    auto a1 = Add("A", "a1");
    auto a2 = Add("A", "a2");
    ASSERT_EQ(ClaimIds(), Ids{a1});
    ASSERT_TRUE(queue_.Fail(a1, Error::Permanent("rejected")));
    EXPECT_EQ(ClaimIds(), Ids{a2});
}

TEST_F(JobQueueTest, AdminRetryMakesADeadJobPendingNowWithAttemptsReset) {
    auto a = Add("A", "a");
    ASSERT_EQ(ClaimIds(), Ids{a});
    ASSERT_TRUE(queue_.Fail(a, Error::Permanent("rejected")));
    clock_.Advance(milliseconds(5000));
    ASSERT_TRUE(queue_.Retry(a));
    Job j = Get(a);
    EXPECT_EQ(j.state, JobState::kPending);
    EXPECT_EQ(j.attempts, 0);
    EXPECT_EQ(j.next_at, kStart + 5000);
    EXPECT_EQ(j.last_error, "rejected");  // kept as history until the next attempt
    EXPECT_EQ(ClaimIds(), Ids{a});
}

TEST_F(JobQueueTest, AdminRetryAndDropRefuseWhatTheyCannotDo) {
    auto a = Add("A", "a");
    ASSERT_EQ(ClaimIds(), Ids{a});
    auto r = queue_.Retry(a);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message, "store: retry job: job " + std::to_string(a) +
                                     " is inflight; only dead or pending jobs can be retried");
    auto d = queue_.Drop(a);
    ASSERT_FALSE(d);
    EXPECT_EQ(d.error().message, "store: drop job: job " + std::to_string(a) +
                                     " is in flight; stop the daemon or wait for the delivery to finish");
    auto missing = queue_.Retry(999);
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().message, "store: retry job: job 999 not found");
}

TEST_F(JobQueueTest, DropDeletesTheJob) {
    auto a = Add("A", "a");
    ASSERT_TRUE(queue_.Drop(a));
    auto j = queue_.Get(a);
    ASSERT_TRUE(j);
    EXPECT_FALSE(j->has_value());
    EXPECT_FALSE(queue_.Drop(a));
}

TEST_F(JobQueueTest, ListFiltersByStateTargetAndEntity) {
    auto a = Add("A", "a", "t1");
    auto b = Add("B", "b", "t2");
    auto a2 = Add("A", "a2", "t1");
    ASSERT_EQ(ClaimIds(), (Ids{a, b}));
    auto ids = [](Result<std::vector<Job>> const& jobs) {
        Ids out;
        for (auto const& j : jobs.value()) {
            out.push_back(j.id);
        }
        return out;
    };
    EXPECT_EQ(ids(queue_.List({.state = JobState::kInflight})), (Ids{a, b}));
    EXPECT_EQ(ids(queue_.List({.target = "t1"})), (Ids{a, a2}));
    EXPECT_EQ(ids(queue_.List({.state = JobState::kPending, .entity_key = "A"})), Ids{a2});
    EXPECT_EQ(ids(queue_.List({.limit = 1})), Ids{a});
}

TEST_F(JobQueueTest, StatsCountByStateAndAgeOfOldestPending) {
    auto a = Add("A", "a");
    clock_.Advance(milliseconds(1000));
    auto b = Add("B", "b");
    Add("C", "c");
    clock_.Advance(milliseconds(2500));
    ASSERT_EQ(ClaimIds(1), Ids{a});
    ASSERT_TRUE(queue_.Complete(std::vector<std::int64_t>{a}));
    auto stats = queue_.Stats();
    ASSERT_TRUE(stats);
    EXPECT_EQ(stats->pending, 2);
    EXPECT_EQ(stats->inflight, 0);
    EXPECT_EQ(stats->done, 1);
    EXPECT_EQ(stats->dead, 0);
    EXPECT_EQ(stats->oldest_pending_age, milliseconds(2500));
    (void)b;
}

TEST_F(JobQueueTest, PurgeDoneDeletesOnlyOldDoneJobs) {
    auto a = Add("A", "a");
    auto b = Add("B", "b");
    ASSERT_EQ(ClaimIds(), (Ids{a, b}));
    ASSERT_TRUE(queue_.Complete(std::vector<std::int64_t>{a}));
    clock_.Advance(milliseconds(10'000));
    ASSERT_TRUE(queue_.Complete(std::vector<std::int64_t>{b}));
    auto n = queue_.PurgeDone(milliseconds(5000));
    ASSERT_TRUE(n);
    EXPECT_EQ(*n, 1);
    EXPECT_FALSE(queue_.Get(a)->has_value());
    EXPECT_TRUE(queue_.Get(b)->has_value());
}

TEST_F(JobQueueTest, CompleteIgnoresJobsThatAreNotInflight) {
    auto a = Add("A", "a");
    ASSERT_TRUE(queue_.Complete(std::vector<std::int64_t>{a, 12345}));
    EXPECT_EQ(Get(a).state, JobState::kPending);
}

TEST(JobState, RoundTripsThroughText) {
    for (auto s : {JobState::kPending, JobState::kInflight, JobState::kDone, JobState::kDead}) {
        EXPECT_EQ(ParseJobState(ToString(s)), s);
    }
    EXPECT_EQ(ParseJobState("waiting"), std::nullopt);
}

}  // namespace
}  // namespace b2b::store
