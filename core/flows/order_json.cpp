#include "core/flows/order_json.hpp"

#include <boost/json.hpp>

#include "core/domain/decimal_parse.hpp"

namespace b2b::flows {
namespace json = boost::json;
namespace {

// ---- encoding -------------------------------------------------------------------------------

json::object EncodeBuyer(Counterparty const& c) {
    json::array addresses;
    for (auto const& a : c.addresses) {
        addresses.push_back(json::object{{"kind", ToString(a.kind)},
                                         {"text", a.text},
                                         {"postal_code", a.postal_code},
                                         {"city", a.city}});
    }
    json::array accounts;
    for (auto const& b : c.bank_accounts) {
        accounts.push_back(json::object{{"number", b.number},
                                        {"bank_name", b.bank_name},
                                        {"bik", b.bik},
                                        {"correspondent_account", b.correspondent_account}});
    }
    json::array contacts;
    for (auto const& k : c.contacts) {
        contacts.push_back(json::object{{"kind", ToString(k.kind)}, {"value", k.value}, {"label", k.label}});
    }
    return json::object{{"id", c.id.value()},
                        {"kind", ToString(c.kind)},
                        {"name", c.name},
                        {"full_name", c.full_name},
                        {"inn", c.inn},
                        {"kpp", c.kpp},
                        {"ogrn", c.ogrn},
                        {"okpo", c.okpo},
                        {"addresses", std::move(addresses)},
                        {"bank_accounts", std::move(accounts)},
                        {"contacts", std::move(contacts)},
                        {"buyer_group", c.buyer_group},
                        {"manager", c.manager}};
}

json::object EncodeLine(OrderLine const& l) {
    json::object line{{"offer_id", l.offer_id.value()},
                      {"article", l.article},
                      {"name", l.name},
                      {"quantity", l.quantity.value.ToString()},
                      {"unit", l.quantity.unit.Code()},
                      {"unit_price", l.unit_price.ToString()},
                      {"discount", l.discount.ToString()},
                      {"sum", l.sum.ToString()}};
    if (l.vat_rate) {
        line["vat_rate"] = l.vat_rate->ToString();
    }
    return line;
}

// ---- decoding -------------------------------------------------------------------------------

/// Reads members of one JSON object, remembering the first problem with its path.
class Reader {
public:
    Reader(json::object const& object, std::string path) : object_(object), path_(std::move(path)) {}

    std::string Text(std::string_view key) {
        auto const* value = object_.if_contains(key);
        if (value == nullptr) {
            Fail(key, "missing");
            return {};
        }
        if (!value->is_string()) {
            Fail(key, "must be a string");
            return {};
        }
        return std::string(value->get_string());
    }

    Decimal Number(std::string_view key) {
        std::string const text = Text(key);
        if (!ok()) {
            return {};
        }
        auto parsed = ParseDecimal(text);
        if (!parsed) {
            Fail(key, parsed.error().message);
            return {};
        }
        return *parsed;
    }

    bool Flag(std::string_view key) {
        auto const* value = object_.if_contains(key);
        if (value == nullptr || !value->is_bool()) {
            Fail(key, "must be true or false");
            return false;
        }
        return value->get_bool();
    }

    json::array const* List(std::string_view key) {
        auto const* value = object_.if_contains(key);
        if (value == nullptr || !value->is_array()) {
            Fail(key, "must be a list");
            return nullptr;
        }
        return &value->get_array();
    }

    json::object const* Object(std::string_view key) {
        auto const* value = object_.if_contains(key);
        if (value == nullptr || !value->is_object()) {
            Fail(key, "must be an object");
            return nullptr;
        }
        return &value->get_object();
    }

    bool Has(std::string_view key) const { return object_.contains(key); }

    template <class T>
    T Parsed(std::string_view key, Result<T> (*parse)(std::string_view)) {
        std::string const text = Text(key);
        if (!ok()) {
            return T{};
        }
        auto parsed = parse(text);
        if (!parsed) {
            Fail(key, parsed.error().message);
            return T{};
        }
        return *parsed;
    }

