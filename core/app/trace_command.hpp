#pragma once

#include <iosfwd>
#include <string>

#include "core/app/admin_commands.hpp"

namespace b2b::app {

/// `b2bsync trace ORDER`: the journey of one order across the three systems, read from the store.
///
/// ORDER is any id the order is known by: the canonical id, the site's order number or Ид, 1C's
/// number or Ид, or the Bitrix24 deal id (all resolved through the links table). Prints the ids in
/// each system, the state of the order in the store, the 1C feed and the Bitrix24 deal, and then a
/// timeline (UTC, oldest first) of jobs (target, kind, state, attempts, last error), audit entries
/// (who changed which field from which system, old → new) and Bitrix24 events received for the
/// deal. Reads only; never prints job payloads or secrets.
/// Exit codes: 0 found, 64 nothing in the store knows that id, 69 no database.
int TraceOrder(StatePaths const& paths, std::string const& order, std::ostream& out, std::ostream& err);

}  // namespace b2b::app
