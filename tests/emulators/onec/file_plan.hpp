#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace b2b::emu::onec {

/// A local file and the name 1C gives it on the wire (`filename=`), sub-folders included.
struct PlannedFile {
    std::filesystem::path local;
    std::string remote;
};

/// Remote names are the path relative to `base_dir` (forward slashes, like 1C's
/// `goods/1/offers.xml`), or the base name when `base_dir` is empty or does not contain the file.
/// `remote_names`, when given, replace the remote names in order (the first N files; for faults a
/// real 1C never makes, like `../x.xml` or `C:\\v8_1.xml`).
std::vector<PlannedFile> PlanFiles(std::vector<std::string> const& locals, std::string const& base_dir,
                                   std::vector<std::string> const& remote_names = {});

/// True for names 1C asks the site to `import` (XML); images are only uploaded.
bool IsImportable(std::string const& remote);

/// The XML names in the order 1C imports them: import* before offers*, prices*, rests* (by the
/// base name's prefix, so `goods/1/offers.xml` counts as offers), anything else after, each
/// group keeping the upload order.
std::vector<std::string> ImportOrder(std::vector<PlannedFile> const& files);

}  // namespace b2b::emu::onec
