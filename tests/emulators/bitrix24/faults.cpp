#include "tests/emulators/bitrix24/faults.hpp"

#include "tests/emulators/bitrix24/params.hpp"
#include "tests/emulators/bitrix24/php_query.hpp"

#include <algorithm>

namespace b2b::emu::bitrix24 {

namespace json = boost::json;

namespace {

std::optional<FaultKind> KindFromName(std::string const& name) {
    if (name == "html") {
        return FaultKind::kHtml;
    }
    if (name == "429") {
        return FaultKind::kTooMany;
    }
    if (name == "reset") {
        return FaultKind::kReset;
    }
    if (name == "lost_reply") {
        return FaultKind::kLostReply;
    }
    return std::nullopt;
}

char const* KindName(FaultKind kind) {
    switch (kind) {
        case FaultKind::kHtml:
            return "html";
        case FaultKind::kTooMany:
            return "429";
        case FaultKind::kReset:
            return "reset";
        case FaultKind::kLostReply:
            return "lost_reply";
        case FaultKind::kNone:
            break;
    }
    return "none";
}

}  // namespace

std::optional<std::string> Faults::Configure(json::value const& config) {
    if (!config.is_object()) {
        return "faults config must be a JSON object";
    }
    auto const& obj = config.as_object();
    std::vector<FaultRule> rules;
    if (auto const* list = obj.if_contains("rules")) {
        for (auto const& item : ItemsOf(*list)) {
            if (!item.is_object()) {
                return "each fault rule must be an object";
            }
            auto const& r = item.as_object();
            FaultRule rule;
            auto kind = KindFromName(ParamString(r, "kind").value_or(""));
            if (!kind) {
                return "fault kind must be one of html, 429, reset, lost_reply";
            }
            rule.kind = *kind;
            rule.status = static_cast<unsigned>(ParamInt(r, "status").value_or(503));
            if (auto const* p = r.if_contains("probability"); p != nullptr && p->is_number()) {
                rule.probability = p->to_number<double>();
            }
            rule.next = ParamInt(r, "next").value_or(0);
            if (auto const* methods = r.if_contains("methods")) {
                for (auto const& m : ItemsOf(*methods)) {
                    rule.methods.push_back(ScalarToString(m));
                }
            }
            rules.push_back(std::move(rule));
        }
    }
    if (auto seed = ParamInt(obj, "seed")) {
        rng_.seed(static_cast<std::uint64_t>(*seed));
    }
    rules_ = std::move(rules);
    return std::nullopt;
}

FaultRule Faults::Decide(std::string const& method) {
    for (auto& rule : rules_) {
        if (!rule.methods.empty() && std::find(rule.methods.begin(), rule.methods.end(), method) == rule.methods.end()) {
            continue;
        }
        if (rule.next > 0) {
            --rule.next;
            return rule;
        }
        if (rule.probability > 0 && std::uniform_real_distribution<double>(0, 1)(rng_) < rule.probability) {
            return rule;
        }
    }
    return FaultRule{};
}

json::object Faults::Dump() const {
    json::array rules;
    for (auto const& rule : rules_) {
        json::array methods;
        for (auto const& m : rule.methods) {
            methods.push_back(json::string(m));
        }
        rules.push_back(json::object{{"kind", KindName(rule.kind)},
                                     {"status", rule.status},
                                     {"probability", rule.probability},
                                     {"next", rule.next},
                                     {"methods", std::move(methods)}});
    }
    return json::object{{"rules", std::move(rules)}};
}

}  // namespace b2b::emu::bitrix24
