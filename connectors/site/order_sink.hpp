#pragma once

#include <vector>

#include "connectors/onec/cml_model.hpp"
#include "connectors/onec/cml_reader.hpp"
#include "core/util/error.hpp"

namespace b2b::site {

/// One batch of orders from the site: what one `query` answer (or one webhook POST) carried.
struct PulledOrders {
    std::vector<onec::CmlDocument> orders;
    /// Documents that failed to decode (bad number, bad date…). They are part of the batch the site
    /// will consider delivered once the sink accepts it, so a sink must record them (dead letter,
    /// alert) rather than drop them.
    std::vector<onec::RecordProblem> problems;
};

/// Where pulled orders go. Persist must make them durable (store transaction committed) before it
/// returns ok: only then does the exchange client confirm the export with `mode=success`, after
/// which the site never offers these orders again. An error means "not stored": no `success` is
/// sent and the site offers the same orders on the next pull, so Persist must be idempotent by
/// order Ид. Called from the poller's thread (exchange mode) or an HTTP handler (webhook mode).
class SiteOrderSink {
public:
    virtual ~SiteOrderSink() = default;
    virtual Status Persist(PulledOrders const& batch) = 0;
};

}  // namespace b2b::site
