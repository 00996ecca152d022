// Offline events polling and stage-change detection against the real bitrix24_emulator over
// loopback (connectors/bitrix24/events_offline, events_stages).
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "connectors/bitrix24/events_inbox.hpp"
#include "connectors/bitrix24/events_offline.hpp"
#include "connectors/bitrix24/events_stages.hpp"
#include "connectors/bitrix24/rest_client.hpp"
#include "core/store/database.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"

namespace b2b::bitrix24 {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

// event.offline.* need application context (bitrix24.md §1.1): an OAuth access token from the
// emulator's install hook, sent as `auth` in every body. No refresh: tests are shorter than its TTL.
class AppTokenAuthenticator final : public Authenticator {
public:
    AppTokenAuthenticator(std::string base_url, std::string token)
        : base_url_(std::move(base_url)), token_(std::move(token)) {}
    std::string BaseUrl() const override { return base_url_; }
    std::string PortalHost() const override { return "127.0.0.1"; }
    std::uint64_t Apply(json::object& params) const override {
        params["auth"] = token_;
        return 0;
    }
    Status Refresh(std::uint64_t) override { return Error::Permanent("test authenticator cannot refresh"); }
    void OnPortalMoved(std::string) override {}

private:
    std::string base_url_;
    std::string token_;
};

class RecordingSink final : public EventSink {
public:
    // EventSink
    Status OnStageChange(store::Transaction&, StageChange const& change) override {
        changes.push_back(change);
        return {};
    }
    std::vector<StageChange> changes;
};

class EventsEmulator : public ::testing::Test {
protected:
    void SetUp() override {
        auto const port_file = dir_ / "port";
        emulator_ = std::make_unique<test::ChildProcess>(test::ChildProcess::Options{
            B2B_BITRIX24_EMULATOR,
            {"--port", "0", "--port-file", port_file.string(), "--webhook-user", "1", "--webhook-code", "code"},
            {},
            {},
            dir_ / "emulator.log"});
        ASSERT_TRUE(test::WaitUntil([&] { return !test::ReadFile(port_file).empty(); }, 10s)) << emulator_->Log();
        port_ = static_cast<std::uint16_t>(std::stoi(test::ReadFile(port_file)));
        control_ = std::make_unique<test::HttpClient>("127.0.0.1", port_);
        auto install = Control("/_emulator/oauth/install", json::object{});
        auth_ = std::make_unique<AppTokenAuthenticator>("http://127.0.0.1:" + std::to_string(port_) + "/rest/",
                                                        std::string(install.at("access_token").as_string()));
        limiter_ = std::make_unique<Limiter>(LimiterOptions{}, SystemClock::Instance());
        RestOptions options;
        options.timeout = 5s;
        client_ = std::make_unique<RestClient>(*auth_, *limiter_, SystemClock::Instance(), options);

        auto db = store::Database::Open(dir_ / "b2b.db");
        ASSERT_TRUE(db) << db.error().message;
        db_ = std::move(*db);
        inbox_ = std::make_unique<EventInbox>(*db_, SystemClock::Instance());
        poller_ = std::make_unique<OfflinePoller>(*client_, *inbox_, SystemClock::Instance());
        tracker_ = std::make_unique<StageTracker>(*client_, *db_, *inbox_, sink_, SystemClock::Instance());

        auto bound = client_->Call("event.bind", json::object{{"event", "ONCRMDEALUPDATE"}, {"event_type", "offline"}});
        ASSERT_TRUE(bound) << bound.error().message;
    }

    json::object Control(std::string const& path, json::object const& body) {
        auto reply = control_->Post(path, json::serialize(body), {{"Content-Type", "application/json"}});
        EXPECT_EQ(reply.status, 200) << path << ": " << reply.body;
        auto parsed = json::parse(reply.body);
        return parsed.is_object() ? parsed.as_object() : json::object{};
    }
    json::value State() { return json::parse(control_->Get("/_emulator/state").body); }
    json::array OfflineQueue() { return State().at("events").at("offline_queue").as_array(); }
    std::int64_t Calls(std::string const& method) {
        auto const state = State();
        auto const& calls = state.at("counters").at("method_calls").as_object();
        auto const* n = calls.if_contains(method);
        return n != nullptr ? n->as_int64() : 0;
    }

