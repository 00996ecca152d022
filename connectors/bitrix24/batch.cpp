#include "connectors/bitrix24/batch.hpp"

#include <algorithm>
#include <chrono>
#include <set>

#include <fmt/format.h>

#include "connectors/bitrix24/errors.hpp"
#include "connectors/bitrix24/php_query.hpp"

namespace b2b::bitrix24 {
namespace {

namespace json = boost::json;

json::value const* Section(json::object const& result, std::string_view name, std::string_view key) {
    auto const* section = result.if_contains(name);
    if (section == nullptr || !section->is_object()) {
        return nullptr;  // `[]` is PHP's empty map
    }
    return section->get_object().if_contains(key);
}

std::string_view StringOr(json::object const& obj, std::string_view key) {
    if (auto const* v = obj.if_contains(key); v != nullptr && v->is_string()) {
        return v->get_string();
    }
    return {};
}

bool IsNumeric(std::string_view key) {
    return !key.empty() && std::all_of(key.begin(), key.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

std::string ResultRef(std::string_view key, std::vector<std::string> const& path) {
    std::string out = fmt::format("$result[{}]", key);
    for (auto const& p : path) {
        out += fmt::format("[{}]", p);
    }
    return out;
}

Result<json::object> EncodeBatch(std::span<BatchCommand const> commands, bool halt) {
    if (commands.size() > kMaxBatchCommands) {
        return Error::Bug(fmt::format("bitrix24 batch: {} commands, at most {} allowed", commands.size(),
                                      kMaxBatchCommands));
    }
    json::object cmd;
    std::set<std::string_view> seen;
    for (auto const& c : commands) {
        if (c.key.empty() || IsNumeric(c.key) || !seen.insert(c.key).second) {
            return Error::Bug(fmt::format("bitrix24 batch: bad command key '{}' (empty, numeric or repeated)", c.key));
        }
        auto query = EncodePhpQuery(c.params);
        cmd[c.key] = query.empty() ? c.method : c.method + "?" + query;
    }
    return json::object{{"halt", halt ? 1 : 0}, {"cmd", std::move(cmd)}};
}

Result<std::vector<CommandOutcome>> DecodeBatch(std::span<BatchCommand const> commands,
                                                json::value const& batch_result, UnixMillis now) {
    auto const* result = batch_result.if_object();
    if (result == nullptr) {
        return Error::Permanent("batch: the reply's result is not an object");
    }
    std::vector<CommandOutcome> out;
    out.reserve(commands.size());
    for (auto const& c : commands) {
        CommandOutcome outcome{c.method, Error::Bug("unset")};
        OperatingInfo time;
        if (auto const* t = Section(*result, "result_time", c.key)) {
            time = ParseOperatingInfo(*t);
        }
        if (auto const* err = Section(*result, "result_error", c.key)) {
            std::string_view code, description;
            if (auto const* e = err->if_object()) {
                code = StringOr(*e, "error");
                description = StringOr(*e, "error_description");
            }
            long status = 400;
            std::optional<std::chrono::milliseconds> retry_after;
            if (IsQueryLimit(code)) {
                status = 503;
            } else if (IsOperationTimeLimit(code)) {
                status = 429;
                if (time.operating_reset_at && *time.operating_reset_at > now) {
                    retry_after = std::chrono::milliseconds(*time.operating_reset_at - now);
                }
            }
            outcome.reply = ClassifyApiError(c.method, status, code, description, retry_after);
        } else if (auto const* value = Section(*result, "result", c.key)) {
            Reply reply;
            reply.result = *value;
            if (auto const* total = Section(*result, "result_total", c.key)) {
                reply.total = AsInt(*total);
            }
            if (auto const* next = Section(*result, "result_next", c.key)) {
                reply.next = AsInt(*next);
            }
            reply.time = time;
            outcome.reply = std::move(reply);
        } else {
            outcome.reply = Error::Transient(
                fmt::format("{}: not run by the portal (an earlier batch command halted the batch)", c.method));
        }
        out.push_back(std::move(outcome));
    }
    return out;
}

}  // namespace b2b::bitrix24
