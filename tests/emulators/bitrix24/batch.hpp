#pragma once

#include "tests/emulators/bitrix24/envelope.hpp"

#include <boost/json/object.hpp>

#include <functional>
#include <string>

namespace b2b::emu::bitrix24 {

/// Maximum number of commands in one batch (bitrix24.md §4).
inline constexpr std::size_t kMaxBatchCommands = 50;

/// One executed sub-call: its outcome and its own `time` (with per-method operating).
struct SubCall {
    CallResult call;
    boost::json::object time;
};

using SubCallFn = std::function<SubCall(std::string const& method, boost::json::object const& params)>;

/// Replaces every "$result[key][path]..." in `text` with the value found in `results`
/// (arrays indexed by number, maps by key). References that do not resolve are left as they are.
std::string SubstituteResults(std::string const& text, boost::json::object const& results);

/// `batch` (§4): cmd as map or list of "method?query", run sequentially with $result
/// substitution, halt=1 stops at the first error (earlier commands stay applied), at most 50
/// commands, nested batch refused. Always a 200 result with result/result_error/result_total/
/// result_next/result_time; empty sections are [] and "0".."n-1" keys make a list.
CallResult RunBatch(boost::json::object const& params, SubCallFn const& run);

}  // namespace b2b::emu::bitrix24
