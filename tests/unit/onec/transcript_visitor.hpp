#pragma once

#include <fmt/format.h>

#include <optional>
#include <string>
#include <vector>

#include "connectors/onec/cml_reader.hpp"

namespace b2b::onec::test {
namespace transcript {

inline std::string Str(std::string const& s) { return "\"" + s + "\""; }
inline std::string Str(OneCId const& id) { return Str(id.value()); }
inline std::string Str(Decimal const& d) { return d.ToString(); }
inline std::string Str(bool b) { return b ? "true" : "false"; }
inline std::string Str(ZonedTime const& t) { return FormatIso8601(t); }
template <class T>
std::string Str(std::optional<T> const& v) {
    return v ? Str(*v) : std::string("-");
}
inline std::string Str(OneCVariantRef const& r) { return Str(r.product) + "#" + Str(r.variant); }

// "[a; b; c]" with `item` describing each element.
template <class T, class F>
std::string List(std::vector<T> const& items, F item) {
    std::string out = "[";
    for (auto const& v : items) {
        out += item(v) + "; ";
    }
    return out + "]";
}

inline std::string Pair(std::string const& a, std::string const& b) { return Str(a) + "=" + Str(b); }

inline std::string Address(CmlAddress const& a) {
    return Str(a.presentation) + List(a.fields, [](auto const& f) { return Pair(f.type, f.value); });
}

inline std::string Requisites(std::vector<CmlRequisite> const& r) {
    return List(r, [](auto const& q) { return Pair(q.name, q.value); });
}

inline std::string Counterparty(CmlCounterparty const& c) {
    return fmt::format(
        "{} {} {} {} {} {} {} {} {} {} legal {} reg {} addr {} contacts {} accounts {} reps {} deleted {}", Str(c.id),
        Str(c.name), Str(c.full_name), Str(c.official_name), Str(c.first_name), Str(c.last_name), Str(c.role),
        Str(c.inn), Str(c.kpp), Str(c.okpo), Address(c.legal_address), Address(c.registration_address),
        Address(c.address), List(c.contacts, [](auto const& x) { return Pair(x.type, x.value); }),
        List(c.bank_accounts,
             [](auto const& a) {
                 return fmt::format("{} {} {} {} {}", Str(a.account_number), Str(a.bank_name), Str(a.bik),
                                    Str(a.correspondent_account), Str(a.bank_address));
             }),
        List(c.representatives,
             [](auto const& r) { return fmt::format("{} {} {}", Str(r.relation), Str(r.id), Str(r.name)); }),
        Str(c.deleted));
}

}  // namespace transcript

/// One line per visitor call with every field of the value, so two reads can be compared call by
/// call (the model structs have no operator==). Optionally forwards each call to another visitor.
class TranscriptVisitor : public CmlVisitor {
public:
    explicit TranscriptVisitor(CmlVisitor* next = nullptr) : next_(next) {}

    std::vector<std::string> lines;

