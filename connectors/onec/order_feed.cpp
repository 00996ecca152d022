#include "connectors/onec/order_feed.hpp"

#include <stdexcept>
#include <utility>

#include <boost/json.hpp>

#include "core/domain/decimal_parse.hpp"

namespace b2b::onec {
namespace {

namespace json = boost::json;

constexpr std::int64_t kFormat = 1;  // bump when the JSON shape changes incompatibly

// Writing: empty strings and absent optionals are left out, so rows stay small.
void PutText(json::object& o, std::string_view key, std::string const& value) {
    if (!value.empty()) {
        o[key] = value;
    }
}
void PutFlag(json::object& o, std::string_view key, std::optional<bool> value) {
    if (value) {
        o[key] = *value;
    }
}
void PutDecimal(json::object& o, std::string_view key, std::optional<Decimal> value) {
    if (value) {
        o[key] = value->ToString();
    }
}
void PutTime(json::object& o, std::string_view key, std::optional<ZonedTime> const& value) {
    if (value) {
        o[key] = FormatIso8601(*value);
    }
}

json::array PairsToJson(std::vector<CmlRequisite> const& requisites) {
    json::array out;
    for (auto const& r : requisites) {
        out.emplace_back(json::array{json::string(r.name), json::string(r.value)});
    }
    return out;
}

json::object AddressToJson(CmlAddress const& a) {
    json::object o;
    PutText(o, "presentation", a.presentation);
    json::array fields;
    for (auto const& f : a.fields) {
        fields.emplace_back(json::array{json::string(f.type), json::string(f.value)});
    }
    o["fields"] = std::move(fields);
    return o;
}

json::object CounterpartyToJson(CmlCounterparty const& c) {
    json::object o;
    o["id"] = c.id;
    PutText(o, "name", c.name);
    PutText(o, "full_name", c.full_name);
    PutText(o, "official_name", c.official_name);
    PutText(o, "first_name", c.first_name);
    PutText(o, "last_name", c.last_name);
    PutText(o, "role", c.role);
    PutText(o, "inn", c.inn);
    PutText(o, "kpp", c.kpp);
    PutText(o, "okpo", c.okpo);
    o["legal_address"] = AddressToJson(c.legal_address);
    o["registration_address"] = AddressToJson(c.registration_address);
    o["address"] = AddressToJson(c.address);
    json::array contacts;
    for (auto const& x : c.contacts) {
        contacts.emplace_back(json::array{json::string(x.type), json::string(x.value)});
    }
    o["contacts"] = std::move(contacts);
    json::array accounts;
    for (auto const& b : c.bank_accounts) {
        accounts.emplace_back(json::array{json::string(b.account_number), json::string(b.bank_name),
                                          json::string(b.bik), json::string(b.correspondent_account),
                                          json::string(b.bank_address)});
    }
    o["bank_accounts"] = std::move(accounts);
    json::array representatives;
    for (auto const& r : c.representatives) {
        representatives.emplace_back(
            json::array{json::string(r.relation), json::string(r.id), json::string(r.name)});
    }
    o["representatives"] = std::move(representatives);
    o["deleted"] = c.deleted;
    return o;
}

json::object LineToJson(CmlDocumentLine const& l) {
    json::object o;
    o["id"] = l.id;
    o["product"] = l.ref.product.value();
    if (l.ref.variant) {
        o["variant"] = l.ref.variant->value();
    }
    PutText(o, "name", l.name);
    PutText(o, "unit_code", l.unit_code);
    PutText(o, "unit_name", l.unit_name);
    PutDecimal(o, "price", l.price);
    PutDecimal(o, "quantity", l.quantity);
    PutDecimal(o, "sum", l.sum);
    PutDecimal(o, "coefficient", l.coefficient);
    o["requisites"] = PairsToJson(l.requisites);
    return o;
}

// Reading: Boost.JSON throws on a wrong type; our own checks throw std::runtime_error. Both are
// caught once in DecodeOrderDocument and become a Permanent error.
std::string Text(json::object const& o, std::string_view key) {
    auto const* v = o.if_contains(key);
    return v == nullptr ? std::string{} : json::value_to<std::string>(*v);
}
std::optional<bool> Flag(json::object const& o, std::string_view key) {
    auto const* v = o.if_contains(key);
    return v == nullptr ? std::nullopt : std::optional<bool>(v->as_bool());
}
std::optional<Decimal> DecimalOf(json::object const& o, std::string_view key) {
    auto const* v = o.if_contains(key);
    if (v == nullptr) {
        return std::nullopt;
    }
    auto parsed = ParseDecimal(v->as_string());
    if (!parsed) {
        throw std::runtime_error(std::string(key) + ": " + parsed.error().message);
    }
    return *parsed;
}
std::optional<ZonedTime> TimeOf(json::object const& o, std::string_view key) {
    auto const* v = o.if_contains(key);
    if (v == nullptr) {
        return std::nullopt;
    }
    // Encode always writes the offset, so the default offset is never used.
    auto parsed = ParseIso8601(v->as_string(), std::chrono::minutes(0));
    if (!parsed) {
        throw std::runtime_error(std::string(key) + ": " + parsed.error().message);
    }
    return *parsed;
}
json::array const& Array(json::object const& o, std::string_view key) { return o.at(key).as_array(); }
std::string Item(json::value const& pair, std::size_t index) {
    return json::value_to<std::string>(pair.as_array().at(index));
}

std::vector<CmlRequisite> PairsFromJson(json::array const& a) {
    std::vector<CmlRequisite> out;
    for (auto const& p : a) {
        out.push_back(CmlRequisite{Item(p, 0), Item(p, 1)});
    }
    return out;
}

CmlAddress AddressFromJson(json::object const& o) {
    CmlAddress a;
    a.presentation = Text(o, "presentation");
    for (auto const& f : Array(o, "fields")) {
        a.fields.push_back(CmlAddressField{Item(f, 0), Item(f, 1)});
    }
    return a;
}

CmlCounterparty CounterpartyFromJson(json::object const& o) {
    CmlCounterparty c;
    c.id = Text(o, "id");
    c.name = Text(o, "name");
    c.full_name = Text(o, "full_name");
    c.official_name = Text(o, "official_name");
    c.first_name = Text(o, "first_name");
    c.last_name = Text(o, "last_name");
    c.role = Text(o, "role");
    c.inn = Text(o, "inn");
    c.kpp = Text(o, "kpp");
    c.okpo = Text(o, "okpo");
    c.legal_address = AddressFromJson(o.at("legal_address").as_object());
    c.registration_address = AddressFromJson(o.at("registration_address").as_object());
    c.address = AddressFromJson(o.at("address").as_object());
    for (auto const& x : Array(o, "contacts")) {
        c.contacts.push_back(CmlContact{Item(x, 0), Item(x, 1)});
    }
    for (auto const& b : Array(o, "bank_accounts")) {
        c.bank_accounts.push_back(CmlBankAccount{Item(b, 0), Item(b, 1), Item(b, 2), Item(b, 3), Item(b, 4)});
    }
    for (auto const& r : Array(o, "representatives")) {
        c.representatives.push_back(CmlRepresentative{Item(r, 0), Item(r, 1), Item(r, 2)});
    }
    c.deleted = o.at("deleted").as_bool();
    return c;
}

CmlDocumentLine LineFromJson(json::object const& o) {
    CmlDocumentLine l;
    l.id = Text(o, "id");
    l.ref.product = OneCId(Text(o, "product"));
    if (o.contains("variant")) {
        l.ref.variant = OneCId(Text(o, "variant"));
    }
    l.name = Text(o, "name");
    l.unit_code = Text(o, "unit_code");
    l.unit_name = Text(o, "unit_name");
    l.price = DecimalOf(o, "price");
    l.quantity = DecimalOf(o, "quantity");
    l.sum = DecimalOf(o, "sum");
    l.coefficient = DecimalOf(o, "coefficient");
    l.requisites = PairsFromJson(Array(o, "requisites"));
    return l;
}

CmlDocument DocumentFromJson(json::object const& o) {
    if (o.at("format").to_number<std::int64_t>() != kFormat) {
        throw std::runtime_error("unknown format " + json::serialize(o.at("format")));
    }
    CmlDocument d;
    d.id = Text(o, "id");
    d.number = Text(o, "number");
    d.date = TimeOf(o, "date");
    d.operation = Text(o, "operation");
    d.role = Text(o, "role");
    d.currency = Text(o, "currency");
    d.rate = DecimalOf(o, "rate");
    d.sum = DecimalOf(o, "sum");
    d.comment = Text(o, "comment");
    for (auto const& c : Array(o, "counterparties")) {
        d.counterparties.push_back(CounterpartyFromJson(c.as_object()));
    }
    for (auto const& l : Array(o, "lines")) {
        d.lines.push_back(LineFromJson(l.as_object()));
    }
    d.requisites = PairsFromJson(Array(o, "requisites"));
    d.number_1c = Text(o, "number_1c");
    d.date_1c = TimeOf(o, "date_1c");
    d.posted = Flag(o, "posted");
    d.cancelled = Flag(o, "cancelled");
    d.deletion_mark = Flag(o, "deletion_mark");
    d.paid = Flag(o, "paid");
    d.payment_number_1c = Text(o, "payment_number_1c");
    d.payment_date_1c = TimeOf(o, "payment_date_1c");
    d.shipment_number_1c = Text(o, "shipment_number_1c");
    d.shipment_date_1c = TimeOf(o, "shipment_date_1c");
    d.order_status = Text(o, "order_status");
    d.order_status_id = Text(o, "order_status_id");
    d.final_status = Flag(o, "final_status");
    d.delivery_allowed = Flag(o, "delivery_allowed");
    return d;
}

}  // namespace

std::string EncodeOrderDocument(CmlDocument const& d) {
    json::object o;
    o["format"] = kFormat;
    o["id"] = d.id;
    PutText(o, "number", d.number);
    PutTime(o, "date", d.date);
    PutText(o, "operation", d.operation);
    PutText(o, "role", d.role);
    PutText(o, "currency", d.currency);
    PutDecimal(o, "rate", d.rate);
    PutDecimal(o, "sum", d.sum);
    PutText(o, "comment", d.comment);
    json::array counterparties;
    for (auto const& c : d.counterparties) {
        counterparties.emplace_back(CounterpartyToJson(c));
    }
    o["counterparties"] = std::move(counterparties);
    json::array lines;
    for (auto const& l : d.lines) {
        lines.emplace_back(LineToJson(l));
    }
    o["lines"] = std::move(lines);
    o["requisites"] = PairsToJson(d.requisites);
    PutText(o, "number_1c", d.number_1c);
    PutTime(o, "date_1c", d.date_1c);
    PutFlag(o, "posted", d.posted);
    PutFlag(o, "cancelled", d.cancelled);
    PutFlag(o, "deletion_mark", d.deletion_mark);
    PutFlag(o, "paid", d.paid);
    PutText(o, "payment_number_1c", d.payment_number_1c);
    PutTime(o, "payment_date_1c", d.payment_date_1c);
    PutText(o, "shipment_number_1c", d.shipment_number_1c);
    PutTime(o, "shipment_date_1c", d.shipment_date_1c);
    PutText(o, "order_status", d.order_status);
    PutText(o, "order_status_id", d.order_status_id);
    PutFlag(o, "final_status", d.final_status);
    PutFlag(o, "delivery_allowed", d.delivery_allowed);
    return json::serialize(o);
}

Result<CmlDocument> DecodeOrderDocument(std::string_view text) {
    boost::system::error_code ec;
    // Text from the flows is stored byte for byte; the writer, not the store, judges its UTF-8.
    json::parse_options parse_options;
    parse_options.allow_invalid_utf8 = true;
    json::value const v = json::parse(text, ec, {}, parse_options);
    if (ec || !v.is_object()) {
        return Error::Permanent("corrupt order document in the store: not a JSON object");
    }
    try {
        return DocumentFromJson(v.as_object());
    } catch (std::exception const& e) {
        // Boost.JSON reports a missing key or wrong type by throwing; that is bad data, not a bug.
        return Error::Permanent(std::string("corrupt order document in the store: ") + e.what());
    }
}

Result<std::int64_t> OrderFeed::Queue(store::Transaction& tx, CmlDocument const& document) {
    if (document.id.empty()) {
        return Error::Permanent("order feed: the order has no Ид, so 1C could not match it; not queued");
    }
    return repository_.Queue(tx, document.id, EncodeOrderDocument(document));
}

Result<std::vector<QueuedOrder>> OrderFeed::PendingForQuery() {
    auto entries = repository_.PendingForQuery();
    if (!entries) {
        return entries.error();
    }
    std::vector<QueuedOrder> orders;
    orders.reserve(entries->size());
    for (auto& entry : *entries) {
        auto document = DecodeOrderDocument(entry.document);
        if (!document) {
            return document.error().WithContext("order " + entry.order_id);
        }
        orders.push_back(QueuedOrder{std::move(*document), entry.version, entry.queued_at});
    }
    return orders;
}

}  // namespace b2b::onec
