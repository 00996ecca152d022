#pragma once

#include <memory>

#include "connectors/onec/catalog_landing.hpp"
#include "connectors/onec/exchange_options.hpp"

namespace b2b::onec {

/// The exchange endpoint's ImportSink backed by CatalogLanding: what 1C uploads lands in the
/// store (catalog, offers, prices, stock, counterparties, 1C documents), idempotently, keyed by
/// the exchange session so a full package deactivates only what that exchange did not mention.
class LandingSink final : public ImportSink {
public:
    LandingSink(store::Database& db, Clock const& clock, ImportContext const& context);

    // ImportSink
    CmlVisitor& Visitor() override { return landing_; }
    Status Flush() override { return landing_.Flush(); }
    Status Finish() override { return landing_.Finish(); }
    /// Rows written per kind, deactivations, offers of unknown products and prices of undeclared
    /// price types, for the exchange's answer text and metrics (summed over the slices by the endpoint).
    ImportTally Tally() const override { return landing_.Stats().Tally(); }

private:
    CatalogLanding landing_;
};

/// The factory the endpoint calls once per import slice; `db` and `clock` must outlive it.
ImportSinkFactory MakeLandingSinkFactory(store::Database& db, Clock const& clock);

}  // namespace b2b::onec