    // CmlVisitor
    Status OnHeader(CmlHeader const& v) override {
        using namespace transcript;
        Log(fmt::format("header {} {} {}:{} {} {} {} {} {} {} {}", static_cast<int>(v.section), Str(v.element_path),
                        v.line, v.column, Str(v.schema_version), Str(v.generated_at), Str(v.id), Str(v.catalog_id),
                        Str(v.classifier_id), Str(v.name), Str(v.only_changes)));
        return next_ ? next_->OnHeader(v) : Status{};
    }
    Status OnGroup(CmlGroup const& v) override {
        using namespace transcript;
        Log(fmt::format("group {} {} {} {}", Str(v.id), Str(v.name), Str(v.parent), Str(v.deleted)));
        return next_ ? next_->OnGroup(v) : Status{};
    }
    Status OnProperty(CmlProperty const& v) override {
        using namespace transcript;
        Log(fmt::format("property {} {} {} {} {}", Str(v.id), Str(v.name), Str(v.value_type),
                        List(v.options, [](auto const& o) { return Pair(o.value_id, o.value); }), Str(v.deleted)));
        return next_ ? next_->OnProperty(v) : Status{};
    }
    Status OnPriceType(CmlPriceType const& v) override {
        using namespace transcript;
        Log(fmt::format("price type {} {} {} {} {} {}", Str(v.id), Str(v.name), Str(v.currency), Str(v.tax_name),
                        Str(v.tax_included), Str(v.deleted)));
        return next_ ? next_->OnPriceType(v) : Status{};
    }
    Status OnWarehouse(CmlWarehouse const& v) override {
        using namespace transcript;
        Log(fmt::format("warehouse {} {} {}", Str(v.id), Str(v.name), Str(v.deleted)));
        return next_ ? next_->OnWarehouse(v) : Status{};
    }
    Status OnUnit(CmlUnit const& v) override {
        using namespace transcript;
        Log(fmt::format("unit {} {} {} {} {} {}", Str(v.id), Str(v.code), Str(v.short_name), Str(v.full_name),
                        Str(v.international), Str(v.deleted)));
        return next_ ? next_->OnUnit(v) : Status{};
    }
    Status OnProduct(CmlProduct const& v) override {
        using namespace transcript;
        Log(fmt::format(
            "product {} {} {} {} {} {} {} {} groups {} maker {} {} values {} taxes {} requisites {} "
            "characteristics {} pictures {} deleted {}",
            Str(v.id), Str(v.ref), Str(v.article), Str(v.barcode), Str(v.name), Str(v.description),
            Str(v.base_unit_code), Str(v.base_unit_name), List(v.group_ids, [](auto const& g) { return Str(g); }),
            Str(v.manufacturer_id), Str(v.manufacturer_name),
            List(v.property_values, [](auto const& p) { return Pair(p.property_id, p.value); }),
            List(v.tax_rates, [](auto const& t) { return Pair(t.name, t.rate); }), Requisites(v.requisites),
            List(v.characteristics, [](auto const& c) { return Pair(c.name, c.value); }),
            List(v.pictures, [](auto const& p) { return Str(p); }), Str(v.deleted)));
        return next_ ? next_->OnProduct(v) : Status{};
    }
    Status OnOffer(CmlOffer const& v) override {
        using namespace transcript;
        Log(fmt::format(
            "offer {} {} {} {} {} {} prices {} quantity {} stock {} characteristics {} values {} deleted {}", Str(v.id),
            Str(v.ref), Str(v.name), Str(v.article), Str(v.barcode), Str(v.base_unit_code),
            List(v.prices,
                 [](auto const& p) {
                     return fmt::format("{} {} {} {} {} {}", Str(p.price_type_id), Str(p.per_unit), Str(p.currency),
                                        Str(p.unit), Str(p.coefficient), Str(p.presentation));
                 }),
            Str(v.quantity), List(v.stock, [](auto const& s) { return Str(s.warehouse_id) + "=" + Str(s.quantity); }),
            List(v.characteristics, [](auto const& c) { return Pair(c.name, c.value); }),
            List(v.property_values, [](auto const& p) { return Pair(p.property_id, p.value); }), Str(v.deleted)));
        return next_ ? next_->OnOffer(v) : Status{};
    }
    Status OnCounterparty(CmlCounterparty const& v) override {
        Log("counterparty " + transcript::Counterparty(v));
        return next_ ? next_->OnCounterparty(v) : Status{};
    }
    Status OnDocument(CmlDocument const& v) override {
        using namespace transcript;
        Log(fmt::format(
            "document {} {} {} {} {} {} {} {} {} counterparties {} lines {} requisites {} lifted {} {} {} {} {} {} {} "
            "{} {} {} {} {} {} {}",
            Str(v.id), Str(v.number), Str(v.date), Str(v.operation), Str(v.role), Str(v.currency), Str(v.rate),
            Str(v.sum), Str(v.comment), List(v.counterparties, [](auto const& c) { return Counterparty(c); }),
            List(v.lines,
                 [](auto const& l) {
                     return fmt::format("{} {} {} {} {} {} {} {} {} {}", Str(l.id), Str(l.ref), Str(l.name),
                                        Str(l.unit_code), Str(l.unit_name), Str(l.price), Str(l.quantity), Str(l.sum),
                                        Str(l.coefficient), Requisites(l.requisites));
                 }),
            Requisites(v.requisites), Str(v.number_1c), Str(v.date_1c), Str(v.posted), Str(v.cancelled),
            Str(v.deletion_mark), Str(v.paid), Str(v.payment_number_1c), Str(v.payment_date_1c),
            Str(v.shipment_number_1c), Str(v.shipment_date_1c), Str(v.order_status), Str(v.order_status_id),
            Str(v.final_status), Str(v.delivery_allowed)));
        return next_ ? next_->OnDocument(v) : Status{};
    }

private:
    void Log(std::string line) { lines.push_back(std::move(line)); }

    CmlVisitor* next_;
};

/// The counts, problems and headers of a summary, for comparing two reads. Not source_bytes (after
/// a visitor error the splitter may have read further when decoding on worker threads) nor
/// peak_buffer_bytes.
inline std::string Describe(ReadSummary const& s) {
    std::string out = fmt::format("raw {} skipped {} headers {} decoded", s.raw_records, s.skipped, s.headers.size());
    for (auto n : s.decoded) {
        out += fmt::format(" {}", n);
    }
    for (auto const& p : s.problems) {
        out += fmt::format("\nproblem {} {} {}:{} {}", static_cast<int>(p.kind), p.path, p.line, p.column, p.message);
    }
    return out;
}

}  // namespace b2b::onec::test
