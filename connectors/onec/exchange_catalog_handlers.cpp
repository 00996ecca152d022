// The catalog side of 1C's exchange (commerceml.md §1.3-§1.6) and the import both types share:
// init, file (chunked append), import in bounded slices with zip unpacking, deactivate, complete.
#include <algorithm>
#include <chrono>

#include "connectors/onec/exchange_endpoint_core.hpp"
#include "connectors/onec/exchange_files.hpp"
#include "connectors/onec/exchange_import.hpp"
#include "connectors/onec/exchange_zip.hpp"
#include "core/util/log.hpp"

namespace b2b::onec {

using exchange_detail::kLog;
using exchange_detail::Param;
using exchange_detail::StoreFailure;

ExchangeAnswer OneCExchangeEndpoint::Core::Init(ExchangeSession const& session, QueryParams const& params) {
    if (auto st = ResetDirectory(WorkDir(session)); !st) {
        return ExchangeAnswer::Failure("io", st.error().message);
    }
    if (auto st = store.ClearFiles(session.id); !st) {
        return StoreFailure(st.error());
    }
    auto version = params.find("version");
    std::optional<std::string_view> client_version;
    if (version != params.end()) {
        client_version = version->second;
    }
    if (auto st = store.SetClientVersion(session.id, client_version); !st) {
        return StoreFailure(st.error());
    }
    ExchangeAnswer answer;
    answer.status = AnswerStatus::kNone;
    answer.lines = {std::string("zip=") + (options.zip ? "yes" : "no"),
                    "file_limit=" + std::to_string(options.file_limit)};
    if (session.exchange_type == "sale" && client_version) {
        answer.lines.push_back("sessid=" + session.sessid);
        answer.lines.push_back(std::string("version=") + ToString(options.sale_schema_version));
    }
    return answer;
}

ExchangeAnswer OneCExchangeEndpoint::Core::File(ExchangeSession const& session, QueryParams const& params,
                                                std::string const& body) {
    std::string const raw = Param(params, "filename");
    auto name = CanonicalFileName(raw);
    if (!name) {
        return ExchangeAnswer::Failure("filename", name.error().message);
    }
    auto row = store.GetFile(session.id, *name);
    if (!row) {
        return StoreFailure(row.error());
    }
    auto const path = WorkDir(session) / *name;
    std::uint64_t const existing = *row ? FileSizeOrZero(path) : 0;
    bool const truncate = existing > 0 && StartsNewXmlDocument(body);
    std::uint64_t const new_size = (truncate ? 0 : existing) + body.size();
    if (new_size > options.max_file_size) {
        return ExchangeAnswer::Failure("size_limit", "file " + *name + " exceeds the limit of " +
                                                         std::to_string(options.max_file_size) + " bytes");
    }
    auto session_bytes = store.SessionBytes(session.id);
    if (!session_bytes) {
        return StoreFailure(session_bytes.error());
    }
    if (*session_bytes - (*row ? (*row)->size : 0) + new_size > options.max_session_size) {
        return ExchangeAnswer::Failure("size_limit", "uploads of this session exceed the limit of " +
                                                         std::to_string(options.max_session_size) + " bytes");
    }
    auto written = AppendToFile(path, body, truncate);
    if (!written) {
        return ExchangeAnswer::Failure("io", written.error().message);
    }
    if (auto st = store.RecordUpload(session.id, *name, *written); !st) {
        return StoreFailure(st.error());
    }
    upload_bytes.Inc(body.size());
    if (session.exchange_type == "sale" && !session.client_version) {
        // Old 1C sends a big document in file_limit chunks: import once the last one is in.
        bool const archive = path.extension() == ".zip";
        if (*written > 0 && !archive && !HoldsCompleteXmlDocument(path)) {
            return ExchangeAnswer::Success();
        }
        return ImportNow(session, *name, *written);
    }
    return ExchangeAnswer::Success();
}

// One pending archive per call, so a big one does not hold the request for long twice.
std::optional<ExchangeAnswer> OneCExchangeEndpoint::Core::UnpackPending(ExchangeSession const& session) {
    auto pending = store.PendingArchives(session.id);
    if (!pending) {
        return StoreFailure(pending.error());
    }
    if (pending->empty()) {
        return std::nullopt;
    }
    std::string const& zip_name = pending->front();
    UnzipLimits const limits{options.max_unpacked_size, options.max_file_size, options.max_zip_ratio,
                             options.max_zip_entries};
    auto entries = UnpackZip(WorkDir(session) / zip_name, zip_name, WorkDir(session), limits);
    if (!entries) {
        if (auto st = store.MarkFailed(session.id, zip_name, entries.error().message); !st) {
            return StoreFailure(st.error());
        }
        bool const bomb = entries.error().message.find("zip bomb guard") != std::string::npos;
        return ExchangeAnswer::Failure(bomb ? "zip_bomb" : "zip", entries.error().message);
    }
    std::uint64_t bytes = 0;
    for (auto const& entry : *entries) {
        if (auto st = store.RecordUpload(session.id, entry.name, entry.size); !st) {
            return StoreFailure(st.error());
        }
        bytes += entry.size;
    }
    if (auto st = store.MarkDone(session.id, zip_name, std::nullopt); !st) {
        return StoreFailure(st.error());
    }
    log::Info(kLog, "archive unpacked", {{"session", session.id}, {"archive", zip_name}, {"files", entries->size()}});
    return ExchangeAnswer::Progress("unpacking " + zip_name + ": " + std::to_string(entries->size()) + " files, " +
                                    std::to_string(bytes) + " bytes");
}

ExchangeAnswer OneCExchangeEndpoint::Core::Import(ExchangeSession const& session, QueryParams const& params) {
    auto name = CanonicalFileName(Param(params, "filename"));
    if (!name) {
        return ExchangeAnswer::Failure("filename", name.error().message);
    }
    std::uint64_t skipped = 0;
    return ImportNamed(session, *name, skipped);
}

// One slice of `name`; `skipped` receives the file's count of unreadable records when it is done.
ExchangeAnswer OneCExchangeEndpoint::Core::ImportNamed(ExchangeSession const& session, std::string const& name,
                                                       std::uint64_t& skipped) {
    if (auto unpacked = UnpackPending(session)) {
        return *unpacked;
    }
    auto row = store.GetFile(session.id, name);
    if (!row) {
        return StoreFailure(row.error());
    }
    if (!*row) {
        return ExchangeAnswer::Failure("not_uploaded", "file " + name + " was not uploaded in this session");
    }
    ExchangeFile const& file = **row;
    if (file.failure) {
        return ExchangeAnswer::Failure("failed_file", *file.failure);
    }
    if (file.done) {
        return ExchangeAnswer::Success({name + ": already processed in this session"});
    }
    ImportCursor cursor;
    if (file.checkpoint) {
        auto decoded = DecodeCursor(*file.checkpoint);
        if (!decoded) {
            return ExchangeAnswer::Failure("store", decoded.error().message);
        }
        cursor = std::move(*decoded);
    }
    auto const path = WorkDir(session) / name;
    ImportContext const context{session.id, session.exchange_type, name, path, cursor.started};
    auto sink = sinks ? sinks(context) : nullptr;
    if (!sink) {
        return ExchangeAnswer::Failure("not_configured", "import is not configured in b2bsync");
    }
    SliceLimits limits;
    limits.budget = options.import_slice;
    limits.max_records = std::max<std::size_t>(1, options.import_slice_records);
    limits.reader.default_utc_offset = options.default_utc_offset;
    auto const outcome = RunImportSlice(path, name, cursor, *sink, limits);
    import_records.Inc(outcome.records_in_slice);
    orphan_offers.Inc(outcome.kept_in_slice.orphan_offers);
    unknown_price_types.Inc(outcome.kept_in_slice.unknown_price_types);
    switch (outcome.kind) {
        case SliceOutcome::Kind::kProgress:
            if (auto st = store.SaveCheckpoint(session.id, name, EncodeCursor(cursor)); !st) {
                return StoreFailure(st.error());
            }
            return ExchangeAnswer::Progress(std::to_string(outcome.records_total) + " records of file " + name + ", " +
                                            std::to_string(outcome.percent) + "%");
        case SliceOutcome::Kind::kDone: {
            if (auto st = store.MarkDone(session.id, name, EncodeCursor(cursor)); !st) {
                return StoreFailure(st.error());
            }
            std::string line = name + ": " + std::to_string(outcome.records_total) + " records imported";
            if (cursor.skipped > 0) {
                line += ", " + std::to_string(cursor.skipped) + " skipped";
            }
            skipped = cursor.skipped;
            std::vector<std::string> lines{std::move(line)};
            // Summed over the file's slices (the cursor keeps them across restarts), not this slice's.
            if (auto summary = cursor.kept.Summary(); !summary.empty()) {
                lines.push_back(std::move(summary));
            }
            // Not an error (issue 3): kept, linked when the product / price type arrives.
            if (cursor.kept.orphan_offers > 0 || cursor.kept.unknown_price_types > 0) {
                lines.push_back("kept without a link yet: " + std::to_string(cursor.kept.orphan_offers) +
                                " offers of unknown products, " + std::to_string(cursor.kept.unknown_price_types) +
                                " prices of unknown price types");
            }
            log::Info(kLog, "file imported",
                      {{"session", session.id},
                       {"file", name},
                       {"records", outcome.records_total},
                       {"skipped", cursor.skipped}});
            return ExchangeAnswer::Success(std::move(lines));
        }
        case SliceOutcome::Kind::kFailed:
            break;
    }
    if (outcome.document_error) {
        if (auto st = store.MarkFailed(session.id, name, outcome.error); !st) {
            return StoreFailure(st.error());
        }
        return ExchangeAnswer::Failure("xml", outcome.error);
    }
    return ExchangeAnswer::Failure("sink", outcome.error);
}

ExchangeAnswer OneCExchangeEndpoint::Core::Deactivate(ExchangeSession const& session, QueryParams const& params) {
    std::string const timestamp = Param(params, "timestamp");
    if (timestamp.empty()) {
        return ExchangeAnswer::Failure("bad_request", "timestamp is required for mode=deactivate");
    }
    if (hooks.on_deactivate) {
        if (auto st = hooks.on_deactivate(session.id, timestamp); !st) {
            return ExchangeAnswer::Failure("hook", st.error().message);
        }
    }
    return ExchangeAnswer::Success();
}

ExchangeAnswer OneCExchangeEndpoint::Core::Complete(ExchangeSession const& session) {
    if (hooks.on_complete) {
        if (auto st = hooks.on_complete(session.id); !st) {
            return ExchangeAnswer::Failure("hook", st.error().message);
        }
    }
    if (auto st = store.SetState(session.id, "complete"); !st) {
        return StoreFailure(st.error());
    }
    log::Info(kLog, "exchange complete", {{"session", session.id}});
    return ExchangeAnswer::Success();
}

}  // namespace b2b::onec
