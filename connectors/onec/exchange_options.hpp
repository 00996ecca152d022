#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "connectors/onec/cml_reader.hpp"
#include "connectors/onec/cml_writer.hpp"
#include "connectors/onec/import_tally.hpp"
#include "core/util/error.hpp"

namespace b2b::onec {

/// Charset of the message lines of every answer (status words are ASCII either way).
enum class AnswerEncoding {
    kWindows1251,  ///< what Bitrix sends and every 1C version reads (commerceml.md §1.10)
    kUtf8,
};

/// One entry of the sale `mode=info` directory: an order status or a payment system.
struct SaleInfoEntry {
    std::string id;    ///< Bitrix: the status letter ("N", "F") or the payment system's number
    std::string name;  ///< shown in 1C's mapping form
};

/// What `type=sale&mode=info` lists (commerceml.md §1.7); empty lists are a valid, empty directory.
struct SaleInfo {
    std::vector<SaleInfoEntry> statuses;
    std::vector<SaleInfoEntry> payment_systems;
};

/// Settings of the 1C exchange endpoint (config section `onec:`; keys listed in the endpoint docs).
struct OneCExchangeOptions {
    std::string path = "/1c_exchange.php";  ///< the URL 1C is configured with
    std::string user;                       ///< HTTP Basic user 1C sends
    std::string password;                   ///< HTTP Basic password (the daemon passes a Secret's value)
    std::string cookie_name = "PHPSESSID";  ///< line 2 of the checkauth answer
    /// Announced at init; 1C sends files in chunks of at most this size. Also the route's body limit.
    std::uint64_t file_limit = 10ull << 20;
    bool zip = false;  ///< announce zip=yes: 1C then sends one archive per exchange
    /// Root of the per-session work directories (<work_dir>/<session id>/<canonical name>).
    std::filesystem::path work_dir;
    std::uint64_t max_file_size = 2ull << 30;     ///< one uploaded (or unpacked) file
    std::uint64_t max_session_size = 8ull << 30;  ///< all uploads of one session together
    /// Zip-bomb guard: total bytes written when unpacking one archive, and the most that archive may
    /// expand relative to its own size.
    std::uint64_t max_unpacked_size = 8ull << 30;
    std::uint64_t max_zip_ratio = 200;
    std::size_t max_zip_entries = 100000;
    /// Bounded work per mode=import call: whichever comes first.
    std::chrono::milliseconds import_slice{2000};
    std::size_t import_slice_records = 20000;
    AnswerEncoding answer_encoding = AnswerEncoding::kWindows1251;
    std::chrono::minutes default_utc_offset{0};  ///< 1C server's zone for dates without an offset
    /// Sessions not seen for this long are deleted (rows and work directory) at the next checkauth.
    std::chrono::hours session_ttl{72};
    /// type=sale (commerceml.md §1.7): off answers every sale call `failure` (the orders stay queued).
    bool sale_enabled = true;
    /// ВерсияСхемы of the mode=query answer, also announced as init's `version=` line to new 1C.
    /// k31 wraps each Документ in Контейнер (the 1C-Bitrix module for CML 3.x needs it).
    CmlSchemaVersion sale_schema_version = CmlSchemaVersion::k208;
    /// Bytes of the mode=query answer: windows-1251 (Bitrix's choice, §6 quirk 12) or UTF-8 with BOM.
    CmlOutputEncoding sale_encoding = CmlOutputEncoding::kWindows1251;
    /// The sale mode=info answer (written in sale_encoding).
    SaleInfo sale_info;
};

/// What an import sink is told about the file it receives.
struct ImportContext {
    std::string session_id;      ///< stable for the whole exchange (use it as the landing's exchange id)
    std::string exchange_type;   ///< "catalog" or "sale" (1C's order documents)
    std::string file_name;       ///< canonical relative name, e.g. "goods/1/import___x.xml"
    std::filesystem::path path;  ///< where the file lies (its folder is the base for image paths)
    bool resumed = false;        ///< false only for the first slice of the file
};

/// Where decoded records go. One sink is built per import slice (per mode=import call), fed some
/// records, then Flush()ed; the last slice of a file also gets Finish(). Records after the last
/// successful Flush may be delivered again (restart between Flush and the cursor write), so the
/// sink must be idempotent. On a resumed slice the file's headers seen so far are replayed to
/// OnHeader first. Called on a worker thread, never concurrently for one session.
class ImportSink {
public:
    virtual ~ImportSink() = default;
    /// The visitor the reader feeds.
    virtual CmlVisitor& Visitor() = 0;
    /// Commits everything received so far. An error answers `failure` and keeps the old cursor.
    virtual Status Flush() = 0;
    /// End of file (after the last Flush): e.g. deactivation for a full package.
    virtual Status Finish() = 0;
    /// What this sink (this slice) wrote; the endpoint sums the tallies over the file for the
    /// `success` answer and counts the kept-but-unlinked records in metrics.
    virtual ImportTally Tally() const = 0;
};

using ImportSinkFactory = std::function<std::unique_ptr<ImportSink>(ImportContext const&)>;

/// Optional callbacks for mode=deactivate / mode=complete (run on a worker thread). An error answers
/// `failure\n<message>`.
struct ExchangeHooks {
    std::function<Status(std::string const& session_id, std::string const& timestamp)> on_deactivate;
    std::function<Status(std::string const& session_id)> on_complete;
};

}  // namespace b2b::onec
