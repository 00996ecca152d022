// crm.requisite.*, crm.requisite.bankdetail.*, crm.address.*, presets, links: bitrix24.md §6.3.
#include "tests/emulators/bitrix24/methods.hpp"
#include "tests/emulators/bitrix24/params.hpp"
#include "tests/emulators/bitrix24/php_query.hpp"

#include <set>

namespace b2b::emu::bitrix24 {

namespace json = boost::json;

namespace {

std::set<std::string> const kRequisiteFields{
    "ENTITY_TYPE_ID", "ENTITY_ID", "PRESET_ID", "NAME", "CODE", "XML_ID", "ORIGINATOR_ID", "ACTIVE", "SORT",
    "RQ_INN", "RQ_KPP", "RQ_OGRN", "RQ_OGRNIP", "RQ_OKPO", "RQ_OKTMO", "RQ_OKVED", "RQ_COMPANY_NAME",
    "RQ_COMPANY_FULL_NAME", "RQ_DIRECTOR", "RQ_ACCOUNTANT", "RQ_FIRST_NAME", "RQ_LAST_NAME", "RQ_SECOND_NAME",
    "RQ_NAME", "RQ_VAT_PAYER", "RQ_PHONE", "RQ_EMAIL"};
std::set<std::string> const kBankFields{"ENTITY_ID", "COUNTRY_ID", "NAME", "CODE", "XML_ID", "ACTIVE", "SORT",
                                        "RQ_BANK_NAME", "RQ_BANK_ADDR", "RQ_BIK", "RQ_ACC_NUM", "RQ_COR_ACC_NUM",
                                        "RQ_ACC_CURRENCY", "RQ_ACC_NAME", "COMMENTS", "ORIGINATOR_ID"};
std::set<std::string> const kAddressFields{"TYPE_ID", "ENTITY_TYPE_ID", "ENTITY_ID", "ADDRESS_1", "ADDRESS_2",
                                           "CITY", "POSTAL_CODE", "REGION", "PROVINCE", "COUNTRY",
                                           "COUNTRY_CODE", "ANCHOR_TYPE_ID", "ANCHOR_ID"};

void Copy(json::object& row, json::object const& fields, std::set<std::string> const& known) {
    for (auto const& kv : fields) {
        std::string key(kv.key());
        if (known.count(key) > 0 || key.rfind("UF_CRM_", 0) == 0) {
            row[key] = LegacyValue(kv.value());
        }
    }
}

json::object Nulls(std::set<std::string> const& known) {
    json::object row;
    for (auto const& name : known) {
        row[name] = nullptr;
    }
    return row;
}

// Required-field checks with the portal's empty-code texts (§6.3).
std::optional<std::string> ValidateRequisite(json::object const& row, CrmStore& crm) {
    auto type = ToInt(row.at("ENTITY_TYPE_ID"));
    if (!type || (*type != 3 && *type != 4)) {
        return "ENTITY_TYPE_ID is not defined or invalid.";
    }
    auto entity = ToInt(row.at("ENTITY_ID"));
    if (!entity || *entity <= 0) {
        return "ENTITY_ID is not defined or invalid.";
    }
    auto& owners = *type == 3 ? crm.contacts : crm.companies;
    if (owners.Find(*entity) == nullptr) {
        return "Entity not found.";
    }
    auto preset = ToInt(row.at("PRESET_ID"));
    if (!preset || *preset < 1 || *preset > 4) {
        return "PRESET_ID is not defined or invalid.";
    }
    return std::nullopt;
}

CallResult RequisiteAdd(CallContext& ctx, json::object const& params) {
    auto const* fields = FieldsParam(params);
    if (fields == nullptr) {
        return CallResult::Legacy("Parameter 'fields' must be array.");
    }
    json::object row = Nulls(kRequisiteFields);
    row["ACTIVE"] = "Y";
    Copy(row, *fields, kRequisiteFields);
    if (auto error = ValidateRequisite(row, ctx.crm)) {
        return CallResult::Legacy(*error);
    }
    if (row["NAME"].is_null()) {
        return CallResult::Legacy("NAME is not defined or invalid.");
    }
    row["DATE_CREATE"] = IsoDate(ctx.now);
    row["CREATED_BY_ID"] = std::to_string(ctx.user_id);
    Touch(row, ctx);
    auto id = ctx.crm.requisites.Insert(std::move(row));
    ctx.events.Fire("ONCRMREQUISITEADD", json::object{{"ID", std::to_string(id)}}, ctx.auth_connector, ctx.now);
    return CallResult::Ok(id);
}

CallResult RequisiteUpdate(CallContext& ctx, json::object const& params) {
    auto id = ParamInt(params, "id");
    auto* existing = id ? ctx.crm.requisites.Find(*id) : nullptr;
    if (existing == nullptr) {
        return CallResult::Legacy("Entity not found.");
    }
    auto const* fields = FieldsParam(params);
    if (fields == nullptr) {
        return CallResult::Legacy("Parameter 'fields' must be array.");
    }
    json::object row = *existing;
    Copy(row, *fields, kRequisiteFields);
    if (auto error = ValidateRequisite(row, ctx.crm)) {
        return CallResult::Legacy(*error);
    }
    Touch(row, ctx);
    *existing = std::move(row);
    ctx.events.Fire("ONCRMREQUISITEUPDATE", json::object{{"ID", std::to_string(*id)}}, ctx.auth_connector, ctx.now);
    return CallResult::Ok(true);
}

CallResult TableGet(Table& table, json::object const& params) {
    auto id = ParamInt(params, "id");
    auto* row = id ? table.Find(*id) : nullptr;
    if (row == nullptr) {
        return CallResult::Legacy("Not found");
    }
    return CallResult::Ok(*row);
}

CallResult TableDelete(Table& table, json::object const& params, CallContext& ctx, std::string const& event) {
    auto id = ParamInt(params, "id");
    if (!id || table.Find(*id) == nullptr) {
        return CallResult::Legacy("Not found");
    }
    table.Erase(*id);
    if (!event.empty()) {
        ctx.events.Fire(event, json::object{{"ID", std::to_string(*id)}}, ctx.auth_connector, ctx.now);
    }
    return CallResult::Ok(true);
}

CallResult BankAdd(CallContext& ctx, json::object const& params) {
    auto const* fields = FieldsParam(params);
    if (fields == nullptr) {
        return CallResult::Legacy("Parameter 'fields' must be array.");
    }
    json::object row = Nulls(kBankFields);
    row["ACTIVE"] = "Y";
    Copy(row, *fields, kBankFields);
    auto owner = ToInt(row["ENTITY_ID"]);
    if (!owner || ctx.crm.requisites.Find(*owner) == nullptr) {
        return CallResult::Legacy("ENTITY_ID is not defined or invalid.");
    }
    if (row["NAME"].is_null()) {
        return CallResult::Legacy("NAME is not defined or invalid.");
    }
    Touch(row, ctx);
    return CallResult::Ok(ctx.crm.bank_details.Insert(std::move(row)));
}

CallResult BankUpdate(CallContext& ctx, json::object const& params) {
    auto id = ParamInt(params, "id");
    auto* existing = id ? ctx.crm.bank_details.Find(*id) : nullptr;
    if (existing == nullptr) {
        return CallResult::Legacy("Entity not found.");
    }
    auto const* fields = FieldsParam(params);
    if (fields == nullptr) {
        return CallResult::Legacy("Parameter 'fields' must be array.");
    }
    Copy(*existing, *fields, kBankFields);
    Touch(*existing, ctx);
    return CallResult::Ok(true);
}

std::optional<std::tuple<std::int64_t, std::int64_t, std::int64_t>> AddressKey(json::object const& fields) {
    auto type = ParamInt(fields, "TYPE_ID");
    auto entity_type = ParamInt(fields, "ENTITY_TYPE_ID");
    auto entity = ParamInt(fields, "ENTITY_ID");
    if (!type || !entity_type || !entity) {
        return std::nullopt;
    }
    return std::make_tuple(*entity_type, *entity, *type);
}

CallResult AddressAdd(CallContext& ctx, json::object const& params) {
    auto const* fields = FieldsParam(params);
    if (fields == nullptr) {
        return CallResult::Legacy("Parameter 'fields' must be array.");
    }
    auto key = AddressKey(*fields);
    if (!key) {
        return CallResult::Legacy("TYPE_ID, ENTITY_TYPE_ID and ENTITY_ID are required.");
    }
    if (std::get<0>(*key) == 8 && ctx.crm.requisites.Find(std::get<1>(*key)) == nullptr) {
        return CallResult::Legacy("Entity not found.");
    }
    if (ctx.crm.addresses.count(*key) > 0) {
        return CallResult::Legacy("TypeAddress exists.");
    }
    json::object row = Nulls(kAddressFields);
    Copy(row, *fields, kAddressFields);
    ctx.crm.addresses[*key] = std::move(row);
    return CallResult::Ok(true);
}

CallResult AddressUpdate(CallContext& ctx, json::object const& params) {
    auto const* fields = FieldsParam(params);
    if (fields == nullptr) {
        return CallResult::Legacy("Parameter 'fields' must be array.");
    }
    auto key = AddressKey(*fields);
    if (!key || ctx.crm.addresses.count(*key) == 0) {
        return CallResult::Legacy("Address is not found.");
    }
    Copy(ctx.crm.addresses[*key], *fields, kAddressFields);
    return CallResult::Ok(true);
}

CallResult AddressDelete(CallContext& ctx, json::object const& params) {
    auto const* fields = FieldsParam(params);
    auto key = fields ? AddressKey(*fields) : std::nullopt;
    if (!key || ctx.crm.addresses.erase(*key) == 0) {
        return CallResult::Legacy("Address is not found.");
    }
    return CallResult::Ok(true);
}

CallResult PresetList(CallContext& ctx, json::object const& params) {
    static char const* const kNames[] = {"Организация", "ИП", "Физ. лицо", "Организация (доп.)"};
    std::vector<json::object> rows;
    for (int i = 0; i < 4; ++i) {
        rows.push_back(json::object{{"ID", std::to_string(i + 1)},
                                    {"ENTITY_TYPE_ID", "8"},
                                    {"COUNTRY_ID", "1"},
                                    {"NAME", kNames[i]},
                                    {"ACTIVE", "Y"},
                                    {"XML_ID", nullptr},
                                    {"SORT", std::to_string((i + 1) * 500)}});
    }
    return ListCall(rows, params, ctx);
}

CallResult LinkRegister(CallContext& ctx, json::object const& params) {
    auto const* fields = FieldsParam(params);
    if (fields == nullptr) {
        return CallResult::Legacy("Parameter 'fields' must be array.");
    }
    json::object link;
    for (auto const& kv : *fields) {
        link[kv.key()] = LegacyValue(kv.value());
    }
    ctx.crm.requisite_links.push_back(std::move(link));
    return CallResult::Ok(true);
}

}  // namespace

void RegisterRequisiteMethods(MethodTable& table) {
    table["crm.requisite.add"] = RequisiteAdd;
    table["crm.requisite.update"] = RequisiteUpdate;
    table["crm.requisite.get"] = [](CallContext& ctx, json::object const& p) { return TableGet(ctx.crm.requisites, p); };
    table["crm.requisite.list"] = [](CallContext& ctx, json::object const& p) {
        return ListCall(ctx.crm.requisites, p, ctx);
    };
    table["crm.requisite.delete"] = [](CallContext& ctx, json::object const& p) {
        return TableDelete(ctx.crm.requisites, p, ctx, "ONCRMREQUISITEDELETE");
    };
    table["crm.requisite.preset.list"] = PresetList;
    table["crm.requisite.link.register"] = LinkRegister;
    table["crm.requisite.bankdetail.add"] = BankAdd;
    table["crm.requisite.bankdetail.update"] = BankUpdate;
    table["crm.requisite.bankdetail.get"] = [](CallContext& ctx, json::object const& p) {
        return TableGet(ctx.crm.bank_details, p);
    };
    table["crm.requisite.bankdetail.list"] = [](CallContext& ctx, json::object const& p) {
        return ListCall(ctx.crm.bank_details, p, ctx);
    };
    table["crm.requisite.bankdetail.delete"] = [](CallContext& ctx, json::object const& p) {
        return TableDelete(ctx.crm.bank_details, p, ctx, "");
    };
    table["crm.address.add"] = AddressAdd;
    table["crm.address.update"] = AddressUpdate;
    table["crm.address.delete"] = AddressDelete;
    table["crm.address.list"] = [](CallContext& ctx, json::object const& p) {
        std::vector<json::object> rows;
        for (auto const& kv : ctx.crm.addresses) {
            rows.push_back(kv.second);
        }
        return ListCall(rows, p, ctx);
    };
}

}  // namespace b2b::emu::bitrix24
