#pragma once

#include <atomic>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "mappings/engine/mapping_set.hpp"

namespace b2b::app {

/// The mapping set in force (mappings.dir), shared by everything in the daemon that maps
/// entities. Compiled at start; a SIGHUP swaps in a newly compiled set only when it has no
/// problems, so a reader sees either the old set or the new one, never a mix. Thread-safe.
class MappingsHolder {
public:
    explicit MappingsHolder(std::shared_ptr<mapping::MappingSet const> initial) : current_(std::move(initial)) {}

    /// The set to use now. Take it once per job and keep the pointer for the whole job: a reload
    /// in the middle then cannot change the rules half-way.
    std::shared_ptr<mapping::MappingSet const> Current() const { return current_.load(); }
    void Replace(std::shared_ptr<mapping::MappingSet const> next) { current_.store(std::move(next)); }

private:
    std::atomic<std::shared_ptr<mapping::MappingSet const>> current_;
};

/// Compiles `dir`; on problems returns null and fills `problems` with "file:line:col: message" lines.
std::shared_ptr<mapping::MappingSet const> CompileMappings(std::filesystem::path const& dir,
                                                           std::vector<std::string>& problems);

}  // namespace b2b::app
