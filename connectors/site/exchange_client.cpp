#include "connectors/site/exchange_client.hpp"

#include <cctype>
#include <sstream>

#include <fmt/format.h>

#include "connectors/onec/cml_reader.hpp"
#include "connectors/site/exchange_answer.hpp"
#include "connectors/site/exchange_transport.hpp"
#include "core/util/log.hpp"

namespace b2b::site {
namespace {

constexpr std::string_view kLog = "site";

class CollectOrders final : public onec::CmlVisitor {
public:
    explicit CollectOrders(std::vector<onec::CmlDocument>& out) : out_(out) {}
    Status OnDocument(onec::CmlDocument const& document) override {
        out_.push_back(document);
        return {};
    }

private:
    std::vector<onec::CmlDocument>& out_;
};

std::string Pct(std::string_view text) {
    std::string out;
    for (unsigned char c : text) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
            out.push_back(static_cast<char>(c));
        } else {
            out += fmt::format("%{:02X}", c);
        }
    }
    return out;
}

}  // namespace

struct ExchangeClient::Impl {
    explicit Impl(ExchangeClientOptions const& o) : transport(o.url, o.user, o.password, o.timeout) {}
    ExchangeTransport transport;
};

struct ExchangeClient::Session {
    std::string cookie;        ///< "NAME=value"
    std::string sessid_param;  ///< "sessid=…" or empty
    std::uint64_t file_limit = 0;
};

/// A status answer, or for `query` the raw body.
struct ExchangeClient::Step {
    HttpReply reply;
    StatusAnswer answer;
};

ExchangeClient::ExchangeClient(ExchangeClientOptions options, Clock const& clock)
    : options_(std::move(options)),
      clock_(clock),
      impl_(std::make_unique<Impl>(options_)) {}

ExchangeClient::~ExchangeClient() = default;

Result<ExchangeClient::Step> ExchangeClient::Call(Session& session, std::string const& mode, std::string const& extra,
                                                  std::string const* body) {
    std::string query = "type=sale&mode=" + mode;
    if (!extra.empty()) {
        query += "&" + extra;
    }
    // The sessid goes on every call after checkauth: once the site has seen one, it refuses calls
    // without it (secure-exchange ratchet, commerceml.md §1.2).
    if (!session.sessid_param.empty()) {
        query += "&" + session.sessid_param;
    }
    auto reply = impl_->transport.Send(mode, query, session.cookie, body);
    if (!reply) {
        return reply.error();
    }
    Step step{std::move(*reply), {}};
    if (mode != "query") {
        step.answer = ParseStatusAnswer(step.reply.body);
    }
    return step;
}

Result<ExchangeClient::Session> ExchangeClient::Begin() {
    Session session;
    auto auth = impl_->transport.Send("checkauth", "type=sale&mode=checkauth", "", nullptr);
    if (!auth) {
        return auth.error();
    }
    auto credentials = ParseCheckauth(auth->body);
    if (!credentials) {
        log::Warn(kLog, "checkauth refused", {{"host", impl_->transport.host()}});
        return credentials.error().WithContext("site " + impl_->transport.host());
    }
    session.cookie = credentials->cookie_name + "=" + credentials->cookie_value;
    session.sessid_param = credentials->sessid_param;
    auto init = Call(session, "init", "version=" + Pct(options_.cml_version));
    if (!init) {
        return init.error();
    }
    auto params = ParseInit(init->reply.body);
    if (!params) {
        // Right after a successful checkauth a refused init is the site's own trouble (DB, disk for
        // the work folder), not our configuration: try again later.
        return Error::Transient("site " + impl_->transport.host() + ": " + params.error().message);
    }
    if (!params->sessid_param.empty()) {
        session.sessid_param = params->sessid_param;  // sale init repeats it; the newer one wins
    }
    session.file_limit = params->file_limit;
    return session;
}

namespace {

bool SessionRejected(StatusAnswer const& answer) {
    return answer.status == AnswerStatus::kFailure || answer.status == AnswerStatus::kError;
}

// A 'query' answer is XML, but a lost session answers with a status line instead.
bool LooksLikeStatus(std::string const& body) {
    auto const start = body.find_first_not_of("\xEF\xBB\xBF \r\n\t");
    return start == std::string::npos || body[start] != '<';
}

}  // namespace

