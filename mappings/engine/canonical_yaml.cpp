#include "mappings/engine/canonical_yaml.hpp"

#include <algorithm>
#include <functional>
#include <map>
#include <optional>

#include "core/config/suggest.hpp"
#include "core/domain/decimal_parse.hpp"
#include "core/domain/money.hpp"

namespace b2b::mapping {
namespace {

/// Reads one YAML map with declared keys; remembers the first problem.
class Reader {
public:
    explicit Reader(std::string file) : file_(std::move(file)) {}

    bool failed() const { return error_.has_value(); }
    Error error() const { return *error_; }

    void Fail(YAML::Node const& at, std::string const& message) {
        if (!error_) {
            auto const m = at.Mark();
            error_ = Error::Permanent(file_ + ":" + std::to_string(m.line + 1) + ":" + std::to_string(m.column + 1) +
                                      ": " + message);
        }
    }

    /// Calls handlers[key](value) for each key; unknown keys fail with a suggestion.
    void Map(YAML::Node const& node, std::string const& what,
             std::map<std::string, std::function<void(YAML::Node const&)>> const& handlers) {
        if (!node.IsMap()) {
            Fail(node, what + " must be a map");
            return;
        }
        std::vector<std::string> names;
        for (auto const& [name, h] : handlers) {
            names.push_back(name);
        }
        for (auto const& [key, value] : Entries(node)) {
            if (failed()) {
                return;
            }
            std::string const name = key.Scalar();
            auto h = handlers.find(name);
            if (h == handlers.end()) {
                auto best = config::ClosestMatch(name, names);
                Fail(key,
                     "unknown key \"" + name + "\" in " + what + (best ? "; did you mean \"" + *best + "\"?" : ""));
                return;
            }
            h->second(value);
        }
    }

    /// The map's entries with YAML merge keys (`<<: *anchor`, which yaml-cpp leaves to us) expanded:
    /// explicit keys win over merged ones, so a case can say "like that order, but stage: x".
    static std::vector<std::pair<YAML::Node, YAML::Node>> Entries(YAML::Node const& node) {
        std::vector<std::pair<YAML::Node, YAML::Node>> out;
        std::vector<YAML::Node> merged;
        for (auto it = node.begin(); it != node.end(); ++it) {
            if (it->first.Scalar() == "<<") {
                merged.push_back(it->second);
            } else {
                out.emplace_back(it->first, it->second);
            }
        }
        for (auto const& source : merged) {
            if (!source.IsMap()) {
                continue;
            }
            for (auto const& [key, value] : Entries(source)) {
                bool const overridden = std::any_of(out.begin(), out.end(),
                                                    [&key](auto const& e) { return e.first.Scalar() == key.Scalar(); });
                if (!overridden) {
                    out.emplace_back(key, value);
                }
            }
        }
        return out;
    }

