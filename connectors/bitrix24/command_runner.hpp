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

/// A chain of commands that must travel in one `batch` because later ones refer to earlier ones
/// through $result (company -> requisite -> deal -> rows). At most kMaxBatchCommands long.
using CommandUnit = std::vector<BatchCommand>;

/// Packs whole units into as few `batch` requests as possible (in order, a unit never split
/// across requests) and runs them. Returns one outcome per command, per unit, in order.
/// Errors: a bug outcome for every command of a unit longer than kMaxBatchCommands.
std::vector<std::vector<Result<Reply>>> RunUnits(RestClient& client, std::span<CommandUnit const> units);

}  // namespace b2b::bitrix24