    void Fail(std::string_view key, std::string const& why) {
        if (error_.empty()) {
            error_ = path_ + std::string(key) + ": " + why;
        }
    }
    void Adopt(std::string const& error) {
        if (error_.empty()) {
            error_ = error;
        }
    }
    bool ok() const { return error_.empty(); }
    std::string const& error() const { return error_; }
    std::string const& path() const { return path_; }

private:
    json::object const& object_;
    std::string path_;
    std::string error_;
};

json::object const* AsObject(json::value const& v) { return v.is_object() ? &v.get_object() : nullptr; }

Counterparty DecodeBuyer(json::object const& object, std::string const& path, std::string& error) {
    Reader r(object, path);
    Counterparty c;
    c.id = CanonicalId(r.Text("id"));
    c.kind = r.Parsed<CounterpartyKind>("kind", &ParseCounterpartyKind);
    c.name = r.Text("name");
    c.full_name = r.Text("full_name");
    c.inn = r.Text("inn");
    c.kpp = r.Text("kpp");
    c.ogrn = r.Text("ogrn");
    c.okpo = r.Text("okpo");
    c.buyer_group = r.Text("buyer_group");
    c.manager = r.Text("manager");
    if (auto const* list = r.List("addresses")) {
        for (std::size_t i = 0; i < list->size() && r.ok(); ++i) {
            auto const* item = AsObject((*list)[i]);
            if (item == nullptr) {
                r.Fail("addresses", "items must be objects");
                break;
            }
            Reader a(*item, path + "addresses[" + std::to_string(i) + "].");
            c.addresses.push_back({a.Parsed<AddressKind>("kind", &ParseAddressKind), a.Text("text"),
                                   a.Text("postal_code"), a.Text("city")});
            r.Adopt(a.error());
        }
    }
    if (auto const* list = r.List("bank_accounts")) {
        for (std::size_t i = 0; i < list->size() && r.ok(); ++i) {
            auto const* item = AsObject((*list)[i]);
            if (item == nullptr) {
                r.Fail("bank_accounts", "items must be objects");
                break;
            }
            Reader b(*item, path + "bank_accounts[" + std::to_string(i) + "].");
            c.bank_accounts.push_back({b.Text("number"), b.Text("bank_name"), b.Text("bik"),
                                       b.Text("correspondent_account")});
            r.Adopt(b.error());
        }
    }
    if (auto const* list = r.List("contacts")) {
        for (std::size_t i = 0; i < list->size() && r.ok(); ++i) {
            auto const* item = AsObject((*list)[i]);
            if (item == nullptr) {
                r.Fail("contacts", "items must be objects");
                break;
            }
            Reader k(*item, path + "contacts[" + std::to_string(i) + "].");
            c.contacts.push_back({k.Parsed<ContactKind>("kind", &ParseContactKind), k.Text("value"), k.Text("label")});
            r.Adopt(k.error());
        }
    }
    error = r.error();
    return c;
}

Result<ZonedTime> ParseStoredTime(std::string_view text) { return ParseIso8601(text, std::chrono::minutes(0)); }

Result<json::object> ParseObject(std::string_view text, char const* what) {
    boost::system::error_code ec;
    json::value value = json::parse(text, ec);
    if (ec || !value.is_object()) {
        return Error::Permanent(std::string(what) + ": not a JSON object");
    }
    return std::move(value.get_object());
}

}  // namespace

std::string EncodeOrder(Order const& o) {
    json::array lines;
    for (auto const& l : o.lines) {
        lines.push_back(EncodeLine(l));
    }
    json::object object{{"format", 1},
                        {"id", o.id.value()},
                        {"number", o.number},
                        {"site_id", o.site_id.value()},
                        {"onec_number", o.onec_number},
                        {"date", FormatIso8601(o.date)},
                        {"buyer", EncodeBuyer(o.buyer)},
                        {"lines", std::move(lines)},
                        {"currency", o.currency.Code()},
                        {"total", o.total.ToString()},
                        {"vat_total", o.vat_total.ToString()},
                        {"delivery", json::object{{"method", o.delivery.method},
                                                  {"address", o.delivery.address},
                                                  {"price", o.delivery.price.ToString()}}},
                        {"comment", o.comment},
                        {"stage", o.stage},
                        {"payment_method", o.payment_method},
                        {"payment", ToString(o.payment)},
                        {"shipment", ToString(o.shipment)},
                        {"onec_status", o.onec_status},
                        {"cancelled", o.cancelled}};
    return json::serialize(object);
}

Result<Order> DecodeOrder(std::string_view text) {
    auto object = ParseObject(text, "order document");
    if (!object) {
        return object.error();
    }
    Reader r(*object, "order document: ");
    Order o;
    o.id = CanonicalId(r.Text("id"));
    o.number = r.Text("number");
    o.site_id = SiteId(r.Text("site_id"));
    o.onec_number = r.Text("onec_number");
    o.date = r.Parsed<ZonedTime>("date", &ParseStoredTime);
    if (auto const* buyer = r.Object("buyer")) {
        std::string error;
        o.buyer = DecodeBuyer(*buyer, "order document: buyer.", error);
        r.Adopt(error);
    }
    if (auto const* list = r.List("lines")) {
        for (std::size_t i = 0; i < list->size() && r.ok(); ++i) {
            auto const* item = AsObject((*list)[i]);
            if (item == nullptr) {
                r.Fail("lines", "items must be objects");
                break;
            }
            Reader l(*item, "order document: lines[" + std::to_string(i) + "].");
            OrderLine line;
            line.offer_id = OneCId(l.Text("offer_id"));
            line.article = l.Text("article");
            line.name = l.Text("name");
            line.quantity.value = l.Number("quantity");
            line.quantity.unit = l.Parsed<UnitCode>("unit", &ParseUnitCode);
            line.unit_price = l.Number("unit_price");
            line.discount = l.Number("discount");
            line.sum = l.Number("sum");
            if (l.Has("vat_rate")) {
                line.vat_rate = l.Number("vat_rate");
            }
            r.Adopt(l.error());
            o.lines.push_back(std::move(line));
        }
    }
    o.currency = r.Parsed<Currency>("currency", &ParseCurrency);
    o.total = r.Number("total");
    o.vat_total = r.Number("vat_total");
    if (auto const* delivery = r.Object("delivery")) {
        Reader d(*delivery, "order document: delivery.");
        o.delivery = {d.Text("method"), d.Text("address"), d.Number("price")};
        r.Adopt(d.error());
    }
    o.comment = r.Text("comment");
    o.stage = r.Text("stage");
    o.payment_method = r.Text("payment_method");
    o.payment = r.Parsed<PaymentState>("payment", &ParsePaymentState);
    o.shipment = r.Parsed<ShipmentState>("shipment", &ParseShipmentState);
    o.onec_status = r.Text("onec_status");
    o.cancelled = r.Flag("cancelled");
    if (!r.ok()) {
        return Error::Permanent(r.error());
    }
    return o;
}

std::string EncodeCounterparty(Counterparty const& c) { return json::serialize(EncodeBuyer(c)); }

Result<Counterparty> DecodeCounterparty(std::string_view text) {
    auto object = ParseObject(text, "counterparty document");
    if (!object) {
        return object.error();
    }
    std::string error;
    Counterparty c = DecodeBuyer(*object, "counterparty document: ", error);
    if (!error.empty()) {
        return Error::Permanent(error);
    }
    return c;
}

}  // namespace b2b::flows
