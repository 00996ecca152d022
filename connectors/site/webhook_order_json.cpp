#include "connectors/site/webhook_order_json.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "core/domain/decimal_parse.hpp"
#include "core/domain/ids.hpp"
#include "core/domain/zoned_time.hpp"

namespace b2b::site {
namespace {

namespace json = boost::json;

Error Bad(std::string_view field, std::string_view reason) {
    return Error::Permanent("webhook order: " + std::string(field) + ": " + std::string(reason));
}

Result<std::string> Text(json::object const& o, std::string_view key, std::string_view field, bool required) {
    auto const* v = o.if_contains(key);
    if (v == nullptr || v->is_null()) {
        if (required) {
            return Bad(field, "is required");
        }
        return std::string();
    }
    if (!v->is_string()) {
        return Bad(field, "must be a string");
    }
    return std::string(v->get_string());
}

Result<std::optional<Decimal>> Money(json::object const& o, std::string_view key, std::string_view field,
                                     bool required) {
    auto const* v = o.if_contains(key);
    if (v == nullptr || v->is_null()) {
        if (required) {
            return Bad(field, "is required");
        }
        return std::optional<Decimal>();
    }
    if (!v->is_string()) {
        return Bad(field, "must be a decimal string such as \"1234.50\" (JSON numbers lose precision)");
    }
    auto parsed = ParseDecimal(v->get_string());
    if (!parsed) {
        return Bad(field, parsed.error().message);
    }
    return std::optional<Decimal>(*parsed);
}

Result<std::optional<bool>> Flag(json::object const& o, std::string_view key) {
    auto const* v = o.if_contains(key);
    if (v == nullptr || v->is_null()) {
        return std::optional<bool>();
    }
    if (!v->is_bool()) {
        return Bad(key, "must be true or false");
    }
    return std::optional<bool>(v->get_bool());
}

char const* BoolText(bool b) { return b ? "true" : "false"; }

}  // namespace

Result<onec::CmlDocument> DecodeWebhookOrder(std::string_view text, std::chrono::minutes default_offset) {
    boost::system::error_code ec;
    auto parsed = json::parse(text, ec);
    if (ec) {
        return Bad("body", "not JSON: " + ec.message());
    }
    if (!parsed.is_object()) {
        return Bad("body", "must be a JSON object");
    }
    auto const& o = parsed.as_object();
    onec::CmlDocument doc;
    auto id = Text(o, "id", "id", true);
    if (!id) {
        return id.error();
    }
    if (id->empty()) {
        return Bad("id", "must not be empty");
    }
    doc.id = *id;
    auto number = Text(o, "number", "number", true);
    if (!number) {
        return number.error();
    }
    doc.number = *number;
    auto date = Text(o, "date", "date", true);
    if (!date) {
        return date.error();
    }
    auto when = ParseIso8601(*date, default_offset);
    if (!when) {
        return Bad("date", when.error().message);
    }
    doc.date = *when;
    doc.operation = "Заказ товара";
    doc.role = "Продавец";
    auto currency = Text(o, "currency", "currency", false);
    if (!currency) {
        return currency.error();
    }
    doc.currency = *currency;
    auto comment = Text(o, "comment", "comment", false);
    if (!comment) {
        return comment.error();
    }
    doc.comment = *comment;
    auto total = Money(o, "total", "total", true);
    if (!total) {
        return total.error();
    }
    doc.sum = *total;

    auto const* buyer_value = o.if_contains("buyer");
    if (buyer_value == nullptr || !buyer_value->is_object()) {
        return Bad("buyer", "is required (an object)");
    }
    auto const& b = buyer_value->as_object();
    onec::CmlCounterparty buyer;
    buyer.role = "Покупатель";
    for (auto [key, target] : {std::pair{"id", &buyer.id}, std::pair{"name", &buyer.name},
                               std::pair{"full_name", &buyer.full_name}, std::pair{"inn", &buyer.inn},
                               std::pair{"kpp", &buyer.kpp}}) {
        auto value = Text(b, key, std::string("buyer.") + key, false);
        if (!value) {
            return value.error();
        }
        *target = *value;
    }
    if (buyer.id.empty() && buyer.inn.empty()) {
        return Bad("buyer", "needs an id or an inn");
    }
    doc.counterparties.push_back(std::move(buyer));

    auto const* lines = o.if_contains("lines");
    if (lines == nullptr || !lines->is_array() || lines->as_array().empty()) {
        return Bad("lines", "is required (a non-empty array)");
    }
    std::size_t index = 0;
    for (auto const& item : lines->as_array()) {
        auto const field = "lines[" + std::to_string(index++) + "]";
        if (!item.is_object()) {
            return Bad(field, "must be an object");
        }
        auto const& l = item.as_object();
        onec::CmlDocumentLine line;
        auto line_id = Text(l, "id", field + ".id", true);
        if (!line_id) {
            return line_id.error();
        }
        line.id = *line_id;
        auto ref = OneCId(line.id).SplitVariant();
        if (!ref) {
            return Bad(field + ".id", ref.error().message);
        }
        line.ref = *ref;
        for (auto [key, target] : {std::pair{"name", &line.name}, std::pair{"unit_code", &line.unit_code},
                                   std::pair{"unit_name", &line.unit_name}}) {
            auto value = Text(l, key, field + "." + key, false);
            if (!value) {
                return value.error();
            }
            *target = *value;
        }
        auto price = Money(l, "price", field + ".price", true);
        auto quantity = Money(l, "quantity", field + ".quantity", true);
        auto sum = Money(l, "sum", field + ".sum", true);
        for (auto const* r : {&price, &quantity, &sum}) {
            if (!*r) {
                return r->error();
            }
        }
        line.price = *price;
        line.quantity = *quantity;
        line.sum = *sum;
        doc.lines.push_back(std::move(line));
    }

    auto paid = Flag(o, "paid");
    auto shipped = Flag(o, "shipped");
    auto cancelled = Flag(o, "cancelled");
    for (auto const* r : {&paid, &shipped, &cancelled}) {
        if (!*r) {
            return r->error();
        }
    }
    auto status = Text(o, "status", "status", false);
    if (!status) {
        return status.error();
    }
    // The same requisites, in the same order, as Bitrix's query answer (commerceml.md §3.8).
    doc.paid = paid->value_or(false);
    doc.delivery_allowed = shipped->value_or(false);
    doc.cancelled = cancelled->value_or(false);
    doc.requisites.push_back({"Заказ оплачен", BoolText(*doc.paid)});
    doc.requisites.push_back({"Доставка разрешена", BoolText(*doc.delivery_allowed)});
    doc.requisites.push_back({"Отменен", BoolText(*doc.cancelled)});
    if (!status->empty()) {
        doc.requisites.push_back({"Статуса заказа ИД", *status});
        doc.order_status_id = *status;
    }
    return doc;
}

std::string EncodeWebhookUpdate(SiteOrderUpdate const& update) {
    json::object body{{"id", update.order_id}};
    if (!update.order_number.empty()) {
        body["number"] = update.order_number;
    }
    if (!update.status_id.empty()) {
        body["status"] = update.status_id;
    }
    if (update.paid) {
        body["paid"] = *update.paid;
    }
    if (update.shipped) {
        body["shipped"] = *update.shipped;
    }
    if (update.cancelled) {
        body["cancelled"] = *update.cancelled;
    }
    if (!update.number_1c.empty()) {
        body["number_1c"] = update.number_1c;
    }
    return json::serialize(body);
}

}  // namespace b2b::site