Result<PullReport> ExchangeClient::PullOnce(SiteOrderSink& sink, bool& session_lost) {
    session_lost = false;
    auto session = Begin();
    if (!session) {
        return session.error();
    }
    auto query = Call(*session, "query", "");
    if (!query) {
        return query.error();
    }
    auto const& body = query->reply.body;
    if (LooksLikeStatus(body)) {
        auto answer = ParseStatusAnswer(body);
        session_lost = SessionRejected(answer);
        return Error::Transient(fmt::format("site {}: mode=query answered {} {}", impl_->transport.host(),
                                            answer.word, answer.Text()));
    }
    PulledOrders batch;
    std::istringstream in(body);
    CollectOrders visitor(batch.orders);
    onec::ReaderOptions reader;
    reader.default_utc_offset = options_.utc_offset;
    auto summary = onec::ReadCommerceMl(in, "site query answer", reader, visitor);
    if (!summary) {
        return summary.error().WithContext("site " + impl_->transport.host());
    }
    batch.problems = summary->problems;
    PullReport report{batch.orders.size(), summary->skipped, body.size(), 1};
    if (auto stored = sink.Persist(batch); !stored) {
        log::Warn(kLog, "orders not stored; the site will offer them again",
                  {{"host", impl_->transport.host()}, {"orders", batch.orders.size()}});
        return stored.error();
    }
    auto success = Call(*session, "success", "");
    if (!success) {
        return success.error();
    }
    if (success->answer.status != AnswerStatus::kSuccess) {
        session_lost = SessionRejected(success->answer);
        return Error::Transient(fmt::format("site {}: mode=success answered {} {}; the stored orders will be "
                                            "offered again",
                                            impl_->transport.host(), success->answer.word, success->answer.Text()));
    }
    log::Info(kLog, "orders pulled", {{"host", impl_->transport.host()}, {"orders", report.orders},
                                      {"problems", report.problems}, {"bytes", report.bytes}});
    return report;
}

Result<PullReport> ExchangeClient::Pull(SiteOrderSink& sink) {
    bool session_lost = false;
    auto first = PullOnce(sink, session_lost);
    if (first || !session_lost) {
        return first;
    }
    log::Info(kLog, "exchange session lost; starting a new one", {{"host", impl_->transport.host()}});
    auto second = PullOnce(sink, session_lost);
    if (second) {
        second->sessions = 2;
    }
    return second;
}

Result<PushReport> ExchangeClient::PushOnce(std::string const& bytes, bool& session_lost) {
    session_lost = false;
    auto session = Begin();
    if (!session) {
        return session.error();
    }
    PushReport report;
    report.sessions = 1;
    auto const filename = fmt::format("documents___b2bsync-{}-{}.xml", clock_.NowMillis(), ++upload_counter_);
    std::size_t const limit = session->file_limit == 0 ? bytes.size() : static_cast<std::size_t>(session->file_limit);
    for (std::size_t at = 0; at < bytes.size(); at += limit) {
        std::string const chunk = bytes.substr(at, limit);
        auto sent = Call(*session, "file", "filename=" + Pct(filename), &chunk);
        if (!sent) {
            return sent.error();
        }
        if (sent->answer.status != AnswerStatus::kSuccess) {
            session_lost = SessionRejected(sent->answer);
            return Error::Transient(fmt::format("site {}: mode=file answered {} {}", impl_->transport.host(),
                                                sent->answer.word, sent->answer.Text()));
        }
        ++report.chunks;
    }
    for (;;) {
        if (report.import_calls >= options_.max_import_calls) {
            return Error::Transient(fmt::format("site {}: import of {} still in progress after {} calls",
                                                impl_->transport.host(), filename, report.import_calls));
        }
        ++report.import_calls;
        auto step = Call(*session, "import", "filename=" + Pct(filename));
        if (!step) {
            return step.error();
        }
        auto const& answer = step->answer;
        if (answer.status == AnswerStatus::kProgress) {
            continue;
        }
        if (answer.status == AnswerStatus::kSuccess) {
            report.site_messages = answer.lines;
            return report;
        }
        // A lost session and a rejected document read alike (`failure` + free text): the caller
        // runs the whole upload once more (the site applies documents by Ид, so that is harmless).
        session_lost = SessionRejected(answer);
        return Error::Permanent(fmt::format("site {}: the site rejected the order document ({} {})",
                                            impl_->transport.host(), answer.word, answer.Text()));
    }
}

Result<PushReport> ExchangeClient::PushDocuments(std::span<onec::CmlDocument const> documents) {
    if (documents.empty()) {
        return PushReport{};
    }
    onec::WriterOptions writer;
    writer.schema_version = options_.push_schema;
    writer.encoding = options_.push_encoding;
    writer.generated_at = ZonedTime{std::chrono::sys_time<std::chrono::milliseconds>(
                                        std::chrono::milliseconds(clock_.NowMillis())),
                                    options_.utc_offset};
    auto bytes = onec::WriteOrders(documents, writer);
    if (!bytes) {
        return bytes.error();
    }
    bool session_lost = false;
    auto first = PushOnce(*bytes, session_lost);
    if (!first && session_lost) {
        log::Info(kLog, "exchange session lost during upload; starting a new one", {{"host", impl_->transport.host()}});
        first = PushOnce(*bytes, session_lost);
        if (first) {
            first->sessions = 2;
        }
    }
    if (first) {
        first->documents = documents.size();
        if (!first->site_messages.empty()) {
            log::Warn(kLog, "site accepted the documents with remarks; some changes may not be applied",
                      {{"host", impl_->transport.host()}, {"remarks", first->site_messages.size()},
                       {"first", first->site_messages.front()}});
        }
    }
    return first;
}

Result<PushReport> ExchangeClient::Push(std::span<SiteOrderUpdate const> updates) {
    std::vector<onec::CmlDocument> documents;
    documents.reserve(updates.size());
    for (auto const& update : updates) {
        documents.push_back(MakeUpdateDocument(update));
    }
    return PushDocuments(documents);
}

}  // namespace b2b::site
