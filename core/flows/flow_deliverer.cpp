#include "core/flows/flow_deliverer.hpp"

#include <boost/json.hpp>

#include "connectors/onec/order_feed.hpp"
#include "core/flows/cml_order_convert.hpp"
#include "core/flows/flow_jobs.hpp"
#include "core/flows/onec_rows.hpp"
#include "core/flows/order_json.hpp"
#include "core/flows/outbound_payloads.hpp"
#include "core/store/order_repository.hpp"
#include "core/store/repositories.hpp"
#include "core/util/log.hpp"

namespace b2b::flows {
namespace json = boost::json;

namespace {

// The stage a new site order starts in when the site sent no status letter.
constexpr char const* kNewOrderLetter = "N";
constexpr char const* kCancelledStage = "cancelled";

/// The members of a flow job's JSON payload, as text (ids may come as strings or integers).
Result<std::vector<std::string>> PayloadMembers(std::string_view payload, std::initializer_list<char const*> keys) {
    boost::system::error_code ec;
    json::value value = json::parse(payload, ec);
    if (ec || !value.is_object()) {
        return Error::Permanent("flow job payload: not a JSON object");
    }
    std::vector<std::string> members;
    for (char const* key : keys) {
        auto const* member = value.as_object().if_contains(key);
        if (member == nullptr) {
            return Error::Permanent(std::string("flow job payload: no \"") + key + "\"");
        }
        if (member->is_string()) {
            members.emplace_back(member->as_string());
        } else if (member->is_int64()) {
            members.push_back(std::to_string(member->as_int64()));
        } else {
            return Error::Permanent(std::string("flow job payload: \"") + key + "\" must be a string or integer");
        }
    }
    return members;
}

/// Which systems hear about a change (never the one it came from, so echoes do not loop).
struct Propagate {
    bool to_bitrix24 = false;
    bool to_onec = false;
    bool to_site = false;
};

/// One audit entry per canonical field that differs, named as the mappings name them.
struct FieldChange {
    char const* field;
    std::string old_value, new_value;
};

std::vector<FieldChange> Differences(Order const& before, Order const& after) {
    std::vector<FieldChange> changes;
    auto add = [&](char const* field, std::string a, std::string b) {
        if (a != b) {
            changes.push_back({field, std::move(a), std::move(b)});
        }
    };
    add("stage", before.stage, after.stage);
    add("total", before.total.ToString(), after.total.ToString());
    add("lines", std::to_string(before.lines.size()) + " lines", std::to_string(after.lines.size()) + " lines");
    add("payment", std::string(ToString(before.payment)), std::string(ToString(after.payment)));
    add("shipment", std::string(ToString(before.shipment)), std::string(ToString(after.shipment)));
    add("cancelled", before.cancelled ? "true" : "false", after.cancelled ? "true" : "false");
    add("onec_number", before.onec_number, after.onec_number);
    add("onec_status", before.onec_status, after.onec_status);
    add("comment", before.comment, after.comment);
    add("buyer", before.buyer.inn + "/" + before.buyer.kpp, after.buyer.inn + "/" + after.buyer.kpp);
    return changes;
}

}  // namespace

struct FlowDeliverer::Impl {
    store::Database& db;
    Clock const& clock;
    store::JobQueue& queue;
    MappingsProvider mappings;
    store::LinkRepository links;
    store::AuditLog audit;
    store::OrderRepository orders;
    onec::OrderFeed feed;

    Impl(store::Database& d, Clock const& c, store::JobQueue& q, MappingsProvider m)
        : db(d), clock(c), queue(q), mappings(std::move(m)), links(c), audit(c), orders(c), feed(d, c) {}

    std::shared_ptr<mapping::MappingSet const> Mappings() {
        auto set = mappings ? mappings() : nullptr;
        return set;
    }

    Status Enqueue(store::Transaction& tx, char const* target, std::string entity, char const* kind,
                   std::string payload, std::string key) {
        auto result = queue.Enqueue(tx, store::NewJob{target, std::move(entity), kind, std::move(payload),
                                                      std::move(key)});
        if (!result) {
            return result.error();
        }
        return {};
    }

    Status Audit(store::Transaction& tx, std::string const& order_id, std::string const& system,
                 std::vector<FieldChange> const& changes, std::string const& reason) {
        for (auto const& change : changes) {
            store::AuditEntry entry{.actor = system, .system = system, .entity_kind = kOrderKind,
                                    .entity_id = order_id, .field = change.field,
                                    .old_value = change.old_value, .new_value = change.new_value,
                                    .reason = reason};
            if (auto status = audit.Append(tx, entry); !status) {
                return status;
            }
        }
        return {};
    }