    std::function<void(YAML::Node const&)> Text(std::string& out) {
        return [this, &out](YAML::Node const& n) {
            if (!n.IsScalar() && !n.IsNull()) {
                Fail(n, "expected text");
            } else {
                out = n.IsNull() ? std::string() : n.Scalar();
            }
        };
    }
    template <class T>
    std::function<void(YAML::Node const&)> Parsed(T& out, Result<T> (*parse)(std::string_view)) {
        return [this, &out, parse](YAML::Node const& n) {
            auto r = n.IsScalar() ? parse(n.Scalar()) : Result<T>(Error::Permanent("expected a value"));
            if (!r) {
                Fail(n, r.error().message);
            } else {
                out = *r;
            }
        };
    }
    std::function<void(YAML::Node const&)> Dec(Decimal& out) { return Parsed<Decimal>(out, &ParseDecimal); }
    std::function<void(YAML::Node const&)> Flag(bool& out) {
        return [this, &out](YAML::Node const& n) {
            if (!n.IsScalar() || (n.Scalar() != "true" && n.Scalar() != "false")) {
                Fail(n, "expected true or false");
            } else {
                out = n.Scalar() == "true";
            }
        };
    }
    template <class T>
    std::function<void(YAML::Node const&)> ListOf(std::vector<T>& out,
                                                  std::function<void(YAML::Node const&, T&)> item) {
        return [this, &out, item](YAML::Node const& n) {
            if (!n.IsSequence()) {
                Fail(n, "expected a list");
                return;
            }
            for (auto const& element : n) {
                item(element, out.emplace_back());
            }
        };
    }

private:
    std::string file_;
    std::optional<Error> error_;
};

void ReadCounterparty(Reader& r, YAML::Node const& node, Counterparty& c) {
    std::string id;
    r.Map(node, "a counterparty",
          {{"id", r.Text(id)},
           {"kind", r.Parsed<CounterpartyKind>(c.kind, &ParseCounterpartyKind)},
           {"name", r.Text(c.name)},
           {"full_name", r.Text(c.full_name)},
           {"inn", r.Text(c.inn)},
           {"kpp", r.Text(c.kpp)},
           {"ogrn", r.Text(c.ogrn)},
           {"okpo", r.Text(c.okpo)},
           {"buyer_group", r.Text(c.buyer_group)},
           {"manager", r.Text(c.manager)},
           {"addresses", r.ListOf<Address>(c.addresses,
                                           [&r](YAML::Node const& n, Address& a) {
                                               r.Map(n, "an address",
                                                     {{"kind", r.Parsed<AddressKind>(a.kind, &ParseAddressKind)},
                                                      {"text", r.Text(a.text)},
                                                      {"postal_code", r.Text(a.postal_code)},
                                                      {"city", r.Text(a.city)}});
                                           })},
           {"bank_accounts", r.ListOf<BankAccount>(c.bank_accounts,
                                                   [&r](YAML::Node const& n, BankAccount& a) {
                                                       r.Map(n, "a bank account",
                                                             {{"number", r.Text(a.number)},
                                                              {"bank_name", r.Text(a.bank_name)},
                                                              {"bik", r.Text(a.bik)},
                                                              {"correspondent_account",
                                                               r.Text(a.correspondent_account)}});
                                                   })},
           {"contacts", r.ListOf<Contact>(c.contacts, [&r](YAML::Node const& n, Contact& contact) {
                r.Map(n, "a contact",
                      {{"kind", r.Parsed<ContactKind>(contact.kind, &ParseContactKind)},
                       {"value", r.Text(contact.value)},
                       {"label", r.Text(contact.label)}});
            })}});
    c.id = CanonicalId(id);
}

Result<ZonedTime> ParseDate(std::string_view text) { return ParseIso8601(text, std::chrono::minutes(180)); }

void ReadLine(Reader& r, YAML::Node const& node, OrderLine& line, Currency const& currency) {
    std::string offer;
    std::string unit = "796";
    std::optional<Decimal> sum;
    Decimal vat;
    bool has_vat = false;
    Decimal sum_value;
    r.Map(node, "an order line",
          {{"offer_id", r.Text(offer)},
           {"article", r.Text(line.article)},
           {"name", r.Text(line.name)},
           {"quantity", r.Dec(line.quantity.value)},
           {"unit", r.Text(unit)},
           {"unit_price", r.Dec(line.unit_price)},
           {"discount", r.Dec(line.discount)},
           {"vat_rate",
            [&](YAML::Node const& n) {
                has_vat = true;
                r.Dec(vat)(n);
            }},
           {"sum", [&](YAML::Node const& n) {
                r.Dec(sum_value)(n);
                sum = sum_value;
            }}});
    line.offer_id = OneCId(offer);
    if (has_vat) {
        line.vat_rate = vat;
    }
    if (auto parsed = ParseUnitCode(unit)) {
        line.quantity.unit = *parsed;
    } else {
        r.Fail(node, parsed.error().message);
    }
    if (sum) {
        line.sum = *sum;
    } else if (auto gross = Multiply(Money{line.unit_price, currency}, line.quantity)) {
        auto net = Sub(gross->amount, line.discount);
        line.sum = net ? *net : Decimal();
    }
}

}  // namespace

Result<Counterparty> CounterpartyFromYaml(YAML::Node const& node, std::string const& file) {
    Reader r(file);
    Counterparty c;
    ReadCounterparty(r, node, c);
    if (r.failed()) {
        return r.error();
    }
    return c;
}

Result<Order> OrderFromYaml(YAML::Node const& node, std::string const& file) {
    Reader r(file);
    Order o;
    std::string id;
    std::string site_id;
    std::optional<Decimal> total;
    Decimal total_value;
    std::vector<YAML::Node> lines;
    r.Map(node, "an order",
          {{"id", r.Text(id)},
           {"number", r.Text(o.number)},
           {"site_id", r.Text(site_id)},
           {"onec_number", r.Text(o.onec_number)},
           {"date", r.Parsed<ZonedTime>(o.date, &ParseDate)},
           {"currency", r.Parsed<Currency>(o.currency, &ParseCurrency)},
           {"total",
            [&](YAML::Node const& n) {
                r.Dec(total_value)(n);
                total = total_value;
            }},
           {"vat_total", r.Dec(o.vat_total)},
           {"comment", r.Text(o.comment)},
           {"stage", r.Text(o.stage)},
           {"payment_method", r.Text(o.payment_method)},
           {"payment", r.Parsed<PaymentState>(o.payment, &ParsePaymentState)},
           {"shipment", r.Parsed<ShipmentState>(o.shipment, &ParseShipmentState)},
           {"onec_status", r.Text(o.onec_status)},
           {"cancelled", r.Flag(o.cancelled)},
           {"delivery",
            [&](YAML::Node const& n) {
                r.Map(n, "delivery",
                      {{"method", r.Text(o.delivery.method)},
                       {"address", r.Text(o.delivery.address)},
                       {"price", r.Dec(o.delivery.price)}});
            }},
           {"buyer", [&](YAML::Node const& n) { ReadCounterparty(r, n, o.buyer); }},
           {"lines", [&](YAML::Node const& n) {
                if (!n.IsSequence()) {
                    r.Fail(n, "expected a list of lines");
                    return;
                }
                for (auto const& line : n) {
                    lines.push_back(line);
                }
            }}});
    for (auto const& line : lines) {
        ReadLine(r, line, o.lines.emplace_back(), o.currency);
    }
    if (r.failed()) {
        return r.error();
    }
    o.id = CanonicalId(id);
    o.site_id = SiteId(site_id);
    if (total) {
        o.total = *total;
    } else {
        o.total = o.delivery.price;
        for (auto const& line : o.lines) {
            auto next = Add(o.total, line.sum);
            o.total = next ? *next : o.total;
        }
    }
    return o;
}

}  // namespace b2b::mapping
