#include "tests/emulators/onec/sale_exchange.hpp"

#include "tests/emulators/onec/file_plan.hpp"

namespace b2b::emu::onec {

bool RunSaleSteps(Session& session, Options const& options) {
    if (!options.save_info.empty() && !session.QueryInfo(options.save_info)) {
        return false;
    }
    if (!session.QueryOrders(options.save_orders)) {
        return false;
    }
    if (!session.Confirm("success")) {
        return false;
    }
    for (auto const& document : PlanFiles(options.documents, options.base_dir, options.remote_names)) {
        if (!session.Upload(document.local, document.remote)) {
            return false;
        }
        // Old 1C imports inside `file`; some (УТ 10.3) still call import afterwards.
        bool const imports = !options.old_1c || options.old_1c_import;
        if (imports && !session.Import(document.remote)) {
            return false;
        }
    }
    return true;
}

}  // namespace b2b::emu::onec
