#include "connectors/onec/exchange_endpoint.hpp"

#include <array>
#include <chrono>
#include <map>
#include <mutex>
#include <random>
#include <utility>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "connectors/onec/exchange_answer.hpp"
#include "connectors/onec/exchange_files.hpp"
#include "connectors/onec/exchange_import.hpp"
#include "connectors/onec/exchange_request.hpp"
#include "connectors/onec/exchange_sale.hpp"
#include "connectors/onec/exchange_store.hpp"
#include "connectors/onec/exchange_zip.hpp"
#include "core/http/auth.hpp"
#include "core/util/log.hpp"

namespace b2b::onec {
namespace {

namespace asio = boost::asio;

constexpr char const* kLog = "onec.exchange";

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
std::string TypeLabel(std::string const& type) {
    return type == "catalog" || type == "sale" ? type : "other";
}

std::string ModeLabel(std::string const& mode) {
    static constexpr std::array<std::string_view, 8> kModes = {"checkauth", "init",       "file",  "import",
                                                               "deactivate", "complete", "query", "success"};
    for (auto m : kModes) {
        if (mode == m) {
            return mode;
        }
    }
    return "other";
}

std::string Param(QueryParams const& params, std::string_view name) {
    auto it = params.find(name);
    return it == params.end() ? std::string{} : it->second;
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

ExchangeAnswer StoreFailure(Error const& error) {
    return ExchangeAnswer::Failure("store", "b2bsync store error: " + error.message);
}

}  // namespace

struct OneCExchangeEndpoint::Core {
    OneCExchangeOptions options;
    ExchangeStore store;
    OrderFeed feed;
    Clock const& clock;
    metrics::Registry& metrics;
    asio::any_io_executor worker;
    ImportSinkFactory sinks;
    ExchangeHooks hooks;
    metrics::Counter& upload_bytes;
    metrics::Counter& import_records;

    std::mutex locks_mutex;
    std::map<std::string, std::shared_ptr<std::mutex>, std::less<>> session_locks;

    Core(OneCExchangeOptions o, store::Database& db, Clock const& c, metrics::Registry& m, asio::any_io_executor w,
         ImportSinkFactory s, ExchangeHooks h)
        : options(std::move(o)),
          store(db, c),
          feed(db, c),
          clock(c),
          metrics(m),
          worker(std::move(w)),
          sinks(std::move(s)),
          hooks(std::move(h)),
          upload_bytes(m.GetCounter("b2b_onec_upload_bytes_total", "Bytes 1C uploaded with mode=file")),
          import_records(m.GetCounter("b2b_onec_import_records_total", "CommerceML records read by mode=import")) {}

    std::shared_ptr<std::mutex> SessionLock(std::string const& id) {
        std::lock_guard lock(locks_mutex);
        auto& slot = session_locks[id];
        if (!slot) {
            slot = std::make_shared<std::mutex>();
        }
        return slot;
    }

    std::filesystem::path WorkDir(ExchangeSession const& session) const { return options.work_dir / session.id; }

