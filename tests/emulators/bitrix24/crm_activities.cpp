// crm.timeline.comment.add, tasks.task.add, im.notify*: bitrix24.md §6.6. All recorded for
// inspection through /_emulator/log.
#include "tests/emulators/bitrix24/methods.hpp"
#include "tests/emulators/bitrix24/params.hpp"
#include "tests/emulators/bitrix24/php_query.hpp"

namespace b2b::emu::bitrix24 {

namespace json = boost::json;

namespace {

CallResult CommentAdd(CallContext& ctx, json::object const& params) {
    // Since crm 23.100.0 only lowercase `fields` is read; FIELDS/arFields are ignored.
    auto const* fields_value = FindExact(params, "fields");
    if (fields_value == nullptr || !fields_value->is_object()) {
        return CallResult::Fail(400, "ERROR_ARGUMENT", "Argument 'fields' is null or empty");
    }
    auto const& fields = fields_value->as_object();
    auto entity_id = ParamInt(fields, "ENTITY_ID");
    auto entity_type = ParamString(fields, "ENTITY_TYPE");
    auto comment = ParamString(fields, "COMMENT");
    if (!entity_id || !entity_type || entity_type->empty()) {
        return CallResult::Fail(400, "ERROR_ARGUMENT", "ENTITY_ID and ENTITY_TYPE are required");
    }
    if (!comment || comment->empty()) {
        return CallResult::Fail(400, "ERROR_CORE", "Comment is empty<br>");
    }
    json::object row{{"ENTITY_ID", std::to_string(*entity_id)},
                     {"ENTITY_TYPE", *entity_type},
                     {"COMMENT", *comment},
                     {"AUTHOR_ID", std::to_string(ctx.user_id)},
                     {"CREATED", IsoDate(ctx.now)}};
    if (auto const* files = FindParam(fields, "FILES")) {
        json::array names;
        for (auto const& file : ItemsOf(*files)) {
            auto parts = ItemsOf(file);
            if (!parts.empty()) {
                names.push_back(json::string(ScalarToString(parts.front())));
            }
        }
        row["FILES"] = std::move(names);
    }
    return CallResult::Ok(ctx.crm.comments.Insert(std::move(row)));
}

CallResult TaskAdd(CallContext& ctx, json::object const& params) {
    auto const* fields = FieldsParam(params);
    if (fields == nullptr) {
        return CallResult::Fail(400, "100", "Could not find value for parameter {fields}");
    }
    auto title = ParamString(*fields, "TITLE").value_or("");
    if (title.empty()) {
        return CallResult::Fail(400, "ERROR_CORE", "Task title is not specified<br>");
    }
    auto responsible = ParamInt(*fields, "RESPONSIBLE_ID");
    if (!responsible) {
        return CallResult::Fail(400, "ERROR_CORE", "Assignee is not specified<br>");
    }
    json::object row{{"title", title},
                     {"description", ParamString(*fields, "DESCRIPTION").value_or("")},
                     {"responsibleId", std::to_string(*responsible)},
                     {"createdBy", std::to_string(ParamInt(*fields, "CREATED_BY").value_or(ctx.user_id))},
                     {"deadline", ParamString(*fields, "DEADLINE") ? json::value(*ParamString(*fields, "DEADLINE"))
                                                                   : json::value(nullptr)},
                     {"status", "2"},
                     {"createdDate", IsoDate(ctx.now)}};
    if (auto const* crm = FindParam(*fields, "UF_CRM_TASK")) {
        row["ufCrmTask"] = LegacyValue(*crm);
    }
    auto id = ctx.crm.tasks.Insert(row);
    auto& stored = *ctx.crm.tasks.Find(id);
    stored["id"] = std::to_string(id);
    stored.erase("ID");
    return CallResult::Ok(json::object{{"task", stored}});
}

CallResult Notify(CallContext& ctx, json::object const& params, std::string const& method, std::string type) {
    auto user = ParamInt(params, "USER_ID");
    auto message = ParamString(params, "MESSAGE").value_or("");
    if (!user || message.empty()) {
        return CallResult::Fail(400, "PARAMS_ERROR", "USER_ID and MESSAGE are required");
    }
    if (auto explicit_type = ParamString(params, "TYPE")) {
        type = *explicit_type;
    }
    auto tag = ParamString(params, "TAG").value_or("");
    if (!tag.empty()) {
        // A new notification with an existing TAG removes the older ones (§6.6).
        for (auto& kv : ctx.crm.notifications.rows) {
            if (ScalarToString(kv.second["TAG"]) == tag && ScalarToString(kv.second["USER_ID"]) == std::to_string(*user)) {
                kv.second["REMOVED"] = "Y";
            }
        }
    }
    json::object row{{"METHOD", method},
                     {"USER_ID", std::to_string(*user)},
                     {"MESSAGE", message},
                     {"TYPE", type},
                     {"TAG", tag},
                     {"SUB_TAG", ParamString(params, "SUB_TAG").value_or("")},
                     {"REMOVED", "N"},
                     {"DATE", IsoDate(ctx.now)}};
    return CallResult::Ok(ctx.crm.notifications.Insert(std::move(row)));
}

}  // namespace

void RegisterActivityMethods(MethodTable& table) {
    table["crm.timeline.comment.add"] = CommentAdd;
    table["tasks.task.add"] = TaskAdd;
    table["im.notify"] = [](CallContext& ctx, json::object const& p) { return Notify(ctx, p, "im.notify", "USER"); };
    table["im.notify.system.add"] = [](CallContext& ctx, json::object const& p) {
        return Notify(ctx, p, "im.notify.system.add", "SYSTEM");
    };
    table["im.notify.personal.add"] = [](CallContext& ctx, json::object const& p) {
        return Notify(ctx, p, "im.notify.personal.add", "USER");
    };
}

}  // namespace b2b::emu::bitrix24