    /// Saves the order and, when it changed, enqueues what the other systems need to hear:
    /// `to` says which of them (never the one it came from).
    Status SaveAndPropagate(store::Transaction& tx, Order const& order, onec::CmlDocument const& site_document,
                            mapping::MappingSet const& set, Propagate to) {
        if (auto valid = Validate(order); !valid) {
            return valid;
        }
        auto version = orders.Save(tx, store::StoredOrder{.id = order.id.value(), .number = order.number,
                                                          .stage = order.stage, .document = EncodeOrder(order)});
        if (!version) {
            return version.error();
        }
        std::string const v = std::to_string(*version);
        if (to.to_bitrix24) {
            auto payload = DealPayload(order, set);
            if (!payload) {
                return payload.error();
            }
            if (auto st = Enqueue(tx, kBitrix24Target, order.id.value(), "upsert_deal", std::move(*payload),
                                  order.id.value() + ":deal:v" + v);
                !st) {
                return st;
            }
        }
        if (to.to_onec) {
            auto document = OnecOrderDocument(order, site_document, set);
            if (!document) {
                return document.error();
            }
            if (auto queued = feed.Queue(tx, *document); !queued) {
                return queued.error();
            }
        }
        if (to.to_site && !order.site_id.value().empty()) {
            auto document = SiteStatusDocument(order, site_document, set);
            if (!document) {
                return document.error();
            }
            if (auto st = Enqueue(tx, kSiteTarget, order.id.value(), kSiteOrderStatus,
                                  onec::EncodeOrderDocument(*document), order.id.value() + ":site:v" + v);
                !st) {
                return st;
            }
        }
        return {};
    }

    /// A canonical order that a link points at. Transient when the link exists but the order does
    /// not yet (its site_order job has not run): retrying later finds it.
    Result<Order> LoadLinkedOrder(store::Transaction& tx, std::string const& id) {
        auto stored = orders.Find(tx, id);
        if (!stored) {
            return stored.error();
        }
        if (!*stored) {
            return Error::Transient("order " + id + " is linked but not stored yet");
        }
        return DecodeOrder((*stored)->document);
    }

    /// The common end of the update flows: nothing to do when the order did not change; else one
    /// audit row per changed field by `system`, the save and the outbound jobs, and the commit.
    Status ApplyChange(store::Transaction& tx, Order const& previous, Order const& order, mapping::MappingSet const& set,
                       std::string const& system, std::string const& reason, Propagate to) {
        auto changes = Differences(previous, order);
        if (changes.empty()) {
            return tx.Commit();
        }
        if (auto st = Audit(tx, order.id.value(), system, changes, reason); !st) {
            return st;
        }
        auto site_document = SiteDocumentOf(tx, order);
        if (!site_document) {
            return site_document.error();
        }
        if (auto st = SaveAndPropagate(tx, order, *site_document, set, to); !st) {
            return st.error().WithContext("order " + order.number);
        }
        return tx.Commit();
    }

    Result<std::string> StageFor(mapping::MappingSet const& set, char const* column, std::string const& value) {
        return set.Lookup("statuses", column, value, "stage");
    }

    /// The document the site sent for this order (kept with the order's 1C feed entry), or a
    /// minimal one built from the order.
    Result<onec::CmlDocument> SiteDocumentOf(store::Transaction& tx, Order const& order) {
        auto stored = ReadFeedDocument(tx, order.site_id.value());
        if (!stored) {
            return stored.error();
        }
        if (*stored) {
            return onec::DecodeOrderDocument(**stored);
        }
        onec::CmlDocument document;
        document.id = order.site_id.value();
        document.number = order.number;
        return document;
    }

