// crm.company.* / crm.contact.* / crm.deal.* (legacy v1): bitrix24.md §6.2, §6.4.
#include "tests/emulators/bitrix24/decimal.hpp"
#include "tests/emulators/bitrix24/lists.hpp"
#include "tests/emulators/bitrix24/methods.hpp"
#include "tests/emulators/bitrix24/params.hpp"
#include "tests/emulators/bitrix24/php_query.hpp"

#include <algorithm>
#include <set>

namespace b2b::emu::bitrix24 {

namespace json = boost::json;

namespace {

enum class Kind { kCompany, kContact, kDeal };

struct EntitySpec {
    Kind kind;
    std::string name;          // "company"
    std::string event_prefix;  // "ONCRMCOMPANY"
    std::string not_found;     // update's legacy text
    std::set<std::string> fields;
};

std::set<std::string> const kMultiFields{"PHONE", "EMAIL", "WEB", "IM", "LINK"};

EntitySpec const& Spec(Kind kind) {
    static EntitySpec const kCompany{
        Kind::kCompany, "company", "ONCRMCOMPANY", "Company is not found",
        {"TITLE", "COMPANY_TYPE", "INDUSTRY", "EMPLOYEES", "CURRENCY_ID", "REVENUE", "OPENED", "COMMENTS",
         "ASSIGNED_BY_ID", "CONTACT_ID", "ORIGINATOR_ID", "ORIGIN_ID", "ORIGIN_VERSION", "ADDRESS", "UTM_SOURCE",
         "UTM_MEDIUM", "UTM_CAMPAIGN", "UTM_CONTENT", "UTM_TERM", "IS_MY_COMPANY"}};
    static EntitySpec const kContact{
        Kind::kContact, "contact", "ONCRMCONTACT", "Contact is not found",
        {"NAME", "SECOND_NAME", "LAST_NAME", "HONORIFIC", "POST", "TYPE_ID", "SOURCE_ID", "OPENED", "COMMENTS",
         "ASSIGNED_BY_ID", "COMPANY_ID", "COMPANY_IDS", "BIRTHDATE", "ORIGINATOR_ID", "ORIGIN_ID", "ORIGIN_VERSION",
         "EXPORT", "UTM_SOURCE", "UTM_MEDIUM", "UTM_CAMPAIGN", "UTM_CONTENT", "UTM_TERM"}};
    static EntitySpec const kDeal{
        Kind::kDeal, "deal", "ONCRMDEAL", "Deal is not found",
        {"TITLE", "TYPE_ID", "CATEGORY_ID", "STAGE_ID", "CURRENCY_ID", "OPPORTUNITY", "IS_MANUAL_OPPORTUNITY",
         "TAX_VALUE", "COMPANY_ID", "CONTACT_ID", "CONTACT_IDS", "BEGINDATE", "CLOSEDATE", "OPENED", "COMMENTS",
         "ASSIGNED_BY_ID", "SOURCE_ID", "SOURCE_DESCRIPTION", "ORIGINATOR_ID", "ORIGIN_ID", "PROBABILITY",
         "ADDITIONAL_INFO", "LOCATION_ID"}};
    switch (kind) {
        case Kind::kCompany:
            return kCompany;
        case Kind::kContact:
            return kContact;
        case Kind::kDeal:
            break;
    }
    return kDeal;
}

Table& TableOf(CrmStore& crm, Kind kind) {
    switch (kind) {
        case Kind::kCompany:
            return crm.companies;
        case Kind::kContact:
            return crm.contacts;
        case Kind::kDeal:
            break;
    }
    return crm.deals;
}

bool LooksLikeEmail(std::string const& value) {
    auto at = value.find('@');
    return at != std::string::npos && at > 0 && value.find('.', at) != std::string::npos && value.back() != '.';
}

// Multi-field rules (§6.2): item with ID -> change it; ID + DELETE=Y or empty VALUE -> remove;
// item without ID -> appended, existing ones kept. Returns an error text for a bad e-mail.
std::optional<std::string> ApplyMultiField(json::object& row, std::string const& type, json::value const& items,
                                           CrmStore& crm) {
    json::array current = row.contains(type) && row.at(type).is_array() ? row.at(type).as_array() : json::array{};
    for (auto const& item_value : ItemsOf(items)) {
        if (!item_value.is_object()) {
            continue;
        }
        auto const& item = item_value.as_object();
        auto value = ParamString(item, "VALUE").value_or("");
        auto id = ParamInt(item, "ID");
        bool remove = IsTruthy(FindParam(item, "DELETE")) || value.empty();
        if (!remove && type == "EMAIL" && !LooksLikeEmail(value)) {
            return "Field \"E-mail\" contains an invalid value: " + value + "<br>";
        }
        if (id) {
            auto it = std::find_if(current.begin(), current.end(), [&](json::value const& v) {
                return ScalarToString(v.as_object().at("ID")) == std::to_string(*id);
            });
            if (it == current.end()) {
                continue;
            }
            if (remove) {
                current.erase(it);
            } else {
                auto& existing = it->as_object();
                existing["VALUE"] = value;
                if (auto vt = ParamString(item, "VALUE_TYPE")) {
                    existing["VALUE_TYPE"] = *vt;
                }
            }
            continue;
        }
        if (remove) {
            continue;
        }
        current.push_back(json::object{{"ID", std::to_string(crm.next_multifield_id++)},
                                       {"VALUE_TYPE", ParamString(item, "VALUE_TYPE").value_or("WORK")},
                                       {"VALUE", value},
                                       {"TYPE_ID", type}});
    }
    if (current.empty()) {
        row.erase(type);
    } else {
        row[type] = std::move(current);
    }
    return std::nullopt;
}

// Copies known and UF_CRM_* fields; unknown keys are silently ignored, like the portal.
std::optional<std::string> CopyFields(json::object& row, json::object const& fields, EntitySpec const& spec,
                                      CrmStore& crm, bool is_update) {
    for (auto const& kv : fields) {
        std::string key(kv.key());
        if (kMultiFields.count(key) > 0) {
            if (auto error = ApplyMultiField(row, key, kv.value(), crm)) {
                return error;
            }
            continue;
        }
        if (spec.kind == Kind::kDeal && is_update && key == "CATEGORY_ID") {
            continue;  // immutable through crm.deal.update (§6.4)
        }
        if (spec.fields.count(key) > 0 || key.rfind("UF_CRM_", 0) == 0) {
            row[key] = LegacyValue(kv.value());
        }
    }
    return std::nullopt;
}

std::string NormalizeMoney(json::value const& value) {
    auto parsed = Decimal::Parse(ScalarToString(value));
    return parsed ? parsed->ToFixed(2) : "0.00";
}

// Deal-specific derivations: pipeline, stage, semantics, money formatting.
std::optional<std::string> FinishDeal(json::object& row, CrmStore const& crm, bool is_add) {
    auto category_id = ToInt(row["CATEGORY_ID"]).value_or(0);
    auto const* category = crm.FindCategory(category_id);
    if (category == nullptr) {
        return "Category with ID " + std::to_string(category_id) + " is not found";
    }
    row["CATEGORY_ID"] = std::to_string(category_id);
    auto stage_id = row["STAGE_ID"].is_string() ? std::string(row["STAGE_ID"].get_string()) : std::string{};
    if (stage_id.empty() && is_add) {
        stage_id = CrmStore::FullStageId(category_id, category->stages.front().status_id);
    }
    auto const* stage = crm.FindStage(category_id, stage_id);
    if (stage == nullptr) {
        return "Stage '" + stage_id + "' is not found in category " + std::to_string(category_id);
    }
    row["STAGE_ID"] = stage_id;
    row["STAGE_SEMANTIC_ID"] = stage->semantics.empty() ? "P" : stage->semantics;
    row["CLOSED"] = stage->semantics.empty() ? "N" : "Y";
    row["OPPORTUNITY"] = NormalizeMoney(row["OPPORTUNITY"]);
    if (row["CURRENCY_ID"].is_null()) {
        row["CURRENCY_ID"] = "RUB";
    }
    if (row["IS_MANUAL_OPPORTUNITY"].is_null()) {
        row["IS_MANUAL_OPPORTUNITY"] = "N";
    }
    return std::nullopt;
}

json::object ChangeFields(std::int64_t id) { return json::object{{"ID", std::to_string(id)}}; }

std::optional<std::int64_t> IdParam(json::object const& params) { return ParamInt(params, "id"); }

// A field the webhook's user may not write (set up through /_emulator/permissions).
std::optional<CallResult> Denied(std::string const& method, json::object const& fields, CrmStore const& crm) {
    for (auto const& d : crm.denied_writes) {
        auto const* value = fields.if_contains(d.field);
        if (d.method == method && value != nullptr && (d.value.empty() || ScalarToString(*value) == d.value)) {
            return CallResult::Fail(403, "INVALID_CREDENTIALS", "Access denied: no permission to change " + d.field);
        }
    }
    return std::nullopt;
}

CallResult Add(Kind kind, CallContext& ctx, json::object const& params) {
    auto const& spec = Spec(kind);
    auto const* fields = FieldsParam(params);
    if (fields == nullptr) {
        return CallResult::Legacy("Parameter 'fields' must be array.");
    }
    if (auto denied = Denied("crm." + spec.name + ".add", *fields, ctx.crm)) {
        return *denied;
    }
    json::object row;
    for (auto const& name : spec.fields) {
        row[name] = nullptr;  // every known field is present, null when empty
    }
    row["OPENED"] = "Y";
    row["ASSIGNED_BY_ID"] = std::to_string(ctx.user_id);
    if (auto error = CopyFields(row, *fields, spec, ctx.crm, false)) {
        return CallResult::Fail(400, "ERROR_CORE", *error);
    }
    if (kind == Kind::kDeal) {
        if (auto error = FinishDeal(row, ctx.crm, true)) {
            return CallResult::Legacy(*error);
        }
    }
    row["CREATED_BY_ID"] = std::to_string(ctx.user_id);
    row["DATE_CREATE"] = IsoDate(ctx.now);
    Touch(row, ctx);
    auto id = TableOf(ctx.crm, kind).Insert(std::move(row));
    ctx.events.Fire(spec.event_prefix + "ADD", ChangeFields(id), ctx.auth_connector, ctx.now);
    return CallResult::Ok(id);
}

CallResult Update(Kind kind, CallContext& ctx, json::object const& params) {
    auto const& spec = Spec(kind);
    auto id = IdParam(params);
    if (!id || *id <= 0) {
        return CallResult::Legacy("ID is not defined or invalid.");
    }
    auto* existing = TableOf(ctx.crm, kind).Find(*id);
    if (existing == nullptr) {
        return CallResult::Legacy(spec.not_found);
    }
    auto const* fields = FieldsParam(params);
    if (fields == nullptr) {
        return CallResult::Legacy("Parameter 'fields' must be array.");
    }
    if (auto denied = Denied("crm." + spec.name + ".update", *fields, ctx.crm)) {
        return *denied;
    }
    json::object row = *existing;
    if (auto error = CopyFields(row, *fields, spec, ctx.crm, true)) {
        return CallResult::Fail(400, "ERROR_CORE", *error);
    }
    if (kind == Kind::kDeal) {
        if (auto error = FinishDeal(row, ctx.crm, false)) {
            return CallResult::Legacy(*error);
        }
    }
    Touch(row, ctx);
    *existing = std::move(row);
    ctx.events.Fire(spec.event_prefix + "UPDATE", ChangeFields(*id), ctx.auth_connector, ctx.now);
    return CallResult::Ok(true);
}

CallResult Get(Kind kind, CallContext& ctx, json::object const& params) {
    auto id = IdParam(params);
    if (!id || *id <= 0) {
        return CallResult::Legacy("ID is not defined or invalid.");
    }
    auto* row = TableOf(ctx.crm, kind).Find(*id);
    if (row == nullptr) {
        return CallResult::Legacy("Not found");
    }
    return CallResult::Ok(*row);
}

CallResult List(Kind kind, CallContext& ctx, json::object const& params) {
    return ListCall(TableOf(ctx.crm, kind), params, ctx, FieldSets{kMultiFields});
}

CallResult Delete(Kind kind, CallContext& ctx, json::object const& params) {
    auto const& spec = Spec(kind);
    auto id = IdParam(params);
    if (!id || *id <= 0) {
        return CallResult::Legacy("ID is not defined or invalid.");
    }
    auto& table = TableOf(ctx.crm, kind);
    if (table.Find(*id) == nullptr) {
        return CallResult::Legacy("Not found");
    }
    table.Erase(*id);
    if (kind == Kind::kDeal) {
        ctx.crm.product_rows.erase(*id);
    }
    ctx.events.Fire(spec.event_prefix + "DELETE", ChangeFields(*id), ctx.auth_connector, ctx.now);
    return CallResult::Ok(true);
}

void RegisterKind(MethodTable& table, Kind kind) {
    std::string base = "crm." + Spec(kind).name + ".";
    table[base + "add"] = [kind](CallContext& ctx, json::object const& p) { return Add(kind, ctx, p); };
    table[base + "update"] = [kind](CallContext& ctx, json::object const& p) { return Update(kind, ctx, p); };
    table[base + "get"] = [kind](CallContext& ctx, json::object const& p) { return Get(kind, ctx, p); };
    table[base + "list"] = [kind](CallContext& ctx, json::object const& p) { return List(kind, ctx, p); };
    table[base + "delete"] = [kind](CallContext& ctx, json::object const& p) { return Delete(kind, ctx, p); };
}

}  // namespace

void RegisterCrmEntityMethods(MethodTable& table) {
    RegisterKind(table, Kind::kCompany);
    RegisterKind(table, Kind::kContact);
    RegisterKind(table, Kind::kDeal);
}

}  // namespace b2b::emu::bitrix24
