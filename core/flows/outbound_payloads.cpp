#include "core/flows/outbound_payloads.hpp"

#include <boost/json.hpp>

namespace b2b::flows {
namespace json = boost::json;
namespace {

/// LinkResolver for mapping at enqueue time: nothing is linked yet; the deliverer resolves
/// companies and stages itself when it runs.
class NoLinksYet final : public mapping::LinkResolver {
public:
    Result<std::optional<std::string>> Resolve(std::string_view, std::string_view) const override {
        return std::optional<std::string>{};
    }
};

std::string Text(mapping::OutputRecord const& record, std::string_view name) {
    auto const* value = record.Find(name);
    return value != nullptr ? value->text : std::string();
}

std::optional<std::int64_t> Integer(std::string const& text) {
    if (text.empty()) {
        return std::nullopt;
    }
    try {
        std::size_t used = 0;
        std::int64_t const n = std::stoll(text, &used);
        return used == text.size() ? std::optional<std::int64_t>(n) : std::nullopt;
    } catch (std::exception const&) {
        return std::nullopt;
    }
}

json::object CounterpartyObject(Counterparty const& c) {
    return json::object{{"id", c.id.value()},
                        {"name", c.name},
                        {"inn", c.inn},
                        {"kpp", c.kpp},
                        {"legal_form", ToString(c.kind)}};
}

void SetRequisite(std::vector<onec::CmlRequisite>& requisites, std::string const& name, std::string const& value) {
    for (auto& r : requisites) {
        if (r.name == name) {
            r.value = value;
            return;
        }
    }
    requisites.push_back({name, value});
}

Result<mapping::MappingOutput> Map(mapping::MappingSet const& set, char const* name, Order const& order) {
    NoLinksYet links;
    return set.MapOrder(name, order, links);
}

}  // namespace

Result<std::string> DealPayload(Order const& order, mapping::MappingSet const& set) {
    auto mapped = Map(set, "deal", order);
    if (!mapped) {
        return mapped.error();
    }
    json::object payload{{"id", order.id.value()},
                         {"title", Text(mapped->fields, "TITLE")},
                         {"counterparty", CounterpartyObject(order.buyer)},
                         {"currency", order.currency.Code()},
                         {"stage", order.stage}};
    if (auto manager = Integer(Text(mapped->fields, "ASSIGNED_BY_ID"))) {
        payload["assigned_by_id"] = *manager;
        payload["counterparty"].as_object()["assigned_by_id"] = *manager;
    }
    json::array lines;
    json::object fields;
    json::object update_fields;  // for an existing deal: only what Bitrix24 does not own
    for (auto const& [name, value] : mapped->fields.fields) {
        if (name == "PRODUCT_ROWS") {
            for (auto const& row : value.items) {
                json::object line{{"name", Text(row, "PRODUCT_NAME")},
                                  {"product_id", 0},
                                  {"price", Text(row, "PRICE")},
                                  {"quantity", Text(row, "QUANTITY")}};
                if (auto code = Integer(Text(row, "MEASURE_CODE"))) {
                    line["measure_code"] = *code;
                }
                lines.push_back(std::move(line));
            }
            continue;
        }
        if (name == "STAGE_ID" || name == "COMPANY_ID" || name == "TITLE" || name == "ASSIGNED_BY_ID" ||
            value.kind == mapping::OutputKind::kList) {
            continue;
        }
        fields[name] = value.text;
        if (set.Owner(mapped->target, name) != mapping::System::kBitrix24) {
            update_fields[name] = value.text;
        }
    }
    payload["lines"] = std::move(lines);
    payload["fields"] = std::move(fields);
    payload["update_fields"] = std::move(update_fields);
    return json::serialize(payload);
}

std::string CompanyPayload(Counterparty const& counterparty) {
    return json::serialize(CounterpartyObject(counterparty));
}

Result<onec::CmlDocument> OnecOrderDocument(Order const& order, onec::CmlDocument const& site_document,
                                            mapping::MappingSet const& set) {
    auto mapped = Map(set, "onec_order", order);
    if (!mapped) {
        return mapped.error();
    }
    onec::CmlDocument document = site_document;
    for (auto const& [name, value] : mapped->fields.fields) {
        if (value.kind != mapping::OutputKind::kList && !value.text.empty()) {
            SetRequisite(document.requisites, name, value.text);
        }
    }
    if (!order.onec_number.empty()) {
        document.number_1c = order.onec_number;
    }
    return document;
}

Result<onec::CmlDocument> SiteStatusDocument(Order const& order, onec::CmlDocument const& site_document,
                                             mapping::MappingSet const& set) {
    auto mapped = Map(set, "site_order", order);
    if (!mapped) {
        return mapped.error();
    }
    onec::CmlDocument document = site_document;
    document.id = order.site_id.value();
    document.number = order.number;
    for (auto const& [name, value] : mapped->fields.fields) {
        if (value.kind != mapping::OutputKind::kList) {
            SetRequisite(document.requisites, name, value.text);
        }
    }
    document.number_1c = order.onec_number;
    document.order_status_id = Text(mapped->fields, "Статуса заказа ИД");
    document.cancelled = order.cancelled;
    document.paid = order.payment == PaymentState::kPaid;
    return document;
}

}  // namespace b2b::flows
