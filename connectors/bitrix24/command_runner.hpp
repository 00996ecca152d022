#pragma once

#include <span>
#include <vector>

#include "connectors/bitrix24/batch.hpp"
#include "connectors/bitrix24/rest_client.hpp"

namespace b2b::bitrix24 {

/// Runs independent-or-chained commands with as few HTTP requests as possible: none for an empty
/// list, a direct call for a single command (no batch overhead, and faults/limits apply to the
/// method itself), otherwise `batch` requests of up to kMaxBatchCommands (callers keep a
/// command and the ones referring to it via $result in the same chunk of 50). Returns one
/// outcome per command, in order; when a whole request fails, each of its commands gets that
/// error.
std::vector<Result<Reply>> RunCommands(RestClient& client, std::span<BatchCommand const> commands);

}  // namespace b2b::bitrix24
