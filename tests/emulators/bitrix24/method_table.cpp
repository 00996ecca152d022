#include "tests/emulators/bitrix24/methods.hpp"

#include "tests/emulators/bitrix24/params.hpp"
#include "tests/emulators/bitrix24/php_query.hpp"

namespace b2b::emu::bitrix24 {

namespace json = boost::json;

MethodTable BuildMethodTable() {
    MethodTable table;
    RegisterCrmEntityMethods(table);
    RegisterRequisiteMethods(table);
    RegisterPipelineMethods(table);
    RegisterProductRowMethods(table);
    RegisterActivityMethods(table);
    RegisterEventMethods(table);
    return table;
}

json::object const* FieldsParam(json::object const& params) {
    auto const* fields = FindParam(params, "fields");
    return fields != nullptr && fields->is_object() ? &fields->as_object() : nullptr;
}

json::value LegacyValue(json::value const& value) {
    if (value.is_array() || value.is_object()) {
        json::array list;
        for (auto const& item : ItemsOf(value)) {
            list.push_back(LegacyValue(item));
        }
        return list;
    }
    if (value.is_null()) {
        return nullptr;
    }
    return json::string(ScalarToString(value));
}

CallResult ListCall(std::vector<json::object> const& rows, json::object const& params, CallContext& ctx,
                    FieldSets const& sets) {
    auto page = RunList(rows, ParseListQuery(params), sets);
    CallResult call = CallResult::Ok(std::move(page.rows));
    call.total = page.total;
    call.next = page.next;
    ctx.counted_list = ctx.counted_list || page.counted;
    return call;
}

CallResult ListCall(Table& table, json::object const& params, CallContext& ctx, FieldSets const& sets) {
    auto page = RunList(table, ParseListQuery(params), sets);
    CallResult call = CallResult::Ok(std::move(page.rows));
    call.total = page.total;
    call.next = page.next;
    ctx.counted_list = ctx.counted_list || page.counted;
    return call;
}

void Touch(json::object& row, CallContext const& ctx) {
    row["DATE_MODIFY"] = IsoDate(ctx.now);
    row["MODIFY_BY_ID"] = std::to_string(ctx.user_id);
}

}  // namespace b2b::emu::bitrix24
