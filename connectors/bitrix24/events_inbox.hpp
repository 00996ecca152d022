#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "connectors/bitrix24/events_parse.hpp"
#include "core/store/database.hpp"
#include "core/util/clock.hpp"
#include "core/util/error.hpp"

namespace b2b::bitrix24 {

/// What storing an event did.
enum class InboxAdd {
    kAccepted,   ///< a new entry
    kDuplicate,  ///< the same (event, entity, ts) was stored before; nothing new
};

/// A stored event waiting to be (or already) processed.
struct InboxEntry {
    std::int64_t id = 0;
    EventRecord record;
    UnixMillis received_at = 0;
    int attempts = 0;
};

/// The durable inbox of Bitrix24 events (table bitrix24_event_inbox, migration 0006) and the
/// bookkeeping of the offline batch in flight (bitrix24_offline_process).
///
/// A duplicate is stored once. If its twin was already processed the entry is reopened: the portal
/// stamps events to the second, so two changes of one deal within a second look alike, and
/// processing reads the deal's current state anyway, so a second pass is cheap and loses nothing.
///
/// Every method runs its own short transaction unless it takes one. Thread-safe (the Database
/// serialises transactions); errors are the store's (transient on lock contention).
class EventInbox {
public:
    /// `db` and `clock` must outlive the inbox.
    EventInbox(store::Database& db, Clock const& clock);

    Result<InboxAdd> Add(EventRecord const& record);
    /// Stores a batch in one transaction (one fsync); outcomes in input order.
    Result<std::vector<InboxAdd>> AddAll(std::span<EventRecord const> records);

    /// Unprocessed entries, oldest (lowest id) first.
    Result<std::vector<InboxEntry>> Pending(std::size_t limit);
    /// Every entry, processed or not, oldest first (inspection and tests).
    Result<std::vector<InboxEntry>> All();

    /// Closes an entry inside the caller's transaction; `outcome` says why ("stage changed",
    /// "deal deleted", ...). No secrets.
    Status Close(store::Transaction& tx, std::int64_t id, std::string_view outcome);
    Status Close(std::int64_t id, std::string_view outcome);
    /// Counts a failed attempt and keeps the entry pending.
    Status RecordFailure(std::int64_t id, std::string_view error);

    /// The offline batch reserved and not yet confirmed (left by a crash), if any.
    Result<std::optional<std::string>> OpenOfflineProcess();
    /// Remembers `process_id` before event.offline.get reserves a batch under it.
    Status BeginOfflineProcess(std::string_view process_id);
    /// Forgets it after event.offline.clear confirmed the batch.
    Status EndOfflineProcess(std::string_view process_id);

private:
    Result<InboxAdd> AddIn(store::Transaction& tx, EventRecord const& record);

    store::Database& db_;
    Clock const& clock_;
};

}  // namespace b2b::bitrix24
