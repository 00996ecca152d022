#include "connectors/bitrix24/events_offline.hpp"

#include <utility>
#include <vector>

#include <boost/json/array.hpp>

#include "core/util/log.hpp"

namespace b2b::bitrix24 {
namespace {

namespace json = boost::json;

constexpr std::string_view kComponent = "bitrix24.events";
// A reserved batch is at most `limit` records; the cap only stops a misbehaving portal from
// keeping us paging forever.
constexpr int kMaxRecoveryPages = 100;

json::array const* EventsOf(json::value const& result) {
    auto const* object = result.if_object();
    if (object == nullptr) {
        return nullptr;
    }
    auto const* events = object->if_contains("events");
    return events != nullptr ? events->if_array() : nullptr;
}

}  // namespace

OfflinePoller::OfflinePoller(RestClient& client, EventInbox& inbox, Clock const& clock, OfflinePollOptions options)
    : client_(client), inbox_(inbox), clock_(clock), options_(std::move(options)) {}

Result<std::size_t> OfflinePoller::Poll() {
    std::size_t taken = 0;
    auto open = inbox_.OpenOfflineProcess();
    if (!open) {
        return open.error();
    }
    if (*open) {
        auto recovered = Recover(**open);
        if (!recovered) {
            return recovered.error();
        }
        taken += *recovered;
    }

    std::string process_id =
        options_.process_prefix + "-" + std::to_string(clock_.NowMillis()) + "-" + std::to_string(++rounds_);
    // Written before the get: if we die after the portal reserved the batch, the next round knows
    // which batch to re-read and confirm.
    if (auto begun = inbox_.BeginOfflineProcess(process_id); !begun) {
        return begun.error();
    }
    auto reply = client_.Call("event.offline.get", json::object{{"clear", 0},
                                                                 {"process_id", process_id},
                                                                 {"limit", options_.limit}});
    if (!reply) {
        // Nothing may have been reserved, but it may: leave the id for the next round's recovery.
        return reply.error();
    }
    auto const* events = EventsOf(reply->result);
    if (events == nullptr) {
        return Error::Permanent("event.offline.get: the reply has no `events` list");
    }
    if (crash_ == Crash::kAfterGet) {
        crash_ = Crash::kNone;
        return taken + events->size();
    }
    auto stored = Store(*events);
    if (!stored) {
        return stored.error();
    }
    if (crash_ == Crash::kAfterStore) {
        crash_ = Crash::kNone;
        return taken + events->size();
    }
    if (auto confirmed = Confirm(process_id); !confirmed) {
        return confirmed.error();
    }
    return taken + events->size();
}

Result<std::size_t> OfflinePoller::Recover(std::string const& process_id) {
    std::size_t seen = 0;
    std::int64_t start = 0;
    for (int page = 0; page < kMaxRecoveryPages; ++page) {
        auto reply = client_.Call("event.offline.list", json::object{{"filter", json::object{{"PROCESS_ID", process_id}}},
                                                                      {"order", json::object{{"ID", "ASC"}}},
                                                                      {"start", start}});
        if (!reply) {
            return reply.error();
        }
        auto const* rows = reply->result.if_array();
        if (rows == nullptr) {
            return Error::Permanent("event.offline.list: the reply's result is not a list");
        }
        auto stored = Store(*rows);
        if (!stored) {
            return stored.error();
        }
        seen += rows->size();
        if (!reply->next) {
            break;
        }
        start = *reply->next;
    }
    log::Info(kComponent, "re-read an offline batch left unconfirmed by a restart",
              {{"process_id", process_id}, {"events", seen}});
    if (auto confirmed = Confirm(process_id); !confirmed) {
        return confirmed.error();
    }
    return seen;
}

Result<std::size_t> OfflinePoller::Store(json::array const& events) {
    std::vector<EventRecord> records;
    records.reserve(events.size());
    for (auto const& raw : events) {
        auto record = ReadOfflineEvent(raw);
        if (!record) {
            log::Warn(kComponent, "dropped an unreadable offline event", {{"reason", record.error().message}});
            continue;
        }
        records.push_back(std::move(*record));
    }
    auto added = inbox_.AddAll(records);
    if (!added) {
        return added.error();
    }
    return added->size();
}

Status OfflinePoller::Confirm(std::string const& process_id) {
    auto cleared = client_.Call("event.offline.clear", json::object{{"process_id", process_id}});
    if (!cleared) {
        return cleared.error();
    }
    return inbox_.EndOfflineProcess(process_id);
}

}  // namespace b2b::bitrix24
