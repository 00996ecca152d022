#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "connectors/bitrix24/authenticator.hpp"
#include "connectors/bitrix24/batch.hpp"
#include "connectors/bitrix24/envelope.hpp"
#include "connectors/bitrix24/limiter.hpp"
#include "core/util/clock.hpp"
#include "core/util/error.hpp"

namespace b2b::bitrix24 {

struct RestOptions {
    std::chrono::milliseconds connect_timeout{5'000};
    std::chrono::milliseconds timeout{30'000};  ///< whole request; the cloud cuts requests at 60 s
    /// Longest a caller blocks in the limiter; a longer wait becomes a transient error with
    /// retry_after so the dispatcher reschedules the job instead.
    std::chrono::milliseconds max_limiter_wait{20'000};
    std::string user_agent = "b2bsync/0.1";
    /// Sent as `auth_connector` with every CRM write (also inside batches), so the portal does not
    /// queue offline events for our own changes (bitrix24.md §7, "echo suppression"); must equal
    /// the auth_connector of the offline event.bind. Empty: not sent.
    std::string auth_connector;
};

/// Counters of what the client saw (for metrics and tests).
struct RestStats {
    std::atomic<std::uint64_t> requests{0}, query_limit_503{0}, operation_limit_429{0}, transport_errors{0},
        redirects{0};
};

/// A Bitrix24 REST client over libcurl: POSTs JSON bodies to `{base}{method}`, reusing easy
/// handles (keep-alive; one per concurrent caller), bounded by connect and total timeouts.
/// Every request first takes a unit from the shared Limiter and feeds the reply's `time` back.
///
/// Never retries on its own, with two protocol-level exceptions: a 301/302/307/308 to another
/// host (portal renamed, bitrix24.md §1.4) is re-POSTed once with the same body to the new
/// address, which the Authenticator then remembers (libcurl's own redirect following is off,
/// because it would turn the POST into a GET); and a 401 expired_token is retried once after
/// Authenticator::Refresh succeeds (the body is rebuilt with the new credentials). Everything
/// else comes back classified (errors.hpp).
///
/// Writes go on a fresh connection: libcurl silently re-sends a request once when a reused
/// keep-alive connection dies before any reply byte, which for a write whose reply was lost
/// after the portal applied it would create a duplicate behind our back. Reads reuse
/// connections (a silent re-send of a read is harmless).
///
/// Logs name the portal host and the method only: the webhook URL is a secret. Thread-safe.
class RestClient {
public:
    RestClient(Authenticator& auth, Limiter& limiter, Clock const& clock, RestOptions options = {});
    ~RestClient();
    RestClient(RestClient const&) = delete;
    RestClient& operator=(RestClient const&) = delete;

    /// Calls one method. Errors: as classified by ParseEnvelope; transport failures (connect,
    /// timeout, reset, a reply lost after the request was sent) are transient; a limiter wait
    /// longer than max_limiter_wait is transient with retry_after.
    Result<Reply> Call(std::string_view method, boost::json::object params);

    /// Runs up to kMaxBatchCommands commands as one `batch` request (halt=0: one failing command
    /// never fails the others). The outer Result fails only when the whole request failed; each
    /// command's outcome is classified separately.
    Result<std::vector<CommandOutcome>> Batch(std::span<BatchCommand const> commands);

    /// Aborts waits and transfers in progress (shutdown); later calls fail transiently.
    void Cancel();

    RestStats const& stats() const { return stats_; }

    /// True while the last request to the portal failed at the connection level (DNS, connect
    /// refused or timed out: the request never reached the portal); any HTTP reply clears it.
    bool PortalUnreachable() const { return unreachable_.load(); }
    Limiter& limiter() { return limiter_; }

private:
    struct Handle;
    struct RawReply {
        long status = 0;
        std::string content_type;
        std::string location;
        std::string body;
    };
    Result<Reply> Send(std::string_view method, std::span<std::string const> limiter_methods,
                       boost::json::object params, bool read_only);
    Result<RawReply> Perform(std::string const& url, std::string_view method, std::string const& body,
                             bool read_only);
    std::unique_ptr<Handle> AcquireHandle();
    void ReleaseHandle(std::unique_ptr<Handle> handle);

    Authenticator& auth_;
    Limiter& limiter_;
    Clock const& clock_;
    RestOptions options_;
    RestStats stats_;
    std::mutex mutex_;
    std::vector<std::unique_ptr<Handle>> idle_;
    std::atomic<bool> cancelled_{false};
    std::atomic<bool> unreachable_{false};
};

/// True for CRM methods that change data and honour `auth_connector` (crm.*.add/update/delete/set, ...).
bool IsCrmWrite(std::string_view method) noexcept;

/// True for methods that change nothing on the portal (`*.list`, `*.get`, `*.fields`); every
/// other method is treated as a write.
bool IsReadOnlyMethod(std::string_view method) noexcept;

/// libcurl transport failures: connect/DNS/timeout/reset are transient (a reset or empty reply
/// after the request was sent says the write may have been applied); a malformed URL, an
/// unsupported scheme or a TLS verification failure are permanent.
Error ClassifyTransportError(int curl_code, std::string_view method, std::string_view host, std::string_view detail);

}  // namespace b2b::bitrix24
