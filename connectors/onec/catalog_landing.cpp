#include "connectors/onec/catalog_landing.hpp"

#include <boost/json.hpp>
#include <utility>

#include "core/domain/zoned_time.hpp"

namespace b2b::onec {
namespace {

namespace json = boost::json;

constexpr char kShippedRequisite[] = "Отгружен";

void Count(LandingCounts& counts, store::UpsertOutcome outcome) {
    switch (outcome) {
        case store::UpsertOutcome::kInserted:
            ++counts.inserted;
            break;
        case store::UpsertOutcome::kUpdated:
            ++counts.updated;
            break;
        case store::UpsertOutcome::kUnchanged:
            ++counts.unchanged;
            break;
    }
}

void AddCounts(LandingCounts& into, LandingCounts const& from) {
    into.inserted += from.inserted;
    into.updated += from.updated;
    into.unchanged += from.unchanged;
}

void AddCounts(LandingCounts& into, store::UpsertCounts const& from) {
    into.inserted += static_cast<std::uint64_t>(from.inserted);
    into.updated += static_cast<std::uint64_t>(from.updated);
    into.unchanged += static_cast<std::uint64_t>(from.unchanged);
}

// Amounts go into JSON as canonical decimal strings: JSON numbers would be read back as double.
json::value DecimalJson(std::optional<Decimal> const& d) {
    return d ? json::value(d->ToString()) : json::value(nullptr);
}

json::value AddressJson(CmlAddress const& a) {
    json::array fields;
    for (auto const& f : a.fields) {
        fields.push_back(json::array{json::string(f.type), json::string(f.value)});
    }
    return json::object{{"presentation", a.presentation}, {"fields", std::move(fields)}};
}

json::value RequisitesJson(std::vector<CmlRequisite> const& requisites) {
    json::array out;
    for (auto const& r : requisites) {
        out.push_back(json::array{json::string(r.name), json::string(r.value)});
    }
    return out;
}

json::object CounterpartyDetails(CmlCounterparty const& c) {
    json::array contacts;
    for (auto const& k : c.contacts) {
        contacts.push_back(json::object{{"type", k.type}, {"value", k.value}});
    }
    json::array accounts;
    for (auto const& b : c.bank_accounts) {
        accounts.push_back(json::object{{"account", b.account_number},
                                        {"bank", b.bank_name},
                                        {"bik", b.bik},
                                        {"correspondent_account", b.correspondent_account},
                                        {"bank_address", b.bank_address}});
    }
    json::array representatives;
    for (auto const& r : c.representatives) {
        representatives.push_back(json::object{{"relation", r.relation}, {"id", r.id}, {"name", r.name}});
    }
    return json::object{{"first_name", c.first_name},
                        {"last_name", c.last_name},
                        {"legal_address", AddressJson(c.legal_address)},
                        {"registration_address", AddressJson(c.registration_address)},
                        {"address", AddressJson(c.address)},
                        {"contacts", std::move(contacts)},
                        {"bank_accounts", std::move(accounts)},
                        {"representatives", std::move(representatives)}};
}

store::OnecCounterpartyRow CounterpartyRow(CmlCounterparty const& c) {
    return store::OnecCounterpartyRow{
        .onec_id = c.id,
        .name = c.name,
        .full_name = c.full_name,
        .official_name = c.official_name,
        .inn = c.inn,
        .kpp = c.kpp,
        .okpo = c.okpo,
        .role = c.role,
        .details_json = json::serialize(CounterpartyDetails(c)),
        .marked_deleted = c.deleted,
    };
}

std::optional<bool> ParseFlag(std::string_view text) {
    if (text == "true" || text == "1" || text == "Да") {
        return true;
    }
    if (text == "false" || text == "0" || text == "Нет") {
        return false;
    }
    return std::nullopt;
}

std::optional<std::string> FormatDate(std::optional<ZonedTime> const& t) {
    return t ? std::optional(FormatIso8601(*t)) : std::nullopt;
}

store::OnecDocumentRow DocumentRow(CmlDocument const& d) {
    json::array counterparties;
    for (auto const& c : d.counterparties) {
        json::object o = CounterpartyDetails(c);
        o["id"] = c.id;
        o["name"] = c.name;
        o["full_name"] = c.full_name;
        o["role"] = c.role;
        o["inn"] = c.inn;
        o["kpp"] = c.kpp;
        counterparties.push_back(std::move(o));
    }
    json::array lines;
    for (auto const& l : d.lines) {
        lines.push_back(json::object{{"id", l.id},
                                     {"name", l.name},
                                     {"unit_code", l.unit_code},
                                     {"unit_name", l.unit_name},
                                     {"price", DecimalJson(l.price)},
                                     {"quantity", DecimalJson(l.quantity)},
                                     {"sum", DecimalJson(l.sum)},
                                     {"coefficient", DecimalJson(l.coefficient)},
                                     {"requisites", RequisitesJson(l.requisites)}});
    }
    std::optional<bool> shipped;
    for (auto const& r : d.requisites) {
        if (r.name == kShippedRequisite) {
            shipped = ParseFlag(r.value);
        }
    }
    return store::OnecDocumentRow{
        .onec_id = d.id,
        .number = d.number,
        .onec_number = d.number_1c,
        .date = FormatDate(d.date),
        .operation = d.operation,
        .role = d.role,
        .currency = d.currency,
        .sum_raw = d.sum ? std::optional(d.sum->raw()) : std::nullopt,
        .posted = d.posted,
        .cancelled = d.cancelled,
        .marked_deleted = d.deletion_mark,
        .paid = d.paid,
        .shipped = shipped,
        .status = d.order_status,
        .comment = d.comment,
        .counterparties_json = json::serialize(counterparties),
        .requisites_json = json::serialize(RequisitesJson(d.requisites)),
        .lines_json = json::serialize(lines),
    };
}

// ПакетПредложений Ид is often "<catalog>#" (commerceml.md §3.4); ИдКаталога is preferred.
std::string OfferCatalogId(CmlHeader const& h) {
    if (!h.catalog_id.empty()) {
        return h.catalog_id;
    }
    std::string id = h.id;
    if (!id.empty() && id.back() == '#') {
        id.pop_back();
    }
    return id;
}

}  // namespace

LandingCounts LandingStats::All() const {
    LandingCounts all;
    for (auto const* c : {&price_types, &warehouses, &units, &groups, &products, &offers, &prices, &stock,
                          &counterparties, &documents}) {
        AddCounts(all, *c);
    }
    return all;
}

ImportTally LandingStats::Tally() const {
    ImportTally t;
    auto add = [&t](char const* kind, LandingCounts const& c) {
        if (c.Total() > 0) {
            t.rows.push_back({kind, c.inserted, c.updated, c.unchanged});
        }
    };
    add("price types", price_types);
    add("warehouses", warehouses);
    add("units", units);
    add("groups", groups);
    add("products", products);
    add("offers", offers);
    add("prices", prices);
    add("stock", stock);
    add("counterparties", counterparties);
    add("documents", documents);
    t.products_deactivated = products_deactivated;
    t.offers_deactivated = offers_deactivated;
    t.orphan_offers = orphan_offers;
    t.unknown_price_types = unknown_price_type_count;
    return t;
}

CatalogLanding::CatalogLanding(store::Database& db, Clock const& clock, std::string exchange_id, LandingOptions options)
    : db_(db), repo_(clock), exchange_id_(std::move(exchange_id)), options_(options) {
    if (options_.batch_size == 0) {
        options_.batch_size = 1;
    }
    if (options_.max_queued_batches == 0) {
        options_.max_queued_batches = 1;
    }
    filling_.reserve(options_.batch_size);
}

Status CatalogLanding::OnHeader(CmlHeader const& header) {
    // СодержитТолькоИзменения absent counts as partial: deactivating on a guess would hide goods
    // (commerceml.md §6 quirk 16).
    bool const full = header.only_changes == false;
    in_offer_package_ = header.section == CmlSectionKind::kOfferPackage;
    if (header.section == CmlSectionKind::kCatalog) {
        product_catalog_id_ = header.id;
        if (full) {
            full_product_catalogs_.insert(header.id);
        }
    } else if (header.section == CmlSectionKind::kOfferPackage) {
        offer_catalog_id_ = OfferCatalogId(header);
        if (full) {
            full_offer_catalogs_.insert(offer_catalog_id_);
        }
    }
    return {};
}

Status CatalogLanding::OnGroup(CmlGroup const& g) {
    return Add(store::ProductGroupRow{
        .onec_id = g.id.value(),
        .name = g.name,
        .parent_id = g.parent ? std::optional(g.parent->value()) : std::nullopt,
        .marked_deleted = g.deleted,
    });
}

Status CatalogLanding::OnPriceType(CmlPriceType const& t) {
    return Add(store::PriceTypeRow{
        .onec_id = t.id.value(),
        .name = t.name,
        .currency = t.currency,
        .tax_name = t.tax_name,
        .tax_included = t.tax_included,
        .marked_deleted = t.deleted,
        .declared_in = in_offer_package_ ? "offer_package" : "classifier",
    });
}

Status CatalogLanding::OnWarehouse(CmlWarehouse const& w) {
    return Add(store::WarehouseRow{.onec_id = w.id.value(), .name = w.name, .marked_deleted = w.deleted});
}

Status CatalogLanding::OnUnit(CmlUnit const& u) {
    // Older files have units without Ид; their Код is then the only stable key.
    std::string key = u.id.empty() ? u.code : u.id;
    if (key.empty()) {
        ++stats_.skipped;
        return {};
    }
    return Add(store::UnitRow{
        .onec_id = std::move(key),
        .code = u.code,
        .short_name = u.short_name,
        .full_name = u.full_name,
        .international = u.international,
        .marked_deleted = u.deleted,
    });
}

Status CatalogLanding::OnProduct(CmlProduct const& p) {
    json::array groups;
    for (auto const& g : p.group_ids) {
        groups.push_back(json::string(g.value()));
    }
    return Add(store::ProductRow{
        .onec_id = p.ref.product.value(),
        .catalog_id = product_catalog_id_,
        .article = p.article,
        .barcode = p.barcode,
        .name = p.name,
        .base_unit_code = p.base_unit_code,
        .base_unit_name = p.base_unit_name,
        .group_ids_json = json::serialize(groups),
        .manufacturer_id = p.manufacturer_id,
        .manufacturer_name = p.manufacturer_name,
        .marked_deleted = p.deleted,
    });
}

Status CatalogLanding::OnOffer(CmlOffer const& o) {
    std::vector<store::PriceRow> prices;
    prices.reserve(o.prices.size());
    for (auto const& p : o.prices) {
        prices.push_back(store::PriceRow{
            .price_type_id = p.price_type_id,
            .price_raw = p.per_unit.raw(),
            .currency = p.currency,
            .unit = p.unit,
            .coefficient_raw = p.coefficient ? std::optional(p.coefficient->raw()) : std::nullopt,
        });
    }
    // The reader already summed the three stock shapes per warehouse; the bare total is kept
    // under warehouse '' only when there is no per-warehouse figure (else it would count twice).
    std::vector<store::StockRow> stock;
    stock.reserve(o.stock.size());
    for (auto const& s : o.stock) {
        stock.push_back(store::StockRow{.warehouse_id = s.warehouse_id, .quantity_raw = s.quantity.raw()});
    }
    if (o.stock.empty() && o.quantity) {
        stock.push_back(store::StockRow{.warehouse_id = "", .quantity_raw = o.quantity->raw()});
    }
    return Add(PendingOffer{
        .offer =
            store::OfferRow{
                .onec_id = o.id.value(),
                .catalog_id = offer_catalog_id_,
                .product_id = o.ref.product.value(),
                .name = o.name,
                .article = o.article,
                .barcode = o.barcode,
                .base_unit_code = o.base_unit_code,
                .marked_deleted = o.deleted,
            },
        // Packed here, on the reading thread: the store writer is the longest thread of an offers
        // import, and this is its share it need not do.
        .values = store::OfferValues::Pack(std::move(prices), std::move(stock)),
    });
}

Status CatalogLanding::OnCounterparty(CmlCounterparty const& c) { return Add(CounterpartyRow(c)); }

Status CatalogLanding::OnDocument(CmlDocument const& d) { return Add(DocumentRow(d)); }

Status CatalogLanding::Add(Pending record) {
    filling_.push_back(std::move(record));
    if (filling_.size() >= options_.batch_size) {
        return HandOff();
    }
    return {};
}

// Called with mutex_ held, after the batch's transaction committed: a failed transaction that is
// retried must not count twice.
void CatalogLanding::MergeCommitted(LandingStats&& batch) {
    AddCounts(stats_.price_types, batch.price_types);
    AddCounts(stats_.warehouses, batch.warehouses);
    AddCounts(stats_.units, batch.units);
    AddCounts(stats_.groups, batch.groups);
    AddCounts(stats_.products, batch.products);
    AddCounts(stats_.offers, batch.offers);
    AddCounts(stats_.prices, batch.prices);
    AddCounts(stats_.stock, batch.stock);
    AddCounts(stats_.counterparties, batch.counterparties);
    AddCounts(stats_.documents, batch.documents);
    stats_.orphan_offers += batch.orphan_offers;
    stats_.unknown_price_type_count += batch.unknown_price_type_count;
    for (auto& u : batch.unknown_price_types) {
        if (stats_.unknown_price_types.size() < options_.max_warnings_kept) {
            stats_.unknown_price_types.push_back(std::move(u));
        }
    }
}

Status CatalogLanding::Write(store::Transaction& tx, Pending const& record, LandingStats& stats) {
    auto count = [](LandingCounts& counts, Result<store::UpsertOutcome> const& r) -> Status {
        if (!r) {
            return r.error();
        }
        Count(counts, *r);
        return {};
    };
    if (auto const* r = std::get_if<store::PriceTypeRow>(&record)) {
        auto st = count(stats.price_types, repo_.UpsertPriceType(tx, *r));
        if (st) {
            known_price_types_.insert(r->onec_id);
        }
        return st;
    }
    if (auto const* r = std::get_if<store::WarehouseRow>(&record)) {
        return count(stats.warehouses, repo_.UpsertWarehouse(tx, *r));
    }
    if (auto const* r = std::get_if<store::UnitRow>(&record)) {
        return count(stats.units, repo_.UpsertUnit(tx, *r));
    }
    if (auto const* r = std::get_if<store::ProductGroupRow>(&record)) {
        return count(stats.groups, repo_.UpsertProductGroup(tx, *r));
    }
    if (auto const* r = std::get_if<store::ProductRow>(&record)) {
        return count(stats.products, repo_.UpsertProduct(tx, *r, exchange_id_));
    }
    if (auto const* r = std::get_if<PendingOffer>(&record)) {
        return WriteOffer(tx, *r, stats);
    }
    if (auto const* r = std::get_if<store::OnecCounterpartyRow>(&record)) {
        return count(stats.counterparties, repo_.UpsertCounterparty(tx, *r));
    }
    return count(stats.documents, repo_.UpsertDocument(tx, std::get<store::OnecDocumentRow>(record)));
}

Status CatalogLanding::WriteOffer(store::Transaction& tx, PendingOffer const& record, LandingStats& stats) {
    auto written = repo_.UpsertOffer(tx, record.offer, record.values, exchange_id_);
    if (!written) {
        return written.error();
    }
    Count(stats.offers, written->offer);
    AddCounts(stats.prices, written->prices);
    AddCounts(stats.stock, written->stock);
    // Whether its product is stored is asked once per batch for all its offers (CountOrphans).
    batch_product_ids_.push_back(record.offer.product_id);
    for (auto const& price : record.values.prices) {
        if (known_price_types_.contains(price.price_type_id)) {
            continue;
        }
        auto known = repo_.PriceTypeExists(tx, price.price_type_id);
        if (!known) {
            return known.error();
        }
        if (*known) {
            known_price_types_.insert(price.price_type_id);
            continue;
        }
        // Kept with the unknown type id (commerceml.md §6 quirk 22): the type may be declared later,
        // and silently dropping prices is the bug users complain about.
        ++stats.unknown_price_type_count;
        if (stats.unknown_price_types.size() < options_.max_warnings_kept) {
            stats.unknown_price_types.push_back({record.offer.onec_id, price.price_type_id});
        }
    }
    return {};
}

Status CatalogLanding::CountOrphans(store::Transaction& tx, LandingStats& stats) {
    if (batch_product_ids_.empty()) {
        return {};
    }
    auto missing = repo_.CountMissingProducts(tx, batch_product_ids_);
    batch_product_ids_.clear();
    if (!missing) {
        return missing.error();
    }
    stats.orphan_offers += static_cast<std::uint64_t>(*missing);
    return {};
}

Status CatalogLanding::Finish() {
    if (auto st = Flush(); !st) {
        return st;
    }
    if (full_product_catalogs_.empty() && full_offer_catalogs_.empty()) {
        return {};
    }
    auto tx = store::Transaction::Begin(db_, "deactivate 1C items not in a full package");
    if (!tx) {
        return tx.error();
    }
    std::uint64_t products = 0;
    std::uint64_t offers = 0;
    for (auto const& catalog : full_product_catalogs_) {
        auto n = repo_.DeactivateProductsNotSeen(**tx, catalog, exchange_id_);
        if (!n) {
            return n.error();
        }
        products += static_cast<std::uint64_t>(*n);
    }
    for (auto const& catalog : full_offer_catalogs_) {
        auto n = repo_.DeactivateOffersNotSeen(**tx, catalog, exchange_id_);
        if (!n) {
            return n.error();
        }
        offers += static_cast<std::uint64_t>(*n);
    }
    if (auto st = (*tx)->Commit(); !st) {
        return st;
    }
    {
        std::lock_guard lock(mutex_);
        stats_.products_deactivated += products;
        stats_.offers_deactivated += offers;
    }
    full_product_catalogs_.clear();
    full_offer_catalogs_.clear();
    return {};
}

}  // namespace b2b::onec
