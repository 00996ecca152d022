#include "connectors/bitrix24/command_runner.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace b2b::bitrix24 {

std::vector<Result<Reply>> RunCommands(RestClient& client, std::span<BatchCommand const> commands) {
    std::vector<Result<Reply>> out;
    out.reserve(commands.size());
    if (commands.size() == 1) {
        out.push_back(client.Call(commands[0].method, commands[0].params));
        return out;
    }
    for (std::size_t at = 0; at < commands.size(); at += kMaxBatchCommands) {
        auto chunk = commands.subspan(at, std::min(kMaxBatchCommands, commands.size() - at));
        auto outcomes = client.Batch(chunk);
        for (std::size_t i = 0; i < chunk.size(); ++i) {
            if (!outcomes) {
                out.push_back(outcomes.error().WithContext(chunk[i].method));
            } else {
                out.push_back(std::move((*outcomes)[i].reply));
            }
        }
    }
    return out;
}

}  // namespace b2b::bitrix24

namespace b2b::bitrix24 {

std::vector<std::vector<Result<Reply>>> RunUnits(RestClient& client, std::span<CommandUnit const> units) {
    std::vector<std::vector<Result<Reply>>> out(units.size());
    std::vector<BatchCommand> request;
    std::vector<std::size_t> request_units;  // the units packed into `request`, in order
    auto flush = [&] {
        auto replies = RunCommands(client, request);
        std::size_t at = 0;
        for (auto u : request_units) {
            for (std::size_t k = 0; k < units[u].size(); ++k) {
                out[u].push_back(std::move(replies[at++]));
            }
        }
        request.clear();
        request_units.clear();
    };
    for (std::size_t u = 0; u < units.size(); ++u) {
        if (units[u].size() > kMaxBatchCommands) {
            for (auto const& c : units[u]) {
                out[u].push_back(Error::Bug(fmt::format("{}: a chain of {} commands does not fit one batch",
                                                        c.method, units[u].size())));
            }
            continue;
        }
        if (request.size() + units[u].size() > kMaxBatchCommands) {
            flush();
        }
        request.insert(request.end(), units[u].begin(), units[u].end());
        request_units.push_back(u);
    }
    if (!request.empty()) {
        flush();
    }
    return out;
}

}  // namespace b2b::bitrix24
