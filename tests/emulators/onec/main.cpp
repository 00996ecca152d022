// onec_client_simulator: drives a CommerceML exchange endpoint the way 1C:Enterprise does.
// One line per request goes to stderr; the JSON summary is the only thing on stdout. See README.md.
#include "tests/emulators/onec/exchange.hpp"
#include "tests/emulators/onec/options.hpp"

#include <exception>
#include <iostream>
#include <string>
#include <vector>

namespace onec = b2b::emu::onec;

int main(int argc, char** argv) {
    std::vector<std::string> const args(argv, argv + argc);
    auto parsed = onec::ParseCommandLine(args);
    if (!parsed.options) {
        (parsed.exit_code == onec::kExitSuccess ? std::cout : std::cerr) << parsed.message << "\n";
        return parsed.exit_code;
    }
    try {
        auto const summary = onec::RunExchange(*parsed.options, std::cerr);
        std::cout << onec::SummaryJson(summary) << std::endl;
        return onec::ExitCodeFor(summary);
    } catch (std::exception const& e) {
        // A bug in the simulator, not an exchange outcome: say so and use the failure code.
        std::cerr << "onec_client_simulator: internal error: " << e.what() << "\n";
        return onec::kExitFailure;
    }
}
