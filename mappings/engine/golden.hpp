#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "mappings/engine/mapping_set.hpp"

/// Golden cases: `NAME.cases.yaml` beside `NAME.yaml` holds a list of cases, each an input
/// entity and the exact output (or error) the mapping must give. The unit tests run every shipped
/// file's cases; an admin runs them after editing a mapping (docs/mappings.md "Golden cases").
///
///   - name: new order from the site
///     order: { ...canonical order... }        # or counterparty: { ... }
///     links: { bitrix24.company: { cp-1: 42 } }   # what link() finds (optional)
///     expect:                                  # the whole output: every field, nothing more
///       match: { ORIGINATOR_ID: b2bsync, ORIGIN_ID: ord-1 }
///       fields: { TITLE: "Заказ 1001", PHONE: [ { VALUE: "+7...", VALUE_TYPE: WORK } ] }
///   - name: unknown stage is an error
///     order: { ... }
///     expect_error: 'no row in table "statuses"'   # a part of the error message
namespace b2b::mapping {

struct CaseResult {
    std::string name;
    std::string at;  ///< "deal.cases.yaml:12:3"
    bool passed = false;
    std::string message;  ///< why it failed: the differing lines, or the unexpected error
};

/// Runs every case of `cases_file` against the mapping named after it ("deal.cases.yaml" ->
/// "deal"). A file that cannot be read or parsed, or names no existing mapping, gives one failed
/// result saying so; so does a file with no cases.
std::vector<CaseResult> RunCases(MappingSet const& set, std::filesystem::path const& cases_file);

/// The mapping output as sorted `section.FIELD[i].ITEM: "text"` lines, the form cases compare.
std::vector<std::string> Flatten(MappingOutput const& output);

}  // namespace b2b::mapping
