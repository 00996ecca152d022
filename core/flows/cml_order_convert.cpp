#include "core/flows/cml_order_convert.hpp"

#include <algorithm>

#include "core/domain/decimal_parse.hpp"

namespace b2b::flows {
namespace {

bool IsTrue(std::string_view text) { return text == "true" || text == "1" || text == "Да" || text == "да"; }

std::optional<ContactKind> ContactKindOf(std::string_view type) {
    if (type.starts_with("Телефон") || type == "ТелефонРабочий") {
        return ContactKind::kPhone;
    }
    if (type == "Почта" || type == "Электронная почта" || type == "E-mail" || type == "email") {
        return ContactKind::kEmail;
    }
    return std::nullopt;
}

std::string ContactLabelOf(std::string_view type) {
    if (type.find("мобильн") != std::string_view::npos) {
        return "mobile";
    }
    if (type.find("домашн") != std::string_view::npos) {
        return "home";
    }
    return "work";
}

std::string AddressField(onec::CmlAddress const& a, std::string_view type) {
    for (auto const& f : a.fields) {
        if (f.type == type) {
            return f.value;
        }
    }
    return {};
}

void AddAddress(std::vector<Address>& out, onec::CmlAddress const& a, AddressKind kind) {
    if (a.empty()) {
        return;
    }
    out.push_back({kind, a.presentation, AddressField(a, "Почтовый индекс"), AddressField(a, "Город")});
}

onec::CmlCounterparty const* FindBuyer(onec::CmlDocument const& d) {
    for (auto const& c : d.counterparties) {
        if (c.role == "Покупатель") {
            return &c;
        }
    }
    return d.counterparties.size() == 1 ? &d.counterparties.front() : nullptr;
}

bool IsDeliveryLine(onec::CmlDocumentLine const& line) {
    return line.id == "ORDER_DELIVERY" || RequisiteValue(line.requisites, "ВидНоменклатуры") == "Услуга";
}

}  // namespace

std::string CounterpartyIdFor(std::string_view inn, std::string_view kpp) {
    std::string id = "cp-" + std::string(inn);
    if (!kpp.empty()) {
        id += "-" + std::string(kpp);
    }
    return id;
}

std::string RequisiteValue(std::vector<onec::CmlRequisite> const& requisites, std::string_view name) {
    for (auto const& r : requisites) {
        if (r.name == name) {
            return r.value;
        }
    }
    return {};
}

std::string SiteStatusLetter(onec::CmlDocument const& d) {
    if (!d.order_status_id.empty()) {
        return d.order_status_id;
    }
    std::string_view status = d.order_status;
    if (status.size() >= 3 && status.front() == '[') {
        auto const close = status.find(']');
        if (close != std::string_view::npos && close > 1) {
            return std::string(status.substr(1, close - 1));
        }
    }
    return {};
}

Result<Counterparty> CounterpartyFromCml(onec::CmlCounterparty const& c) {
    std::string const who = c.id.empty() ? c.name : c.id;
    if (c.inn.empty()) {
        return Error::Permanent("counterparty " + who + ": no INN (b2bsync matches counterparties by INN and KPP)");
    }
    Counterparty out;
    out.id = CanonicalId(CounterpartyIdFor(c.inn, c.kpp));
    out.name = c.name;
    out.full_name = !c.full_name.empty() ? c.full_name : c.official_name;
    out.inn = c.inn;
    out.kpp = c.kpp;
    out.okpo = c.okpo;
    if (c.inn.size() == 12) {
        // 12 digits: a sole proprietor or a person. A person as Bitrix exports it has a first or
        // last name and no official name.
        bool const person = c.official_name.empty() && (!c.first_name.empty() || !c.last_name.empty());
        out.kind = person ? CounterpartyKind::kPerson : CounterpartyKind::kSoleProprietor;
    }
    AddAddress(out.addresses, c.legal_address, AddressKind::kLegal);
    AddAddress(out.addresses, c.registration_address, AddressKind::kLegal);
    AddAddress(out.addresses, c.address, AddressKind::kActual);
    for (auto const& b : c.bank_accounts) {
        out.bank_accounts.push_back({b.account_number, b.bank_name, b.bik, b.correspondent_account});
    }
    for (auto const& k : c.contacts) {
        if (auto kind = ContactKindOf(k.type); kind && !k.value.empty()) {
            out.contacts.push_back({*kind, k.value, ContactLabelOf(k.type)});
        }
    }
    return out;
}

Result<Order> OrderFromCml(onec::CmlDocument const& d, std::string const& canonical_id) {
    std::string const subject = "order " + (d.number.empty() ? d.id : d.number);
    auto const* buyer = FindBuyer(d);
    if (buyer == nullptr) {
        return Error::Permanent(subject + ": no counterparty with Роль Покупатель");
    }
    auto counterparty = CounterpartyFromCml(*buyer);
    if (!counterparty) {
        return Error::Permanent(subject + ": " + counterparty.error().message);
    }
    if (!d.date) {
        return Error::Permanent(subject + ": no Дата");
    }
    Order o;
    o.id = CanonicalId(canonical_id);
    o.number = d.number;
    o.site_id = SiteId(d.id);
    o.onec_number = d.number_1c;
    o.date = *d.date;
    o.buyer = std::move(*counterparty);
    if (!d.currency.empty()) {
        auto currency = ParseCurrency(d.currency);
        if (!currency) {
            return Error::Permanent(subject + ": Валюта: " + currency.error().message);
        }
        o.currency = *currency;
    }
    Decimal lines_total;
    for (std::size_t i = 0; i < d.lines.size(); ++i) {
        auto const& l = d.lines[i];
        std::string const where = subject + ": line " + std::to_string(i + 1) + " (" + l.name + ")";
        if (IsDeliveryLine(l)) {
            o.delivery.price = l.sum ? *l.sum : l.price.value_or(Decimal{});
            continue;
        }
        if (!l.quantity || !l.price) {
            return Error::Permanent(where + ": no quantity or price");
        }
        auto unit = ParseUnitCode(l.unit_code.empty() ? "796" : l.unit_code);
        if (!unit) {
            return Error::Permanent(where + ": unit: " + unit.error().message);
        }
        OrderLine line;
        line.offer_id = OneCId(l.id);
        line.article = RequisiteValue(l.requisites, "Артикул");
        line.name = l.name;
        line.quantity = Quantity{*l.quantity, *unit};
        line.unit_price = *l.price;
        auto gross = Mul(*l.price, *l.quantity);
        if (!gross) {
            return Error::Permanent(where + ": " + gross.error().message);
        }
        line.sum = l.sum ? *l.sum : *gross;
        // CommerceML carries the line's discount only inside Скидки; what the buyer pays (Сумма)
        // against price x quantity is the discount that matters to the deal and to 1C.
        auto const discount = Sub(*gross, line.sum);
        line.discount = discount && *discount > Decimal{} ? *discount : Decimal{};
        lines_total += line.sum;
        o.lines.push_back(std::move(line));
    }
    o.total = d.sum ? *d.sum : lines_total + o.delivery.price;
    o.comment = d.comment;
    o.payment_method = RequisiteValue(d.requisites, "Метод оплаты");
    o.delivery.method = RequisiteValue(d.requisites, "Способ доставки");
    o.delivery.address = RequisiteValue(d.requisites, "Адрес доставки");
    if (d.paid.value_or(false)) {
        o.payment = PaymentState::kPaid;
    }
    if (IsTrue(RequisiteValue(d.requisites, "Отгружен")) || !d.shipment_number_1c.empty()) {
        o.shipment = ShipmentState::kShipped;
    }
    o.onec_status = d.order_status;
    o.cancelled = d.cancelled.value_or(false);
    return o;
}

}  // namespace b2b::flows
