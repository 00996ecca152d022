#include "core/app/mappings_holder.hpp"

namespace b2b::app {

std::shared_ptr<mapping::MappingSet const> CompileMappings(std::filesystem::path const& dir,
                                                           std::vector<std::string>& problems) {
    auto outcome = mapping::Compile(dir);
    for (auto const& d : outcome.diagnostics) {
        problems.push_back(d.ToString());
    }
    return outcome.set;
}

}  // namespace b2b::app
