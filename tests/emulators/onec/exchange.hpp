#pragma once

#include "tests/emulators/onec/options.hpp"
#include "tests/emulators/onec/report.hpp"

#include <ostream>

namespace b2b::emu::onec {

/// Runs one whole exchange (catalog or sale) against `options.url`, writing one line per request
/// to `log`. Never throws for anything the server or network does; the outcome is the summary.
Summary RunExchange(Options const& options, std::ostream& log);

/// 0 on success, 1 on failure (usage errors, 2, are decided before a run).
int ExitCodeFor(Summary const& summary);

}  // namespace b2b::emu::onec