    // ---- flow 1: a new or changed order from the site ------------------------------------------
    Status SiteOrder(store::Job const& job) {
        auto document = onec::DecodeOrderDocument(job.payload);
        if (!document) {
            return document.error();
        }
        auto set = Mappings();
        if (!set) {
            return Error::Transient("mappings are not loaded yet");
        }
        auto tx = store::Transaction::Begin(db, "flow: site order");
        if (!tx) {
            return tx.error();
        }
        auto known = links.FindCanonical(**tx, kOrderKind, "site", document->id);
        if (!known) {
            return known.error();
        }
        std::string const id = known->value_or("order-" + document->id);
        auto incoming = OrderFromCml(*document, id);
        if (!incoming) {
            return incoming.error();
        }
        // Lines must name goods 1C knows (once there is a catalog to check against): an order of
        // something 1C has never heard of cannot become a 1C order. Kept as a dead job naming the
        // line; `jobs retry` after the catalog exchange brings the product completes it.
        auto catalog = HasCatalog(**tx);
        if (!catalog) {
            return catalog.error();
        }
        for (std::size_t i = 0; *catalog && i < incoming->lines.size(); ++i) {
            auto const& line = incoming->lines[i];
            auto known = CatalogKnows(**tx, line.offer_id.value());
            if (!known) {
                return known.error();
            }
            if (!*known) {
                return Error::Permanent("order " + incoming->number + ": line " + std::to_string(i + 1) + " (" +
                                        line.name + "): product " + line.offer_id.value() +
                                        " is not in 1C's catalog");
            }
        }
        auto stored = orders.Find(**tx, id);
        if (!stored) {
            return stored.error();
        }
        Order order = std::move(*incoming);
        if (!*stored) {
            std::string letter = SiteStatusLetter(*document);
            auto stage = StageFor(*set, "site", letter.empty() ? kNewOrderLetter : letter);
            if (!stage) {
                return stage.error().WithContext("order " + order.number);
            }
            order.stage = order.cancelled ? kCancelledStage : *stage;
        } else {
            auto previous = DecodeOrder((*stored)->document);
            if (!previous) {
                return previous.error();
            }
            // The site owns what the buyer ordered; 1C and Bitrix24 own the stage, 1C's number
            // and status, shipment (mappings: owner). Payment only moves forward.
            order.stage = order.cancelled ? kCancelledStage : previous->stage;
            order.onec_number = previous->onec_number;
            order.onec_status = previous->onec_status;
            order.shipment = previous->shipment;
            order.payment = std::max(order.payment, previous->payment);
            if (auto st = Audit(**tx, id, "site", Differences(*previous, order), "order changed on the site"); !st) {
                return st;
            }
        }
        if (auto st = links.Put(**tx, kOrderKind, id, "site", document->id); !st) {
            return st;
        }
        if (auto st = SaveAndPropagate(**tx, order, *document, *set, Propagate{.to_bitrix24 = true, .to_onec = true, .to_site = false}); !st) {
            return st.error().WithContext("order " + order.number);
        }
        return (*tx)->Commit();
    }

    // ---- flow 3: 1C changed an order (posted, paid, shipped, status, number) --------------------
    Status OnecDocument(store::Job const& job) {
        auto members = PayloadMembers(job.payload, {"onec_id"});
        if (!members) {
            return members.error();
        }
        std::string const& onec_id = (*members)[0];
        auto set = Mappings();
        if (!set) {
            return Error::Transient("mappings are not loaded yet");
        }
        auto tx = store::Transaction::Begin(db, "flow: 1C document");
        if (!tx) {
            return tx.error();
        }
        auto row = ReadOnecDocument(**tx, onec_id);
        if (!row) {
            return row.error();
        }
        if (!*row || (*row)->operation != "Заказ товара") {
            return (*tx)->Commit();  // not an order (or gone): invoices and the like are documents of the order
        }
        auto const& update = **row;
        // 1C keeps the site's Ид for orders it got from the site; its own orders have their own.
        auto known = links.FindCanonical(**tx, kOrderKind, "onec", onec_id);
        if (known && !*known) {
            known = links.FindCanonical(**tx, kOrderKind, "site", onec_id);
        }
        if (!known) {
            return known.error();
        }
        if (!*known) {
            log::Info("flows", "1C order not from the site: ignored", {{"onec_id", onec_id}, {"number", update.number}});
            return (*tx)->Commit();
        }
        auto previous = LoadLinkedOrder(**tx, **known);
        if (!previous) {
            return previous.error();
        }
        Order order = *previous;
        if (!update.onec_number.empty()) {
            order.onec_number = update.onec_number;
        }
        if (update.paid.value_or(false)) {
            order.payment = PaymentState::kPaid;
        }
        if (update.shipped.value_or(false)) {
            order.shipment = ShipmentState::kShipped;
        }
        if (update.cancelled.value_or(false) || update.marked_deleted.value_or(false)) {
            order.cancelled = true;
            order.stage = kCancelledStage;
        }
        if (!update.status.empty()) {
            // 1C's status text is kept and shown, but the stage is the managers' (deal.yaml owner:
            // STAGE_ID bitrix24): 1C's own workflow does not move deals behind their back. A status
            // with no row in the statuses table is still an error, so a 1C status the mappings do
            // not know is reported instead of silently ignored.
            if (auto known = StageFor(*set, "onec", update.status); !known) {
                return known.error().WithContext("1C order " + update.number);
            }
            order.onec_status = update.status;
        }
        if (auto st = links.Put(**tx, kOrderKind, order.id.value(), "onec", onec_id); !st) {
            return st;
        }
        return ApplyChange(**tx, *previous, order, *set, "onec", "1C document " + update.number,
                           Propagate{.to_bitrix24 = true, .to_onec = false, .to_site = true});
    }

