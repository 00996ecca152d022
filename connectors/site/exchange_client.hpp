#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "connectors/onec/cml_writer.hpp"
#include "connectors/site/order_sink.hpp"
#include "connectors/site/status_document.hpp"
#include "core/util/clock.hpp"
#include "core/util/error.hpp"

namespace b2b::site {

struct ExchangeClientOptions {
    std::string url;       ///< https://shop.example/bitrix/admin/1c_exchange.php
    std::string user;
    std::string password;  ///< never logged
    std::chrono::milliseconds timeout{60'000};  ///< per request
    std::string cml_version = "2.08";           ///< `version=` sent at init (new-1C protocol)
    std::chrono::minutes utc_offset{180};       ///< the site's zone, for order dates without one
    onec::CmlSchemaVersion push_schema = onec::CmlSchemaVersion::k209;
    onec::CmlOutputEncoding push_encoding = onec::CmlOutputEncoding::kWindows1251;
    int max_import_calls = 1000;  ///< a file stuck in `progress` longer than this is an error
};

struct PullReport {
    std::size_t orders = 0;
    std::size_t problems = 0;
    std::uint64_t bytes = 0;
    int sessions = 0;  ///< checkauth sessions used (2 when the first one was lost mid-way)
};

struct PushReport {
    std::size_t documents = 0;
    std::size_t chunks = 0;
    int import_calls = 0;
    int sessions = 0;
    /// Text the site wrote after `success` (Bitrix lists documents it skipped or statuses it did not
    /// set, e.g. when "change statuses from 1C" is off). Non-empty = check the site.
    std::vector<std::string> site_messages;
};

/// b2bsync as "1C" against a Bitrix site's `/bitrix/admin/1c_exchange.php` (type=sale,
/// commerceml.md §1.2-§1.7, §2.2). Each call runs one whole exchange session: checkauth (Basic) ->
/// cookie + `sessid` on every later call (the site's secure-exchange ratchet refuses calls without
/// it once it has seen one) -> init (`version=`) -> the work. A `failure`/`error` answer after
/// checkauth is taken as a lost session (PHP session expired, work dir wiped): the whole session is
/// run again once from checkauth.
///
/// Never retries transient failures itself (the poller/dispatcher backs off). Logs name the host
/// and the mode only: never the password, the cookie or the sessid. Not thread-safe.
class ExchangeClient {
public:
    ExchangeClient(ExchangeClientOptions options, Clock const& clock);
    ~ExchangeClient();

    /// checkauth -> init -> query -> decode -> sink.Persist -> success. When Persist fails nothing
    /// is confirmed and its error is returned, so the site offers the same orders again.
    /// Errors: transport/HTTP as ExchangeTransport; a refused checkauth is permanent; the site's
    /// `failure` twice in a row is transient (with its text); undecodable XML as a whole is permanent.
    Result<PullReport> Pull(SiteOrderSink& sink);

    /// Uploads `updates` as one CommerceML document (`documents___<n>.xml`), in chunks of the
    /// site's file_limit, then calls `import` until `success`. A `failure` on import is permanent
    /// (the site rejected the document). An empty span does nothing.
    Result<PushReport> Push(std::span<SiteOrderUpdate const> updates);

    /// The same for documents built by the caller (requisites verbatim).
    Result<PushReport> PushDocuments(std::span<onec::CmlDocument const> documents);

private:
    struct Session;
    struct Step;
    Result<Session> Begin();
    Result<Step> Call(Session& session, std::string const& mode, std::string const& extra,
                      std::string const* body = nullptr);
    Result<PullReport> PullOnce(SiteOrderSink& sink, bool& session_lost);
    Result<PushReport> PushOnce(std::string const& bytes, bool& session_lost);

    ExchangeClientOptions options_;
    Clock const& clock_;
    std::uint64_t upload_counter_ = 0;
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace b2b::site
