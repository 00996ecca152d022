#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "core/util/error.hpp"

namespace b2b::onec {

/// Zip-bomb guard for one archive.
struct UnzipLimits {
    std::uint64_t max_total_bytes = 8ull << 30;  ///< bytes written for all entries together
    std::uint64_t max_entry_bytes = 2ull << 30;  ///< bytes written for one entry
    std::uint64_t max_ratio = 200;               ///< total written / archive size
    std::size_t max_entries = 100000;
};

struct UnpackedEntry {
    std::string name;  ///< canonical relative name (CanonicalFileName)
    std::uint64_t size = 0;
};

/// Unpacks `archive` into `dest` (commerceml.md §6 quirk 6), entry names going through
/// CanonicalFileName. Sizes are counted from the bytes actually inflated, not from the directory
/// (which an attacker controls), and unpacking stops at the first limit crossed.
/// Errors (Permanent): `<archive name>: not a readable zip archive (...)`, a refused entry name,
/// `<archive>: zip bomb guard: ...` (which limit), write errors. Files written before an error stay;
/// the caller marks the archive failed.
Result<std::vector<UnpackedEntry>> UnpackZip(std::filesystem::path const& archive, std::string const& archive_label,
                                             std::filesystem::path const& dest, UnzipLimits const& limits);

}  // namespace b2b::onec
