#include "connectors/bitrix24/events_stages.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <set>
#include <utility>

#include "connectors/bitrix24/envelope.hpp"
#include "core/util/log.hpp"

namespace b2b::bitrix24 {
namespace {

namespace json = boost::json;
using store::Transaction;

constexpr std::string_view kComponent = "bitrix24.events";

bool ContainsNoCase(std::string_view text, std::string_view needle) {
    auto const it = std::search(text.begin(), text.end(), needle.begin(), needle.end(), [](char a, char b) {
        return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
    });
    return it != text.end();
}

Result<std::optional<DealStage>> SelectStage(Transaction& tx, std::int64_t deal_id) {
    auto st = tx.Prepare("read deal stage", "SELECT stage_id, category_id FROM bitrix24_deal_state WHERE deal_id = ?1");
    if (!st) {
        return st.error();
    }
    st->Bind(1, deal_id);
    auto row = st->Step();
    if (!row) {
        return row.error();
    }
    if (!*row) {
        return std::optional<DealStage>{};
    }
    return std::optional<DealStage>(DealStage{st->ColumnText(0), st->ColumnInt64(1)});
}

Status UpsertStage(Transaction& tx, std::int64_t deal_id, DealStage const& stage, UnixMillis now) {
    auto st = tx.Prepare("record deal stage",
                         "INSERT INTO bitrix24_deal_state (deal_id, stage_id, category_id, seen_at) "
                         "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (deal_id) DO UPDATE SET "
                         "stage_id = excluded.stage_id, category_id = excluded.category_id, seen_at = excluded.seen_at");
    if (!st) {
        return st.error();
    }
    st->Bind(1, deal_id).Bind(2, stage.stage_id).Bind(3, stage.category_id).Bind(4, now);
    return st->Run();
}

Status DeleteStage(Transaction& tx, std::int64_t deal_id) {
    auto st = tx.Prepare("forget deal stage", "DELETE FROM bitrix24_deal_state WHERE deal_id = ?1");
    if (!st) {
        return st.error();
    }
    st->Bind(1, deal_id);
    return st->Run();
}

}  // namespace

std::int64_t CategoryOfStage(std::string_view stage_id) {
    if (stage_id.size() < 3 || stage_id[0] != 'C') {
        return 0;
    }
    auto const colon = stage_id.find(':');
    if (colon == std::string_view::npos) {
        return 0;
    }
    std::int64_t category = 0;
    auto const [end, ec] = std::from_chars(stage_id.data() + 1, stage_id.data() + colon, category);
    if (ec != std::errc{} || end != stage_id.data() + colon) {
        return 0;
    }
    return category;
}

std::optional<StageChange> DetectStageChange(std::int64_t deal_id, std::optional<DealStage> const& last,
                                             DealStage const& now, bool is_add, UnixMillis at) {
    if (last) {
        if (last->stage_id == now.stage_id) {
            return std::nullopt;
        }
        return StageChange{deal_id, now.category_id, last->stage_id, now.stage_id, at, 0};
    }
    if (is_add) {
        return StageChange{deal_id, now.category_id, "", now.stage_id, at, 0};
    }
    return std::nullopt;
}

bool IsDealNotFound(Error const& error) {
    return error.error_class == ErrorClass::kPermanent && ContainsNoCase(error.message, "HTTP 400") &&
           ContainsNoCase(error.message, "not found");
}

StageTracker::StageTracker(RestClient& client, store::Database& db, EventInbox& inbox, EventSink& sink,
                           Clock const& clock)
    : client_(client), db_(db), inbox_(inbox), sink_(sink), clock_(clock) {}

Status StageTracker::RecordOwnStage(std::int64_t deal_id, std::string_view stage_id) {
    auto tx = Transaction::Begin(db_, "record own deal stage");
    if (!tx) {
        return tx.error();
    }
    DealStage const stage{std::string(stage_id), CategoryOfStage(stage_id)};
    if (auto st = UpsertStage(**tx, deal_id, stage, clock_.NowMillis()); !st) {
        return st.error();
    }
    return (*tx)->Commit();
}

Status StageTracker::RecordStageIfUnknown(std::int64_t deal_id, std::string_view stage_id) {
    auto tx = Transaction::Begin(db_, "record found deal stage");
    if (!tx) {
        return tx.error();
    }
    auto known = SelectStage(**tx, deal_id);
    if (!known) {
        return known.error();
    }
    if (*known) {
        return {};
    }
    DealStage const stage{std::string(stage_id), CategoryOfStage(stage_id)};
    if (auto st = UpsertStage(**tx, deal_id, stage, clock_.NowMillis()); !st) {
        return st.error();
    }
    return (*tx)->Commit();
}

Result<std::optional<DealStage>> StageTracker::LastSeen(std::int64_t deal_id) {
    auto tx = Transaction::Begin(db_, "read deal stage", Transaction::Mode::kRead);
    if (!tx) {
        return tx.error();
    }
    return SelectStage(**tx, deal_id);
}

ProcessReport StageTracker::ProcessPending(std::size_t limit) {
    std::lock_guard lock(pass_mutex_);
    ProcessReport report;
    auto pending = inbox_.Pending(limit);
    if (!pending) {
        report.last_error = pending.error();
        log::Warn(kComponent, "cannot read the event inbox", {{"error", pending.error().message}});
        return report;
    }
    Prefetch(*pending);
    std::set<std::int64_t> blocked;  // deals whose earlier entry is deferred: keep their order
    for (auto const& entry : *pending) {
        bool const is_deal = entry.record.entity_type == "deal";
        if (is_deal && blocked.contains(entry.record.entity_id)) {
            ++report.deferred;
            continue;
        }
        if (ProcessEntry(entry, report) == Step::kDeferred && is_deal) {
            blocked.insert(entry.record.entity_id);
        }
    }
    return report;
}

StageTracker::Step StageTracker::ProcessEntry(InboxEntry const& entry, ProcessReport& report) {
    auto const& record = entry.record;
    if (record.entity_type != "deal") {
        return CloseWith(entry, "ignored: not a deal event", false, report);
    }
    if (record.event == "ONCRMDEALDELETE") {
        return CloseWith(entry, "deal deleted", true, report);
    }
    bool const prefetched = prefetched_.contains(record.entity_id);
    auto deal = ReadDeal(record.entity_id);
    if (!deal) {
        if (IsDealNotFound(deal.error())) {
            log::Warn(kComponent, "event for a deal that no longer exists; closing it",
                      {{"event", record.event}, {"deal", record.entity_id}, {"inbox_id", entry.id}});
            return CloseWith(entry, "deal not found", true, report);
        }
        if (deal.error().IsTransient()) {
            return Defer(entry, deal.error(), report);
        }
        report.last_error = deal.error();
        log::Error(kComponent, "cannot read the deal of an event; closing it without stage detection",
                   {{"deal", record.entity_id}, {"inbox_id", entry.id}, {"error", deal.error().message}});
        return CloseWith(entry, "failed: " + deal.error().message, false, report);
    }

    auto tx = Transaction::Begin(db_, "apply deal stage");
    if (!tx) {
        return Defer(entry, tx.error(), report);
    }
    // Defer writes in a transaction of its own: end this one first (transactions do not nest).
    auto fail = [&](Error const& error) {
        tx->reset();
        return Defer(entry, error, report);
    };
    auto last = SelectStage(**tx, record.entity_id);
    if (!last) {
        return fail(last.error());
    }
    if (prefetched && *last && (*last)->stage_id != deal->stage_id) {
        // The stage was listed at the start of the pass; since then the deliverer may have
        // recorded a newer one (a deal found at its current stage). A change is only reported on
        // a fresh read, or a stale list would move the order back.
        tx->reset();
        prefetched_.erase(record.entity_id);
        return ProcessEntry(entry, report);
    }
    auto change = DetectStageChange(record.entity_id, *last, *deal, record.event == "ONCRMDEALADD", record.ts * 1000);
    if (change) {
        change->inbox_id = entry.id;
        if (auto delivered = sink_.OnStageChange(**tx, *change); !delivered) {
            if (delivered.error().IsTransient()) {
                return fail(delivered.error());  // also rolls back whatever the sink wrote
            }
            tx->reset();
            report.last_error = delivered.error();
            log::Error(kComponent, "the stage change was rejected; closing the event",
                       {{"deal", record.entity_id}, {"to", change->to}, {"error", delivered.error().message}});
            return CloseWith(entry, "sink rejected: " + delivered.error().message, false, report);
        }
    }
    if (auto st = UpsertStage(**tx, record.entity_id, *deal, clock_.NowMillis()); !st) {
        return fail(st.error());
    }
    if (auto st = inbox_.Close(**tx, entry.id, change ? "stage changed" : "no stage change"); !st) {
        return fail(st.error());
    }
    if (auto st = (*tx)->Commit(); !st) {
        return fail(st.error());
    }
    ++report.processed;
    if (change) {
        ++report.changes;
        log::Info(kComponent, "deal stage changed",
                  {{"deal", change->deal_id}, {"from", change->from}, {"to", change->to}, {"inbox_id", entry.id}});
        return Step::kChanged;
    }
    return Step::kClosed;
}

StageTracker::Step StageTracker::CloseWith(InboxEntry const& entry, std::string_view outcome, bool forget_deal,
                                           ProcessReport& report) {
    auto tx = Transaction::Begin(db_, "close bitrix24 event");
    if (!tx) {
        return Defer(entry, tx.error(), report);
    }
    auto fail = [&](Error const& error) {
        tx->reset();
        return Defer(entry, error, report);
    };
    if (forget_deal) {
        if (auto st = DeleteStage(**tx, entry.record.entity_id); !st) {
            return fail(st.error());
        }
    }
    if (auto st = inbox_.Close(**tx, entry.id, outcome); !st) {
        return fail(st.error());
    }
    if (auto st = (*tx)->Commit(); !st) {
        return fail(st.error());
    }
    ++report.processed;
    return Step::kClosed;
}

StageTracker::Step StageTracker::Defer(InboxEntry const& entry, Error const& error, ProcessReport& report) {
    ++report.deferred;
    report.last_error = error;
    log::Warn(kComponent, "event processing deferred",
              {{"event", entry.record.event}, {"entity_id", entry.record.entity_id}, {"error", error.message}});
    if (auto st = inbox_.RecordFailure(entry.id, error.message); !st) {
        log::Warn(kComponent, "cannot record the failure", {{"inbox_id", entry.id}, {"error", st.error().message}});
    }
    return Step::kDeferred;
}

void StageTracker::Prefetch(std::vector<InboxEntry> const& entries) {
    prefetched_.clear();
    std::vector<std::int64_t> ids;
    std::set<std::int64_t> seen;
    for (auto const& entry : entries) {
        if (entry.record.entity_type == "deal" && entry.record.event != "ONCRMDEALDELETE" &&
            seen.insert(entry.record.entity_id).second) {
            ids.push_back(entry.record.entity_id);
        }
    }
    constexpr std::size_t kPerRequest = 50;  // the portal's page size
    for (std::size_t from = 0; ids.size() > 1 && from < ids.size(); from += kPerRequest) {
        json::array chunk;
        for (std::size_t i = from; i < std::min(ids.size(), from + kPerRequest); ++i) {
            chunk.push_back(ids[i]);
        }
        auto reply = client_.Call("crm.deal.list", json::object{{"filter", json::object{{"@ID", std::move(chunk)}}},
                                                                {"select", json::array{"ID", "STAGE_ID", "CATEGORY_ID"}},
                                                                {"start", -1}});
        if (!reply) {
            log::Warn(kComponent, "cannot list the stages of changed deals; reading them one by one",
                      {{"error", reply.error().message}});
            return;
        }
        auto const* rows = reply->result.if_array();
        if (rows == nullptr) {
            continue;
        }
        for (auto const& row : *rows) {
            auto const* deal = row.if_object();
            auto const* stage = deal != nullptr ? deal->if_contains("STAGE_ID") : nullptr;
            auto const* id = deal != nullptr ? deal->if_contains("ID") : nullptr;
            if (stage == nullptr || !stage->is_string() || stage->as_string().empty() || id == nullptr) {
                continue;
            }
            auto const deal_id = AsInt(*id);
            if (!deal_id) {
                continue;
            }
            DealStage out{std::string(stage->as_string()), CategoryOfStage(stage->as_string())};
            if (auto const* category = deal->if_contains("CATEGORY_ID"); category != nullptr) {
                out.category_id = AsInt(*category).value_or(out.category_id);
            }
            prefetched_[*deal_id] = std::move(out);
        }
    }
}

Result<DealStage> StageTracker::ReadDeal(std::int64_t deal_id) {
    if (auto it = prefetched_.find(deal_id); it != prefetched_.end()) {
        return it->second;
    }
    auto reply = client_.Call("crm.deal.get", json::object{{"id", deal_id}});
    if (!reply) {
        return std::move(reply).error().WithContext("deal " + std::to_string(deal_id));
    }
    auto const* deal = reply->result.if_object();
    auto const* stage = deal != nullptr ? deal->if_contains("STAGE_ID") : nullptr;
    if (stage == nullptr || !stage->is_string() || stage->as_string().empty()) {
        return Error::Permanent("crm.deal.get " + std::to_string(deal_id) + ": the reply has no STAGE_ID");
    }
    DealStage out{std::string(stage->as_string()), CategoryOfStage(stage->as_string())};
    if (auto const* category = deal->if_contains("CATEGORY_ID"); category != nullptr) {
        out.category_id = AsInt(*category).value_or(out.category_id);
    }
    return out;
}

}  // namespace b2b::bitrix24
