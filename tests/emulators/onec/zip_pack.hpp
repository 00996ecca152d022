#pragma once

#include "tests/emulators/onec/file_plan.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace b2b::emu::onec {

/// A name like 1C's `v8_2C7E_125d5b.zip` (4 upper-case and 6 lower-case hex digits).
std::string ArchiveName();

/// Packs every file into `archive` under its remote name (sub-folders kept, deflated).
/// Returns an error text on failure; the caller owns and removes `archive`.
std::optional<std::string> PackZip(std::vector<PlannedFile> const& files, std::filesystem::path const& archive);

}  // namespace b2b::emu::onec
