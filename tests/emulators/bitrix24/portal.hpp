#pragma once

#include "tests/emulators/bitrix24/batch.hpp"
#include "tests/emulators/bitrix24/clock.hpp"
#include "tests/emulators/bitrix24/crm_store.hpp"
#include "tests/emulators/bitrix24/envelope.hpp"
#include "tests/emulators/bitrix24/events.hpp"
#include "tests/emulators/bitrix24/faults.hpp"
#include "tests/emulators/bitrix24/limits.hpp"
#include "tests/emulators/bitrix24/methods.hpp"
#include "tests/emulators/bitrix24/oauth.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace b2b::emu::bitrix24 {

struct PortalOptions {
    std::int64_t webhook_user = 1;
    std::string webhook_code = "emu0webhook0code";
    double burst = 50;
    double drain = 2;
    double operating_limit = 480;
    std::uint64_t seed = 1;
    std::string application_token = "emu-application-token";
    OAuthServer::Config oauth;
    std::optional<boost::json::value> seed_data;  // pipelines; default: General + "Опт"
};

/// One HTTP request as the transport saw it.
struct HttpRequest {
    std::string method;  // "GET", "POST"
    std::string target;  // origin-form, with the query string
    std::string content_type;
    std::string body;
};

/// The whole emulated portal: routing, auth, limits, faults, dispatch, control API.
/// Pure logic (no sockets); not thread-safe: call from one thread (the io_context's).
class Portal {
public:
    Portal(PortalOptions options, Clock& clock);

    Reply Handle(HttpRequest const& request);

    /// Outbound event POSTs produced by the last requests; the transport sends each once.
    std::vector<Delivery> TakeDeliveries() { return events_.TakeDeliveries(); }
    void RecordDelivery(Delivery const& delivery, int status, std::string const& error) {
        events_.RecordDelivery(delivery, status, error);
    }
    /// Real-time delay before each outbound event POST (set via /_emulator/events/config).
    int event_delay_ms() const { return event_delay_ms_; }
    /// "http://127.0.0.1:PORT": used in client_endpoint of tokens and event payloads.
    void SetBaseUrl(std::string const& base_url);

private:
    struct Auth {
        bool app_context = false;
        std::int64_t user_id = 1;
        std::string key;  // operating budgets are per app/webhook
    };
    struct Stats {
        std::int64_t requests = 0;
        std::int64_t query_limit_503 = 0;
        std::int64_t operation_limit_429 = 0;
        std::int64_t auth_401 = 0;
        std::int64_t faults_injected = 0;
        std::map<std::string, std::int64_t> method_calls;
    };

    Reply HandleRest(HttpRequest const& request, std::string const& path, boost::json::object params);
    Reply HandleControl(HttpRequest const& request, std::string const& path, boost::json::object const& params);
    std::optional<Reply> Authenticate(std::string const& path, boost::json::object const& params, Auth& auth,
                                      std::string& method);
    SubCall RunMethod(std::string const& method, boost::json::object const& params, Auth const& auth);
    boost::json::object StateJson() const;
    boost::json::object LimitsJson() const;
    Reply ConfigureLimits(boost::json::object const& body);
    Reply MoveDealToStage(boost::json::object const& body);
    void ResetState();

    PortalOptions options_;
    Clock& clock_;
    MethodTable methods_;
    CrmStore crm_;
    EventBus events_;
    OAuthServer oauth_;
    LeakyBucket bucket_;
    OperatingBudget operating_;
    CostModel costs_;
    Faults faults_;
    Stats stats_;
    int event_delay_ms_ = 0;
};

}  // namespace b2b::emu::bitrix24
