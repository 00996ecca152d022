// `b2bsync trace`: resolves any of an order's ids and prints what the store knows, in time order.
#include "core/app/trace_command.hpp"

#include <sstream>

#include <gtest/gtest.h>

#include "core/store/database.hpp"
#include "core/store/job_queue.hpp"
#include "core/store/repositories.hpp"
#include "core/util/clock.hpp"
#include "tests/support/temp_dir.hpp"

namespace b2b::app {
namespace {

using std::chrono::milliseconds;

constexpr UnixMillis kStart = 1'764'500'000'000;  // 2025-11-30T10:53:20Z

class TraceCommandTest : public ::testing::Test {
protected:
    TraceCommandTest() : paths_{dir_.path(), dir_ / "state.db"}, clock_(kStart) {
        auto db = store::Database::Open(paths_.database);
        EXPECT_TRUE(db) << db.error().message;
        db_ = std::move(*db);
    }

    std::unique_ptr<store::Transaction> Begin() {
        auto tx = store::Transaction::Begin(*db_, "test");
        EXPECT_TRUE(tx) << tx.error().message;
        return std::move(*tx);
    }

    int Run(std::string const& id) {
        out_.str("");
        err_.str("");
        return TraceOrder(paths_, id, out_, err_);
    }

    test::TempDir dir_;
    StatePaths paths_;
    FakeClock clock_;
    std::unique_ptr<store::Database> db_;
    std::ostringstream out_, err_;
};

TEST_F(TraceCommandTest, UnknownIdIsAUsageErrorNamingTheId) {
    EXPECT_EQ(Run("no-such-order"), kExitUsage);
    EXPECT_NE(err_.str().find("no order known as \"no-such-order\""), std::string::npos) << err_.str();
    EXPECT_TRUE(out_.str().empty());
}

TEST_F(TraceCommandTest, MissingDatabaseIsUnavailable) {
    StatePaths missing{dir_.path(), dir_ / "nothing.db"};
    std::ostringstream out, err;
    EXPECT_EQ(TraceOrder(missing, "1001", out, err), kExitUnavailable);
    EXPECT_FALSE(std::filesystem::exists(missing.database)) << "trace must never create a store";
}

TEST_F(TraceCommandTest, ResolvesEveryLinkedIdAndPrintsTheTimelineInTimeOrder) {
    store::LinkRepository links(clock_);
    store::AuditLog audit(clock_);
    store::JobQueue queue(*db_, clock_,
                          store::RetryPolicy{.initial = milliseconds(1000), .multiplier = 2.0,
                                             .max = milliseconds(60000), .jitter = 0.0, .max_attempts = 5});
    {
        auto tx = Begin();
        ASSERT_TRUE(links.Put(*tx, "order", "order-7", "site", "1001"));
        ASSERT_TRUE(links.Put(*tx, "order", "order-7", "onec", "УТ-000123"));
        ASSERT_TRUE(links.Put(*tx, "order", "order-7", "bitrix24", "57"));
        ASSERT_TRUE(queue.Enqueue(*tx, store::NewJob{"bitrix24", "order-7", "upsert_deal", "{}", "order-7:deal:v1"}));
        ASSERT_TRUE(tx->Commit());
    }
    clock_.Advance(milliseconds(5000));
    {
        auto claimed = queue.Claim(10, milliseconds(60000));
        ASSERT_TRUE(claimed);
        ASSERT_EQ(claimed->size(), 1u);
        auto failed = queue.Fail(claimed->front().id, Error::Transient("bitrix24: 503 Service Unavailable"));
        ASSERT_TRUE(failed);
    }
    clock_.Advance(milliseconds(60000));
    {
        auto tx = Begin();
        ASSERT_TRUE(audit.Append(*tx, store::AuditEntry{.actor = "Петрова А. С.", .system = "bitrix24",
                                                        .entity_kind = "order", .entity_id = "order-7",
                                                        .field = "stage", .old_value = "manager_check",
                                                        .new_value = "warehouse", .reason = "stage moved in Bitrix24"}));
        ASSERT_TRUE(tx->Commit());
    }

    for (std::string id : {"order-7", "1001", "УТ-000123", "57"}) {
        ASSERT_EQ(Run(id), kExitOk) << id << ": " << err_.str();
        std::string const text = out_.str();
        EXPECT_NE(text.find("Order order-7\n"), std::string::npos) << text;
        EXPECT_NE(text.find("site      1001"), std::string::npos) << text;
        EXPECT_NE(text.find("onec      УТ-000123"), std::string::npos) << text;
        EXPECT_NE(text.find("bitrix24  57"), std::string::npos) << text;
        EXPECT_NE(text.find("Bitrix24 deal 57: no stage seen yet"), std::string::npos) << text;
        EXPECT_NE(text.find("1C feed: not queued for 1C"), std::string::npos) << text;
    }
    std::string const text = out_.str();
    auto const queued = text.find("job #1 bitrix24 upsert_deal queued");
    auto const failed = text.find("job #1 bitrix24 pending attempts 1/5 last error [transient] bitrix24: 503");
    auto const moved = text.find("stage by Петрова А. С. (bitrix24): manager_check -> warehouse — stage moved");
    ASSERT_NE(queued, std::string::npos) << text;
    ASSERT_NE(failed, std::string::npos) << text;
    ASSERT_NE(moved, std::string::npos) << text;
    EXPECT_LT(queued, failed);
    EXPECT_LT(failed, moved);
    EXPECT_EQ(text.find("{}"), std::string::npos) << "payloads are never printed";
}

TEST_F(TraceCommandTest, AnOrderKnownOnlyByItsPendingJobIsFound) {
    store::JobQueue queue(*db_, clock_,
                          store::RetryPolicy{.initial = milliseconds(1000), .multiplier = 2.0,
                                             .max = milliseconds(60000), .jitter = 0.0, .max_attempts = 5});
    {
        auto tx = Begin();
        ASSERT_TRUE(queue.Enqueue(*tx, store::NewJob{"bitrix24", "order-9", "upsert_deal", "{}", "order-9:v1"}));
        ASSERT_TRUE(tx->Commit());
    }
    ASSERT_EQ(Run("order-9"), kExitOk) << err_.str();
    EXPECT_NE(out_.str().find("ids: not linked to any system yet"), std::string::npos) << out_.str();
    EXPECT_NE(out_.str().find("job #1 bitrix24 upsert_deal queued"), std::string::npos) << out_.str();
}

}  // namespace
}  // namespace b2b::app
