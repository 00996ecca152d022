#include "mappings/engine/targets.hpp"

#include <algorithm>

namespace b2b::mapping {
namespace {

TargetField F(std::string name, OutputKind kind = OutputKind::kText, int scale = -1) {
    return TargetField{std::move(name), kind, scale, false, {}};
}
TargetField Required(std::string name) { return TargetField{std::move(name), OutputKind::kText, -1, true, {}}; }
TargetField Money(std::string name) { return F(std::move(name), OutputKind::kDecimal, 2); }
TargetField Int(std::string name) { return F(std::move(name), OutputKind::kInteger); }
TargetField Flag(std::string name) { return F(std::move(name), OutputKind::kBool); }
TargetField ListField(std::string name, std::vector<TargetField> items) {
    return TargetField{std::move(name), OutputKind::kList, -1, false, std::move(items)};
}

/// Bitrix24 multi-field item (bitrix24.md §6.2): {VALUE, VALUE_TYPE}; ID is the portal's and is
/// set by the deliverer when it updates an existing item.
TargetField Multi(std::string name) {
    return ListField(std::move(name), {TargetField{"VALUE", OutputKind::kText, -1, true, {}}, F("VALUE_TYPE")});
}

std::vector<TargetSpec> Build() {
    std::vector<TargetSpec> t;
    // bitrix24.md §6.4: crm.deal.add/update fields; product rows go to crm.deal.productrows.set.
    t.push_back(TargetSpec{
        "bitrix24.deal",
        "order",
        "a Bitrix24 deal (crm.deal.*) with its product rows",
        false,
        true,
        "Y",
        "N",
        {Required("TITLE"),
         F("TYPE_ID"),
         Int("CATEGORY_ID"),
         F("STAGE_ID"),
         F("CURRENCY_ID"),
         Money("OPPORTUNITY"),
         Flag("IS_MANUAL_OPPORTUNITY"),
         Money("TAX_VALUE"),
         Int("COMPANY_ID"),
         Int("CONTACT_ID"),
         F("BEGINDATE", OutputKind::kDate),
         F("CLOSEDATE", OutputKind::kDate),
         Flag("OPENED"),
         Flag("CLOSED"),
         F("COMMENTS"),
         Int("ASSIGNED_BY_ID"),
         F("SOURCE_ID"),
         F("SOURCE_DESCRIPTION"),
         F("ORIGINATOR_ID"),
         F("ORIGIN_ID"),
         ListField(
             "PRODUCT_ROWS",
             {Int("PRODUCT_ID"), Required("PRODUCT_NAME"), Money("PRICE"), Money("PRICE_EXCLUSIVE"),
              Money("PRICE_NETTO"), Money("PRICE_BRUTTO"), F("QUANTITY", OutputKind::kDecimal), Int("DISCOUNT_TYPE_ID"),
              F("DISCOUNT_RATE", OutputKind::kDecimal), Money("DISCOUNT_SUM"), F("TAX_RATE", OutputKind::kDecimal),
              Flag("TAX_INCLUDED"), Int("MEASURE_CODE"), F("MEASURE_NAME"), Int("SORT")})}});
    // bitrix24.md §6.2: company fields; addresses and bank data live in requisites.
    t.push_back(TargetSpec{"bitrix24.company",
                           "counterparty",
                           "a Bitrix24 company (crm.company.*)",
                           false,
                           true,
                           "Y",
                           "N",
                           {Required("TITLE"), F("COMPANY_TYPE"), F("INDUSTRY"), F("CURRENCY_ID"), Money("REVENUE"),
                            Flag("OPENED"), F("COMMENTS"), Int("ASSIGNED_BY_ID"), F("ORIGINATOR_ID"), F("ORIGIN_ID"),
                            F("ORIGIN_VERSION"), Multi("PHONE"), Multi("EMAIL"), Multi("WEB")}});
    t.push_back(TargetSpec{"bitrix24.contact",
                           "counterparty",
                           "a Bitrix24 contact (crm.contact.*) for a person",
                           false,
                           true,
                           "Y",
                           "N",
                           {F("NAME"), F("LAST_NAME"), F("SECOND_NAME"), F("POST"), F("TYPE_ID"), F("SOURCE_ID"),
                            Flag("OPENED"), F("COMMENTS"), Int("ASSIGNED_BY_ID"), Int("COMPANY_ID"), F("ORIGINATOR_ID"),
                            F("ORIGIN_ID"), Multi("PHONE"), Multi("EMAIL")}});
    // bitrix24.md §6.3: crm.requisite.add (ENTITY_TYPE_ID/ENTITY_ID are set by the deliverer) and
    // bank details (crm.requisite.bankdetail.*).
    t.push_back(
        TargetSpec{"bitrix24.requisite",
                   "counterparty",
                   "a Bitrix24 requisite (crm.requisite.*) with bank details",
                   false,
                   true,
                   "Y",
                   "N",
                   {Int("PRESET_ID"),
                    Required("NAME"),
                    F("XML_ID"),
                    F("ORIGINATOR_ID"),
                    Flag("ACTIVE"),
                    Int("SORT"),
                    F("RQ_INN"),
                    F("RQ_KPP"),
                    F("RQ_OGRN"),
                    F("RQ_OGRNIP"),
                    F("RQ_OKPO"),
                    F("RQ_OKTMO"),
                    F("RQ_COMPANY_NAME"),
                    F("RQ_COMPANY_FULL_NAME"),
                    F("RQ_DIRECTOR"),
                    F("RQ_ACCOUNTANT"),
                    F("RQ_FIRST_NAME"),
                    F("RQ_LAST_NAME"),
                    F("RQ_SECOND_NAME"),
                    ListField("BANK_DETAILS", {Required("NAME"), F("RQ_BANK_NAME"), F("RQ_BIK"), F("RQ_ACC_NUM"),
                                               F("RQ_COR_ACC_NUM"), F("RQ_ACC_CURRENCY"), F("XML_ID")})}});
    // commerceml.md §3.8: order requisites are free text names; booleans are "true"/"false".
    t.push_back(TargetSpec{"onec.order",
                           "order",
                           "ЗначенияРеквизитов of a CommerceML Документ \"Заказ товара\" offered to 1C",
                           true,
                           false,
                           "true",
                           "false",
                           {}});
    t.push_back(TargetSpec{"onec.counterparty",
                           "counterparty",
                           "requisites of a CommerceML Контрагент (ЗначенияРеквизитов)",
                           true,
                           false,
                           "true",
                           "false",
                           {}});
    // b2bsync plays 1C against the site: the site reads the same requisites ("Статуса заказа ИД").
    t.push_back(TargetSpec{"site.order",
                           "order",
                           "ЗначенияРеквизитов of the order document b2bsync sends back to the site",
                           true,
                           false,
                           "true",
                           "false",
                           {}});
    return t;
}

}  // namespace

std::string_view ToString(OutputKind kind) noexcept {
    switch (kind) {
        case OutputKind::kText:
            return "text";
        case OutputKind::kInteger:
            return "integer";
        case OutputKind::kDecimal:
            return "decimal";
        case OutputKind::kBool:
            return "bool";
        case OutputKind::kDate:
            return "date";
        case OutputKind::kList:
            return "list";
    }
    return "text";
}

TargetField const* TargetSpec::Field(std::string_view name) const {
    auto it = std::find_if(fields.begin(), fields.end(), [name](TargetField const& f) { return f.name == name; });
    return it == fields.end() ? nullptr : &*it;
}

std::vector<std::string> TargetSpec::FieldNames() const {
    std::vector<std::string> names;
    for (auto const& f : fields) {
        names.push_back(f.name);
    }
    return names;
}

std::vector<TargetSpec> const& Targets() {
    static std::vector<TargetSpec> const targets = Build();
    return targets;
}

TargetSpec const* FindTarget(std::string_view name) {
    for (auto const& t : Targets()) {
        if (t.name == name) {
            return &t;
        }
    }
    return nullptr;
}

std::vector<std::string> TargetNames() {
    std::vector<std::string> names;
    for (auto const& t : Targets()) {
        names.push_back(t.name);
    }
    return names;
}

bool IsUserFieldName(std::string_view name) {
    constexpr std::string_view kPrefix = "UF_CRM_";
    if (!name.starts_with(kPrefix) || name.size() == kPrefix.size()) {
        return false;
    }
    return std::all_of(name.begin() + kPrefix.size(), name.end(),
                       [](char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'; });
}

}  // namespace b2b::mapping
