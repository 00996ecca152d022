#pragma once

#include "tests/emulators/onec/options.hpp"
#include "tests/emulators/onec/session.hpp"

namespace b2b::emu::onec {

/// After Start(): query → save the orders → success, then upload each document; new 1C follows
/// every upload with import calls, old 1C relies on `file` importing by itself.
bool RunSaleSteps(Session& session, Options const& options);

}  // namespace b2b::emu::onec
