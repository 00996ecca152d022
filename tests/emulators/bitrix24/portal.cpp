#include "tests/emulators/bitrix24/portal.hpp"

#include "tests/emulators/bitrix24/params.hpp"
#include "tests/emulators/bitrix24/php_query.hpp"

#include <boost/json/parse.hpp>
#include <boost/url/parse.hpp>

#include <algorithm>
#include <cctype>

namespace b2b::emu::bitrix24 {

namespace json = boost::json;
namespace urls = boost::urls;

namespace {

std::string Lower(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
    return text;
}

std::vector<std::string> SplitPath(std::string const& path) {
    std::vector<std::string> parts;
    std::size_t pos = 0;
    while (pos < path.size()) {
        auto slash = path.find('/', pos);
        if (slash == std::string::npos) {
            slash = path.size();
        }
        if (slash > pos) {
            parts.push_back(path.substr(pos, slash - pos));
        }
        pos = slash + 1;
    }
    return parts;
}

bool NeedsAppContext(std::string const& method) {
    return method.rfind("event.", 0) == 0 || method.rfind("bizproc.robot.", 0) == 0 ||
           method.rfind("placement.bind", 0) == 0;
}

// Body and query string give one param tree with the same PHP semantics; body keys win.
std::optional<json::object> ParseParams(HttpRequest const& request, std::string const& query) {
    json::object params = ParsePhpQuery(query);
    if (request.body.empty()) {
        return params;
    }
    if (request.content_type.find("application/json") != std::string::npos) {
        boost::system::error_code ec;
        auto body = json::parse(request.body, ec);
        if (ec || !body.is_object()) {
            return std::nullopt;
        }
        auto normalized = NormalizePhpArrays(std::move(body));
        for (auto& kv : normalized.as_object()) {
            params[kv.key()] = std::move(kv.value());
        }
        return params;
    }
    for (auto& kv : ParsePhpQuery(request.body)) {
        params[kv.key()] = std::move(kv.value());
    }
    return params;
}

}  // namespace

Portal::Portal(PortalOptions options, Clock& clock)
    : options_(std::move(options)),
      clock_(clock),
      methods_(BuildMethodTable()),
      oauth_(options_.oauth),
      bucket_(options_.burst, options_.drain),
      operating_(options_.operating_limit),
      faults_(options_.seed) {
    ResetState();
}

void Portal::ResetState() {
    crm_ = CrmStore{};
    auto error = crm_.LoadSeed(options_.seed_data ? *options_.seed_data : CrmStore::DefaultSeed());
    if (error) {
        // The seed was validated at startup (main), so this only guards the default.
        crm_.LoadSeed(CrmStore::DefaultSeed());
    }
    events_.Reset();
    events_.identity().application_token = options_.application_token;
    oauth_.Reset();
    bucket_.Reset();
    operating_.Reset();
    faults_.Clear();
    stats_ = Stats{};
}

void Portal::SetBaseUrl(std::string const& base_url) {
    events_.identity().client_endpoint = base_url + "/rest/";
    events_.identity().server_endpoint = base_url + "/rest/";
    oauth_.set_client_endpoint(base_url + "/rest/");
}

Reply Portal::Handle(HttpRequest const& request) {
    auto parsed = urls::parse_origin_form(request.target);
    if (!parsed) {
        return ErrorReply(400, "INVALID_REQUEST", "Malformed request target");
    }
    std::string path(parsed->encoded_path());
    std::string query(parsed->encoded_query());
    auto params = ParseParams(request, query);
    if (!params) {
        return ErrorReply(400, "INVALID_REQUEST", "Request body is not valid JSON");
    }
    if (path.rfind("/_emulator/", 0) == 0) {
        return HandleControl(request, path, *params);
    }
    if (path == "/oauth/token/" || path == "/oauth/token") {
        return oauth_.HandleToken(*params, clock_.Now());
    }
    if (path.rfind("/rest/", 0) == 0) {
        return HandleRest(request, path, std::move(*params));
    }
    return ErrorReply(404, "NOT_FOUND", "Not found");
}

std::optional<Reply> Portal::Authenticate(std::string const& path, json::object const& params, Auth& auth,
                                          std::string& method) {
    auto parts = SplitPath(path);  // "rest", then {method} or {user}/{code}/{method}
    if (parts.size() == 4) {
        method = parts[3];
        auto user = ToInt(json::value(parts[1]));
        if (!user || *user != options_.webhook_user || parts[2] != options_.webhook_code) {
            ++stats_.auth_401;
            return ErrorReply(401, "NO_AUTH_FOUND", "Wrong authorization data");
        }
        auth.app_context = false;
        auth.user_id = *user;
        auth.key = "webhook:" + parts[1];
        return std::nullopt;
    }
    if (parts.size() != 2) {
        return ErrorReply(404, "ERROR_METHOD_NOT_FOUND", "Method not found!");
    }
    method = parts[1];
    auto token = ParamString(params, "auth").value_or("");
    switch (oauth_.Check(token, clock_.Now())) {
        case OAuthServer::TokenState::kValid:
            auth.app_context = true;
            auth.key = "app:" + oauth_.config().client_id;
            return std::nullopt;
        case OAuthServer::TokenState::kExpired:
            ++stats_.auth_401;
            return ErrorReply(401, "expired_token", "The access token provided has expired.");
        case OAuthServer::TokenState::kUnknown:
            break;
    }
    ++stats_.auth_401;
    return ErrorReply(401, "NO_AUTH_FOUND", "Wrong authorization data");
}

Reply Portal::HandleRest(HttpRequest const&, std::string const& path, json::object params) {
    ++stats_.requests;
    Auth auth;
    std::string method;
    auto auth_error = Authenticate(path, params, auth, method);
    method = Lower(method);
    if (method.size() > 5 && method.substr(method.size() - 5) == ".json") {
        method.resize(method.size() - 5);
    }
    if (method.size() > 4 && method.substr(method.size() - 4) == ".xml") {
        return ErrorReply(400, "ERROR_FORMAT", "XML replies are not emulated");
    }
    auto fault = faults_.Decide(method);
    if (fault.kind != FaultKind::kNone) {
        ++stats_.faults_injected;
    }
    switch (fault.kind) {
        case FaultKind::kHtml:
            return HtmlGatewayReply(fault.status);
        case FaultKind::kTooMany:
            ++stats_.operation_limit_429;
            return ErrorReply(429, "OPERATION_TIME_LIMIT", "Method is blocked due to operation time limit.");
        case FaultKind::kReset: {
            Reply reply;
            reply.transport = Transport::kReset;
            return reply;
        }
        default:
            break;
    }
    // Every HTTP request lands in the bucket, whatever it then turns out to be (§3.1).
    if (!bucket_.TryAdmit(clock_.Now())) {
        ++stats_.query_limit_503;
        return ErrorReply(503, "QUERY_LIMIT_EXCEEDED", "Too many requests");
    }
    if (auth_error) {
        return *auth_error;
    }
    double start = clock_.Now();
    CallResult call;
    json::object time;
    if (method == "batch") {
        ++stats_.method_calls["batch"];
        call = RunBatch(params, [&](std::string const& sub_method, json::object const& sub_params) {
            auto sub_with_auth = sub_params;
            return RunMethod(sub_method, sub_with_auth, auth);
        });
        // The outer batch call is not counted against any operating budget (§3.2).
        time = TimeJson(start, start, 0, operating_.ResetAt(auth.key + "|batch", start));
    } else {
        auto sub = RunMethod(method, params, auth);
        call = std::move(sub.call);
        time = std::move(sub.time);
    }
    Reply reply = JsonReply(call.status, Envelope(call, std::move(time)));
    if (fault.kind == FaultKind::kLostReply) {
        reply.transport = Transport::kDropAfterApply;
    }
    return reply;
}

SubCall Portal::RunMethod(std::string const& method, json::object const& params, Auth const& auth) {
    double now = clock_.Now();
    auto it = methods_.find(method);
    if (it == methods_.end()) {
        return SubCall{CallResult::Fail(404, "ERROR_METHOD_NOT_FOUND", "Method not found!"), {}};
    }
    if (!auth.app_context && NeedsAppContext(method)) {
        return SubCall{CallResult::Fail(403, "ACCESS_DENIED", "Application context required"), {}};
    }
    std::string budget_key = auth.key + "|" + method;
    if (operating_.Exhausted(budget_key, now)) {
        ++stats_.operation_limit_429;
        return SubCall{CallResult::Fail(429, "OPERATION_TIME_LIMIT", "Method is blocked due to operation time limit."),
                       {}};
    }
    ++stats_.method_calls[method];
    CallContext ctx{crm_, events_, now, auth.app_context, auth.user_id,
                    ParamString(params, "auth_connector").value_or(""), false};
    CallResult call = it->second(ctx, params);
    double cost = costs_.CostOf(method) + (ctx.counted_list ? costs_.count_cost : 0);
    operating_.Record(budget_key, cost, now);
    auto time = TimeJson(now, now + cost, operating_.Sum(budget_key, now), operating_.ResetAt(budget_key, now));
    return SubCall{std::move(call), std::move(time)};
}

}  // namespace b2b::emu::bitrix24
