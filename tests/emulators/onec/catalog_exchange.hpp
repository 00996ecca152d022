#pragma once

#include "tests/emulators/onec/options.hpp"
#include "tests/emulators/onec/session.hpp"

namespace b2b::emu::onec {

/// After Start(): uploads (plain or one zip), imports in 1C's order, then deactivate (--full)
/// and complete. Returns false once the exchange failed.
bool RunCatalogSteps(Session& session, Options const& options);

}  // namespace b2b::emu::onec
