#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "connectors/bitrix24/events_inbox.hpp"
#include "connectors/bitrix24/rest_client.hpp"
#include "core/util/clock.hpp"
#include "core/util/error.hpp"

namespace b2b::bitrix24 {

struct OfflinePollOptions {
    std::int64_t limit = 50;                 ///< records per event.offline.get (the portal's default)
    std::string process_prefix = "b2bsync";  ///< process ids are `<prefix>-<unix ms>-<n>`
};

/// Offline events mode for a daemon the portal cannot reach (NAT): reads the portal's offline queue
/// (bitrix24.md §7; needs app context, `event.bind {event_type: "offline"}` and the
/// `rest_offline_extended` feature) into the inbox. One round (Poll):
///   1. a batch left reserved by a crash (its process id is in the store) is re-read with
///      event.offline.list filtered by PROCESS_ID, stored, then confirmed with event.offline.clear;
///   2. a new process id is written to the store, then event.offline.get {clear: 0, process_id,
///      limit} reserves a batch, which is stored (duplicates land on the same inbox row), then
///      event.offline.clear {process_id} confirms it and the process id is forgotten.
/// So a crash anywhere between get and clear neither loses nor duplicates an event. Records that
/// cannot be read (no EVENT_NAME, FIELDS.ID or TIMESTAMP_X) are logged and confirmed (dropped).
///
/// Not thread-safe: one poller per portal, driven by one timer.
class OfflinePoller {
public:
    /// `client`, `inbox` and `clock` must outlive the poller.
    OfflinePoller(RestClient& client, EventInbox& inbox, Clock const& clock, OfflinePollOptions options = {});

    /// One round. Returns how many records the portal handed over (including recovered ones and
    /// duplicates); the daemon polls again at once while this equals the limit. Errors: the REST
    /// client's (transient for network and limits; permanent for auth/ACCESS_DENIED, e.g. a webhook
    /// instead of an app) and the store's; a failed round is safe to repeat.
    Result<std::size_t> Poll();

    /// Test hook: the next Poll returns right after event.offline.get (before storing the batch,
    /// or with `after_store` after storing it), as if the process had died there.
    void CrashAfterGetForTest(bool after_store) { crash_ = after_store ? Crash::kAfterStore : Crash::kAfterGet; }

private:
    enum class Crash { kNone, kAfterGet, kAfterStore };

    Result<std::size_t> Recover(std::string const& process_id);
    Result<std::size_t> Store(boost::json::array const& events);
    Status Confirm(std::string const& process_id);

    RestClient& client_;
    EventInbox& inbox_;
    Clock const& clock_;
    OfflinePollOptions options_;
    std::uint64_t rounds_ = 0;
    Crash crash_ = Crash::kNone;
};

}  // namespace b2b::bitrix24
