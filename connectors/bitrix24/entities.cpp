#include "connectors/bitrix24/entities.hpp"

#include <algorithm>
#include <map>

#include <boost/json/value.hpp>
#include <fmt/format.h>

#include "connectors/bitrix24/command_runner.hpp"

namespace b2b::bitrix24 {
namespace {

namespace json = boost::json;

// Lookups per counterparty: requisite by INN, company by origin, requisite of that company.
constexpr std::size_t kCounterpartiesPerBatch = kMaxBatchCommands / 3;
constexpr std::size_t kOrdersPerBatch = kMaxBatchCommands / 2;

// First row's field of a list result (legacy lists return an array of objects).
std::optional<std::int64_t> FirstRowInt(Result<Reply> const& reply, std::string_view field) {
    if (!reply) {
        return std::nullopt;
    }
    auto const* rows = reply->result.if_array();
    if (rows == nullptr || rows->empty()) {
        return std::nullopt;
    }
    auto const* row = rows->front().if_object();
    if (row == nullptr) {
        return std::nullopt;
    }
    if (auto const* v = row->if_contains(field)) {
        return AsInt(*v);
    }
    return std::nullopt;
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

json::object ListParams(json::object filter, json::array select) {
    // start=-1: no COUNT(*) for `total` (expensive, burns the operating budget, bitrix24.md §5).
    return json::object{{"filter", std::move(filter)},
                        {"select", std::move(select)},
                        {"order", json::object{{"ID", "ASC"}}},
                        {"start", -1}};
}

std::string Context(Counterparty const& c) { return fmt::format("bitrix24 company for counterparty {}", c.id); }

json::object RequisiteFields(Counterparty const& c, std::int64_t company_id) {
    json::object fields{{"ENTITY_TYPE_ID", 4},     {"ENTITY_ID", company_id}, {"PRESET_ID", PresetOf(c)},
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

CrmWriter::CrmWriter(RestClient& client, Pipeline pipeline) : client_(client), pipeline_(std::move(pipeline)) {}

std::vector<Result<CompanyRef>> CrmWriter::EnsureCompanies(std::span<Counterparty const> counterparties) {
    std::vector<Result<CompanyRef>> out;
    out.reserve(counterparties.size());
    for (std::size_t at = 0; at < counterparties.size(); at += kCounterpartiesPerBatch) {
        auto const chunk = counterparties.subspan(at, std::min(kCounterpartiesPerBatch, counterparties.size() - at));
        // 1. Lookups, chained so that "requisite of the company found by origin" costs no extra round trip.
        std::vector<BatchCommand> lookups;
        for (std::size_t i = 0; i < chunk.size(); ++i) {
            auto const& c = chunk[i];
            auto const n = std::to_string(i);
            if (!c.inn.empty()) {
                json::object filter{{"ENTITY_TYPE_ID", 4}, {"RQ_INN", c.inn}};
                if (!c.kpp.empty()) {
                    filter["RQ_KPP"] = c.kpp;
                }
                lookups.push_back({"rq_" + n, "crm.requisite.list", ListParams(std::move(filter), {"ID", "ENTITY_ID"})});
            }
            lookups.push_back(
                {"co_" + n, "crm.company.list",
                 ListParams(json::object{{"ORIGINATOR_ID", std::string(kOriginatorId)}, {"ORIGIN_ID", c.id}}, {"ID"})});
            lookups.push_back({"rc_" + n, "crm.requisite.list",
                               ListParams(json::object{{"ENTITY_TYPE_ID", 4},
                                                       {"ENTITY_ID", ResultRef("co_" + n, {"0", "ID"})}},
                                          {"ID", "ENTITY_ID"})});
        }
        auto const found = RunCommands(client_, lookups);
        std::map<std::string, Result<Reply> const*> by_key;
        for (std::size_t k = 0; k < lookups.size(); ++k) {
            by_key[lookups[k].key] = &found[k];
        }
        std::vector<std::optional<Error>> failed(chunk.size());
        std::vector<CompanyRef> refs(chunk.size());
        for (std::size_t i = 0; i < chunk.size(); ++i) {
            auto const n = std::to_string(i);
            if (auto it = by_key.find("rq_" + n); it != by_key.end()) {
                if (!*it->second) {
                    failed[i] = it->second->error();
                    continue;
                }
                if (auto company = FirstRowInt(*it->second, "ENTITY_ID")) {
                    refs[i].company_id = *company;
                    refs[i].requisite_id = FirstRowInt(*it->second, "ID").value_or(0);
                    continue;
                }
            }
            auto const& co = *by_key["co_" + n];
            if (!co) {
                failed[i] = co.error();
                continue;
            }
            if (auto company = FirstRowInt(co, "ID")) {
                refs[i].company_id = *company;
                auto const& rc = *by_key["rc_" + n];
                if (!rc) {
                    failed[i] = rc.error();
                    continue;
                }
                refs[i].requisite_id = FirstRowInt(rc, "ID").value_or(0);
            }
        }
        // 2. Companies that do not exist yet.
        std::vector<BatchCommand> adds;
        std::vector<std::size_t> add_index;
        for (std::size_t i = 0; i < chunk.size(); ++i) {
            if (failed[i] || refs[i].company_id != 0) {
                continue;
            }
            auto const& c = chunk[i];
            json::object fields{{"TITLE", c.name},
                                {"ORIGINATOR_ID", std::string(kOriginatorId)},
                                {"ORIGIN_ID", c.id},
                                {"COMPANY_TYPE", "CUSTOMER"},
                                {"OPENED", "Y"}};
            if (c.assigned_by_id) {
                fields["ASSIGNED_BY_ID"] = *c.assigned_by_id;
            }
            adds.push_back({"co_add_" + std::to_string(i), "crm.company.add",
                            json::object{{"fields", std::move(fields)},
                                         {"params", json::object{{"REGISTER_SONET_EVENT", "N"}}}}});
            add_index.push_back(i);
        }
        auto const added = RunCommands(client_, adds);
        for (std::size_t k = 0; k < adds.size(); ++k) {
            auto id = NewId(added[k]);
            if (!id) {
                failed[add_index[k]] = id.error();
            } else {
                refs[add_index[k]].company_id = *id;
                refs[add_index[k]].created_company = true;
            }
        }
        // 3. Requisites that do not exist yet (a separate step: after a lost reply of step 2 the
        //    retry starts here, found by origin).
        std::vector<BatchCommand> requisites;
        std::vector<std::size_t> requisite_index;
        for (std::size_t i = 0; i < chunk.size(); ++i) {
            if (failed[i] || refs[i].requisite_id != 0) {
                continue;
            }
            requisites.push_back({"rq_add_" + std::to_string(i), "crm.requisite.add",
                                  json::object{{"fields", RequisiteFields(chunk[i], refs[i].company_id)}}});
            requisite_index.push_back(i);
        }
        auto const rq_added = RunCommands(client_, requisites);
        for (std::size_t k = 0; k < requisites.size(); ++k) {
            auto id = NewId(rq_added[k]);
            if (!id) {
                failed[requisite_index[k]] = id.error();
            } else {
                refs[requisite_index[k]].requisite_id = *id;
                refs[requisite_index[k]].created_requisite = true;
            }
        }
        for (std::size_t i = 0; i < chunk.size(); ++i) {
            if (failed[i]) {
                out.push_back(failed[i]->WithContext(Context(chunk[i])));
            } else {
                out.push_back(refs[i]);
            }
        }
    }
    return out;
}

std::vector<Result<DealRef>> CrmWriter::EnsureDeals(std::span<Order const> orders) {
    std::vector<Result<DealRef>> out;
    out.reserve(orders.size());
    std::vector<Counterparty> counterparties;
    for (auto const& o : orders) {
        counterparties.push_back(o.counterparty);
    }
    auto const companies = EnsureCompanies(counterparties);
    for (std::size_t at = 0; at < orders.size(); at += kOrdersPerBatch) {
        auto const n_chunk = std::min(kOrdersPerBatch, orders.size() - at);
        std::vector<std::optional<Error>> failed(n_chunk);
        std::vector<DealRef> refs(n_chunk);
        std::vector<BatchCommand> lookups;
        std::vector<std::size_t> lookup_index;
        for (std::size_t i = 0; i < n_chunk; ++i) {
            auto const& order = orders[at + i];
            if (!companies[at + i]) {
                failed[i] = companies[at + i].error();
                continue;
            }
            refs[i].company_id = companies[at + i]->company_id;
            lookups.push_back({"dl_" + std::to_string(i), "crm.deal.list",
                               ListParams(json::object{{"ORIGINATOR_ID", std::string(kOriginatorId)},
                                                       {"ORIGIN_ID", order.id}},
                                          {"ID"})});
            lookup_index.push_back(i);
        }
        auto const found = RunCommands(client_, lookups);
        std::vector<BatchCommand> writes;
        std::vector<std::pair<std::size_t, bool>> write_index;  // order index, is the deal.add
        for (std::size_t k = 0; k < lookups.size(); ++k) {
            auto const i = lookup_index[k];
            auto const& order = orders[at + i];
            if (!found[k]) {
                failed[i] = found[k].error();
                continue;
            }
            auto const n = std::to_string(i);
            json::value deal_id;
            if (auto existing = FirstRowInt(found[k], "ID")) {
                refs[i].deal_id = *existing;
                deal_id = *existing;
            } else {
                std::string stage_id = pipeline_.initial_stage_id;
                if (!order.stage.empty()) {
                    auto it = pipeline_.stage_ids.find(order.stage);
                    if (it == pipeline_.stage_ids.end()) {
                        failed[i] = Error::Permanent(fmt::format(
                            "stage \"{}\" is not mapped in bitrix24.stages", order.stage));
                        continue;
                    }
                    stage_id = it->second;
                }
                auto amount = Amount(order);
                if (!amount) {
                    failed[i] = amount.error();
                    continue;
                }
                json::object fields{{"TITLE", order.title},
                                    {"CATEGORY_ID", pipeline_.category_id},
                                    {"STAGE_ID", stage_id},
                                    {"COMPANY_ID", refs[i].company_id},
                                    {"OPPORTUNITY", amount->ToString(2)},
                                    {"CURRENCY_ID", order.currency},
                                    {"ORIGINATOR_ID", std::string(kOriginatorId)},
                                    {"ORIGIN_ID", order.id},
                                    {"OPENED", "Y"}};
                if (order.assigned_by_id > 0) {
                    fields["ASSIGNED_BY_ID"] = order.assigned_by_id;
                }
                writes.push_back({"d_add_" + n, "crm.deal.add",
                                  json::object{{"fields", std::move(fields)},
                                               {"params", json::object{{"REGISTER_SONET_EVENT", "N"}}}}});
                write_index.emplace_back(i, true);
                deal_id = ResultRef("d_add_" + n);
            }
            writes.push_back({"d_rows_" + n, "crm.deal.productrows.set",
                              json::object{{"id", std::move(deal_id)}, {"rows", Rows(order)}}});
            write_index.emplace_back(i, false);
        }
        auto const written = RunCommands(client_, writes);
        for (std::size_t k = 0; k < writes.size(); ++k) {
            auto const [i, is_add] = write_index[k];
            if (failed[i]) {
                continue;  // the deal.add already failed; its rows' error would only repeat it
            }
            if (is_add) {
                auto id = NewId(written[k]);
                if (!id) {
                    failed[i] = id.error();
                } else {
                    refs[i].deal_id = *id;
                    refs[i].created = true;
                }
            } else if (!written[k]) {
                failed[i] = written[k].error();
            }
        }
        for (std::size_t i = 0; i < n_chunk; ++i) {
            if (failed[i]) {
                out.push_back(failed[i]->WithContext(fmt::format("bitrix24 deal for order {}", orders[at + i].id)));
            } else {
                out.push_back(refs[i]);
            }
        }
    }
    return out;
}

}  // namespace b2b::bitrix24
