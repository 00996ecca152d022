#include "tests/emulators/onec/session.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <fstream>

namespace b2b::emu::onec {
namespace {

namespace http = boost::beast::http;

std::string Base64(std::string_view in) {
    constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    std::size_t i = 0;
    for (; i + 2 < in.size(); i += 3) {
        auto const n = (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8) |
                       static_cast<unsigned char>(in[i + 2]);
        out += kAlphabet[(n >> 18) & 63];
        out += kAlphabet[(n >> 12) & 63];
        out += kAlphabet[(n >> 6) & 63];
        out += kAlphabet[n & 63];
    }
    if (i + 1 == in.size()) {
        auto const n = static_cast<unsigned char>(in[i]) << 16;
        out += kAlphabet[(n >> 18) & 63];
        out += kAlphabet[(n >> 12) & 63];
        out += "==";
    } else if (i + 2 == in.size()) {
        auto const n = (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8);
        out += kAlphabet[(n >> 18) & 63];
        out += kAlphabet[(n >> 12) & 63];
        out += kAlphabet[(n >> 6) & 63];
        out += '=';
    }
    return out;
}

// 1C keeps `/` in sub-folder names (goods/1/offers.xml); everything else non-unreserved is escaped.
std::string EncodeQueryValue(std::string_view value) {
    constexpr std::string_view kHex = "0123456789ABCDEF";
    std::string out;
    for (char c : value) {
        auto const b = static_cast<unsigned char>(c);
        if (std::isalnum(b) || c == '-' || c == '_' || c == '.' || c == '~' || c == '/') {
            out += c;
        } else {
            out += '%';
            out += kHex[b >> 4];
            out += kHex[b & 15];
        }
    }
    return out;
}

std::string Outcome(Answer const& answer) {
    auto const first = answer.FirstLine();
    return first.empty() ? answer.status : answer.status + " " + first;
}

std::string Where(std::string const& mode, std::string const& filename) {
    return filename.empty() ? "mode=" + mode : "mode=" + mode + " filename=" + filename;
}

}  // namespace

Session::Session(Options const& options, Summary& summary, std::ostream& log)
    : options_(options),
      summary_(summary),
      log_(log),
      type_(options.type == ExchangeType::kCatalog ? "catalog" : "sale") {}

bool Session::Fail(std::string text) {
    if (summary_.failure.empty()) {
        summary_.failure = std::move(text);
    }
    return false;
}

std::string Session::BuildQuery(std::string const& mode, std::string const& filename,
                                std::string const& extra) const {
    std::string query = std::string("type=") + type_ + "&mode=" + mode;
    if (!filename.empty()) {
        query += "&filename=" + EncodeQueryValue(filename);
    }
    if (!extra.empty()) {
        query += "&" + extra;
    }
    if (credentials_.sessid && !options_.old_1c) {
        query += "&sessid=" + *credentials_.sessid;
    }
    return query;
}

void Session::LogAnswer(std::string const& mode, std::string const& filename, std::string const& detail,
                        std::string const& outcome) {
    log_ << RequestLine(mode, filename, detail, outcome) << '\n' << std::flush;
}

std::optional<HttpResponse> Session::Send(HttpRequest request, std::string const& mode, std::string const& filename,
                                          std::string const& detail) {
    if (!credentials_.cookie_name.empty()) {
        request.headers.emplace_back("Cookie", credentials_.cookie_name + "=" + credentials_.cookie_value);
    }
    ++summary_.requests;
    auto outcome = http_->Send(request);
    if (!outcome.response) {
        LogAnswer(mode, filename, detail, "error " + outcome.error);
        Fail(Where(mode, filename) + ": " + outcome.error);
        return std::nullopt;
    }
    auto& response = *outcome.response;
    if (response.status != 200) {
        auto const answer = ParseAnswer(response.body, response.content_type);
        auto const text = "HTTP " + std::to_string(response.status) + " " + response.reason +
                          (answer.status.empty() ? "" : " " + answer.status);
        LogAnswer(mode, filename, detail, text);
        Fail(Where(mode, filename) + ": " + text);
        return std::nullopt;
    }
    return std::move(response);
}

bool Session::Accept(Answer const& answer, std::string const& mode, std::string const& filename,
                     bool allow_progress) {
    if (answer.status == "success" || (allow_progress && answer.status == "progress")) {
        return true;
    }
    if (answer.status == "failure") {
        return Fail(Where(mode, filename) + ": failure: " + answer.Text());
    }
    // 1C: "Получен неизвестный статус импорта" — the whole first line is what it shows.
    return Fail(Where(mode, filename) + ": unknown status: " + answer.status +
                (answer.lines.empty() ? "" : " " + answer.Text()));
}

bool Session::Start() {
    Endpoint endpoint;
    if (auto error = ParseEndpoint(options_.url, endpoint)) {
        return Fail("--url: " + *error);
    }
    http_ = std::make_unique<HttpClient>(std::move(endpoint), options_.timeout);

    HttpRequest auth{.query = BuildQuery("checkauth", {}, {})};
    auth.headers.emplace_back("Authorization", "Basic " + Base64(options_.user + ":" + options_.password));
    auto response = Send(std::move(auth), "checkauth", {}, {});
    if (!response) {
        return false;
    }
    auto const answer = ParseAnswer(response->body, response->content_type);
    LogAnswer("checkauth", {}, {}, Outcome(answer));
    if (answer.status != "success") {
        return Accept(answer, "checkauth", {}, false);
    }
    auto credentials = ParseCheckauth(answer);
    if (!credentials) {
        return Fail("mode=checkauth: success without the cookie name and value lines");
    }
    credentials_ = std::move(*credentials);

    std::string const version = options_.old_1c ? std::string{} : "version=" + options_.cml_version;
    // New 1C sends version after sessid (commerceml.md §2.1), so it goes in by hand here.
    auto query = BuildQuery("init", {}, {});
    if (!version.empty()) {
        query += "&" + version;
    }
    response = Send(HttpRequest{.query = std::move(query)}, "init", {}, {});
    if (!response) {
        return false;
    }
    auto const init_answer = ParseAnswer(response->body, response->content_type);
    LogAnswer("init", {}, {}, init_answer.status + (init_answer.lines.empty() ? "" : " " + init_answer.Text()));
    auto init = ParseInit(init_answer);
    if (!init) {
        if (init_answer.status == "failure") {
            return Fail("mode=init: failure: " + init_answer.Text());
        }
        return Fail("mode=init: expected zip= and file_limit= lines, got: " + init_answer.status);
    }
    init_ = *init;
    if (init_.sessid) {
        credentials_.sessid = init_.sessid;
    }
    return true;
}

bool Session::Upload(std::filesystem::path const& local, std::string const& remote) {
    std::ifstream in(local, std::ios::binary);
    if (!in) {
        return Fail("cannot read " + local.string());
    }
    auto& file = summary_.File(remote);
    std::error_code size_error;
    auto const size = std::filesystem::file_size(local, size_error);
    if (size_error) {
        return Fail("cannot read " + local.string() + ": " + size_error.message());
    }
    // No (or zero) file_limit: the whole file in one request. An empty file is still one POST.
    auto const limit = init_.file_limit.value_or(0) > 0 ? *init_.file_limit : std::max<std::uint64_t>(size, 1);
    std::uint64_t offset = 0;
    do {
        std::string chunk(static_cast<std::size_t>(std::min(limit, size - offset)), '\0');
        in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
        if (static_cast<std::size_t>(in.gcount()) != chunk.size()) {
            return Fail("cannot read " + local.string() + ": file shrank while uploading");
        }
        offset += chunk.size();
        HttpRequest request{.method = http::verb::post, .query = BuildQuery("file", remote, {})};
        request.headers.emplace_back("Content-Type", "application/octet-stream");
        auto const chunk_size = chunk.size();
        if (options_.drop_after_bytes && body_bytes_sent_ + chunk_size > *options_.drop_after_bytes) {
            request.drop_after_body_bytes = static_cast<std::size_t>(*options_.drop_after_bytes - body_bytes_sent_);
        }
        auto const sent = request.drop_after_body_bytes.value_or(chunk_size);
        request.body = std::move(chunk);
        auto const detail = "bytes=" + std::to_string(chunk_size);
        body_bytes_sent_ += sent;
        summary_.uploaded_bytes += sent;
        file.bytes += sent;
        ++file.chunks;
        auto response = Send(std::move(request), "file", remote, detail);
        if (!response) {
            return false;
        }
        auto const answer = ParseAnswer(response->body, response->content_type);
        LogAnswer("file", remote, detail, Outcome(answer));
        file.last_status = answer.status;
        if (!Accept(answer, "file", remote, false)) {
            return false;
        }
    } while (offset < size);
    return true;
}

bool Session::Import(std::string const& remote) {
    auto& file = summary_.File(remote);
    for (std::uint64_t calls = 0;; ++calls) {
        if (options_.stop_after_imports && summary_.import_calls >= *options_.stop_after_imports) {
            return Fail("exchange interrupted after " + std::to_string(summary_.import_calls) +
                        " import calls (--stop-after-imports)");
        }
        if (calls >= options_.max_import_calls) {
            return Fail(Where("import", remote) + ": still progress after " + std::to_string(calls) +
                        " calls (--max-import-calls)");
        }
        ++summary_.import_calls;
        ++file.import_calls;
        auto response = Send(HttpRequest{.query = BuildQuery("import", remote, {})}, "import", remote, {});
        if (!response) {
            return false;
        }
        auto const answer = ParseAnswer(response->body, response->content_type);
        // Every line: the success text is where a server reports what it kept and skipped.
        LogAnswer("import", remote, {}, answer.lines.empty() ? answer.status : answer.status + " " + answer.Text());
        file.last_status = answer.status;
        if (!Accept(answer, "import", remote, true)) {
            return false;
        }
        if (answer.status == "success") {
            return true;
        }
        ++summary_.progress_answers;
    }
}

bool Session::Confirm(std::string const& mode, std::string const& extra_query) {
    auto response = Send(HttpRequest{.query = BuildQuery(mode, {}, extra_query)}, mode, {}, {});
    if (!response) {
        return false;
    }
    auto const answer = ParseAnswer(response->body, response->content_type);
    LogAnswer(mode, {}, {}, Outcome(answer));
    return Accept(answer, mode, {}, false);
}

bool Session::QueryOrders(std::string const& save_to) { return FetchDocument("query", save_to); }

bool Session::QueryInfo(std::string const& save_to) { return FetchDocument("info", save_to); }

bool Session::FetchDocument(std::string const& mode, std::string const& save_to) {
    auto response = Send(HttpRequest{.query = BuildQuery(mode, {}, {})}, mode, {}, {});
    if (!response) {
        return false;
    }
    // The orders XML has no status line; a status word here means the server refused.
    auto const head = StripBom(response->body).substr(0, 16);
    if (head.rfind("failure", 0) == 0 || head.rfind("error", 0) == 0) {
        auto const answer = ParseAnswer(response->body, response->content_type);
        LogAnswer(mode, {}, {}, Outcome(answer));
        return Fail("mode=" + mode + ": " + answer.status + ": " + answer.Text());
    }
    if (mode == "query") {
        summary_.orders_bytes = response->body.size();
    }
    LogAnswer(mode, {}, {},
              "200 " + (response->content_type.empty() ? std::string("(no content type)") : response->content_type) +
                  ", " + std::to_string(response->body.size()) + " bytes" +
                  (save_to.empty() ? "" : " saved to " + save_to));
    if (!save_to.empty()) {
        std::ofstream out(save_to, std::ios::binary | std::ios::trunc);
        out.write(response->body.data(), static_cast<std::streamsize>(response->body.size()));
        if (!out) {
            return Fail("cannot write the " + mode + " answer to " + save_to);
        }
    }
    return true;
}

}  // namespace b2b::emu::onec
