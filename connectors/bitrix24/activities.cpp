#include "connectors/bitrix24/activities.hpp"

#include <boost/json/value.hpp>
#include <fmt/format.h>

#include "connectors/bitrix24/entities.hpp"

namespace b2b::bitrix24 {
namespace {

namespace json = boost::json;

// The oldest record of `method` (crm.company.list, crm.contact.list, crm.deal.list) stamped
// with our ORIGINATOR_ID and `origin`; 0 when there is none.
Result<std::int64_t> FindByOrigin(RestClient& client, std::string_view method, std::string const& origin) {
    // start=-1: no COUNT(*) for `total` (bitrix24.md §5).
    auto reply = client.Call(method, json::object{{"filter", json::object{{"ORIGINATOR_ID", std::string(kOriginatorId)},
                                                                          {"ORIGIN_ID", origin}}},
                                                  {"select", json::array{"ID"}},
                                                  {"order", json::object{{"ID", "ASC"}}},
                                                  {"start", -1}});
    if (!reply) {
        return reply.error();
    }
    auto const* rows = reply->result.if_array();
    if (rows == nullptr) {
        return Error::Permanent(fmt::format("{}: the portal returned no list", method));
    }
    for (auto const& row : *rows) {
        if (auto const* object = row.if_object(); object != nullptr && object->if_contains("ID") != nullptr) {
            if (auto id = AsInt(object->at("ID")); id && *id > 0) {
                return *id;
            }
        }
    }
    return std::int64_t{0};
}

Result<std::int64_t> NewId(Result<Reply> const& reply, std::string_view method) {
    if (!reply) {
        return reply.error();
    }
    if (auto id = AsInt(reply->result); id && *id > 0) {
        return *id;
    }
    return Error::Permanent(fmt::format("{}: the portal returned no id for the new record", method));
}

json::array MultiField(std::vector<std::string> const& values) {
    json::array out;
    for (auto const& v : values) {
        out.push_back(json::object{{"VALUE", v}, {"VALUE_TYPE", "WORK"}});
    }
    return out;
}

std::string WithMarker(std::string const& text, std::string_view job_key) {
    return text.empty() ? Marker(job_key) : text + "\n\n" + Marker(job_key);
}

}  // namespace

std::string Marker(std::string_view job_key) { return fmt::format("[b2bsync:{}]", job_key); }

Result<std::int64_t> EnsureContact(RestClient& client, Contact const& contact) {
    auto const context = fmt::format("bitrix24 contact {}", contact.id);
    auto found = FindByOrigin(client, "crm.contact.list", contact.id);
    if (!found) {
        return found.error().WithContext(context);
    }
    if (*found > 0) {
        return *found;
    }
    auto company = contact.company_id;
    if (company == 0 && !contact.counterparty_id.empty()) {
        auto by_origin = FindByOrigin(client, "crm.company.list", contact.counterparty_id);
        if (!by_origin) {
            return by_origin.error().WithContext(context);
        }
        if (*by_origin == 0) {
            return Error::Transient(fmt::format("{}: the company of counterparty {} is not in the portal yet",
                                                context, contact.counterparty_id));
        }
        company = *by_origin;
    }
    json::object fields{{"NAME", contact.name},
                        {"ORIGINATOR_ID", std::string(kOriginatorId)},
                        {"ORIGIN_ID", contact.id},
                        {"OPENED", "Y"}};
    if (!contact.last_name.empty()) {
        fields["LAST_NAME"] = contact.last_name;
    }
    if (!contact.phones.empty()) {
        fields["PHONE"] = MultiField(contact.phones);
    }
    if (!contact.emails.empty()) {
        fields["EMAIL"] = MultiField(contact.emails);
    }
    if (company > 0) {
        fields["COMPANY_ID"] = company;
    }
    if (contact.assigned_by_id) {
        fields["ASSIGNED_BY_ID"] = *contact.assigned_by_id;
    }
    auto id = NewId(client.Call("crm.contact.add", json::object{{"fields", std::move(fields)},
                                                               {"params", json::object{{"REGISTER_SONET_EVENT", "N"}}}}),
                    "crm.contact.add");
    if (!id) {
        return id.error().WithContext(context);
    }
    return *id;
}

Result<std::int64_t> ResolveDeal(RestClient& client, DealTarget const& deal) {
    if (deal.deal_id > 0) {
        return deal.deal_id;
    }
    auto found = FindByOrigin(client, "crm.deal.list", deal.order_id);
    if (!found) {
        return found.error().WithContext(fmt::format("bitrix24 deal for order {}", deal.order_id));
    }
    if (*found == 0) {
        return Error::Transient(fmt::format("bitrix24: the deal for order {} is not in the portal yet", deal.order_id));
    }
    return *found;
}

Result<std::int64_t> AddComment(RestClient& client, Comment const& comment, std::string_view job_key) {
    auto deal = ResolveDeal(client, comment.deal);
    if (!deal) {
        return deal.error();
    }
    // Lowercase `fields` only (crm 23.100.0+ ignores FIELDS/arFields).
    json::object fields{{"ENTITY_ID", *deal}, {"ENTITY_TYPE", "deal"}, {"COMMENT", WithMarker(comment.text, job_key)}};
    if (!comment.file_name.empty()) {
        fields["FILES"] = json::array{json::array{json::string(comment.file_name), json::string(comment.file_base64)}};
    }
    return NewId(client.Call("crm.timeline.comment.add", json::object{{"fields", std::move(fields)}}),
                 "crm.timeline.comment.add");
}

Result<std::int64_t> AddTask(RestClient& client, Task const& task, std::string_view job_key) {
    json::object fields{{"TITLE", task.title},
                        {"DESCRIPTION", WithMarker(task.description, job_key)},
                        {"RESPONSIBLE_ID", task.responsible_id}};
    if (!task.deadline.empty()) {
        fields["DEADLINE"] = task.deadline;
    }
    if (task.deal) {
        auto deal = ResolveDeal(client, *task.deal);
        if (!deal) {
            return deal.error();
        }
        fields["UF_CRM_TASK"] = json::array{json::string(fmt::format("D_{}", *deal))};
    }
    auto reply = client.Call("tasks.task.add", json::object{{"fields", std::move(fields)}});
    if (!reply) {
        return reply.error();
    }
    // {"task":{"id":"12",...}}
    if (auto const* object = reply->result.if_object()) {
        if (auto const* t = object->if_contains("task"); t != nullptr && t->is_object()) {
            if (auto const* id = t->as_object().if_contains("id")) {
                if (auto n = AsInt(*id); n && *n > 0) {
                    return *n;
                }
            }
        }
    }
    return Error::Permanent("tasks.task.add: the portal returned no task id");
}

Result<std::int64_t> Notify(RestClient& client, Notification const& notification, std::string_view job_key) {
    return NewId(client.Call("im.notify.system.add", json::object{{"USER_ID", notification.user_id},
                                                                 {"MESSAGE", notification.message},
                                                                 {"TAG", fmt::format("b2bsync:{}", job_key)}}),
                 "im.notify.system.add");
}

}  // namespace b2b::bitrix24
