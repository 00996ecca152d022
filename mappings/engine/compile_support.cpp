#include "mappings/engine/compile_support.hpp"

#include "core/config/suggest.hpp"

namespace b2b::mapping::detail {

std::string Quote(std::string_view s) { return "\"" + std::string(s) + "\""; }

std::string DidYouMean(std::string_view word, std::vector<std::string> const& candidates) {
    if (auto best = config::ClosestMatch(word, candidates)) {
        return "; did you mean " + Quote(*best) + "?";
    }
    return {};
}

std::string OneOf(std::vector<std::string> const& candidates) {
    std::string out;
    for (auto const& c : candidates) {
        out += (out.empty() ? "" : ", ") + c;
    }
    return out;
}

Pos PosOf(YAML::Mark const& mark) { return Pos{mark.line + 1, mark.column + 1}; }

bool IsQuoted(YAML::Node const& node) { return node.IsScalar() && node.Tag() == "!"; }

std::string Describe(YAML::Node const& node) {
    if (node.IsMap()) {
        return "a map";
    }
    if (node.IsSequence()) {
        return "a list";
    }
    if (!node.IsDefined() || node.IsNull()) {
        return "an empty value";
    }
    return Quote(node.Scalar());
}

}  // namespace b2b::mapping::detail
