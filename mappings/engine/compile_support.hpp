#pragma once

#include <yaml-cpp/yaml.h>

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/config/diagnostic.hpp"
#include "mappings/engine/expression.hpp"
#include "mappings/engine/value.hpp"

/// What the parts of the mapping compiler share: where problems are collected, the YAML map walk
/// that catches duplicate keys, and the wording helpers of the messages.
namespace b2b::mapping::detail {

std::string Quote(std::string_view s);
/// "; did you mean "X"?" when a candidate is close, else "".
std::string DidYouMean(std::string_view word, std::vector<std::string> const& candidates);
/// "a, b, c".
std::string OneOf(std::vector<std::string> const& candidates);
/// yaml-cpp's 0-based mark as a 1-based position.
Pos PosOf(YAML::Mark const& mark);
/// A quoted or block scalar (a template or text), as opposed to a plain one (an expression).
bool IsQuoted(YAML::Node const& node);
/// "a map", "a list", "an empty value" or the quoted scalar.
std::string Describe(YAML::Node const& node);

/// What names are visible inside an expression: the source's roots plus, inside `each:`, the item.
struct Scope {
    SourceSchema const* source = nullptr;
    std::string item_name;
    TypeSpec const* item = nullptr;

    TypeSpec const* Root(std::string_view name) const {
        if (item != nullptr && name == item_name) {
            return item;
        }
        return source->Root(name);
    }
    std::vector<std::string> RootNames() const {
        auto names = source->RootNames();
        if (item != nullptr) {
            names.insert(names.begin(), item_name);
        }
        return names;
    }
};

/// Collects the diagnostics of a whole directory.
class Reporter {
public:
    void Report(std::string const& file, Pos pos, std::string message) {
        diagnostics_.push_back(config::Diagnostic{file, pos.line, pos.column, std::move(message)});
    }
    void Report(std::string const& file, YAML::Mark const& mark, std::string message) {
        Report(file, mark.is_null() ? Pos{} : PosOf(mark), std::move(message));
    }

    /// Calls `fn(name, key, value)` for each entry of a map, reporting non-string and duplicate keys.
    template <class Fn>
    void ForEachEntry(std::string const& file, YAML::Node const& map, std::string const& where, Fn&& fn) {
        std::map<std::string, int> first_seen;
        for (auto it = map.begin(); it != map.end(); ++it) {
            if (!it->first.IsScalar()) {
                Report(file, it->first.Mark(), "keys must be plain text in " + where);
                continue;
            }
            std::string const name = it->first.Scalar();
            auto [pos, inserted] = first_seen.emplace(name, it->first.Mark().line + 1);
            if (!inserted) {
                Report(file, it->first.Mark(),
                       "duplicate key " + Quote(name) + " in " + where + " (first defined at line " +
                           std::to_string(pos->second) + ")");
                continue;
            }
            fn(name, it->first, it->second);
        }
    }

    bool ExpectMap(std::string const& file, YAML::Node const& key, YAML::Node const& node, std::string const& what) {
        if (node.IsMap()) {
            return true;
        }
        Report(file, node.Mark().is_null() || node.IsNull() ? key.Mark() : node.Mark(),
               Quote(what) + " must be a map, got " + Describe(node));
        return false;
    }

    std::size_t Count() const { return diagnostics_.size(); }
    std::vector<config::Diagnostic> Take() { return std::move(diagnostics_); }

private:
    std::vector<config::Diagnostic> diagnostics_;
};

}  // namespace b2b::mapping::detail
