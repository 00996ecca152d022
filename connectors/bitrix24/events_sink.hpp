#pragma once

#include <cstdint>
#include <string>

#include "core/store/database.hpp"
#include "core/util/clock.hpp"
#include "core/util/error.hpp"

namespace b2b::bitrix24 {

/// A deal entered another stage (someone else moved it: our own moves are recorded first and
/// produce nothing). Stage ids are the portal's (`C1:PREPARATION`; bare ids in pipeline 0).
struct StageChange {
    std::int64_t deal_id = 0;
    std::int64_t category_id = 0;
    std::string from;  ///< empty when the deal was new to us and arrived with ONCRMDEALADD
    std::string to;
    UnixMillis at = 0;  ///< the event's time (the portal's clock, second precision)
    /// The inbox entry that revealed the change: with deal_id and `to` a natural idempotency key.
    std::int64_t inbox_id = 0;

    bool operator==(StageChange const&) const = default;
};

/// Where detected changes go (the robots, later). Called inside the store transaction that also
/// records the new stage and closes the inbox entry, so whatever the sink writes through `tx`
/// (robot runs, jobs) commits or rolls back together with it: exactly once per change.
///
/// Contract: no network I/O and nothing slow (the transaction holds the store's writer lock); do
/// outbound work by enqueueing jobs. Return a transient error to have the entry retried later (the
/// whole transaction is rolled back), a permanent one to close the entry without recording the new
/// stage. Called from the thread that runs StageTracker::ProcessPending, one change at a time.
class EventSink {
public:
    virtual ~EventSink() = default;
    virtual Status OnStageChange(store::Transaction& tx, StageChange const& change) = 0;
};

}  // namespace b2b::bitrix24
