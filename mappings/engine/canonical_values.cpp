#include "mappings/engine/canonical_values.hpp"

#include <sstream>

namespace b2b::mapping {
namespace {

using Fields = std::vector<std::pair<std::string, std::shared_ptr<TypeSpec const>>>;

std::shared_ptr<TypeSpec const> Text(std::string d) { return Scalar(ValueType::kText, std::move(d)); }
std::shared_ptr<TypeSpec const> Dec(std::string d) { return Scalar(ValueType::kDecimal, std::move(d)); }
std::shared_ptr<TypeSpec const> Int(std::string d) { return Scalar(ValueType::kInteger, std::move(d)); }
std::shared_ptr<TypeSpec const> Flag(std::string d) { return Scalar(ValueType::kBool, std::move(d)); }
std::shared_ptr<TypeSpec const> Time(std::string d) { return Scalar(ValueType::kTime, std::move(d)); }

std::shared_ptr<TypeSpec const> ContactSpec(char const* what) {
    return RecordOf({{"value", Text(std::string("the ") + what)},
                     {"label", Text("work, mobile, home...: map it with a table (e.g. phone_types)")}},
                    what);
}

std::shared_ptr<TypeSpec const> CounterpartySpec() {
    static auto const spec = RecordOf(
        Fields{
            {"id", Text("b2bsync's id of the counterparty")},
            {"kind", Text("legal_entity, sole_proprietor or person")},
            {"name", Text("short name")},
            {"full_name", Text("official full name")},
            {"last_name", Text("a person's or sole proprietor's surname: the first word of the name")},
            {"first_name", Text("the second word of the name")},
            {"middle_name", Text("the rest of the name (patronymic)")},
            {"inn", Text("ИНН, 10 or 12 digits")},
            {"kpp", Text("КПП (legal entities)")},
            {"ogrn", Text("ОГРН (13 digits) or ОГРНИП (15)")},
            {"ogrn_legal", Text("ОГРН of a legal entity (absent for others): Bitrix24 RQ_OGRN")},
            {"ogrnip", Text("ОГРНИП of a sole proprietor (absent for others): Bitrix24 RQ_OGRNIP")},
            {"okpo", Text("ОКПО")},
            {"buyer_group", Text("buyer group: a key of the price_types table")},
            {"manager", Text("assigned manager's name as 1C and the site write it")},
            {"legal_address", Text("text of the first legal address")},
            {"actual_address", Text("text of the first actual address")},
            {"phone", Text("the first phone number")},
            {"email", Text("the first e-mail address")},
            {"phones", ListOf(ContactSpec("phone number"), "phone", "all phone numbers")},
            {"emails", ListOf(ContactSpec("e-mail address"), "email", "all e-mail addresses")},
            {"addresses", ListOf(RecordOf({{"kind", Text("legal, actual or postal")},
                                           {"text", Text("the whole address")},
                                           {"postal_code", Text("postal code")},
                                           {"city", Text("city")}},
                                          "address"),
                                 "address", "all addresses")},
            {"bank_accounts", ListOf(RecordOf({{"number", Text("account number, 20 digits")},
                                               {"bank_name", Text("bank name")},
                                               {"bik", Text("БИК")},
                                               {"correspondent_account", Text("correspondent account")}},
                                              "bank account"),
                                     "account", "all bank accounts")},
        },
        "a counterparty");
    return spec;
}

std::shared_ptr<TypeSpec const> LineSpec() {
    return RecordOf(
        Fields{
            {"position", Int("1-based line number")},
            {"offer_id", Text("1C Ид of the offer (product#variant for characteristics)")},
            {"product_id", Text("the product part of offer_id")},
            {"variant_id", Text("the variant part of offer_id (absent without a characteristic)")},
            {"article", Text("article (артикул)")},
            {"name", Text("product name")},
            {"quantity", Dec("quantity")},
            {"unit", Text("OKEI unit code, 3 digits (796 = pcs)")},
            {"unit_price", Dec("price per unit before the discount")},
            {"discount", Dec("discount amount on the line")},
            {"price", Dec("final price per unit: sum / quantity, 4 digits")},
            {"vat_rate", Dec("VAT percent; absent = without VAT")},
            {"sum", Dec("line sum the buyer pays")},
        },
        "an order line");
}

std::string FirstAddress(Counterparty const& c, AddressKind kind) {
    for (auto const& a : c.addresses) {
        if (a.kind == kind) {
            return a.text;
        }
    }
    return {};
}

std::string FirstContact(Counterparty const& c, ContactKind kind) {
    for (auto const& contact : c.contacts) {
        if (contact.kind == kind) {
            return contact.value;
        }
    }
    return {};
}

List Contacts(Counterparty const& c, ContactKind kind) {
    List list;
    for (auto const& contact : c.contacts) {
        if (contact.kind == kind) {
            list.push_back(
                Value::Of(Record{{"value", Value::Text(contact.value)}, {"label", Value::Text(contact.label)}}));
        }
    }
    return list;
}

Value LineValue(Order const& order, std::size_t index) {
    OrderLine const& line = order.lines[index];
    Record r;
    r["position"] = Value::Integer(static_cast<std::int64_t>(index) + 1);
    r["offer_id"] = Value::Text(line.offer_id.value());
    auto split = line.offer_id.SplitVariant();
    r["product_id"] = Value::Text(split ? split->product.value() : line.offer_id.value());
    r["variant_id"] = Value::Text(split && split->variant ? split->variant->value() : std::string());
    r["article"] = Value::Text(line.article);
    r["name"] = Value::Text(line.name);
    r["quantity"] = Value::Number(line.quantity.value);
    r["unit"] = Value::Text(line.quantity.unit.Code());
    r["unit_price"] = Value::Number(line.unit_price);
    r["discount"] = Value::Number(line.discount);
    auto price = Div(line.sum, line.quantity.value, Decimal::kScale);
    r["price"] = price ? Value::Number(*price) : Value{};
    r["vat_rate"] = line.vat_rate ? Value::Number(*line.vat_rate) : Value{};
    r["sum"] = Value::Number(line.sum);
    return Value::Of(std::move(r));
}

}  // namespace

Value CounterpartyValue(Counterparty const& c) {
    Record r;
    r["id"] = Value::Text(c.id.value());
    r["kind"] = Value::Text(std::string(ToString(c.kind)));
    r["name"] = Value::Text(c.name);
    r["full_name"] = Value::Text(c.full_name);
    // Russian names are written "Фамилия Имя Отчество".
    std::istringstream words(c.name);
    std::string last;
    std::string first;
    std::string middle;
    words >> last >> first;
    std::getline(words >> std::ws, middle);
    bool const natural = c.kind != CounterpartyKind::kLegalEntity;
    r["last_name"] = Value::Text(natural ? last : std::string());
    r["first_name"] = Value::Text(natural ? first : std::string());
    r["middle_name"] = Value::Text(natural ? middle : std::string());
    r["inn"] = Value::Text(c.inn);
    r["kpp"] = Value::Text(c.kpp);
    r["ogrn"] = Value::Text(c.ogrn);
    r["ogrn_legal"] = Value::Text(c.kind == CounterpartyKind::kLegalEntity ? c.ogrn : std::string());
    r["ogrnip"] = Value::Text(c.kind == CounterpartyKind::kSoleProprietor ? c.ogrn : std::string());
    r["okpo"] = Value::Text(c.okpo);
    r["buyer_group"] = Value::Text(c.buyer_group);
    r["manager"] = Value::Text(c.manager);
    r["legal_address"] = Value::Text(FirstAddress(c, AddressKind::kLegal));
    r["actual_address"] = Value::Text(FirstAddress(c, AddressKind::kActual));
    r["phone"] = Value::Text(FirstContact(c, ContactKind::kPhone));
    r["email"] = Value::Text(FirstContact(c, ContactKind::kEmail));
    r["phones"] = Value::Of(Contacts(c, ContactKind::kPhone));
    r["emails"] = Value::Of(Contacts(c, ContactKind::kEmail));
    List addresses;
    for (auto const& a : c.addresses) {
        addresses.push_back(Value::Of(Record{{"kind", Value::Text(std::string(ToString(a.kind)))},
                                             {"text", Value::Text(a.text)},
                                             {"postal_code", Value::Text(a.postal_code)},
                                             {"city", Value::Text(a.city)}}));
    }
    r["addresses"] = Value::Of(std::move(addresses));
    List accounts;
    for (auto const& a : c.bank_accounts) {
        accounts.push_back(Value::Of(Record{{"number", Value::Text(a.number)},
                                            {"bank_name", Value::Text(a.bank_name)},
                                            {"bik", Value::Text(a.bik)},
                                            {"correspondent_account", Value::Text(a.correspondent_account)}}));
    }
    r["bank_accounts"] = Value::Of(std::move(accounts));
    return Value::Of(std::move(r));
}

SourceSchema const& OrderSource() {
    static SourceSchema const schema = [] {
        auto order = RecordOf(
            Fields{
                {"id", Text("b2bsync's id of the order")},
                {"number", Text("order number the buyer sees")},
                {"site_id", Text("the site's order ID")},
                {"onec_number", Text("1C document number (absent until 1C has the order)")},
                {"date", Time("order date with its UTC offset")},
                {"currency", Text("ISO 4217 code, e.g. RUB")},
                {"total", Dec("order total: line sums + delivery")},
                {"vat_total", Dec("VAT included in the total")},
                {"comment", Text("buyer's comment")},
                {"stage", Text("canonical stage key: a row of the statuses table")},
                {"payment_method", Text("the site's payment system name")},
                {"payment", Text("unpaid, partly_paid or paid")},
                {"paid", Flag("true when payment is paid")},
                {"shipment", Text("not_shipped, partly_shipped or shipped")},
                {"shipped", Flag("true when shipment is shipped")},
                {"onec_status", Text("1C's order status text as last received")},
                {"cancelled", Flag("the order is cancelled")},
                {"line_count", Int("number of lines")},
                {"delivery", RecordOf({{"method", Text("delivery method")},
                                       {"address", Text("delivery address")},
                                       {"price", Dec("delivery price (part of the total)")}},
                                      "delivery")},
                {"lines", ListOf(LineSpec(), "line", "order lines")},
                {"buyer", CounterpartySpec()},
            },
            "an order");
        return SourceSchema{"order", {{"order", order}, {"buyer", CounterpartySpec()}}};
    }();
    return schema;
}

SourceSchema const& CounterpartySource() {
    static SourceSchema const schema{"counterparty", {{"counterparty", CounterpartySpec()}}};
    return schema;
}

SourceSchema const* FindSource(std::string_view name) {
    if (name == "order") {
        return &OrderSource();
    }
    if (name == "counterparty") {
        return &CounterpartySource();
    }
    return nullptr;
}

Record OrderRoots(Order const& o) {
    Record r;
    r["id"] = Value::Text(o.id.value());
    r["number"] = Value::Text(o.number);
    r["site_id"] = Value::Text(o.site_id.value());
    r["onec_number"] = Value::Text(o.onec_number);
    r["date"] = Value::Time(o.date);
    r["currency"] = Value::Text(std::string(o.currency.Code()));
    r["total"] = Value::Number(o.total);
    r["vat_total"] = Value::Number(o.vat_total);
    r["comment"] = Value::Text(o.comment);
    r["stage"] = Value::Text(o.stage);
    r["payment_method"] = Value::Text(o.payment_method);
    r["payment"] = Value::Text(std::string(ToString(o.payment)));
    r["paid"] = Value::Bool(o.payment == PaymentState::kPaid);
    r["shipment"] = Value::Text(std::string(ToString(o.shipment)));
    r["shipped"] = Value::Bool(o.shipment == ShipmentState::kShipped);
    r["onec_status"] = Value::Text(o.onec_status);
    r["cancelled"] = Value::Bool(o.cancelled);
    r["line_count"] = Value::Integer(static_cast<std::int64_t>(o.lines.size()));
    r["delivery"] = Value::Of(Record{{"method", Value::Text(o.delivery.method)},
                                     {"address", Value::Text(o.delivery.address)},
                                     {"price", Value::Number(o.delivery.price)}});
    List lines;
    for (std::size_t i = 0; i < o.lines.size(); ++i) {
        lines.push_back(LineValue(o, i));
    }
    r["lines"] = Value::Of(std::move(lines));
    Value buyer = CounterpartyValue(o.buyer);
    r["buyer"] = buyer;
    return Record{{"order", Value::Of(std::move(r))}, {"buyer", std::move(buyer)}};
}

Record CounterpartyRoots(Counterparty const& c) { return Record{{"counterparty", CounterpartyValue(c)}}; }

}  // namespace b2b::mapping
