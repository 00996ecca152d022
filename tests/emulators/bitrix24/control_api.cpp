// /_emulator/*: inspection and run-time configuration for tests. Not part of Bitrix24.
#include "tests/emulators/bitrix24/params.hpp"
#include "tests/emulators/bitrix24/php_query.hpp"
#include "tests/emulators/bitrix24/portal.hpp"

#include <cctype>

namespace b2b::emu::bitrix24 {

namespace json = boost::json;

namespace {

double NumberOr(json::object const& obj, char const* key, double fallback) {
    auto const* value = obj.if_contains(key);
    if (value != nullptr && value->is_number()) {
        return value->to_number<double>();
    }
    if (value != nullptr && value->is_string()) {
        try {
            return std::stod(std::string(value->get_string()));
        } catch (std::exception const&) {
            return fallback;  // a malformed override keeps the current value
        }
    }
    return fallback;
}

json::array Rows(Table const& table) {
    json::array out;
    for (auto const& kv : table.rows) {
        out.push_back(kv.second);
    }
    return out;
}

}  // namespace

json::object Portal::LimitsJson() const {
    json::object method_costs;
    for (auto const& [method, cost] : costs_.method_costs) {
        method_costs[method] = cost;
    }
    return json::object{{"burst", bucket_.burst()},
                        {"drain", bucket_.drain()},
                        {"operating_limit", operating_.limit()},
                        {"default_cost", costs_.default_cost},
                        {"count_cost", costs_.count_cost},
                        {"method_costs", std::move(method_costs)},
                        {"access_ttl", options_.oauth.access_ttl}};
}

json::object Portal::StateJson() const {
    json::object calls;
    for (auto const& [method, count] : stats_.method_calls) {
        calls[method] = count;
    }
    json::object counters{{"requests", stats_.requests},
                          {"query_limit_503", stats_.query_limit_503},
                          {"operation_limit_429", stats_.operation_limit_429},
                          {"auth_401", stats_.auth_401},
                          {"faults_injected", stats_.faults_injected},
                          {"oauth_refresh_grants", oauth_.refresh_grants()},
                          {"oauth_refresh_rejected", oauth_.refresh_rejected()},
                          {"method_calls", std::move(calls)}};
    return json::object{{"now", clock_.Now()},
                        {"crm", crm_.Dump()},
                        {"events", events_.Dump()},
                        {"counters", std::move(counters)},
                        {"limits", LimitsJson()},
                        {"faults", faults_.Dump()}};
}

Reply Portal::ConfigureLimits(json::object const& body) {
    bucket_.Configure(NumberOr(body, "burst", bucket_.burst()), NumberOr(body, "drain", bucket_.drain()));
    operating_.SetLimit(NumberOr(body, "operating_limit", operating_.limit()));
    costs_.default_cost = NumberOr(body, "default_cost", costs_.default_cost);
    costs_.count_cost = NumberOr(body, "count_cost", costs_.count_cost);
    if (auto const* per_method = body.if_contains("method_costs"); per_method != nullptr && per_method->is_object()) {
        for (auto const& kv : per_method->as_object()) {
            costs_.method_costs[std::string(kv.key())] = NumberOr(per_method->as_object(), kv.key().data(), 0);
        }
    }
    options_.oauth.access_ttl = NumberOr(body, "access_ttl", options_.oauth.access_ttl);
    oauth_.config().access_ttl = options_.oauth.access_ttl;
    return JsonReply(200, LimitsJson());
}

// As a manager would drag the card: no auth_connector, so both online and offline
// subscribers hear about it.
Reply Portal::MoveDealToStage(json::object const& body) {
    auto id = ParamInt(body, "id");
    auto stage = ParamString(body, "stage_id").value_or("");
    auto* deal = id ? crm_.deals.Find(*id) : nullptr;
    if (deal == nullptr) {
        return ErrorReply(404, "NOT_FOUND", "deal not found");
    }
    auto category = ToInt((*deal)["CATEGORY_ID"]).value_or(0);
    auto const* found = crm_.FindStage(category, stage);
    if (found == nullptr) {
        return ErrorReply(400, "BAD_STAGE", "stage " + stage + " is not in category " + std::to_string(category));
    }
    double now = clock_.Now();
    (*deal)["STAGE_ID"] = stage;
    (*deal)["STAGE_SEMANTIC_ID"] = found->semantics.empty() ? "P" : found->semantics;
    (*deal)["CLOSED"] = found->semantics.empty() ? "N" : "Y";
    (*deal)["DATE_MODIFY"] = IsoDate(now);
    events_.Fire("ONCRMDEALUPDATE", json::object{{"ID", std::to_string(*id)}}, "", now);
    return JsonReply(200, json::object{{"result", *deal}});
}

Reply Portal::HandleControl(HttpRequest const& request, std::string const& path, json::object const& params) {
    bool post = request.method == "POST";
    if (path == "/_emulator/state") {
        return JsonReply(200, StateJson());
    }
    if (path == "/_emulator/log") {
        return JsonReply(200, json::object{{"notifications", Rows(crm_.notifications)},
                                           {"tasks", Rows(crm_.tasks)},
                                           {"timeline_comments", Rows(crm_.comments)},
                                           {"event_deliveries", events_.delivery_log()}});
    }
    if (!post) {
        return ErrorReply(405, "METHOD_NOT_ALLOWED", "use POST");
    }
    if (path == "/_emulator/reset") {
        ResetState();
        return JsonReply(200, json::object{{"result", true}});
    }
    if (path == "/_emulator/faults") {
        if (auto error = faults_.Configure(json::value(params))) {
            return ErrorReply(400, "BAD_CONFIG", *error);
        }
        return JsonReply(200, faults_.Dump());
    }
    if (path == "/_emulator/limits") {
        return ConfigureLimits(params);
    }
    if (path == "/_emulator/clock") {
        clock_.Advance(NumberOr(params, "advance", 0));
        return JsonReply(200, json::object{{"now", clock_.Now()}});
    }
    if (path == "/_emulator/permissions") {
        // {"denied_writes":[{"method":"crm.deal.add","field":"ASSIGNED_BY_ID","value":"99"}]}
        crm_.denied_writes.clear();
        if (auto const* denied = params.if_contains("denied_writes")) {
            for (auto const& item : ItemsOf(*denied)) {
                if (item.is_object()) {
                    auto const& d = item.as_object();
                    crm_.denied_writes.push_back(DeniedWrite{ParamString(d, "method").value_or(""),
                                                             ParamString(d, "field").value_or(""),
                                                             ParamString(d, "value").value_or("")});
                }
            }
        }
        return JsonReply(200, json::object{{"denied_writes", crm_.denied_writes.size()}});
    }
    if (path == "/_emulator/deal/stage") {
        return MoveDealToStage(params);
    }
    if (path == "/_emulator/oauth/code") {
        return JsonReply(200, json::object{{"code", oauth_.MintCode(clock_.Now())}});
    }
    if (path == "/_emulator/oauth/install") {
        auto tokens = oauth_.Issue(clock_.Now());
        tokens["application_token"] = options_.application_token;
        return JsonReply(200, tokens);
    }
    if (path == "/_emulator/oauth/revoke") {
        oauth_.Revoke();
        return JsonReply(200, json::object{{"revoked", true}});
    }
    if (path == "/_emulator/events/bind") {
        EventBinding binding;
        binding.event = ParamString(params, "event").value_or("");
        for (auto& c : binding.event) {
            c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        }
        binding.handler = ParamString(params, "handler").value_or("");
        binding.outgoing_webhook = true;
        if (binding.event.empty() || binding.handler.empty()) {
            return ErrorReply(400, "BAD_CONFIG", "event and handler are required");
        }
        return JsonReply(200, json::object{{"id", events_.Bind(binding)}});
    }
    if (path == "/_emulator/events/config") {
        event_delay_ms_ = static_cast<int>(NumberOr(params, "delay_ms", event_delay_ms_));
        events_.set_wrong_token_for_test(IsTruthy(params.if_contains("wrong_application_token")));
        return JsonReply(200, json::object{{"delay_ms", event_delay_ms_}});
    }
    return ErrorReply(404, "NOT_FOUND", "unknown control endpoint " + path);
}

}  // namespace b2b::emu::bitrix24
