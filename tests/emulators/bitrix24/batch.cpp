#include "tests/emulators/bitrix24/batch.hpp"

#include "tests/emulators/bitrix24/params.hpp"
#include "tests/emulators/bitrix24/php_query.hpp"

#include <algorithm>
#include <cctype>
#include <set>
#include <utility>
#include <vector>

namespace b2b::emu::bitrix24 {

namespace json = boost::json;

namespace {

std::set<std::string> const kRefusedInBatch{"batch", "disk.folder.uploadfile", "disk.storage.uploadfile"};

// PHP serialises a map with keys 0..n-1 as a list, and an empty map as [] (§2, §4).
json::value PhpSection(json::object section) {
    if (section.empty()) {
        return json::array{};
    }
    std::size_t expected = 0;
    for (auto const& kv : section) {
        if (kv.key() != std::to_string(expected++)) {
            return section;
        }
    }
    json::array list;
    for (auto& kv : section) {
        list.push_back(std::move(kv.value()));
    }
    return list;
}

json::value const* Resolve(json::value const* node, std::string const& segment) {
    if (node == nullptr) {
        return nullptr;
    }
    if (node->is_object()) {
        return node->as_object().if_contains(segment);
    }
    if (node->is_array()) {
        auto index = ToInt(json::value(segment));
        if (!index || *index < 0 || static_cast<std::size_t>(*index) >= node->as_array().size()) {
            return nullptr;
        }
        return &node->as_array()[static_cast<std::size_t>(*index)];
    }
    return nullptr;
}

json::value SubstituteTree(json::value const& value, json::object const& results) {
    if (value.is_string()) {
        return json::string(SubstituteResults(std::string(value.get_string()), results));
    }
    if (value.is_object()) {
        json::object out;
        for (auto const& kv : value.as_object()) {
            out[kv.key()] = SubstituteTree(kv.value(), results);
        }
        return out;
    }
    if (value.is_array()) {
        json::array out;
        for (auto const& item : value.as_array()) {
            out.push_back(SubstituteTree(item, results));
        }
        return out;
    }
    return value;
}

std::string Lower(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
    return text;
}

}  // namespace

std::string SubstituteResults(std::string const& text, json::object const& results) {
    static constexpr std::string_view kPrefix = "$result[";
    std::string out;
    std::size_t pos = 0;
    while (true) {
        auto hit = text.find(kPrefix, pos);
        if (hit == std::string::npos) {
            out.append(text, pos, std::string::npos);
            return out;
        }
        out.append(text, pos, hit - pos);
        std::vector<std::string> segments;
        std::size_t cursor = hit + kPrefix.size() - 1;
        while (cursor < text.size() && text[cursor] == '[') {
            auto close = text.find(']', cursor);
            if (close == std::string::npos) {
                break;
            }
            segments.push_back(text.substr(cursor + 1, close - cursor - 1));
            cursor = close + 1;
        }
        json::value const* node = nullptr;
        if (!segments.empty()) {
            node = results.if_contains(segments.front());
            for (std::size_t i = 1; i < segments.size() && node != nullptr; ++i) {
                node = Resolve(node, segments[i]);
            }
        }
        if (node != nullptr && !node->is_object() && !node->is_array()) {
            out += ScalarToString(*node);
        } else {
            out.append(text, hit, cursor - hit);
        }
        pos = std::max(cursor, hit + 1);
    }
}

CallResult RunBatch(json::object const& params, SubCallFn const& run) {
    auto const* cmd = FindParam(params, "cmd");
    std::vector<std::pair<std::string, std::string>> commands;
    if (cmd != nullptr && cmd->is_object()) {
        for (auto const& kv : cmd->as_object()) {
            commands.emplace_back(std::string(kv.key()), ScalarToString(kv.value()));
        }
    } else if (cmd != nullptr && cmd->is_array()) {
        std::size_t i = 0;
        for (auto const& item : cmd->as_array()) {
            commands.emplace_back(std::to_string(i++), ScalarToString(item));
        }
    }
    if (commands.size() > kMaxBatchCommands) {
        return CallResult::Fail(400, "ERROR_BATCH_LENGTH_EXCEEDED", "Max batch length exceeded");
    }
    bool halt = IsTruthy(FindParam(params, "halt"));
    json::object result;
    json::object result_error;
    json::object result_total;
    json::object result_next;
    json::object result_time;
    for (auto const& [key, command] : commands) {
        auto question = command.find('?');
        std::string method = Lower(command.substr(0, question));
        std::string query = question == std::string::npos ? std::string{} : command.substr(question + 1);
        SubCall sub;
        if (kRefusedInBatch.count(method) > 0) {
            sub.call = CallResult::Fail(405, "ERROR_BATCH_METHOD_NOT_ALLOWED", "Method is not allowed for batch usage");
        } else {
            auto parsed = SubstituteTree(json::value(ParsePhpQuery(query)), result);
            sub = run(method, parsed.as_object());
        }
        if (sub.call.is_error) {
            result_error[key] = json::object{{"error", sub.call.error}, {"error_description", sub.call.error_description}};
            if (halt) {
                break;
            }
            continue;
        }
        result[key] = sub.call.result;
        if (sub.call.total) {
            result_total[key] = *sub.call.total;
        }
        if (sub.call.next) {
            result_next[key] = *sub.call.next;
        }
        result_time[key] = std::move(sub.time);
    }
    return CallResult::Ok(json::object{{"result", PhpSection(std::move(result))},
                                       {"result_error", PhpSection(std::move(result_error))},
                                       {"result_total", PhpSection(std::move(result_total))},
                                       {"result_next", PhpSection(std::move(result_next))},
                                       {"result_time", PhpSection(std::move(result_time))}});
}

}  // namespace b2b::emu::bitrix24
