#include "mappings/engine/golden.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <map>

#include "mappings/engine/canonical_yaml.hpp"

namespace b2b::mapping {
namespace {

std::string At(std::string const& file, YAML::Node const& node) {
    return file + ":" + std::to_string(node.Mark().line + 1) + ":" + std::to_string(node.Mark().column + 1);
}

void FlattenRecord(OutputRecord const& record, std::string const& prefix, std::vector<std::string>& out) {
    for (auto const& [name, value] : record.fields) {
        std::string const key = prefix + name;
        if (value.kind != OutputKind::kList) {
            out.push_back(key + ": \"" + value.text + "\"");
        } else if (value.items.empty()) {
            out.push_back(key + ": []");
        } else {
            for (std::size_t i = 0; i < value.items.size(); ++i) {
                FlattenRecord(value.items[i], key + "[" + std::to_string(i) + "].", out);
            }
        }
    }
}

void FlattenYaml(YAML::Node const& node, std::string const& key, std::vector<std::string>& out) {
    if (node.IsMap()) {
        for (auto it = node.begin(); it != node.end(); ++it) {
            std::string const name = it->first.Scalar();
            FlattenYaml(it->second, key.empty() ? name : key + (key.back() == ']' ? "." : ".") + name, out);
        }
    } else if (node.IsSequence()) {
        if (node.size() == 0) {
            out.push_back(key + ": []");
        }
        for (std::size_t i = 0; i < node.size(); ++i) {
            FlattenYaml(node[i], key + "[" + std::to_string(i) + "]", out);
        }
    } else {
        out.push_back(key + ": \"" + (node.IsNull() ? std::string() : node.Scalar()) + "\"");
    }
}

/// The value under `key` of a map, or an undefined node. (yaml-cpp's operator[] on a const node
/// gives an invalid node for a missing key, and asking that node anything throws.)
YAML::Node Get(YAML::Node const& map, std::string_view key) {
    if (map.IsDefined() && map.IsMap()) {
        for (auto it = map.begin(); it != map.end(); ++it) {
            if (it->first.IsScalar() && it->first.Scalar() == key) {
                return it->second;
            }
        }
    }
    return YAML::Node(YAML::NodeType::Undefined);
}

/// Resolves links from the case's `links:` map.
class CaseLinks final : public LinkResolver {
public:
    explicit CaseLinks(YAML::Node links) : links_(std::move(links)) {}
    Result<std::optional<std::string>> Resolve(std::string_view kind, std::string_view key) const override {
        YAML::Node const value = Get(Get(links_, kind), key);
        if (!value.IsDefined() || !value.IsScalar()) {
            return std::optional<std::string>{};
        }
        return std::optional<std::string>{value.Scalar()};
    }

private:
    YAML::Node links_;
};

std::string Diff(std::vector<std::string> const& expected, std::vector<std::string> const& actual) {
    std::string out;
    for (auto const& line : expected) {
        if (!std::binary_search(actual.begin(), actual.end(), line)) {
            out += "\n  expected " + line;
        }
    }
    for (auto const& line : actual) {
        if (!std::binary_search(expected.begin(), expected.end(), line)) {
            out += "\n  but got  " + line;
        }
    }
    return out;
}

CaseResult RunCase(MappingSet const& set, Mapping const& mapping, std::string const& file, YAML::Node const& c) {
    CaseResult result;
    result.at = At(file, c);
    if (!c.IsMap()) {
        result.message = "a case must be a map with name, order or counterparty, and expect or expect_error";
        return result;
    }
    result.name = Get(c, "name").IsDefined() ? Get(c, "name").as<std::string>("") : std::string();
    std::string const source = mapping.source->name;
    for (auto it = c.begin(); it != c.end(); ++it) {
        std::string const key = it->first.as<std::string>("");
        if (key != "name" && key != source && key != "links" && key != "expect" && key != "expect_error") {
            result.message =
                "unknown key \"" + key + "\" in a case; valid keys: name, " + source + ", links, expect, expect_error";
            return result;
        }
    }
    YAML::Node const input = Get(c, source);
    if (!input.IsDefined()) {
        result.message = "the case has no \"" + source + "\" (the input of mapping " + mapping.name + ")";
        return result;
    }
    CaseLinks const links(Get(c, "links"));
    Result<MappingOutput> output = Error::Bug("not run");
    if (source == "order") {
        auto order = OrderFromYaml(input, file);
        if (!order) {
            result.message = order.error().message;
            return result;
        }
        auto valid = Validate(*order);
        output = valid ? set.MapOrder(mapping.name, *order, links) : Result<MappingOutput>(valid.error());
    } else {
        auto counterparty = CounterpartyFromYaml(input, file);
        if (!counterparty) {
            result.message = counterparty.error().message;
            return result;
        }
        auto valid = Validate(*counterparty);
        output = valid ? set.MapCounterparty(mapping.name, *counterparty, links) : Result<MappingOutput>(valid.error());
    }
    if (YAML::Node const expect_error = Get(c, "expect_error"); expect_error.IsDefined()) {
        std::string const wanted = expect_error.as<std::string>("");
        if (output) {
            result.message = "expected an error containing \"" + wanted + "\", but the mapping succeeded";
        } else if (output.error().message.find(wanted) == std::string::npos) {
            result.message = "expected an error containing \"" + wanted + "\", got: " + output.error().message;
        } else {
            result.passed = true;
        }
        return result;
    }
    if (!output) {
        result.message = "unexpected error: " + output.error().message;
        return result;
    }
    if (!Get(c, "expect").IsDefined()) {
        result.message = "the case has neither \"expect\" nor \"expect_error\"";
        return result;
    }
    std::vector<std::string> expected;
    FlattenYaml(Get(c, "expect"), "", expected);
    std::sort(expected.begin(), expected.end());
    std::vector<std::string> const actual = Flatten(*output);
    result.passed = expected == actual;
    if (!result.passed) {
        result.message = "output differs:" + Diff(expected, actual);
    }
    return result;
}

}  // namespace

std::vector<std::string> Flatten(MappingOutput const& output) {
    std::vector<std::string> out;
    FlattenRecord(output.match, "match.", out);
    FlattenRecord(output.fields, "fields.", out);
    std::sort(out.begin(), out.end());
    return out;
}

std::vector<CaseResult> RunCases(MappingSet const& set, std::filesystem::path const& cases_file) {
    std::string const file = cases_file.string();
    std::string const stem = cases_file.filename().string().substr(
        0, cases_file.filename().string().size() - std::string(".cases.yaml").size());
    auto failure = [&file](std::string message) {
        return std::vector<CaseResult>{CaseResult{"", file, false, std::move(message)}};
    };
    Mapping const* mapping = set.Find(stem);
    if (mapping == nullptr) {
        return failure("there is no mapping \"" + stem + "\" for these cases");
    }
    YAML::Node root;
    try {
        root = YAML::LoadFile(file);
    } catch (YAML::Exception const& e) {
        return failure(std::string("cannot read: ") + e.what());
    }
    if (!root.IsSequence() || root.size() == 0) {
        return failure("a cases file must be a non-empty list of cases");
    }
    std::vector<CaseResult> results;
    for (auto const& c : root) {
        try {
            results.push_back(RunCase(set, *mapping, file, c));
        } catch (YAML::Exception const& e) {
            results.push_back(CaseResult{"", At(file, c), false, std::string("YAML error: ") + e.what()});
        }
    }
    return results;
}

}  // namespace b2b::mapping
