#include "connectors/onec/exchange_endpoint.hpp"

#include <array>
#include <chrono>
#include <map>
#include <mutex>
#include <random>
#include <utility>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "connectors/onec/exchange_endpoint_core.hpp"
#include "connectors/onec/exchange_info.hpp"
#include "core/http/auth.hpp"
#include "core/util/log.hpp"

namespace b2b::onec {
namespace {

namespace asio = boost::asio;
using exchange_detail::kLog;
using exchange_detail::Param;
using exchange_detail::StoreFailure;

std::string RandomHex32() {
    // random_device is the kernel's CSPRNG on Linux: these values are bearer tokens.
    std::random_device device;
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out;
    out.reserve(32);
    for (int i = 0; i < 4; ++i) {
        auto word = static_cast<std::uint32_t>(device());
        for (int j = 0; j < 8; ++j) {
            out += kDigits[word & 0xF];
            word >>= 4;
        }
    }
    return out;
}

// Metric labels come from a fixed set so a client cannot grow the series without bound.
std::string TypeLabel(std::string const& type) { return type == "catalog" || type == "sale" ? type : "other"; }

std::string ModeLabel(std::string const& mode) {
    static constexpr std::array<std::string_view, 9> kModes = {"checkauth", "init",  "file",    "import", "deactivate",
                                                               "complete",  "query", "success", "info"};
    for (auto m : kModes) {
        if (mode == m) {
            return mode;
        }
    }
    return "other";
}

// A failure text may quote what 1C sent (a file name with a NUL or newline): keep log lines whole.
std::string ForLog(std::vector<std::string> const& lines) {
    std::string text = lines.empty() ? std::string{} : lines.front();
    for (char& c : text) {
        if (static_cast<unsigned char>(c) < 0x20) {
            c = '?';
        }
    }
    return text;
}

}  // namespace

std::shared_ptr<std::mutex> OneCExchangeEndpoint::Core::SessionLock(std::string const& id) {
    std::lock_guard lock(locks_mutex);
    auto& slot = session_locks[id];
    if (!slot) {
        slot = std::make_shared<std::mutex>();
    }
    return slot;
}

ExchangeAnswer OneCExchangeEndpoint::Core::Handle(http::Request const& request) {
    QueryParams const params = ParseQuery(request.target());
    std::string const type = Param(params, "type");
    std::string const mode = Param(params, "mode");
    ExchangeAnswer answer = Dispatch(request, params, type, mode);
    std::string const result = answer.http_status == 401 ? "unauthorized" : ToString(answer.status);
    metrics
        .GetCounter(
            "b2b_onec_requests_total", "1C exchange requests by type, mode and answer",
            {{"type", TypeLabel(type)}, {"mode", ModeLabel(mode)}, {"result", result.empty() ? "data" : result}})
        .Inc();
    if (answer.status == AnswerStatus::kFailure) {
        metrics
            .GetCounter("b2b_onec_failures_total", "1C exchange requests answered failure, by reason",
                        {{"reason", answer.failure_reason}})
            .Inc();
        log::Warn(kLog, "exchange request failed",
                  {{"type", TypeLabel(type)},
                   {"mode", ModeLabel(mode)},
                   {"reason", answer.failure_reason},
                   {"message", ForLog(answer.lines)}});
    }
    return answer;
}

ExchangeAnswer OneCExchangeEndpoint::Core::Dispatch(http::Request const& request, QueryParams const& params,
                                                    std::string const& type, std::string const& mode) {
    if (type == "sale" && !options.sale_enabled) {
        return ExchangeAnswer::Failure("sale_disabled", "sale exchange is disabled in b2bsync");
    }
    if (type != "catalog" && type != "sale") {
        return ExchangeAnswer::Failure("unknown_type", "Unknown command type.");
    }
    bool const basic_ok = http::CheckBasicAuth(request, options.user, options.password);
    if (mode == "checkauth") {
        if (!basic_ok) {
            return Unauthorized(request);
        }
        return CheckAuth(type);
    }
    ExchangeAnswer refusal;
    // The sale commit point trusts only the session's own cookie, as Bitrix does: a success that
    // lands in another session must not confirm orders that session never received.
    auto session = type == "sale" && mode == "success" ? CommitSession(request, type, basic_ok, refusal)
                                                       : ResolveSession(request, params, type, basic_ok, refusal);
    if (!session) {
        return refusal;
    }
    std::string const sessid = Param(params, "sessid");
    if (!sessid.empty() && !http::ConstantTimeEquals(sessid, session->sessid)) {
        return ExchangeAnswer::Failure("auth", "sessid does not match the session; run checkauth again");
    }
    if (auto st = store.Touch(session->id); !st) {
        return StoreFailure(st.error());
    }
    auto lock_holder = SessionLock(session->id);
    std::lock_guard session_lock(*lock_holder);
    if (mode == "init") {
        return Init(*session, params);
    }
    if (mode == "file") {
        return File(*session, params, request.body());
    }
    if (mode == "import") {
        return Import(*session, params);
    }
    if (mode == "deactivate") {
        return Deactivate(*session, params);
    }
    if (mode == "complete") {
        return Complete(*session);
    }
    if (type == "sale" && mode == "query") {
        return Query(*session);
    }
    if (type == "sale" && mode == "success") {
        return Commit(*session);
    }
    if (type == "sale" && mode == "info") {
        return AnswerSaleInfo(options.sale_info, options.sale_encoding);
    }
    return ExchangeAnswer::Failure("unknown_mode", "unknown mode " + mode);
}

ExchangeAnswer OneCExchangeEndpoint::Core::Unauthorized(http::Request const& request) const {
    bool const sent = request.find(http::beast_http::field::authorization) != request.end();
    return ExchangeAnswer::Unauthorized(sent ? "wrong user name or password" : "authorization required");
}

ExchangeAnswer OneCExchangeEndpoint::Core::CheckAuth(std::string const& type) {
    auto const now = clock.NowMillis();
    auto const ttl = std::chrono::duration_cast<std::chrono::milliseconds>(options.session_ttl).count();
    if (auto expired = store.DeleteIdleSince(now - ttl); expired) {
        for (auto const& id : *expired) {
            std::error_code ec;
            std::filesystem::remove_all(options.work_dir / id, ec);
        }
    } else {
        return StoreFailure(expired.error());
    }
    ExchangeSession session{RandomHex32(), type, RandomHex32(), RandomHex32(), now, now, "open"};
    if (auto st = store.CreateSession(session); !st) {
        return StoreFailure(st.error());
    }
    log::Info(kLog, "session started", {{"type", type}, {"session", session.id}});
    auto answer = ExchangeAnswer::Success({options.cookie_name, session.cookie, "sessid=" + session.sessid});
    // The timestamp is for catalog's mode=deactivate; Bitrix's sale checkauth has none (§2.2).
    if (type == "catalog") {
        answer.lines.push_back("timestamp=" + std::to_string(now / 1000));
    }
    answer.set_cookie = options.cookie_name + "=" + session.cookie;
    return answer;
}

// The session named by the request's cookie, if any.
Result<std::optional<ExchangeSession>> OneCExchangeEndpoint::Core::CookieSession(http::Request const& request,
                                                                                 std::string const& type) {
    auto cookie_header = request.find(http::beast_http::field::cookie);
    if (cookie_header == request.end()) {
        return std::optional<ExchangeSession>();
    }
    auto cookie = FindCookie(cookie_header->value(), options.cookie_name);
    if (!cookie) {
        return std::optional<ExchangeSession>();
    }
    return store.FindByCookie(type, *cookie);
}

// sale mode=success: the cookie must name the session; otherwise `error` (Bitrix), or 401 when
// the call carries neither a cookie nor valid credentials.
std::optional<ExchangeSession> OneCExchangeEndpoint::Core::CommitSession(http::Request const& request,
                                                                         std::string const& type, bool basic_ok,
                                                                         ExchangeAnswer& refusal) {
    auto found = CookieSession(request, type);
    if (!found) {
        refusal = StoreFailure(found.error());
        return std::nullopt;
    }
    if (*found) {
        return **found;
    }
    bool const has_cookie = request.find(http::beast_http::field::cookie) != request.end();
    refusal = !basic_ok && !has_cookie ? Unauthorized(request) : ExchangeAnswer::Refused();
    return std::nullopt;
}

// Cookie first; without one, Basic credentials pick the session named by sessid, else the latest
// one, else start a session (1C configured without checkauth still works).
// Returns nullopt with `refusal` set when the call is not authenticated or the store failed.
std::optional<ExchangeSession> OneCExchangeEndpoint::Core::ResolveSession(http::Request const& request,
                                                                          QueryParams const& params,
                                                                          std::string const& type, bool basic_ok,
                                                                          ExchangeAnswer& refusal) {
    auto by_cookie = CookieSession(request, type);
    if (!by_cookie) {
        refusal = StoreFailure(by_cookie.error());
        return std::nullopt;
    }
    if (*by_cookie) {
        return **by_cookie;
    }
    if (!basic_ok) {
        refusal = Unauthorized(request);
        return std::nullopt;
    }
    std::string const sessid = Param(params, "sessid");
    auto found = sessid.empty() ? store.Latest(type) : store.FindBySessid(type, sessid);
    if (!found) {
        refusal = StoreFailure(found.error());
        return std::nullopt;
    }
    if (*found) {
        return **found;
    }
    auto const now = clock.NowMillis();
    ExchangeSession session{RandomHex32(), type, RandomHex32(), sessid.empty() ? RandomHex32() : sessid,
                            now,           now,  "open"};
    if (auto st = store.CreateSession(session); !st) {
        refusal = StoreFailure(st.error());
        return std::nullopt;
    }
    log::Info(kLog, "session started without checkauth", {{"type", type}, {"session", session.id}});
    return session;
}

namespace {

using CorePtr = std::shared_ptr<OneCExchangeEndpoint::Core>;

// Coroutines take their state as parameters (style rule 5).
asio::awaitable<ExchangeAnswer> HandleOnWorker(CorePtr core, http::Request request) { co_return core->Handle(request); }

asio::awaitable<http::Response> Serve(CorePtr core, http::Request request) {
    unsigned const version = request.version();
    auto worker = core->worker;
    ExchangeAnswer const answer =
        co_await asio::co_spawn(worker, HandleOnWorker(core, std::move(request)), asio::use_awaitable);
    co_return MakeExchangeResponse(answer, core->options.answer_encoding, version);
}

}  // namespace

OneCExchangeEndpoint::OneCExchangeEndpoint(OneCExchangeOptions options, store::Database& db, Clock const& clock,
                                           metrics::Registry& metrics, asio::any_io_executor worker,
                                           ImportSinkFactory sinks, ExchangeHooks hooks)
    : core_(std::make_shared<Core>(std::move(options), db, clock, metrics, std::move(worker), std::move(sinks),
                                   std::move(hooks))) {}

void OneCExchangeEndpoint::Register(http::Router& router) const {
    http::RouteOptions const route{.max_body = core_->options.file_limit};
    for (auto verb : {http::beast_http::verb::get, http::beast_http::verb::post}) {
        router.Add(
            verb, core_->options.path,
            [core = core_](http::Request request) { return Serve(core, std::move(request)); }, route);
    }
}

}  // namespace b2b::onec
