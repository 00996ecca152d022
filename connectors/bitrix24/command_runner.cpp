#include "connectors/bitrix24/command_runner.hpp"

#include <algorithm>

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
