#pragma once

// Private to the 1C exchange endpoint: the state its handlers share, split by exchange step over
// exchange_endpoint.cpp (requests, authentication, sessions), exchange_catalog_handlers.cpp (init,
// file, import, deactivate, complete) and exchange_sale_handlers.cpp (sale query/success and old
// 1C's import inside mode=file).
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include <boost/asio/any_io_executor.hpp>

#include "connectors/onec/exchange_answer.hpp"
#include "connectors/onec/exchange_endpoint.hpp"
#include "connectors/onec/exchange_request.hpp"
#include "connectors/onec/exchange_store.hpp"
#include "connectors/onec/order_feed.hpp"

namespace b2b::onec {
namespace exchange_detail {

inline constexpr char const* kLog = "onec.exchange";

inline std::string Param(QueryParams const& params, std::string_view name) {
    auto it = params.find(name);
    return it == params.end() ? std::string{} : it->second;
}

inline ExchangeAnswer StoreFailure(Error const& error) {
    return ExchangeAnswer::Failure("store", "b2bsync store error: " + error.message);
}

}  // namespace exchange_detail

struct OneCExchangeEndpoint::Core {
    OneCExchangeOptions options;
    ExchangeStore store;
    OrderFeed feed;
    Clock const& clock;
    metrics::Registry& metrics;
    boost::asio::any_io_executor worker;
    ImportSinkFactory sinks;
    ExchangeHooks hooks;
    metrics::Counter& upload_bytes;
    metrics::Counter& import_records;
    metrics::Counter& orphan_offers;
    metrics::Counter& unknown_price_types;

    std::mutex locks_mutex;
    std::map<std::string, std::shared_ptr<std::mutex>, std::less<>> session_locks;

    Core(OneCExchangeOptions o, store::Database& db, Clock const& c, metrics::Registry& m,
         boost::asio::any_io_executor w, ImportSinkFactory s, ExchangeHooks h)
        : options(std::move(o)),
          store(db, c),
          feed(db, c),
          clock(c),
          metrics(m),
          worker(std::move(w)),
          sinks(std::move(s)),
          hooks(std::move(h)),
          upload_bytes(m.GetCounter("b2b_onec_upload_bytes_total", "Bytes 1C uploaded with mode=file")),
          import_records(m.GetCounter("b2b_onec_import_records_total", "CommerceML records read by mode=import")),
          orphan_offers(m.GetCounter("b2b_onec_orphan_offers_total",
                                     "Offers kept whose product has not arrived yet (linked when it does)")),
          unknown_price_types(m.GetCounter("b2b_onec_unknown_price_type_prices_total",
                                           "Prices kept that name a price type never declared")) {}

    // exchange_endpoint.cpp: requests, authentication, sessions.
    std::shared_ptr<std::mutex> SessionLock(std::string const& id);

    std::filesystem::path WorkDir(ExchangeSession const& session) const { return options.work_dir / session.id; }

    ExchangeAnswer Handle(http::Request const& request);

    ExchangeAnswer Dispatch(http::Request const& request, QueryParams const& params, std::string const& type,
                            std::string const& mode);

    ExchangeAnswer Unauthorized(http::Request const& request) const;

    ExchangeAnswer CheckAuth(std::string const& type);

    // The session named by the request's cookie, if any.
    Result<std::optional<ExchangeSession>> CookieSession(http::Request const& request, std::string const& type);

    // sale mode=success: the cookie must name the session; otherwise `error` (Bitrix), or 401 when
    // the call carries neither a cookie nor valid credentials.
    std::optional<ExchangeSession> CommitSession(http::Request const& request, std::string const& type, bool basic_ok,
                                                 ExchangeAnswer& refusal);

    // Cookie first; without one, Basic credentials pick the session named by sessid, else the latest
    // one, else start a session (1C configured without checkauth still works).
    // Returns nullopt with `refusal` set when the call is not authenticated or the store failed.
    std::optional<ExchangeSession> ResolveSession(http::Request const& request, QueryParams const& params,
                                                  std::string const& type, bool basic_ok, ExchangeAnswer& refusal);

    // exchange_catalog_handlers.cpp: init, file, import (both types), deactivate, complete.
    ExchangeAnswer Init(ExchangeSession const& session, QueryParams const& params);

    ExchangeAnswer File(ExchangeSession const& session, QueryParams const& params, std::string const& body);

    // exchange_sale_handlers.cpp: old 1C's import inside mode=file, query, success.
    // Old 1C (no version at init) never calls mode=import for sale: the upload is imported in the
    // same request, and only problems are reported after `success` (commerceml.md §1.7).
    ExchangeAnswer ImportNow(ExchangeSession const& session, std::string const& name, std::uint64_t size);

    // One pending archive per call, so a big one does not hold the request for long twice.
    std::optional<ExchangeAnswer> UnpackPending(ExchangeSession const& session);

    ExchangeAnswer Import(ExchangeSession const& session, QueryParams const& params);

    // One slice of `name`; `skipped` receives the file's count of unreadable records when it is done.
    ExchangeAnswer ImportNamed(ExchangeSession const& session, std::string const& name, std::uint64_t& skipped);

    ExchangeAnswer Query(ExchangeSession const& session);

    ExchangeAnswer Commit(ExchangeSession const& session);

    ExchangeAnswer Deactivate(ExchangeSession const& session, QueryParams const& params);

    ExchangeAnswer Complete(ExchangeSession const& session);
};

}  // namespace b2b::onec