    // ---- flow 4: a manager moved the deal in Bitrix24 -------------------------------------------
    Status DealStage(store::Job const& job) {
        auto members = PayloadMembers(job.payload, {"deal_id", "stage_name"});
        if (!members) {
            return members.error();
        }
        std::string const& deal_id = (*members)[0];
        std::string const& stage_name = (*members)[1];
        auto set = Mappings();
        if (!set) {
            return Error::Transient("mappings are not loaded yet");
        }
        auto tx = store::Transaction::Begin(db, "flow: deal stage");
        if (!tx) {
            return tx.error();
        }
        auto known = links.FindCanonical(**tx, kOrderKind, "bitrix24", deal_id);
        if (!known) {
            return known.error();
        }
        if (!*known) {
            log::Info("flows", "stage change of a deal that is not an order of ours: ignored", {{"deal_id", deal_id}});
            return (*tx)->Commit();
        }
        auto stage = StageFor(*set, "bitrix24", stage_name);
        if (!stage) {
            return stage.error().WithContext("deal " + deal_id);
        }
        auto previous = LoadLinkedOrder(**tx, **known);
        if (!previous) {
            return previous.error();
        }
        Order order = *previous;
        order.stage = *stage;
        order.cancelled = *stage == kCancelledStage;
        // No difference: the echo of our own move, or a repeat.
        return ApplyChange(**tx, *previous, order, *set, "bitrix24", "stage moved in Bitrix24 (deal " + deal_id + ")",
                           Propagate{.to_bitrix24 = false, .to_onec = true, .to_site = true});
    }

    // ---- flow 5: a counterparty from 1C ---------------------------------------------------------
    Status OnecCounterparty(store::Job const& job) {
        auto members = PayloadMembers(job.payload, {"onec_id"});
        if (!members) {
            return members.error();
        }
        std::string const& onec_id = (*members)[0];
        auto tx = store::Transaction::Begin(db, "flow: 1C counterparty");
        if (!tx) {
            return tx.error();
        }
        auto counterparty = ReadOnecCounterparty(**tx, onec_id);
        if (!counterparty) {
            return counterparty.error();
        }
        if (!*counterparty) {
            return (*tx)->Commit();
        }
        auto const& c = **counterparty;
        if (auto st = links.Put(**tx, kCounterpartyKind, c.id.value(), "onec", onec_id); !st) {
            return st;
        }
        std::string payload = CompanyPayload(c);
        std::string key = c.id.value() + ":company:" + std::to_string(std::hash<std::string>{}(payload));
        if (auto st = Enqueue(**tx, kBitrix24Target, c.id.value(), "upsert_company", std::move(payload), std::move(key));
            !st) {
            return st;
        }
        return (*tx)->Commit();
    }
};

FlowDeliverer::FlowDeliverer(store::Database& db, Clock const& clock, store::JobQueue& queue,
                             MappingsProvider mappings)
    : impl_(std::make_unique<Impl>(db, clock, queue, std::move(mappings))) {}

FlowDeliverer::~FlowDeliverer() = default;

Status FlowDeliverer::Run(store::Job const& job) {
    if (job.kind == kSiteOrder) {
        return impl_->SiteOrder(job);
    }
    if (job.kind == kOnecDocument) {
        return impl_->OnecDocument(job);
    }
    if (job.kind == kDealStage) {
        return impl_->DealStage(job);
    }
    if (job.kind == kOnecCounterparty) {
        return impl_->OnecCounterparty(job);
    }
    return Error::Permanent("flows: unknown job kind \"" + job.kind + "\"");
}

std::vector<Status> FlowDeliverer::DeliverBatch(std::span<store::Job const> jobs) {
    std::vector<Status> results;
    results.reserve(jobs.size());
    for (auto const& job : jobs) {
        results.push_back(Run(job));
    }
    return results;
}

}  // namespace b2b::flows
