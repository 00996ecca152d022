#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "connectors/bitrix24/events_inbox.hpp"
#include "connectors/bitrix24/events_sink.hpp"
#include "connectors/bitrix24/rest_client.hpp"
#include "core/store/database.hpp"
#include "core/util/clock.hpp"
#include "core/util/error.hpp"

namespace b2b::bitrix24 {

/// Where a deal stood when we last looked (table bitrix24_deal_state).
struct DealStage {
    std::string stage_id;
    std::int64_t category_id = 0;

    bool operator==(DealStage const&) const = default;
};

/// The pipeline a stage id belongs to: `C3:NEW` -> 3, `NEW` -> 0 (bitrix24.md §6.4).
std::int64_t CategoryOfStage(std::string_view stage_id);

/// Pure core of detection. `last` is what we saw before (nullopt: the deal is new to us), `now` what
/// the portal says. A deal new to us yields a change (from "") only when the event is its
/// creation (`is_add`): for a deal that merely was updated we cannot know where it came from, so
/// we only start watching it, instead of firing "stage entered" robots for every old deal a
/// manager happens to edit.
std::optional<StageChange> DetectStageChange(std::int64_t deal_id, std::optional<DealStage> const& last,
                                             DealStage const& now, bool is_add, UnixMillis at);

/// True for the portal's answer to crm.deal.get of a deal that does not exist (legacy CRM errors
/// carry an empty code and the text "Not found", bitrix24.md §2 and bitrix24/b24phpsdk#127).
bool IsDealNotFound(Error const& error);

/// What one ProcessPending pass did.
struct ProcessReport {
    std::size_t processed = 0;  ///< entries closed (with or without a change)
    std::size_t changes = 0;    ///< StageChanges handed to the sink
    std::size_t deferred = 0;   ///< entries left pending after a transient failure (and later ones of that deal)
    std::optional<Error> last_error;
};

/// Turns inbox entries ("deal 42 was updated") into stage changes: reads the deal with
/// crm.deal.get, compares STAGE_ID with bitrix24_deal_state, and hands a change to the sink in the
/// same transaction that stores the new stage and closes the entry.
///
/// Order: entries are taken by inbox id; each deal is handled one entry at a time, and once an
/// entry of a deal fails transiently the deal's later entries wait for the next pass. Since events
/// carry only ids, each pass sees the deal's *current* stage: two moves queued before a pass
/// collapse into one change (first stage -> current), and the second entry changes nothing.
///
/// Outcomes: a deleted deal (crm.deal.get "Not found", or ONCRMDEALDELETE) closes the entry with a
/// warning and forgets the deal's stage; events about other objects are closed as "ignored";
/// other permanent REST errors close the entry with the error (logged, never retried: style.md
/// §9.4); transient errors count an attempt and keep the entry.
///
/// Loop prevention: before moving a deal ourselves, call RecordOwnStage; the echo event then reads
/// the stage we recorded and produces nothing. Thread-safe: passes are serialised.
class StageTracker {
public:
    /// All references must outlive the tracker. `db` is the database `inbox` uses.
    StageTracker(RestClient& client, store::Database& db, EventInbox& inbox, EventSink& sink, Clock const& clock);

    /// Records `stage_id` as the deal's stage (category from the `C<n>:` prefix) *before* our own
    /// crm.deal.update, so its echo compares equal. If that update then fails, call it again with
    /// the stage the deal really has (or the next event will report our failed move as a manager's
    /// move back). Errors: the store's.
    Status RecordOwnStage(std::int64_t deal_id, std::string_view stage_id);

    /// Records `stage_id` only when nothing is known of the deal yet: a deal we created whose
    /// add reply was lost (found by its ORIGIN_ID on the retry) is then known at the stage it has,
    /// so the next event compares against it instead of being taken as the first sighting.
    Status RecordStageIfUnknown(std::int64_t deal_id, std::string_view stage_id);

    /// The stage we last saw for `deal_id` (nullopt when never seen). Errors: the store's.
    Result<std::optional<DealStage>> LastSeen(std::int64_t deal_id);

    /// Processes up to `limit` pending entries (see the class comment). Never throws for outside
    /// failures; they are counted in the report and logged.
    ProcessReport ProcessPending(std::size_t limit = 100);

private:
    enum class Step { kClosed, kChanged, kDeferred };
    Step ProcessEntry(InboxEntry const& entry, ProcessReport& report);
    Step CloseWith(InboxEntry const& entry, std::string_view outcome, bool forget_deal, ProcessReport& report);
    Step Defer(InboxEntry const& entry, Error const& error, ProcessReport& report);
    Result<DealStage> ReadDeal(std::int64_t deal_id);
    /// Reads the stages of the pass's deals 50 per request (crm.deal.list with an `@ID` filter)
    /// instead of one crm.deal.get per event: a burst of events (a manager moving many deals, or
    /// the echoes of our own updates) must not eat the portal's whole request budget. Deals the
    /// list does not return (deleted, or a failed list) are read one by one as before.
    void Prefetch(std::vector<InboxEntry> const& entries);

    RestClient& client_;
    store::Database& db_;
    EventInbox& inbox_;
    EventSink& sink_;
    Clock const& clock_;
    std::mutex pass_mutex_;
    std::map<std::int64_t, DealStage> prefetched_;  // this pass's deal stages; under pass_mutex_
};

}  // namespace b2b::bitrix24
