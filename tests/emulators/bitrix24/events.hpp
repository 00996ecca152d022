#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

namespace b2b::emu::bitrix24 {

struct EventBinding {
    std::int64_t id = 0;
    std::string event;  // upper case, e.g. ONCRMDEALUPDATE
    std::string handler;
    bool offline = false;
    std::string auth_connector;
    bool outgoing_webhook = false;  // configured "in the UI" through the control API
};

/// One outbound POST the transport has to make: form-encoded, once, no retry (§7).
struct Delivery {
    std::string url;
    std::string body;
    std::int64_t handler_id = 0;
    std::string event;
};

struct OfflineEvent {
    std::int64_t id = 0;
    std::int64_t message_id = 0;
    double timestamp = 0;
    std::string event;
    boost::json::object data;
    std::string object_key;  // event + object id: the queue keeps only the latest state
    std::string process_id;  // non-empty while reserved by event.offline.get clear=0
    bool error = false;
};

/// Bindings, online deliveries waiting for the transport, and the offline queue.
/// Pure state: the server drains TakeDeliveries() and does the HTTP.
class EventBus {
public:
    struct Identity {
        std::string domain = "emulator.bitrix24.test";
        std::string member_id = "emu0member0id";
        std::string application_token = "emu-application-token";
        std::string client_endpoint;  // set when the port is known
        std::string server_endpoint;
    };

    std::int64_t Bind(EventBinding binding);
    /// Removes bindings matching event (and handler when non-empty); returns how many.
    std::int64_t Unbind(std::string const& event, std::string const& handler);
    std::vector<EventBinding> const& bindings() const { return bindings_; }

    /// A CRM change happened. Online handlers get a POST each (one per object); offline
    /// bindings queue a coalesced record unless the write carried their auth_connector.
    void Fire(std::string const& event, boost::json::object const& fields, std::string const& auth_connector,
              double now);

    std::vector<Delivery> TakeDeliveries();
    /// Called by the transport after each attempt, for the inspection log.
    void RecordDelivery(Delivery const& delivery, int http_status, std::string const& error);
    boost::json::array const& delivery_log() const { return delivery_log_; }

    /// event.offline.get: up to `limit` unreserved, non-error records in TIMESTAMP_X order.
    /// clear=true deletes them; clear=false reserves them under process_id (new one if empty).
    boost::json::object OfflineGet(bool clear, std::string process_id, std::int64_t limit, double now);
    /// event.offline.clear: deletes records reserved under process_id (only message_ids if given).
    std::int64_t OfflineClear(std::string const& process_id, std::vector<std::int64_t> const& message_ids);
    /// event.offline.error: marks records as failed; they leave the normal get flow.
    std::int64_t OfflineError(std::string const& process_id, std::vector<std::int64_t> const& message_ids);
    /// event.offline.list: read without changes.
    boost::json::array OfflineList() const;

    Identity& identity() { return identity_; }
    void set_wrong_token_for_test(bool wrong) { wrong_token_ = wrong; }
    void Reset();
    boost::json::object Dump() const;

private:
    boost::json::object EventJson(OfflineEvent const& record) const;

    Identity identity_;
    std::vector<EventBinding> bindings_;
    std::int64_t next_binding_id_ = 1;
    std::vector<Delivery> pending_;
    boost::json::array delivery_log_;
    std::deque<OfflineEvent> offline_;
    std::int64_t next_offline_id_ = 1;
    std::int64_t next_process_id_ = 1;
    bool wrong_token_ = false;
};

}  // namespace b2b::emu::bitrix24
