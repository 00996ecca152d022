#pragma once

#include "tests/emulators/onec/answer.hpp"
#include "tests/emulators/onec/http_client.hpp"
#include "tests/emulators/onec/options.hpp"
#include "tests/emulators/onec/report.hpp"

#include <filesystem>
#include <memory>
#include <optional>
#include <ostream>
#include <string>

namespace b2b::emu::onec {

/// One exchange session as 1C runs it: the checkauth/init handshake, then requests that carry
/// the session cookie and (new 1C) the `sessid`. Each step returns false once the exchange has
/// failed; the reason is in the summary and no further request is sent, as in 1C.
class Session {
public:
    Session(Options const& options, Summary& summary, std::ostream& log);

    /// checkauth (HTTP Basic) then init (with `version=` unless --old-1c).
    bool Start();
    /// Uploads `local` as `filename=remote` in raw POST chunks of at most file_limit bytes.
    bool Upload(std::filesystem::path const& local, std::string const& remote);
    /// Calls `mode=import&filename=remote` until the answer is not `progress`.
    bool Import(std::string const& remote);
    /// A request whose only acceptable answer is `success` (deactivate, complete, sale success).
    bool Confirm(std::string const& mode, std::string const& extra_query = {});
    /// Sale `mode=query`: the answer is the orders XML itself; saved byte-exact to `save_to`.
    bool QueryOrders(std::string const& save_to);
    /// Sale `mode=info`: the status/payment-system directory XML; saved byte-exact to `save_to`.
    bool QueryInfo(std::string const& save_to);

    /// Records the failure (first one wins) and returns false, for `return session.Fail(...)`.
    bool Fail(std::string text);

    bool ServerWantsZip() const { return init_.zip; }
    std::optional<std::string> const& Timestamp() const { return credentials_.timestamp; }

private:
    /// A request whose answer is a document, not a status line (query, info).
    bool FetchDocument(std::string const& mode, std::string const& save_to);
    std::string BuildQuery(std::string const& mode, std::string const& filename, std::string const& extra) const;
    /// Sends, counts and logs one request; nullopt (after Fail) on a transport error or non-200.
    std::optional<HttpResponse> Send(HttpRequest request, std::string const& mode, std::string const& filename,
                                     std::string const& detail);
    void LogAnswer(std::string const& mode, std::string const& filename, std::string const& detail,
                   std::string const& outcome);
    /// Maps a status word to continue/stop, failing on `failure` and on unknown words.
    bool Accept(Answer const& answer, std::string const& mode, std::string const& filename, bool allow_progress);

    Options const& options_;
    Summary& summary_;
    std::ostream& log_;
    std::unique_ptr<HttpClient> http_;
    char const* type_;
    Credentials credentials_;
    InitParams init_;
    std::uint64_t body_bytes_sent_ = 0;  // over the whole run, for --drop-after-bytes
};

}  // namespace b2b::emu::onec