    ExchangeAnswer Handle(http::Request const& request) {
        QueryParams const params = ParseQuery(request.target());
        std::string const type = Param(params, "type");
        std::string const mode = Param(params, "mode");
        ExchangeAnswer answer = Dispatch(request, params, type, mode);
        std::string const result = answer.http_status == 401 ? "unauthorized" : ToString(answer.status);
        metrics
            .GetCounter("b2b_onec_requests_total", "1C exchange requests by type, mode and answer",
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

    ExchangeAnswer Dispatch(http::Request const& request, QueryParams const& params, std::string const& type,
                            std::string const& mode) {
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
        return ExchangeAnswer::Failure("unknown_mode", "unknown mode " + mode);
    }

    ExchangeAnswer Unauthorized(http::Request const& request) const {
        bool const sent = request.find(http::beast_http::field::authorization) != request.end();
        return ExchangeAnswer::Unauthorized(sent ? "wrong user name or password" : "authorization required");
    }

    ExchangeAnswer CheckAuth(std::string const& type) {
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
    Result<std::optional<ExchangeSession>> CookieSession(http::Request const& request, std::string const& type) {
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
    std::optional<ExchangeSession> CommitSession(http::Request const& request, std::string const& type,
                                                 bool basic_ok, ExchangeAnswer& refusal) {
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
    std::optional<ExchangeSession> ResolveSession(http::Request const& request, QueryParams const& params,
                                                  std::string const& type, bool basic_ok, ExchangeAnswer& refusal) {
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
                                now, now, "open"};
        if (auto st = store.CreateSession(session); !st) {
            refusal = StoreFailure(st.error());
            return std::nullopt;
        }
        log::Info(kLog, "session started without checkauth", {{"type", type}, {"session", session.id}});
        return session;
    }

    ExchangeAnswer Init(ExchangeSession const& session, QueryParams const& params) {
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

    ExchangeAnswer File(ExchangeSession const& session, QueryParams const& params, std::string const& body) {
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
            return ImportNow(session, *name, *written);
        }
        return ExchangeAnswer::Success();
    }

    // Old 1C (no version at init) never calls mode=import for sale: the upload is imported in the
    // same request, and only problems are reported after `success` (commerceml.md §1.7).
    ExchangeAnswer ImportNow(ExchangeSession const& session, std::string const& name, std::uint64_t size) {
        if (size == 0) {
            return ExchangeAnswer::Failure("empty_file", kEmptySaleFile);
        }
        for (;;) {
            std::uint64_t skipped = 0;
            ExchangeAnswer answer = ImportNamed(session, name, skipped);
            if (answer.status == AnswerStatus::kProgress) {
                continue;  // every slice reads at least one record or ends the file
            }
            if (answer.status == AnswerStatus::kSuccess) {
                answer.lines.clear();
                if (skipped > 0) {
                    answer.lines.push_back(name + ": " + std::to_string(skipped) +
                                           " records could not be read and were skipped");
                }
            }
            return answer;
        }
    }

    // One pending archive per call, so a big one does not hold the request for long twice.
    std::optional<ExchangeAnswer> UnpackPending(ExchangeSession const& session) {
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

    ExchangeAnswer Import(ExchangeSession const& session, QueryParams const& params) {
        auto name = CanonicalFileName(Param(params, "filename"));
        if (!name) {
            return ExchangeAnswer::Failure("filename", name.error().message);
        }
        std::uint64_t skipped = 0;
        return ImportNamed(session, *name, skipped);
    }

    // One slice of `name`; `skipped` receives the file's count of unreadable records when it is done.
    ExchangeAnswer ImportNamed(ExchangeSession const& session, std::string const& name, std::uint64_t& skipped) {
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
        switch (outcome.kind) {
            case SliceOutcome::Kind::kProgress:
                if (auto st = store.SaveCheckpoint(session.id, name, EncodeCursor(cursor)); !st) {
                    return StoreFailure(st.error());
                }
                return ExchangeAnswer::Progress(std::to_string(outcome.records_total) + " records of file " + name +
                                                ", " + std::to_string(outcome.percent) + "%");
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
                if (auto summary = sink->Summary(); !summary.empty()) {
                    lines.push_back(std::move(summary));
                }
                log::Info(kLog, "file imported",
                          {{"session", session.id}, {"file", name}, {"records", outcome.records_total},
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

    ExchangeAnswer Query(ExchangeSession const& session) {
        WriterOptions writer;
        writer.schema_version = options.sale_schema_version;
        writer.encoding = options.sale_encoding;
        writer.generated_at = ZonedTime{std::chrono::sys_time<std::chrono::milliseconds>(
                                            std::chrono::milliseconds(clock.NowMillis())),
                                        options.default_utc_offset};
        auto result = AnswerSaleQuery(feed, session.id, writer);
        for (auto const& problem : result.unwritable) {
            metrics.GetCounter("b2b_onec_sale_unwritable_orders_total", "Orders left out of a sale query answer")
                .Inc();
            log::Warn(kLog, "order left out of the query answer; it stays queued",
                      {{"session", session.id}, {"problem", problem}});
        }
        if (result.answer.document) {
            log::Info(kLog, "orders offered to 1C", {{"session", session.id}, {"orders", result.offered}});
        }
        return std::move(result.answer);
    }

    ExchangeAnswer Commit(ExchangeSession const& session) {
        std::size_t confirmed = 0;
        auto answer = AnswerSaleSuccess(feed, session.id, confirmed);
        if (answer.status == AnswerStatus::kSuccess) {
            log::Info(kLog, "1C confirmed the orders it received", {{"session", session.id}, {"orders", confirmed}});
        }
        return answer;
    }

    ExchangeAnswer Deactivate(ExchangeSession const& session, QueryParams const& params) {
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

    ExchangeAnswer Complete(ExchangeSession const& session) {
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
};

namespace {

using CorePtr = std::shared_ptr<OneCExchangeEndpoint::Core>;

// Coroutines take their state as parameters (style rule 5).
asio::awaitable<ExchangeAnswer> HandleOnWorker(CorePtr core, http::Request request) {
    co_return core->Handle(request);
}

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
            verb, core_->options.path, [core = core_](http::Request request) { return Serve(core, std::move(request)); },
            route);
    }
}

}  // namespace b2b::onec