    std::int64_t AddDeal(std::string const& stage = "NEW") {
        auto deal = client_->Call("crm.deal.add", json::object{{"fields", json::object{{"TITLE", "Order"}, {"STAGE_ID", stage}}}});
        EXPECT_TRUE(deal) << deal.error().message;
        auto id = deal ? AsInt(deal->result) : std::nullopt;
        EXPECT_TRUE(id);
        // What our deliverer does after creating a deal: we know where we put it.
        EXPECT_TRUE(tracker_->RecordOwnStage(id.value_or(0), stage));
        return id.value_or(0);
    }
    // A manager drags the card; the emulator queues ONCRMDEALUPDATE (and answers the new deal).
    void ManagerMoves(std::int64_t deal, std::string const& stage) {
        Control("/_emulator/deal/stage", json::object{{"id", deal}, {"stage_id", stage}});
    }
    // Events are stamped to the second: make the next one distinguishable from the last.
    void NextSecond() { Control("/_emulator/clock", json::object{{"advance", 2}}); }
    std::size_t PollOnce() {
        auto taken = poller_->Poll();
        EXPECT_TRUE(taken) << taken.error().message;
        return taken ? *taken : 0;
    }
    std::vector<InboxEntry> Inbox() {
        auto all = inbox_->All();
        EXPECT_TRUE(all) << all.error().message;
        return all ? *all : std::vector<InboxEntry>{};
    }

