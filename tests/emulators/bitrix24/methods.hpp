#pragma once

#include "tests/emulators/bitrix24/crm_store.hpp"
#include "tests/emulators/bitrix24/envelope.hpp"
#include "tests/emulators/bitrix24/events.hpp"
#include "tests/emulators/bitrix24/lists.hpp"

#include <boost/json/object.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <string>

namespace b2b::emu::bitrix24 {

/// What a REST method may touch, for one call.
struct CallContext {
    CrmStore& crm;
    EventBus& events;
    double now = 0;
    bool app_context = false;  // OAuth (application) vs inbound webhook
    std::int64_t user_id = 1;
    std::string auth_connector;  // from the call's params; suppresses offline echoes (§7)
    bool counted_list = false;   // a list counted its `total`: the expensive part (huge-data.md)
};

using MethodFn = std::function<CallResult(CallContext&, boost::json::object const&)>;
using MethodTable = std::map<std::string, MethodFn, std::less<>>;

void RegisterCrmEntityMethods(MethodTable& table);
void RegisterRequisiteMethods(MethodTable& table);
void RegisterPipelineMethods(MethodTable& table);
void RegisterProductRowMethods(MethodTable& table);
void RegisterActivityMethods(MethodTable& table);  // timeline, tasks, im.notify
void RegisterEventMethods(MethodTable& table);

/// All of the above.
MethodTable BuildMethodTable();

/// The `fields` param as an object, or nullptr (legacy methods then fail with
/// "Parameter 'fields' must be array.").
boost::json::object const* FieldsParam(boost::json::object const& params);

/// Stores a scalar or a list the way legacy replies show it: strings, arrays of strings.
boost::json::value LegacyValue(boost::json::value const& value);

/// Runs a list call over `rows` (filter/order/select/paging) and marks the count cost.
CallResult ListCall(std::vector<boost::json::object> const& rows, boost::json::object const& params,
                    CallContext& ctx, FieldSets const& sets = {});
/// The same over a table, using its indexes (no copy of the rows).
CallResult ListCall(Table& table, boost::json::object const& params, CallContext& ctx, FieldSets const& sets = {});

/// Bumps DATE_MODIFY/MODIFY_BY_ID.
void Touch(boost::json::object& row, CallContext const& ctx);


}  // namespace b2b::emu::bitrix24
