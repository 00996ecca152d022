#pragma once

#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "connectors/bitrix24/envelope.hpp"
#include "core/util/error.hpp"

namespace b2b::bitrix24 {

/// At most this many commands per `batch` call (more -> ERROR_BATCH_LENGTH_EXCEEDED, bitrix24.md §4).
inline constexpr std::size_t kMaxBatchCommands = 50;

/// One command of a `batch` call. `key` must not be purely numeric (the portal would turn the
/// reply maps into JSON lists); keys like `job_123`, `rq_4` are safe. A param value may be a
/// back-reference to an earlier command's result, built with ResultRef.
struct BatchCommand {
    std::string key;
    std::string method;
    boost::json::object params;
};

/// `$result[key]` or `$result[key][p1][p2]...` (e.g. ResultRef("co_1") for a new id,
/// ResultRef("rq_1", {"0", "ID"}) for the first row of a list).
std::string ResultRef(std::string_view key, std::vector<std::string> const& path = {});

/// The JSON body of a `batch` call: {"halt":0|1,"cmd":{key:"method?php-query",...}}.
/// Errors: bug when there are more than kMaxBatchCommands commands, a key is empty, numeric or
/// repeated (callers build keys, so this is our mistake, not the portal's).
Result<boost::json::object> EncodeBatch(std::span<BatchCommand const> commands, bool halt = false);

/// One command's outcome: its result with paging and timing, or its classified error.
struct CommandOutcome {
    std::string method;
    Result<Reply> reply = Error::Bug("no outcome");
};

/// Splits the `result` of a batch reply (`{"result":{..},"result_error":{..},"result_total":{..},
/// "result_next":{..},"result_time":{..}}`, empty sections as `[]`) back per command, in the
/// order of `commands`. A command absent from every section (after a halt) gets a transient
/// error saying it did not run. Errors in `result_error` are classified per command by
/// ClassifyApiError with HTTP 400 (the portal does not report per-command statuses), except
/// QUERY_LIMIT/OPERATION_TIME_LIMIT which keep their transient meaning; 429 retry_after comes
/// from that command's `result_time.operating_reset_at` − now when present.
/// Errors: permanent when the batch result itself is not an object.
Result<std::vector<CommandOutcome>> DecodeBatch(std::span<BatchCommand const> commands,
                                                boost::json::value const& batch_result, UnixMillis now);

}  // namespace b2b::bitrix24
