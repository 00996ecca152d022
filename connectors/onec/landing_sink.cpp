#include "connectors/onec/landing_sink.hpp"

namespace b2b::onec {

LandingSink::LandingSink(store::Database& db, Clock const& clock, ImportContext const& context)
    : landing_(db, clock, context.session_id) {}

ImportSinkFactory MakeLandingSinkFactory(store::Database& db, Clock const& clock) {
    return [&db, &clock](ImportContext const& context) -> std::unique_ptr<ImportSink> {
        return std::make_unique<LandingSink>(db, clock, context);
    };
}

}  // namespace b2b::onec
