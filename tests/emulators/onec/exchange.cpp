#include "tests/emulators/onec/exchange.hpp"

#include "tests/emulators/onec/catalog_exchange.hpp"
#include "tests/emulators/onec/sale_exchange.hpp"
#include "tests/emulators/onec/session.hpp"

namespace b2b::emu::onec {

Summary RunExchange(Options const& options, std::ostream& log) {
    Summary summary;
    Session session(options, summary, log);
    bool ok = session.Start();
    if (ok) {
        ok = options.type == ExchangeType::kCatalog ? RunCatalogSteps(session, options)
                                                    : RunSaleSteps(session, options);
    }
    summary.success = ok && summary.failure.empty();
    return summary;
}

int ExitCodeFor(Summary const& summary) {
    return summary.success ? kExitSuccess : kExitFailure;
}

}  // namespace b2b::emu::onec
