#pragma once

#include <map>
#include <string>
#include <vector>

#include "mappings/engine/mapping_set.hpp"
#include "tests/support/temp_dir.hpp"

namespace b2b::mapping::testing {

/// A small tables file most tests share.
inline constexpr char kTables[] = R"(tables:
  managers: { "Иванов И. И.": 17, "Петрова А. С.": 23 }
  statuses:
    key: stage
    rows:
      - { stage: manager_check, bitrix24: "Проверка", onec: "На согласовании", site: N }
      - { stage: warehouse, bitrix24: "Склад", onec: "К обеспечению", site: W }
      - { stage: production, bitrix24: "Производство", onec: "В производстве", site: W }
)";

/// Writes `files` into a fresh directory and compiles it.
struct Compiled {
    test::TempDir dir;
    CompileOutcome outcome;

    explicit Compiled(std::map<std::string, std::string> const& files) {
        for (auto const& [name, text] : files) {
            dir.WriteFile(name, text);
        }
        outcome = Compile(dir.path());
    }

    /// Diagnostics as text, with the directory prefix cut: "deal.yaml:2:1: message".
    std::vector<std::string> Messages() const {
        std::vector<std::string> out;
        std::string const prefix = dir.path().string() + "/";
        for (auto const& d : outcome.diagnostics) {
            std::string text = d.ToString();
            for (std::size_t at; (at = text.find(prefix)) != std::string::npos;) {
                text.erase(at, prefix.size());
            }
            out.push_back(text);
        }
        return out;
    }
};

}  // namespace b2b::mapping::testing
