#include "tests/emulators/onec/file_plan.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <string_view>

namespace b2b::emu::onec {
namespace {

std::string Lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

// Dependency order from commerceml.md §1.5/§6.8: goods before offers before prices and stock.
int ImportRank(std::string const& remote) {
    constexpr std::array<std::string_view, 4> kPrefixes = {"import", "offers", "prices", "rests"};
    auto const slash = remote.find_last_of('/');
    auto const base = Lower(slash == std::string::npos ? remote : remote.substr(slash + 1));
    for (std::size_t i = 0; i < kPrefixes.size(); ++i) {
        if (base.rfind(kPrefixes[i], 0) == 0) {
            return static_cast<int>(i);
        }
    }
    return static_cast<int>(kPrefixes.size());
}

}  // namespace

std::vector<PlannedFile> PlanFiles(std::vector<std::string> const& locals, std::string const& base_dir,
                                   std::vector<std::string> const& remote_names) {
    std::vector<PlannedFile> planned;
    for (auto const& local : locals) {
        std::filesystem::path const path(local);
        std::string remote = path.filename().generic_string();
        if (!base_dir.empty()) {
            auto const relative = std::filesystem::weakly_canonical(path).lexically_relative(
                std::filesystem::weakly_canonical(base_dir));
            auto const text = relative.generic_string();
            if (!relative.empty() && text.rfind("..", 0) != 0) {
                remote = text;
            }
        }
        if (planned.size() < remote_names.size()) {
            remote = remote_names[planned.size()];
        }
        planned.push_back(PlannedFile{.local = path, .remote = remote});
    }
    return planned;
}

bool IsImportable(std::string const& remote) {
    auto const lower = Lower(remote);
    return lower.size() > 4 && lower.substr(lower.size() - 4) == ".xml";
}

std::vector<std::string> ImportOrder(std::vector<PlannedFile> const& files) {
    std::vector<std::string> names;
    for (auto const& file : files) {
        if (IsImportable(file.remote)) {
            names.push_back(file.remote);
        }
    }
    std::stable_sort(names.begin(), names.end(),
                     [](std::string const& a, std::string const& b) { return ImportRank(a) < ImportRank(b); });
    return names;
}

}  // namespace b2b::emu::onec
