// event.bind/get/unbind and event.offline.*: bitrix24.md §7. Application context only: the
// portal refuses them for inbound webhooks (checked in Portal before dispatch).
#include "tests/emulators/bitrix24/methods.hpp"
#include "tests/emulators/bitrix24/params.hpp"
#include "tests/emulators/bitrix24/php_query.hpp"

#include <algorithm>
#include <cctype>

namespace b2b::emu::bitrix24 {

namespace json = boost::json;

namespace {

std::string Upper(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::toupper(c); });
    return text;
}

std::vector<std::int64_t> MessageIds(json::object const& params) {
    std::vector<std::int64_t> ids;
    if (auto const* list = FindParam(params, "message_id")) {
        for (auto const& item : ItemsOf(*list)) {
            if (auto id = ToInt(item)) {
                ids.push_back(*id);
            }
        }
    }
    return ids;
}

CallResult Bind(CallContext& ctx, json::object const& params) {
    auto event = Upper(ParamString(params, "event").value_or(""));
    bool offline = ParamString(params, "event_type").value_or("online") == "offline";
    auto handler = ParamString(params, "handler").value_or("");
    if (event.empty() || (!offline && handler.empty())) {
        return CallResult::Fail(400, "ERROR_REQUIRED_PARAMETERS_MISSING", "Required parameters missing");
    }
    for (auto const& b : ctx.events.bindings()) {
        if (b.event == event && b.handler == handler && b.offline == offline) {
            return CallResult::Fail(400, "ERROR_EVENT_ALREADY_INSTALLED", "Handler already binded");
        }
    }
    EventBinding binding;
    binding.event = event;
    binding.handler = handler;
    binding.offline = offline;
    binding.auth_connector = ParamString(params, "auth_connector").value_or("");
    ctx.events.Bind(binding);
    return CallResult::Ok(true);
}

CallResult Get(CallContext& ctx, json::object const&) {
    json::array out;
    for (auto const& b : ctx.events.bindings()) {
        if (b.outgoing_webhook) {
            continue;
        }
        out.push_back(json::object{{"event", b.event},
                                   {"handler", b.handler},
                                   {"auth_type", "0"},
                                   {"offline", b.offline ? 1 : 0}});
    }
    return CallResult::Ok(std::move(out));
}

CallResult Unbind(CallContext& ctx, json::object const& params) {
    auto event = Upper(ParamString(params, "event").value_or(""));
    auto removed = ctx.events.Unbind(event, ParamString(params, "handler").value_or(""));
    return CallResult::Ok(json::object{{"count", removed}});
}

CallResult OfflineGet(CallContext& ctx, json::object const& params) {
    auto const* clear = FindParam(params, "clear");
    bool clear_flag = clear == nullptr || IsTruthy(clear);
    return CallResult::Ok(ctx.events.OfflineGet(clear_flag, ParamString(params, "process_id").value_or(""),
                                                ParamInt(params, "limit").value_or(50), ctx.now));
}

CallResult OfflineClear(CallContext& ctx, json::object const& params) {
    auto process_id = ParamString(params, "process_id").value_or("");
    if (process_id.empty()) {
        return CallResult::Fail(400, "ERROR_REQUIRED_PARAMETERS_MISSING", "process_id is required");
    }
    ctx.events.OfflineClear(process_id, MessageIds(params));
    return CallResult::Ok(true);
}

CallResult OfflineError(CallContext& ctx, json::object const& params) {
    auto process_id = ParamString(params, "process_id").value_or("");
    ctx.events.OfflineError(process_id, MessageIds(params));
    return CallResult::Ok(true);
}

}  // namespace

void RegisterEventMethods(MethodTable& table) {
    table["event.bind"] = Bind;
    table["event.get"] = Get;
    table["event.unbind"] = Unbind;
    table["event.offline.get"] = OfflineGet;
    table["event.offline.clear"] = OfflineClear;
    table["event.offline.error"] = OfflineError;
    table["event.offline.list"] = [](CallContext& ctx, json::object const& p) {
        std::vector<json::object> rows;
        for (auto const& v : ctx.events.OfflineList()) {
            rows.push_back(v.as_object());
        }
        return ListCall(rows, p, ctx);
    };
}

}  // namespace b2b::emu::bitrix24
