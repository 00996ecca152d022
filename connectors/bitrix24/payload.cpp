#include "connectors/bitrix24/payload.hpp"

#include <algorithm>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <fmt/format.h>

#include "core/domain/decimal_parse.hpp"

namespace b2b::bitrix24 {
namespace {

namespace json = boost::json;

Result<json::object> ParseObject(std::string_view text) {
    boost::system::error_code ec;
    auto value = json::parse(text, ec);
    if (ec || !value.is_object()) {
        return Error::Permanent("payload: not a JSON object");
    }
    return std::move(value.get_object());
}

Result<std::string> RequiredString(json::object const& obj, std::string_view key) {
    auto const* v = obj.if_contains(key);
    if (v == nullptr || !v->is_string() || v->get_string().empty()) {
        return Error::Permanent(fmt::format("payload: \"{}\" must be a non-empty string", key));
    }
    return std::string(v->get_string());
}

std::string OptionalString(json::object const& obj, std::string_view key) {
    auto const* v = obj.if_contains(key);
    return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
}

std::optional<std::int64_t> OptionalInt(json::object const& obj, std::string_view key) {
    auto const* v = obj.if_contains(key);
    if (v != nullptr && v->is_int64()) {
        return v->get_int64();
    }
    return std::nullopt;
}

bool AllDigits(std::string const& s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

Result<Counterparty> FromObject(json::object const& obj) {
    Counterparty c;
    auto id = RequiredString(obj, "id");
    if (!id) {
        return id.error();
    }
    c.id = *id;
    auto name = RequiredString(obj, "name");
    if (!name) {
        return name.error();
    }
    c.name = *name;
    c.inn = OptionalString(obj, "inn");
    c.kpp = OptionalString(obj, "kpp");
    if (!c.inn.empty() && (!AllDigits(c.inn) || (c.inn.size() != 10 && c.inn.size() != 12))) {
        return Error::Permanent(fmt::format("payload: \"inn\" of counterparty {} must be 10 or 12 digits", c.id));
    }
    if (!c.kpp.empty() && (!AllDigits(c.kpp) || c.kpp.size() != 9)) {
        return Error::Permanent(fmt::format("payload: \"kpp\" of counterparty {} must be 9 digits", c.id));
    }
    auto const form = OptionalString(obj, "legal_form");
    if (form == "legal_entity") {
        c.legal_form = LegalForm::kLegalEntity;
    } else if (form == "sole_proprietor") {
        c.legal_form = LegalForm::kSoleProprietor;
    } else if (form == "person") {
        c.legal_form = LegalForm::kPerson;
    } else if (!form.empty()) {
        return Error::Permanent(
            fmt::format("payload: \"legal_form\" must be legal_entity, sole_proprietor or person, not \"{}\"", form));
    }
    c.assigned_by_id = OptionalInt(obj, "assigned_by_id");
    if (auto const* banks = obj.if_contains("bank_accounts"); banks != nullptr) {
        if (!banks->is_array() || banks->get_array().size() > 10) {
            return Error::Permanent(
                fmt::format("payload: \"bank_accounts\" of counterparty {} must be an array of at most 10", c.id));
        }
        for (auto const& item : banks->get_array()) {
            auto const* bank = item.if_object();
            auto const account = bank ? OptionalString(*bank, "account") : std::string();
            auto const bik = bank ? OptionalString(*bank, "bik") : std::string();
            if (account.empty() || !AllDigits(account) || bik.empty() || !AllDigits(bik)) {
                return Error::Permanent(fmt::format(
                    "payload: a bank account of counterparty {} needs digit strings \"account\" and \"bik\"", c.id));
            }
            c.bank_accounts.push_back(
                BankAccount{account, bik, OptionalString(*bank, "bank_name"), OptionalString(*bank, "correspondent")});
        }
    }
    if (auto const* address = obj.if_contains("address"); address != nullptr) {
        auto const* a = address->if_object();
        if (a == nullptr || OptionalString(*a, "address_1").empty()) {
            return Error::Permanent(
                fmt::format("payload: \"address\" of counterparty {} must be an object with \"address_1\"", c.id));
        }
        c.address = Address{OptionalString(*a, "address_1"), OptionalString(*a, "city"),
                            OptionalString(*a, "postal_code"), OptionalString(*a, "region"),
                            OptionalString(*a, "country")};
    }
    return c;
}

// "deal_id" or "order_id"; nullopt when neither is given.
Result<std::optional<DealTarget>> OptionalDeal(json::object const& obj) {
    DealTarget deal;
    deal.deal_id = OptionalInt(obj, "deal_id").value_or(0);
    deal.order_id = OptionalString(obj, "order_id");
    if (deal.deal_id < 0) {
        return Error::Permanent("payload: \"deal_id\" must be a positive integer");
    }
    if (deal.deal_id == 0 && deal.order_id.empty()) {
        return std::optional<DealTarget>{};
    }
    return std::optional<DealTarget>{deal};
}

Result<std::int64_t> RequiredId(json::object const& obj, std::string_view key) {
    auto id = OptionalInt(obj, key);
    if (!id || *id <= 0) {
        return Error::Permanent(fmt::format("payload: \"{}\" must be a positive integer", key));
    }
    return *id;
}

Result<std::vector<std::string>> Strings(json::object const& obj, std::string_view key) {
    std::vector<std::string> out;
    auto const* v = obj.if_contains(key);
    if (v == nullptr) {
        return out;
    }
    if (!v->is_array()) {
        return Error::Permanent(fmt::format("payload: \"{}\" must be an array of strings", key));
    }
    for (auto const& item : v->get_array()) {
        if (!item.is_string() || item.get_string().empty()) {
            return Error::Permanent(fmt::format("payload: \"{}\" must be an array of strings", key));
        }
        out.emplace_back(item.get_string());
    }
    return out;
}

}  // namespace

Result<Counterparty> ParseCounterparty(std::string_view json_text) {
    auto obj = ParseObject(json_text);
    if (!obj) {
        return obj.error();
    }
    return FromObject(*obj);
}

Result<Order> ParseOrder(std::string_view json_text) {
    auto obj = ParseObject(json_text);
    if (!obj) {
        return obj.error();
    }
    Order order;
    auto id = RequiredString(*obj, "id");
    if (!id) {
        return id.error();
    }
    order.id = *id;
    order.title = OptionalString(*obj, "title");
    if (order.title.empty()) {
        order.title = "Order " + order.id;
    }
    auto const* cp = obj->if_contains("counterparty");
    if (cp == nullptr || !cp->is_object()) {
        return Error::Permanent(fmt::format("payload: order {} has no \"counterparty\" object", order.id));
    }
    auto counterparty = FromObject(cp->get_object());
    if (!counterparty) {
        return counterparty.error();
    }
    order.counterparty = std::move(*counterparty);
    order.assigned_by_id = OptionalInt(*obj, "assigned_by_id").value_or(0);
    if (auto currency = OptionalString(*obj, "currency"); !currency.empty()) {
        order.currency = currency;
    }
    order.stage = OptionalString(*obj, "stage");
    for (auto [member, out] : {std::pair{"fields", &order.create_fields}, std::pair{"update_fields", &order.update_fields}}) {
        auto const* extra = obj->if_contains(member);
        if (extra == nullptr) {
            continue;
        }
        if (!extra->is_object()) {
            return Error::Permanent(fmt::format("payload: order {}: \"{}\" must be an object", order.id, member));
        }
        for (auto const& [name, value] : extra->get_object()) {
            if (!value.is_string()) {
                return Error::Permanent(
                    fmt::format("payload: order {}: {}.{} must be a string", order.id, member, std::string(name)));
            }
            out->emplace_back(std::string(name), std::string(value.get_string()));
        }
    }
    if (auto const* lines = obj->if_contains("lines"); lines != nullptr && lines->is_array()) {
        for (auto const& item : lines->get_array()) {
            auto const* line = item.if_object();
            if (line == nullptr) {
                return Error::Permanent(fmt::format("payload: order {}: a line is not an object", order.id));
            }
            OrderLine l;
            l.name = OptionalString(*line, "name");
            l.product_id = OptionalInt(*line, "product_id").value_or(0);
            l.measure_code = static_cast<int>(OptionalInt(*line, "measure_code").value_or(796));
            auto price = ParseDecimal(OptionalString(*line, "price"));
            auto quantity = ParseDecimal(OptionalString(*line, "quantity"));
            if (!price || !quantity) {
                return Error::Permanent(fmt::format(
                    "payload: order {}: line \"{}\" needs decimal-string \"price\" and \"quantity\"", order.id, l.name));
            }
            l.price = *price;
            l.quantity = *quantity;
            order.lines.push_back(std::move(l));
        }
    }
    return order;
}

Result<Contact> ParseContact(std::string_view json_text) {
    auto obj = ParseObject(json_text);
    if (!obj) {
        return obj.error();
    }
    Contact c;
    auto id = RequiredString(*obj, "id");
    if (!id) {
        return id.error();
    }
    c.id = *id;
    auto name = RequiredString(*obj, "name");
    if (!name) {
        return name.error();
    }
    c.name = *name;
    c.last_name = OptionalString(*obj, "last_name");
    auto phones = Strings(*obj, "phones");
    if (!phones) {
        return phones.error();
    }
    c.phones = std::move(*phones);
    auto emails = Strings(*obj, "emails");
    if (!emails) {
        return emails.error();
    }
    c.emails = std::move(*emails);
    for (auto const& email : c.emails) {
        if (email.find('@') == std::string::npos) {
            return Error::Permanent(fmt::format("payload: contact {}: \"{}\" is not an e-mail address", c.id, email));
        }
    }
    c.company_id = OptionalInt(*obj, "company_id").value_or(0);
    c.counterparty_id = OptionalString(*obj, "counterparty_id");
    c.assigned_by_id = OptionalInt(*obj, "assigned_by_id");
    return c;
}

Result<Comment> ParseComment(std::string_view json_text) {
    auto obj = ParseObject(json_text);
    if (!obj) {
        return obj.error();
    }
    Comment c;
    auto deal = OptionalDeal(*obj);
    if (!deal) {
        return deal.error();
    }
    if (!*deal) {
        return Error::Permanent("payload: a comment needs \"deal_id\" or \"order_id\"");
    }
    c.deal = **deal;
    auto text = RequiredString(*obj, "text");
    if (!text) {
        return text.error();
    }
    c.text = *text;
    if (auto const* file = obj->if_contains("file"); file != nullptr) {
        auto const* f = file->if_object();
        if (f == nullptr || OptionalString(*f, "name").empty() || OptionalString(*f, "base64").empty()) {
            return Error::Permanent("payload: \"file\" must be an object with non-empty \"name\" and \"base64\"");
        }
        c.file_name = OptionalString(*f, "name");
        c.file_base64 = OptionalString(*f, "base64");
    }
    return c;
}

Result<Task> ParseTask(std::string_view json_text) {
    auto obj = ParseObject(json_text);
    if (!obj) {
        return obj.error();
    }
    Task t;
    auto title = RequiredString(*obj, "title");
    if (!title) {
        return title.error();
    }
    t.title = *title;
    auto responsible = RequiredId(*obj, "responsible_id");
    if (!responsible) {
        return responsible.error();
    }
    t.responsible_id = *responsible;
    t.description = OptionalString(*obj, "description");
    t.deadline = OptionalString(*obj, "deadline");
    auto deal = OptionalDeal(*obj);
    if (!deal) {
        return deal.error();
    }
    t.deal = *deal;
    return t;
}

Result<Notification> ParseNotification(std::string_view json_text) {
    auto obj = ParseObject(json_text);
    if (!obj) {
        return obj.error();
    }
    Notification n;
    auto user = RequiredId(*obj, "user_id");
    if (!user) {
        return user.error();
    }
    n.user_id = *user;
    auto message = RequiredString(*obj, "message");
    if (!message) {
        return message.error();
    }
    n.message = *message;
    return n;
}

}  // namespace b2b::bitrix24