    test::TempDir dir_;
    std::unique_ptr<test::ChildProcess> emulator_;
    std::uint16_t port_ = 0;
    std::unique_ptr<test::HttpClient> control_;
    std::unique_ptr<AppTokenAuthenticator> auth_;
    std::unique_ptr<Limiter> limiter_;
    std::unique_ptr<RestClient> client_;
    std::unique_ptr<store::Database> db_;
    std::unique_ptr<EventInbox> inbox_;
    std::unique_ptr<OfflinePoller> poller_;
    RecordingSink sink_;
    std::unique_ptr<StageTracker> tracker_;
};

TEST_F(EventsEmulator, PollTakesQueuedEventsThenConfirmsThem) {
    auto a = AddDeal();
    auto b = AddDeal();
    ManagerMoves(a, "PREPARATION");
    ManagerMoves(b, "PREPARATION");
    ASSERT_EQ(OfflineQueue().size(), 2u);

    EXPECT_EQ(PollOnce(), 2u);
    auto rows = Inbox();
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_EQ(rows[0].record.entity_id, a);
    EXPECT_EQ(rows[1].record.entity_id, b);
    EXPECT_EQ(rows[0].record.event, "ONCRMDEALUPDATE");
    EXPECT_EQ(rows[0].record.source, "offline");
    EXPECT_TRUE(OfflineQueue().empty()) << "event.offline.clear confirmed the batch";
    EXPECT_EQ(Calls("event.offline.get"), 1);
    EXPECT_EQ(Calls("event.offline.clear"), 1);
    EXPECT_EQ(Calls("event.offline.list"), 0);

    EXPECT_EQ(PollOnce(), 0u);
    EXPECT_EQ(Inbox().size(), 2u);
}

TEST_F(EventsEmulator, CrashAfterGetBeforeStoringLosesNothing) {
    auto a = AddDeal();
    auto b = AddDeal();
    ManagerMoves(a, "PREPARATION");
    ManagerMoves(b, "EXECUTING");
    poller_->CrashAfterGetForTest(false);
    EXPECT_EQ(PollOnce(), 2u);
    EXPECT_TRUE(Inbox().empty());
    // clear=0 + process_id: the portal keeps the batch reserved under our process id.
    auto queue = OfflineQueue();
    ASSERT_EQ(queue.size(), 2u);
    for (auto const& record : queue) {
        ASSERT_TRUE(record.at("PROCESS_ID").is_string());
        EXPECT_EQ(std::string(record.at("PROCESS_ID").as_string()).rfind("b2bsync-", 0), 0u);
    }

    // A restarted daemon: new poller, same store.
    OfflinePoller restarted(*client_, *inbox_, SystemClock::Instance());
    auto taken = restarted.Poll();
    ASSERT_TRUE(taken) << taken.error().message;
    EXPECT_EQ(*taken, 2u);
    auto rows = Inbox();
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_EQ(rows[0].record.entity_id, a);
    EXPECT_EQ(rows[1].record.entity_id, b);
    EXPECT_TRUE(OfflineQueue().empty());
    EXPECT_EQ(Calls("event.offline.list"), 1);
    EXPECT_EQ(Calls("event.offline.clear"), 2);  // the recovered batch, then the (empty) new one
}

TEST_F(EventsEmulator, CrashAfterStoringBeforeClearDoesNotDuplicate) {
    auto a = AddDeal();
    ManagerMoves(a, "PREPARATION");
    poller_->CrashAfterGetForTest(true);
    EXPECT_EQ(PollOnce(), 1u);
    ASSERT_EQ(Inbox().size(), 1u);
    ASSERT_EQ(OfflineQueue().size(), 1u);

    OfflinePoller restarted(*client_, *inbox_, SystemClock::Instance());
    auto taken = restarted.Poll();
    ASSERT_TRUE(taken) << taken.error().message;
    EXPECT_EQ(*taken, 1u) << "re-read, landed on the same inbox row";
    EXPECT_EQ(Inbox().size(), 1u);
    EXPECT_TRUE(OfflineQueue().empty());
    auto report = tracker_->ProcessPending();
    EXPECT_EQ(report.changes, 1u);
    EXPECT_EQ(sink_.changes.size(), 1u);
}

TEST_F(EventsEmulator, ManagerMoveYieldsOneStageChange) {
    auto deal = AddDeal();
    ManagerMoves(deal, "PREPARATION");
    ASSERT_EQ(PollOnce(), 1u);
    auto report = tracker_->ProcessPending();
    EXPECT_EQ(report.processed, 1u);
    EXPECT_EQ(report.changes, 1u);
    EXPECT_EQ(report.deferred, 0u);
    ASSERT_EQ(sink_.changes.size(), 1u);
    auto const& change = sink_.changes[0];
    EXPECT_EQ(change.deal_id, deal);
    EXPECT_EQ(change.category_id, 0);
    EXPECT_EQ(change.from, "NEW");
    EXPECT_EQ(change.to, "PREPARATION");
    EXPECT_EQ(change.inbox_id, Inbox()[0].id);
    EXPECT_EQ(change.at, Inbox()[0].record.ts * 1000);
    EXPECT_EQ(tracker_->LastSeen(deal).value(), (DealStage{"PREPARATION", 0}));
    EXPECT_TRUE(inbox_->Pending(10)->empty());
    // Processing again finds nothing to do.
    EXPECT_EQ(tracker_->ProcessPending().processed, 0u);
    EXPECT_EQ(sink_.changes.size(), 1u);
}

TEST_F(EventsEmulator, UpdateWithoutStageChangeYieldsNothing) {
    auto deal = AddDeal();
    auto updated = client_->Call("crm.deal.update", json::object{{"id", deal}, {"fields", json::object{{"TITLE", "Renamed"}}}});
    ASSERT_TRUE(updated) << updated.error().message;
    ASSERT_EQ(PollOnce(), 1u);
    auto report = tracker_->ProcessPending();
    EXPECT_EQ(report.processed, 1u);
    EXPECT_EQ(report.changes, 0u);
    EXPECT_TRUE(sink_.changes.empty());
    EXPECT_TRUE(inbox_->Pending(10)->empty());
}

TEST_F(EventsEmulator, OwnMoveRecordedFirstDoesNotEchoButUnrecordedOneWould) {
    auto ours = AddDeal();
    auto unrecorded = AddDeal();
    // Our own move, done right: record, then write. Its echo must compare equal.
    ASSERT_TRUE(tracker_->RecordOwnStage(ours, "PREPARATION"));
    auto moved = client_->Call("crm.deal.update", json::object{{"id", ours}, {"fields", json::object{{"STAGE_ID", "PREPARATION"}}}});
    ASSERT_TRUE(moved) << moved.error().message;
    // The same write without recording first: the echo looks like a manager's move.
    auto echo = client_->Call("crm.deal.update",
                              json::object{{"id", unrecorded}, {"fields", json::object{{"STAGE_ID", "PREPARATION"}}}});
    ASSERT_TRUE(echo) << echo.error().message;
    ASSERT_EQ(PollOnce(), 2u);
    auto report = tracker_->ProcessPending();
    EXPECT_EQ(report.processed, 2u);
    ASSERT_EQ(sink_.changes.size(), 1u);
    EXPECT_EQ(sink_.changes[0].deal_id, unrecorded) << "only the unrecorded write loops back";
    EXPECT_EQ(tracker_->LastSeen(ours).value(), (DealStage{"PREPARATION", 0}));
}

TEST_F(EventsEmulator, TwoEventsForOneDealAreAppliedInOrder) {
    auto a = AddDeal();
    auto b = AddDeal();
    ManagerMoves(a, "PREPARATION");
    ASSERT_EQ(PollOnce(), 1u);
    ASSERT_EQ(tracker_->ProcessPending().changes, 1u);
    ManagerMoves(b, "PREPARATION");
    NextSecond();
    ManagerMoves(a, "EXECUTING");
    ASSERT_EQ(PollOnce(), 2u);
    ASSERT_EQ(tracker_->ProcessPending().changes, 2u);
    ASSERT_EQ(sink_.changes.size(), 3u);
    EXPECT_EQ(sink_.changes[0], (StageChange{a, 0, "NEW", "PREPARATION", sink_.changes[0].at, sink_.changes[0].inbox_id}));
    EXPECT_EQ(sink_.changes[1].deal_id, b);
    EXPECT_EQ(sink_.changes[2], (StageChange{a, 0, "PREPARATION", "EXECUTING", sink_.changes[2].at, sink_.changes[2].inbox_id}));
    EXPECT_LT(sink_.changes[0].inbox_id, sink_.changes[2].inbox_id);
}

TEST_F(EventsEmulator, TransientFailureHoldsBackTheDealsLaterEventsOnly) {
    auto a = AddDeal();
    auto b = AddDeal();
    ManagerMoves(a, "PREPARATION");
    ASSERT_EQ(PollOnce(), 1u);
    ManagerMoves(b, "PREPARATION");
    NextSecond();
    ManagerMoves(a, "EXECUTING");
    ASSERT_EQ(PollOnce(), 2u);  // inbox: a@t1, b, a@t2
    Control("/_emulator/faults",
            json::object{{"rules", json::array{json::object{
                                       {"kind", "html"}, {"status", 503}, {"next", 1}, {"methods", json::array{"crm.deal.get"}}}}}});
    auto first = tracker_->ProcessPending();
    EXPECT_EQ(first.deferred, 2u) << "a@t1 failed, so a@t2 must wait for it";
    EXPECT_EQ(first.processed, 1u);
    ASSERT_TRUE(first.last_error);
    EXPECT_TRUE(first.last_error->IsTransient());
    ASSERT_EQ(sink_.changes.size(), 1u);
    EXPECT_EQ(sink_.changes[0].deal_id, b);

    auto second = tracker_->ProcessPending();
    EXPECT_EQ(second.processed, 2u);
    ASSERT_EQ(sink_.changes.size(), 2u);
    // Events carry only ids: both of a's moves are seen at once as one transition.
    EXPECT_EQ(sink_.changes[1].deal_id, a);
    EXPECT_EQ(sink_.changes[1].from, "NEW");
    EXPECT_EQ(sink_.changes[1].to, "EXECUTING");
    EXPECT_TRUE(inbox_->Pending(10)->empty());
}

TEST_F(EventsEmulator, DeletedDealClosesTheEntryWithoutRetry) {
    auto deal = AddDeal();
    ManagerMoves(deal, "PREPARATION");
    ASSERT_EQ(PollOnce(), 1u);
    auto deleted = client_->Call("crm.deal.delete", json::object{{"id", deal}});
    ASSERT_TRUE(deleted) << deleted.error().message;
    auto report = tracker_->ProcessPending();
    EXPECT_EQ(report.processed, 1u);
    EXPECT_EQ(report.deferred, 0u);
    EXPECT_TRUE(sink_.changes.empty());
    EXPECT_TRUE(inbox_->Pending(10)->empty());
    EXPECT_EQ(tracker_->LastSeen(deal).value(), std::nullopt);
    EXPECT_EQ(Calls("crm.deal.get"), 1);
    tracker_->ProcessPending();
    EXPECT_EQ(Calls("crm.deal.get"), 1) << "no endless retry";
}

}  // namespace
}  // namespace b2b::bitrix24
