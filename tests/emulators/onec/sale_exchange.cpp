#include "tests/emulators/onec/sale_exchange.hpp"

#include "tests/emulators/onec/file_plan.hpp"

namespace b2b::emu::onec {

bool RunSaleSteps(Session& session, Options const& options) {
    if (!session.QueryOrders(options.save_orders)) {
        return false;
    }
    if (!session.Confirm("success")) {
        return false;
    }
    for (auto const& document : PlanFiles(options.documents, options.base_dir)) {
        if (!session.Upload(document.local, document.remote)) {
            return false;
        }
        if (!options.old_1c && !session.Import(document.remote)) {
            return false;
        }
    }
    return true;
}

}  // namespace b2b::emu::onec
