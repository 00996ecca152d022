// crm.category.list, crm.status.list: bitrix24.md §6.4 (pipelines and stages).
#include "tests/emulators/bitrix24/methods.hpp"
#include "tests/emulators/bitrix24/params.hpp"

#include <algorithm>

namespace b2b::emu::bitrix24 {

namespace json = boost::json;

namespace {

std::string ExtraSemantics(std::string const& semantics) {
    if (semantics == "S") {
        return "success";
    }
    if (semantics == "F") {
        return "failure";
    }
    return "process";
}

CallResult CategoryList(CallContext& ctx, json::object const& params) {
    auto type = ParamInt(params, "entityTypeId");
    if (!type) {
        return CallResult::Fail(400, "ENTITY_TYPE_NOT_SUPPORTED", "entityTypeId is required");
    }
    json::array categories;
    if (*type == 2) {
        std::vector<Category> sorted = ctx.crm.categories;
        std::stable_sort(sorted.begin(), sorted.end(), [](auto const& a, auto const& b) { return a.sort < b.sort; });
        for (auto const& category : sorted) {
            categories.push_back(json::object{{"id", category.id},
                                              {"name", category.name},
                                              {"sort", category.sort},
                                              {"entityTypeId", 2},
                                              {"isDefault", category.id == 0 ? "Y" : "N"},
                                              {"originId", ""},
                                              {"originatorId", ""}});
        }
    }
    auto count = static_cast<std::int64_t>(categories.size());
    CallResult call = CallResult::Ok(json::object{{"categories", std::move(categories)}});
    call.total = count;
    return call;
}

CallResult StatusList(CallContext& ctx, json::object const& params) {
    std::vector<json::object> rows;
    std::int64_t row_id = 1;
    for (auto const& category : ctx.crm.categories) {
        std::string entity = category.id == 0 ? "DEAL_STAGE" : "DEAL_STAGE_" + std::to_string(category.id);
        for (auto const& stage : category.stages) {
            rows.push_back(json::object{
                {"ID", std::to_string(row_id++)},
                {"ENTITY_ID", entity},
                {"STATUS_ID", CrmStore::FullStageId(category.id, stage.status_id)},
                {"NAME", stage.name},
                {"NAME_INIT", stage.name},
                {"SORT", std::to_string(stage.sort)},
                {"SYSTEM", stage.semantics.empty() && stage.status_id != "NEW" ? "N" : "Y"},
                {"CATEGORY_ID", std::to_string(category.id)},
                {"COLOR", "#39A8EF"},
                {"SEMANTICS", stage.semantics.empty() ? json::value(nullptr) : json::value(stage.semantics)},
                {"EXTRA", json::object{{"SEMANTICS", ExtraSemantics(stage.semantics)}, {"COLOR", "#39A8EF"}}}});
        }
    }
    json::object list_params = params;
    if (!FindParam(params, "order")) {
        list_params["order"] = json::object{{"SORT", "ASC"}};
    }
    return ListCall(rows, list_params, ctx);
}

}  // namespace

void RegisterPipelineMethods(MethodTable& table) {
    table["crm.category.list"] = CategoryList;
    table["crm.status.list"] = StatusList;
}

}  // namespace b2b::emu::bitrix24
