#pragma once

#include <memory>

#include <boost/asio/any_io_executor.hpp>

#include "connectors/onec/exchange_options.hpp"
#include "core/http/router.hpp"
#include "core/store/database.hpp"
#include "core/util/clock.hpp"
#include "core/util/metrics.hpp"

namespace b2b::onec {

/// The server side of 1C's "exchange with site" (commerceml.md §1, §2.1, §2.2, §6) for
/// `type=catalog` and `type=sale`: 1C can point at b2bsync instead of a Bitrix site and work unchanged.
///
/// Modes: checkauth (HTTP Basic; answers cookie, `sessid=` and `timestamp=` lines; the session is
/// persisted in the store), init (empties the session's work directory; `zip=`/`file_limit=`),
/// file (appends the raw body under a canonicalised name, size caps), import (bounded slices on the
/// worker executor, cursor persisted per file so a daemon restart resumes; zip archives unpacked on
/// the first import calls with a zip-bomb guard), deactivate and complete (hooks).
///
/// `type=sale` (options.sale_enabled; otherwise every call answers `failure`): the same sessions;
/// init remembers whether 1C sent `version=` ("new" 1C) and then adds the `sessid=` and
/// `version=<sale_schema_version>` lines; query answers the pending orders of the OrderFeed as the
/// CommerceML document itself (`application/xml`, sale_schema_version / sale_encoding) and records
/// them as offered to the session; success confirms exactly those (at-least-once, §6 quirk 10) and
/// answers `error` unless the cookie names the session. file from old 1C imports at once (`success`
/// plus problem lines, `failure\nФайл для импорта пуст.` for no bytes) as soon as the stored file
/// holds a whole document (a chunk that leaves it unfinished answers plain `success`; a later
/// import call for it is accepted too); from new 1C it only stores and import runs in slices as for
/// catalog. info answers the configured order statuses and payment systems (Bitrix's
/// Справочник document, exchange_info.hpp); type=catalog has no info mode (unknown mode failure). Either way the documents reach the sink factory with
/// ImportContext.exchange_type "sale".
///
/// Every call after checkauth is accepted with the session cookie or with Basic credentials; a
/// `sessid` that does not match the session is refused. Missing or wrong credentials answer HTTP 401
/// with `WWW-Authenticate: Basic`. All blocking work (SQLite, files, parsing) runs on `worker`,
/// never on the HTTP executor; one session's calls are serialised.
///
/// Metrics: b2b_onec_requests_total{type,mode,result}, b2b_onec_upload_bytes_total,
/// b2b_onec_import_records_total, b2b_onec_failures_total{reason}, b2b_onec_orphan_offers_total and
/// b2b_onec_unknown_price_type_prices_total (from the sinks' tallies; also summed in the file's
/// `success` text). Logs: component "onec.exchange";
/// neither the password nor the cookie/sessid values are ever logged.
///
/// Lifetime: `db`, `clock` and `metrics` must outlive every Router/Server the endpoint was
/// registered with; the endpoint's own state is shared with the registered handlers.
class OneCExchangeEndpoint {
public:
    OneCExchangeEndpoint(OneCExchangeOptions options, store::Database& db, Clock const& clock,
                         metrics::Registry& metrics, boost::asio::any_io_executor worker, ImportSinkFactory sinks,
                         ExchangeHooks hooks = {});

    /// Adds GET and POST on options.path, with the body limit set to options.file_limit.
    void Register(http::Router& router) const;

    struct Core;

private:
    std::shared_ptr<Core> core_;
};

}  // namespace b2b::onec
