#include "tests/emulators/bitrix24/events.hpp"

#include "tests/emulators/bitrix24/envelope.hpp"
#include "tests/emulators/bitrix24/php_query.hpp"

#include <algorithm>
#include <cmath>

namespace b2b::emu::bitrix24 {

namespace json = boost::json;

namespace {

bool Listed(std::vector<std::int64_t> const& ids, std::int64_t id) {
    return ids.empty() || std::find(ids.begin(), ids.end(), id) != ids.end();
}

}  // namespace

std::int64_t EventBus::Bind(EventBinding binding) {
    binding.id = next_binding_id_++;
    bindings_.push_back(binding);
    return binding.id;
}

std::int64_t EventBus::Unbind(std::string const& event, std::string const& handler) {
    auto before = bindings_.size();
    std::erase_if(bindings_, [&](EventBinding const& b) {
        return b.event == event && (handler.empty() || b.handler == handler);
    });
    return static_cast<std::int64_t>(before - bindings_.size());
}

void EventBus::Fire(std::string const& event, json::object const& fields, std::string const& auth_connector,
                    double now) {
    for (auto const& binding : bindings_) {
        if (binding.event != event) {
            continue;
        }
        if (!binding.offline) {
            json::object auth{{"domain", identity_.domain},
                              {"client_endpoint", identity_.client_endpoint},
                              {"server_endpoint", identity_.server_endpoint},
                              {"member_id", identity_.member_id},
                              {"application_token",
                               wrong_token_ ? std::string("wrong-") + identity_.application_token
                                            : identity_.application_token}};
            json::object form{{"event", event},
                              {"event_handler_id", std::to_string(binding.id)},
                              {"data", json::object{{"FIELDS", fields}}},
                              {"ts", std::to_string(static_cast<std::int64_t>(now))},
                              {"auth", std::move(auth)}};
            pending_.push_back(Delivery{binding.handler, BuildPhpQuery(form), binding.id, event});
            continue;
        }
        // Echo suppression: our own writes carrying the binding's connector are not queued.
        if (!binding.auth_connector.empty() && binding.auth_connector == auth_connector) {
            continue;
        }
        std::string key = event + "#" + (fields.contains("ID") ? ScalarToString(fields.at("ID")) : "");
        auto existing = std::find_if(offline_.begin(), offline_.end(), [&](OfflineEvent const& e) {
            return e.object_key == key && e.process_id.empty() && !e.error;
        });
        if (existing != offline_.end()) {
            existing->timestamp = now;
            existing->data = json::object{{"FIELDS", fields}};
            continue;
        }
        OfflineEvent record;
        record.id = next_offline_id_++;
        record.message_id = record.id;
        record.timestamp = now;
        record.event = event;
        record.data = json::object{{"FIELDS", fields}};
        record.object_key = key;
        offline_.push_back(std::move(record));
    }
}

std::vector<Delivery> EventBus::TakeDeliveries() {
    std::vector<Delivery> out;
    out.swap(pending_);
    return out;
}

void EventBus::RecordDelivery(Delivery const& delivery, int http_status, std::string const& error) {
    delivery_log_.push_back(json::object{{"url", delivery.url},
                                         {"event", delivery.event},
                                         {"handler_id", delivery.handler_id},
                                         {"body", delivery.body},
                                         {"http_status", http_status},
                                         {"error", error}});
}

json::object EventBus::EventJson(OfflineEvent const& record) const {
    return json::object{{"ID", std::to_string(record.id)},
                        {"TIMESTAMP_X", IsoDate(record.timestamp)},
                        {"EVENT_NAME", record.event},
                        {"EVENT_DATA", record.data},
                        {"EVENT_ADDITIONAL", json::array{}},
                        {"MESSAGE_ID", std::to_string(record.message_id)},
                        {"PROCESS_ID", record.process_id.empty() ? json::value(nullptr) : json::value(record.process_id)},
                        {"ERROR", record.error ? "1" : "0"}};
}

json::object EventBus::OfflineGet(bool clear, std::string process_id, std::int64_t limit, double /*now*/) {
    if (limit <= 0) {
        limit = 50;
    }
    std::stable_sort(offline_.begin(), offline_.end(),
                     [](OfflineEvent const& a, OfflineEvent const& b) { return a.timestamp < b.timestamp; });
    if (!clear && process_id.empty()) {
        process_id = "emu" + std::to_string(next_process_id_++);
    }
    json::array events;
    std::vector<std::int64_t> taken;
    for (auto& record : offline_) {
        if (static_cast<std::int64_t>(events.size()) >= limit) {
            break;
        }
        if (!record.process_id.empty() || record.error) {
            continue;
        }
        if (!clear) {
            record.process_id = process_id;
        }
        events.push_back(EventJson(record));
        taken.push_back(record.id);
    }
    if (clear) {
        std::erase_if(offline_, [&](OfflineEvent const& e) { return Listed(taken, e.id) && !taken.empty(); });
    }
    json::object result;
    result["process_id"] = clear ? json::value(nullptr) : json::value(process_id);
    result["events"] = std::move(events);
    return result;
}

std::int64_t EventBus::OfflineClear(std::string const& process_id, std::vector<std::int64_t> const& message_ids) {
    auto before = offline_.size();
    std::erase_if(offline_, [&](OfflineEvent const& e) {
        return e.process_id == process_id && Listed(message_ids, e.message_id);
    });
    return static_cast<std::int64_t>(before - offline_.size());
}

std::int64_t EventBus::OfflineError(std::string const& process_id, std::vector<std::int64_t> const& message_ids) {
    std::int64_t marked = 0;
    for (auto& record : offline_) {
        if (record.process_id == process_id && Listed(message_ids, record.message_id)) {
            record.error = true;
            record.process_id.clear();
            ++marked;
        }
    }
    return marked;
}

json::array EventBus::OfflineList() const {
    json::array out;
    for (auto const& record : offline_) {
        out.push_back(EventJson(record));
    }
    return out;
}

void EventBus::Reset() {
    bindings_.clear();
    pending_.clear();
    delivery_log_.clear();
    offline_.clear();
    next_binding_id_ = 1;
    next_offline_id_ = 1;
    next_process_id_ = 1;
    wrong_token_ = false;
}

json::object EventBus::Dump() const {
    json::array bindings;
    for (auto const& b : bindings_) {
        bindings.push_back(json::object{{"id", b.id},
                                        {"event", b.event},
                                        {"handler", b.handler},
                                        {"event_type", b.offline ? "offline" : "online"},
                                        {"auth_connector", b.auth_connector},
                                        {"outgoing_webhook", b.outgoing_webhook}});
    }
    return json::object{{"bindings", std::move(bindings)},
                        {"offline_queue", OfflineList()},
                        {"deliveries", delivery_log_}};
}

}  // namespace b2b::emu::bitrix24
