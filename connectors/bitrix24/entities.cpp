#include "connectors/bitrix24/entities.hpp"

#include <algorithm>
#include <charconv>
#include <map>
#include <set>

#include <boost/json/value.hpp>
#include <fmt/format.h>

#include "connectors/bitrix24/command_runner.hpp"
#include "core/util/log.hpp"

namespace b2b::bitrix24 {
namespace {

namespace json = boost::json;

constexpr std::size_t kKeysPerLookup = 50;  // an IN list per list command: one 50-row page in the common case
constexpr std::size_t kListPage = 50;       // list methods return at most 50 rows (bitrix24.md §5)

json::object ListParams(json::object filter, json::array select) {
    // start=-1: no COUNT(*) for `total` (expensive, burns the operating budget, bitrix24.md §5).
    return json::object{{"filter", std::move(filter)},
                        {"select", std::move(select)},
                        {"order", json::object{{"ID", "ASC"}}},
                        {"start", -1}};
}

// A field as text (legacy replies send ids and codes as strings, newer ones as numbers).
std::string FieldText(json::object const& row, std::string_view field) {
    auto const* v = row.if_contains(field);
    if (v == nullptr) {
        return {};
    }
    if (v->is_string()) {
        return std::string(v->get_string());
    }
    if (auto n = AsInt(*v)) {
        return std::to_string(*n);
    }
    return {};
}

std::int64_t FieldId(json::object const& row, std::string_view field) {
    auto const* v = row.if_contains(field);
    if (v == nullptr) {
        return 0;
    }
    auto id = AsInt(*v);
    return id && *id > 0 ? *id : 0;
}

// A list query whose every row we need: `filter` plus `>ID` paging when a page comes back full.
// With `key_field`, the query is `filter` + `@key_field` IN `keys`, and a further page asks only
// for the keys not seen yet: rows come by ID ASC, so a key's oldest row (the one we use) is on the
// first page it appears on.
struct RowsQuery {
    std::string method;
    json::object filter;
    json::array select;  // must name ID (the paging cursor)
    std::string key_field = {};
    std::vector<std::string> keys = {};
};

// Runs all queries, sharing batch requests; a query whose page came back full is continued with
// `>ID` = its last id in a further round (duplicates on the portal may exceed one page).
std::vector<Result<std::vector<json::object>>> FetchAll(RestClient& client, std::vector<RowsQuery> const& queries) {
    std::vector<Result<std::vector<json::object>>> out(queries.size(), std::vector<json::object>{});
    std::vector<std::optional<std::int64_t>> after(queries.size());
    std::vector<std::size_t> open(queries.size());
    std::vector<std::set<std::string>> keys_left(queries.size());
    for (std::size_t q = 0; q < queries.size(); ++q) {
        open[q] = q;
        keys_left[q].insert(queries[q].keys.begin(), queries[q].keys.end());
    }
    while (!open.empty()) {
        std::vector<BatchCommand> commands;
        for (auto q : open) {
            auto filter = queries[q].filter;
            if (after[q]) {
                filter[">ID"] = *after[q];
            }
            if (!queries[q].key_field.empty()) {
                json::array unseen;
                for (auto const& key : keys_left[q]) {
                    unseen.push_back(json::string(key));
                }
                filter["@" + queries[q].key_field] = std::move(unseen);
            }
            commands.push_back({"l" + std::to_string(q), queries[q].method, ListParams(std::move(filter), queries[q].select)});
        }
        auto const replies = RunCommands(client, commands);
        std::vector<std::size_t> still_open;
        for (std::size_t k = 0; k < open.size(); ++k) {
            auto const q = open[k];
            if (!replies[k]) {
                out[q] = replies[k].error();
                continue;
            }
            auto const* rows = replies[k]->result.if_array();
            if (rows == nullptr) {
                out[q] = Error::Permanent(fmt::format("{}: the portal returned no list", queries[q].method));
                continue;
            }
            for (auto const& row : *rows) {
                if (auto const* object = row.if_object()) {
                    out[q]->push_back(*object);
                    if (!queries[q].key_field.empty()) {
                        keys_left[q].erase(FieldText(*object, queries[q].key_field));
                    }
                }
            }
            bool const all_seen = !queries[q].key_field.empty() && keys_left[q].empty();
            if (rows->size() >= kListPage && !out[q]->empty() && !all_seen) {
                if (auto const* id = out[q]->back().if_contains("ID"); id != nullptr && AsInt(*id)) {
                    after[q] = AsInt(*id);
                    still_open.push_back(q);
                }
            }
        }
        open = std::move(still_open);
    }
    return out;
}

Result<std::int64_t> NewId(Result<Reply> const& reply) {
    if (!reply) {
        return reply.error();
    }
    if (auto id = AsInt(reply->result); id && *id > 0) {
        return *id;
    }
    return Error::Permanent("the portal returned no id for the new record");
}

std::string Context(Counterparty const& c) { return fmt::format("bitrix24 company for counterparty {}", c.id); }

json::object RequisiteFields(Counterparty const& c, json::value company_id) {
    json::object fields{{"ENTITY_TYPE_ID", 4},     {"ENTITY_ID", std::move(company_id)}, {"PRESET_ID", PresetOf(c)},
                        {"NAME", c.name},          {"XML_ID", c.id},          {"ORIGINATOR_ID", std::string(kOriginatorId)},
                        {"ACTIVE", "Y"}};
    if (!c.inn.empty()) {
        fields["RQ_INN"] = c.inn;
    }
    if (!c.kpp.empty()) {
        fields["RQ_KPP"] = c.kpp;
    }
    if (PresetOf(c) == 1) {
        fields["RQ_COMPANY_NAME"] = c.name;
    }
    return fields;
}

// crm.requisite.bankdetail.add per account and crm.address.add for the legal address, chained to
// the requisite.add keyed "q<p>" in the same batch.
std::vector<BatchCommand> RequisiteExtras(Counterparty const& c, std::size_t p, json::value const& requisite,
                                         bool banks = true, bool address = true) {
    std::vector<BatchCommand> out;
    for (std::size_t i = 0; banks && i < c.bank_accounts.size(); ++i) {
        auto const& bank = c.bank_accounts[i];
        json::object fields{{"ENTITY_ID", requisite},
                            {"NAME", bank.bank_name.empty() ? "Bank account " + bank.account : bank.bank_name},
                            {"RQ_BANK_NAME", bank.bank_name},
                            {"RQ_BIK", bank.bik},
                            {"RQ_ACC_NUM", bank.account},
                            {"RQ_ACC_CURRENCY", "RUB"},
                            {"XML_ID", c.id + "/" + bank.account},
                            {"ORIGINATOR_ID", std::string(kOriginatorId)},
                            {"ACTIVE", "Y"}};
        if (!bank.correspondent.empty()) {
            fields["RQ_COR_ACC_NUM"] = bank.correspondent;
        }
        out.push_back({fmt::format("b{}_{}", p, i), "crm.requisite.bankdetail.add",
                       json::object{{"fields", std::move(fields)}}});
    }
    if (address && c.address) {
        json::object fields{{"TYPE_ID", kLegalAddressType},
                            {"ENTITY_TYPE_ID", 8},
                            {"ENTITY_ID", requisite},
                            {"ADDRESS_1", c.address->address_1}};
        for (auto [name, value] : {std::pair{"CITY", &c.address->city}, std::pair{"POSTAL_CODE", &c.address->postal_code},
                                   std::pair{"REGION", &c.address->region}, std::pair{"COUNTRY", &c.address->country}}) {
            if (!value->empty()) {
                fields[name] = *value;
            }
        }
        out.push_back({"a" + std::to_string(p), "crm.address.add", json::object{{"fields", std::move(fields)}}});
    }
    return out;
}

Result<Decimal> Amount(Order const& order) {
    Decimal total;
    for (auto const& line : order.lines) {
        auto sum = Mul(line.price, line.quantity);
        if (!sum) {
            return sum.error();
        }
        auto next = Add(total, *sum);
        if (!next) {
            return next.error();
        }
        total = *next;
    }
    return RoundTo(total, 2);
}

json::array Rows(Order const& order) {
    json::array rows;
    for (auto const& line : order.lines) {
        // Money as decimal strings: the portal parses them exactly; a double would not be.
        rows.push_back(json::object{{"PRODUCT_ID", line.product_id},
                                    {"PRODUCT_NAME", line.name},
                                    {"PRICE", line.price.ToString()},
                                    {"QUANTITY", line.quantity.ToString()},
                                    {"MEASURE_CODE", line.measure_code}});
    }
    return rows;
}

}  // namespace

int PresetOf(Counterparty const& c) {
    if (c.legal_form) {
        switch (*c.legal_form) {
            case LegalForm::kLegalEntity:
                return 1;
            case LegalForm::kSoleProprietor:
                return 2;
            case LegalForm::kPerson:
                return 3;
        }
    }
    if (c.inn.size() == 12) {
        return 2;
    }
    return c.inn.empty() ? 3 : 1;
}

namespace {

// One distinct counterparty of a call (several jobs or orders may name the same one).
struct Party {
    Counterparty const* data = nullptr;
    CompanyRef ref;
    std::optional<Error> error;
    // An existing requisite without bank details / legal address that the payload carries
    // (LookUpRequisiteExtras): Write adds them once.
    bool add_banks = false;
    bool add_address = false;
};

// One order of a call.
struct DealWork {
    std::size_t party = 0;
    std::string stage_id;
    Decimal amount;
    DealRef ref;
    std::string found_company;  // COMPANY_ID of the existing deal, as the portal has it
    std::optional<Error> error;
    bool done = false;
};

// The existing deal's company is empty or not an id (a chained deal.add whose company.add failed):
// repair it. A different valid company stays: a manager (or a merge) put it there.
bool CompanyIsBroken(std::string const& company_id) {
    std::int64_t id = 0;
    auto const [ptr, ec] = std::from_chars(company_id.data(), company_id.data() + company_id.size(), id);
    return ec != std::errc() || ptr != company_id.data() + company_id.size() || id <= 0;
}

template <typename Key>
std::vector<std::vector<Key>> Chunks(std::vector<Key> const& keys) {
    std::vector<std::vector<Key>> out;
    for (std::size_t at = 0; at < keys.size(); at += kKeysPerLookup) {
        out.emplace_back(keys.begin() + static_cast<std::ptrdiff_t>(at),
                         keys.begin() + static_cast<std::ptrdiff_t>(std::min(keys.size(), at + kKeysPerLookup)));
    }
    return out;
}

json::array ToArray(std::vector<std::string> const& keys) {
    json::array out;
    for (auto const& k : keys) {
        out.push_back(json::string(k));
    }
    return out;
}

json::array ToArray(std::vector<std::int64_t> const& keys) {
    json::array out;
    for (auto k : keys) {
        out.push_back(k);
    }
    return out;
}

// Mapped fields never override what the connector sets itself: those carry the idempotency key
// (ORIGINATOR_ID/ORIGIN_ID), the pipeline, and the manager-owned stage.
bool ConnectorOwned(std::string_view field) {
    for (std::string_view own : {"TITLE", "CATEGORY_ID", "STAGE_ID", "COMPANY_ID", "OPPORTUNITY", "CURRENCY_ID",
                                 "ORIGINATOR_ID", "ORIGIN_ID", "ID"}) {
        if (field == own) {
            return true;
        }
    }
    return false;
}

void AddMappedFields(std::vector<std::pair<std::string, std::string>> const& mapped, json::object& fields) {
    for (auto const& [name, value] : mapped) {
        if (!ConnectorOwned(name)) {
            fields[name] = value;
        }
    }
}

// The commands that write one order's deal: rows only for an existing deal (plus its company when
// a failed chain left it empty), else deal.add with the rows chained to its new id.
struct DealCommand {
    enum class What { kAdd, kRows, kRepair } what;
    std::size_t order;
};

void AddDealCommands(Order const& order, std::size_t o, DealWork const& deal, json::value const& company,
                     Pipeline const& pipeline, CommandUnit& unit, std::vector<DealCommand>& what) {
    auto const n = std::to_string(o);
    json::value deal_id = deal.ref.deal_id;
    if (deal.ref.deal_id > 0) {
        json::object update;
        if (CompanyIsBroken(deal.found_company)) {
            update["COMPANY_ID"] = company;
        }
        AddMappedFields(order.update_fields, update);
        if (!update.empty()) {
            // One update carries both the repair and the mapped fields b2bsync owns; setting the
            // same values again is harmless, so a retry after a lost reply changes nothing.
            unit.push_back({"u" + n, "crm.deal.update",
                            json::object{{"id", deal.ref.deal_id},
                                         {"fields", std::move(update)},
                                         {"params", json::object{{"REGISTER_SONET_EVENT", "N"}}}}});
            what.push_back({DealCommand::What::kRepair, o});
        }
    } else {
        json::object fields{{"TITLE", order.title},
                            {"CATEGORY_ID", pipeline.category_id},
                            {"STAGE_ID", deal.stage_id},
                            {"COMPANY_ID", company},
                            {"OPPORTUNITY", deal.amount.ToString(2)},
                            {"CURRENCY_ID", order.currency},
                            {"ORIGINATOR_ID", std::string(kOriginatorId)},
                            {"ORIGIN_ID", order.id},
                            {"OPENED", "Y"}};
        if (order.assigned_by_id > 0) {
            fields["ASSIGNED_BY_ID"] = order.assigned_by_id;
        }
        AddMappedFields(order.create_fields, fields);
        unit.push_back({"d" + n, "crm.deal.add",
                        json::object{{"fields", std::move(fields)}, {"params", json::object{{"REGISTER_SONET_EVENT", "N"}}}}});
        what.push_back({DealCommand::What::kAdd, o});
        deal_id = ResultRef("d" + n);
    }
    unit.push_back({"r" + n, "crm.deal.productrows.set", json::object{{"id", std::move(deal_id)}, {"rows", Rows(order)}}});
    what.push_back({DealCommand::What::kRows, o});
}

// Writes what LookUp did not find. A counterparty whose company is new travels as one chain:
// company.add, requisite.add and the deal.add + rows of its orders referring to the new company
// through $result, all in one batch request. Orders that do not fit that batch go in the next
// round, when the company id is known. Other orders are chains of their own (deal.add + rows).
void Write(RestClient& client, Pipeline const& pipeline, std::vector<Party>& parties, std::span<Order const> orders,
           std::vector<DealWork>& deals) {
    std::vector<std::vector<std::size_t>> orders_of(parties.size());
    for (std::size_t o = 0; o < orders.size(); ++o) {
        orders_of[deals[o].party].push_back(o);
    }
    struct PartyCommand {
        enum class What { kCompany, kRequisite, kExtra } what;  // kExtra: a bank detail or the address
        std::size_t party;
    };
    for (bool more = true; more;) {
        more = false;
        std::vector<CommandUnit> units;
        std::vector<std::vector<PartyCommand>> party_commands;
        std::vector<std::vector<DealCommand>> deal_commands;
        for (std::size_t p = 0; p < parties.size(); ++p) {
            auto& party = parties[p];
            if (party.error) {
                continue;  // its orders fail with its error
            }
            auto const& c = *party.data;
            CommandUnit chain;
            std::vector<PartyCommand> chain_party;
            std::vector<DealCommand> chain_deals;
            json::value company = party.ref.company_id;
            bool const creating = party.ref.company_id == 0;
            if (creating) {
                auto const key = "c" + std::to_string(p);
                json::object fields{{"TITLE", c.name},
                                    {"ORIGINATOR_ID", std::string(kOriginatorId)},
                                    {"ORIGIN_ID", c.id},
                                    {"COMPANY_TYPE", "CUSTOMER"},
                                    {"OPENED", "Y"}};
                if (c.assigned_by_id) {
                    fields["ASSIGNED_BY_ID"] = *c.assigned_by_id;
                }
                chain.push_back({key, "crm.company.add",
                                 json::object{{"fields", std::move(fields)},
                                              {"params", json::object{{"REGISTER_SONET_EVENT", "N"}}}}});
                chain_party.push_back({PartyCommand::What::kCompany, p});
                company = ResultRef(key);
            }
            if (party.ref.requisite_id == 0) {
                chain.push_back({"q" + std::to_string(p), "crm.requisite.add",
                                 json::object{{"fields", RequisiteFields(c, company)}}});
                chain_party.push_back({PartyCommand::What::kRequisite, p});
                // Bank details and the legal address go only onto a requisite we create, in its
                // chain: a retry after a lost reply finds the requisite and adds nothing again.
                for (auto& command : RequisiteExtras(c, p, json::value(ResultRef("q" + std::to_string(p))))) {
                    chain.push_back(std::move(command));
                    chain_party.push_back({PartyCommand::What::kExtra, p});
                }
            } else if (party.add_banks || party.add_address) {
                // An existing requisite that has none of them yet (LookUpRequisiteExtras).
                for (auto& command : RequisiteExtras(c, p, json::value(party.ref.requisite_id), party.add_banks, party.add_address)) {
                    chain.push_back(std::move(command));
                    chain_party.push_back({PartyCommand::What::kExtra, p});
                }
                party.add_banks = party.add_address = false;  // once, not again in a later round
            }
            for (auto o : orders_of[p]) {
                if (deals[o].done || deals[o].error) {
                    continue;
                }
                CommandUnit commands;
                std::vector<DealCommand> what;
                AddDealCommands(orders[o], o, deals[o], company, pipeline, commands, what);
                if (!creating) {
                    units.push_back(std::move(commands));
                    party_commands.emplace_back();
                    deal_commands.push_back(std::move(what));
                } else if (chain.size() + commands.size() <= kMaxBatchCommands) {
                    chain.insert(chain.end(), commands.begin(), commands.end());
                    chain_deals.insert(chain_deals.end(), what.begin(), what.end());
                } else {
                    more = true;  // next round, with the company id known
                }
            }
            if (!chain.empty()) {
                units.push_back(std::move(chain));
                party_commands.push_back(std::move(chain_party));
                deal_commands.push_back(std::move(chain_deals));
            }
        }
        if (units.empty()) {
            break;
        }
        auto const results = RunUnits(client, units);
        for (std::size_t u = 0; u < units.size(); ++u) {
            std::size_t k = 0;
            for (auto const& pc : party_commands[u]) {
                auto& party = parties[pc.party];
                if (pc.what == PartyCommand::What::kExtra) {
                    // The company and requisite stand; failing the job would not bring the
                    // detail back (the retry finds the requisite), so it is only logged.
                    if (auto const& reply = results[u][k++]; !reply) {
                        log::Warn("bitrix24", "could not add a bank detail or address to a new requisite",
                                  {{"counterparty", party.data->id}, {"error", reply.error().message}});
                    }
                    continue;
                }
                auto id = NewId(results[u][k++]);
                if (!id) {
                    if (!party.error) {
                        party.error = id.error();
                    }
                } else if (pc.what == PartyCommand::What::kCompany) {
                    party.ref.company_id = *id;
                    party.ref.created_company = true;
                } else {
                    party.ref.requisite_id = *id;
                    party.ref.created_requisite = true;
                }
            }
            for (auto const& dc : deal_commands[u]) {
                auto& deal = deals[dc.order];
                auto const& reply = results[u][k++];
                deal.done = true;
                if (deal.error) {
                    continue;  // the deal.add already failed; its rows' error would only repeat it
                }
                if (dc.what == DealCommand::What::kAdd) {
                    if (auto id = NewId(reply)) {
                        deal.ref.deal_id = *id;
                        deal.ref.created = true;
                    } else {
                        deal.error = id.error();
                    }
                } else if (!reply) {
                    deal.error = reply.error();
                }
            }
        }
    }
    for (auto& deal : deals) {
        deal.ref.company_id = parties[deal.party].ref.company_id;
    }
}

void LookUp(RestClient& client, std::vector<Party>& parties, std::span<Order const> orders, std::vector<DealWork>& deals) {
    // Round 1, all in shared batches: requisites by INN, companies by origin, deals by origin,
    // each an IN list of up to 50 keys (bitrix24.md §5 `@`). A failed query fails exactly the
    // counterparties or orders it was asked for.
    std::vector<RowsQuery> queries;
    std::vector<std::vector<std::size_t>> asked_parties;  // per query: whose lookup it is
    std::vector<std::vector<std::size_t>> asked_deals;
    enum class Kind { kRequisiteByInn, kCompanyByOrigin, kDealByOrigin };
    std::vector<Kind> kinds;

    std::vector<std::string> inns;
    std::map<std::string, std::vector<std::size_t>, std::less<>> parties_of_inn;
    std::vector<std::size_t> all_parties;
    for (std::size_t p = 0; p < parties.size(); ++p) {
        all_parties.push_back(p);
        if (auto const& inn = parties[p].data->inn; !inn.empty()) {
            auto& list = parties_of_inn[inn];
            if (list.empty()) {
                inns.push_back(inn);
            }
            list.push_back(p);
        }
    }
    for (auto const& chunk : Chunks(inns)) {
        std::vector<std::size_t> asked;
        for (auto const& inn : chunk) {
            asked.insert(asked.end(), parties_of_inn[inn].begin(), parties_of_inn[inn].end());
        }
        queries.push_back({"crm.requisite.list", json::object{{"ENTITY_TYPE_ID", 4}, {"@RQ_INN", ToArray(chunk)}},
                           json::array{"ID", "ENTITY_ID", "RQ_INN", "RQ_KPP"}});
        asked_parties.push_back(std::move(asked));
        asked_deals.emplace_back();
        kinds.push_back(Kind::kRequisiteByInn);
    }
    for (auto const& chunk : Chunks(all_parties)) {
        std::vector<std::string> ids;
        for (auto p : chunk) {
            ids.push_back(parties[p].data->id);
        }
        queries.push_back({"crm.company.list", json::object{{"ORIGINATOR_ID", std::string(kOriginatorId)}},
                           json::array{"ID", "ORIGIN_ID"}, "ORIGIN_ID", ids});
        asked_parties.push_back(chunk);
        asked_deals.emplace_back();
        kinds.push_back(Kind::kCompanyByOrigin);
    }
    std::vector<std::string> order_ids;
    std::map<std::string, std::vector<std::size_t>, std::less<>> deals_of_origin;
    for (std::size_t o = 0; o < orders.size(); ++o) {
        if (deals[o].error) {
            continue;
        }
        auto& list = deals_of_origin[orders[o].id];
        if (list.empty()) {
            order_ids.push_back(orders[o].id);
        }
        list.push_back(o);
    }
    for (auto const& chunk : Chunks(order_ids)) {
        std::vector<std::size_t> asked;
        for (auto const& id : chunk) {
            asked.insert(asked.end(), deals_of_origin[id].begin(), deals_of_origin[id].end());
        }
        queries.push_back({"crm.deal.list", json::object{{"ORIGINATOR_ID", std::string(kOriginatorId)}},
                           json::array{"ID", "ORIGIN_ID", "COMPANY_ID", "STAGE_ID"}, "ORIGIN_ID", chunk});
        asked_parties.emplace_back();
        asked_deals.push_back(std::move(asked));
        kinds.push_back(Kind::kDealByOrigin);
    }

    auto const found = FetchAll(client, queries);
    std::map<std::string, std::vector<json::object>, std::less<>> requisites_of_inn;  // rows by ID ASC
    std::map<std::string, std::int64_t, std::less<>> company_of_origin;
    for (std::size_t q = 0; q < queries.size(); ++q) {
        if (!found[q]) {
            for (auto p : asked_parties[q]) {
                if (!parties[p].error) {
                    parties[p].error = found[q].error();
                }
            }
            for (auto o : asked_deals[q]) {
                deals[o].error = found[q].error();
            }
            continue;
        }
        for (auto const& row : *found[q]) {
            switch (kinds[q]) {
                case Kind::kRequisiteByInn:
                    requisites_of_inn[FieldText(row, "RQ_INN")].push_back(row);
                    break;
                case Kind::kCompanyByOrigin:
                    company_of_origin.try_emplace(FieldText(row, "ORIGIN_ID"), FieldId(row, "ID"));  // oldest wins
                    break;
                case Kind::kDealByOrigin:
                    if (auto it = deals_of_origin.find(FieldText(row, "ORIGIN_ID")); it != deals_of_origin.end()) {
                        for (auto o : it->second) {
                            if (deals[o].ref.deal_id == 0) {  // oldest wins
                                deals[o].ref.deal_id = FieldId(row, "ID");
                                deals[o].found_company = FieldText(row, "COMPANY_ID");
                                deals[o].ref.found_stage_id = FieldText(row, "STAGE_ID");
                            }
                        }
                    }
                    break;
            }
        }
    }

    // The requisite found by INN (+KPP) gives the company; else the company found by origin.
    std::vector<std::size_t> need_requisite;
    for (std::size_t p = 0; p < parties.size(); ++p) {
        auto& party = parties[p];
        if (party.error) {
            continue;
        }
        auto const& c = *party.data;
        if (!c.inn.empty()) {
            for (auto const& row : requisites_of_inn[c.inn]) {
                if ((c.kpp.empty() || FieldText(row, "RQ_KPP") == c.kpp) && FieldId(row, "ENTITY_ID") > 0) {
                    party.ref.company_id = FieldId(row, "ENTITY_ID");
                    party.ref.requisite_id = FieldId(row, "ID");
                    break;
                }
            }
        }
        if (party.ref.company_id == 0) {
            if (auto it = company_of_origin.find(c.id); it != company_of_origin.end() && it->second > 0) {
                party.ref.company_id = it->second;
                need_requisite.push_back(p);
            }
        }
    }

    // Round 2, only after a half-done create or for counterparties without INN: the requisite of a
    // company found by origin.
    if (need_requisite.empty()) {
        return;
    }
    std::vector<RowsQuery> by_company;
    auto const chunks = Chunks(need_requisite);
    for (auto const& chunk : chunks) {
        std::vector<std::int64_t> companies;
        for (auto p : chunk) {
            companies.push_back(parties[p].ref.company_id);
        }
        by_company.push_back({"crm.requisite.list",
                              json::object{{"ENTITY_TYPE_ID", 4}, {"@ENTITY_ID", ToArray(companies)}},
                              json::array{"ID", "ENTITY_ID"}});
    }
    auto const requisites = FetchAll(client, by_company);
    for (std::size_t q = 0; q < chunks.size(); ++q) {
        for (auto p : chunks[q]) {
            if (!requisites[q]) {
                parties[p].error = requisites[q].error();
                continue;
            }
            for (auto const& row : *requisites[q]) {
                if (FieldId(row, "ENTITY_ID") == parties[p].ref.company_id) {
                    parties[p].ref.requisite_id = FieldId(row, "ID");
                    break;
                }
            }
        }
    }
}

// For counterparties whose requisite exists and whose payload carries bank accounts or an
// address: does that requisite have any bank detail / a legal address yet? Only the ones that
// have none get them (a manager may have edited what is there). This also completes a chain that
// failed after its requisite.add. One extra lookup round, only for such counterparties.
void LookUpRequisiteExtras(RestClient& client, std::vector<Party>& parties) {
    std::vector<std::size_t> asked;
    for (std::size_t p = 0; p < parties.size(); ++p) {
        auto const& party = parties[p];
        if (!party.error && party.ref.requisite_id > 0 && !party.ref.created_requisite &&
            (!party.data->bank_accounts.empty() || party.data->address)) {
            asked.push_back(p);
        }
    }
    if (asked.empty()) {
        return;
    }
    auto const chunks = Chunks(asked);
    std::vector<RowsQuery> queries;
    for (auto const& chunk : chunks) {
        std::vector<std::int64_t> requisites;
        for (auto p : chunk) {
            requisites.push_back(parties[p].ref.requisite_id);
        }
        queries.push_back({"crm.requisite.bankdetail.list", json::object{{"@ENTITY_ID", ToArray(requisites)}},
                           json::array{"ID", "ENTITY_ID"}});
        // At most one legal address per requisite: a chunk's answer fits one page.
        queries.push_back({"crm.address.list",
                           json::object{{"ENTITY_TYPE_ID", 8}, {"TYPE_ID", kLegalAddressType}, {"@ENTITY_ID", ToArray(requisites)}},
                           json::array{"ENTITY_ID", "TYPE_ID"}});
    }
    auto const found = FetchAll(client, queries);
    for (std::size_t q = 0; q < chunks.size(); ++q) {
        auto const& banks = found[2 * q];
        auto const& addresses = found[2 * q + 1];
        for (auto p : chunks[q]) {
            auto& party = parties[p];
            if (!banks || !addresses) {
                party.error = banks ? addresses.error() : banks.error();
                continue;
            }
            auto const has = [&](std::vector<json::object> const& rows) {
                return std::any_of(rows.begin(), rows.end(),
                                   [&](auto const& row) { return FieldId(row, "ENTITY_ID") == party.ref.requisite_id; });
            };
            party.add_banks = !party.data->bank_accounts.empty() && !has(*banks);
            party.add_address = party.data->address.has_value() && !has(*addresses);
        }
    }
}

}  // namespace

CrmWriter::CrmWriter(RestClient& client, Pipeline pipeline) : client_(client), pipeline_(std::move(pipeline)) {}

std::optional<std::string> CrmWriter::StageOf(Order const& order) const {
    if (order.stage.empty()) {
        return pipeline_.initial_stage_id;
    }
    auto it = pipeline_.stage_ids.find(order.stage);
    if (it == pipeline_.stage_ids.end()) {
        return std::nullopt;
    }
    return it->second;
}

std::vector<Result<CompanyRef>> CrmWriter::EnsureCompanies(std::span<Counterparty const> counterparties) {
    return Ensure(counterparties, {}).companies;
}

std::vector<Result<DealRef>> CrmWriter::EnsureDeals(std::span<Order const> orders) { return Ensure({}, orders).deals; }

CrmWriter::Results CrmWriter::Ensure(std::span<Counterparty const> counterparties, std::span<Order const> orders) {
    // Distinct counterparties: two jobs naming one counterparty must not both create it.
    std::vector<Party> parties;
    std::map<std::string, std::size_t, std::less<>> party_of;
    auto party_index = [&](Counterparty const& c) {
        auto [it, added] = party_of.try_emplace(c.id, parties.size());
        if (added) {
            parties.push_back(Party{&c, {}, {}, false, false});
        }
        return it->second;
    };
    std::vector<std::size_t> company_jobs;
    for (auto const& c : counterparties) {
        company_jobs.push_back(party_index(c));
    }
    std::vector<DealWork> deals(orders.size());
    for (std::size_t o = 0; o < orders.size(); ++o) {
        auto const& order = orders[o];
        deals[o].party = party_index(order.counterparty);
        if (auto stage = StageOf(order)) {
            deals[o].stage_id = std::move(*stage);
        } else {
            deals[o].error = Error::Permanent(fmt::format("stage \"{}\" is not mapped in bitrix24.stages", order.stage));
            continue;
        }
        if (auto amount = Amount(order)) {
            deals[o].amount = *amount;
        } else {
            deals[o].error = amount.error();
        }
    }

    LookUp(client_, parties, orders, deals);
    for (std::size_t o = 0; o < orders.size(); ++o) {
        if (orders[o].known_deal_id > 0 && deals[o].ref.deal_id == 0 && !deals[o].error) {
            deals[o].error = Error::Permanent(fmt::format(
                "deal {} of order {} was deleted in Bitrix24; not making a new one (restore the deal, or drop "
                "this job)",
                orders[o].known_deal_id, orders[o].id));
        }
    }
    LookUpRequisiteExtras(client_, parties);
    Write(client_, pipeline_, parties, orders, deals);

    Results out;
    for (auto p : company_jobs) {
        if (parties[p].error) {
            out.companies.push_back(parties[p].error->WithContext(Context(*parties[p].data)));
        } else {
            out.companies.push_back(parties[p].ref);
        }
    }
    for (std::size_t o = 0; o < orders.size(); ++o) {
        auto const& party = parties[deals[o].party];
        std::optional<Error> error = deals[o].error;
        if (!error && party.error) {
            error = party.error->WithContext(Context(*party.data));
        }
        // Built in place: GCC 12 reports a false "may be used uninitialized" for the DealRef
        // alternative when a temporary result holding an Error is moved into the vector.
        if (error) {
            out.deals.emplace_back(boost::system::in_place_error,
                                   error->WithContext(fmt::format("bitrix24 deal for order {}", orders[o].id)));
        } else {
            out.deals.emplace_back(boost::system::in_place_value, deals[o].ref);
        }
    }
    return out;
}

}  // namespace b2b::bitrix24
