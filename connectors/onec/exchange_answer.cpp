#include "connectors/onec/exchange_answer.hpp"

#include <utility>

#include "connectors/onec/encoding.hpp"

namespace b2b::onec {

char const* ToString(AnswerStatus status) noexcept {
    switch (status) {
        case AnswerStatus::kSuccess:
            return "success";
        case AnswerStatus::kProgress:
            return "progress";
        case AnswerStatus::kFailure:
            return "failure";
        case AnswerStatus::kError:
            return "error";
        case AnswerStatus::kNone:
            return "";
    }
    return "";
}

ExchangeAnswer ExchangeAnswer::Success(std::vector<std::string> lines) {
    ExchangeAnswer answer;
    answer.lines = std::move(lines);
    return answer;
}

ExchangeAnswer ExchangeAnswer::Progress(std::string line) {
    ExchangeAnswer answer;
    answer.status = AnswerStatus::kProgress;
    answer.lines.push_back(std::move(line));
    return answer;
}

ExchangeAnswer ExchangeAnswer::Failure(std::string reason_label, std::string message) {
    ExchangeAnswer answer;
    answer.status = AnswerStatus::kFailure;
    answer.failure_reason = std::move(reason_label);
    answer.lines.push_back(std::move(message));
    return answer;
}

ExchangeAnswer ExchangeAnswer::Unauthorized(std::string message) {
    ExchangeAnswer answer = Failure("auth", std::move(message));
    answer.http_status = 401;
    return answer;
}

ExchangeAnswer ExchangeAnswer::Refused() {
    ExchangeAnswer answer;
    answer.status = AnswerStatus::kError;
    return answer;
}

ExchangeAnswer ExchangeAnswer::Document(std::string body, std::string content_type) {
    ExchangeAnswer answer;
    answer.status = AnswerStatus::kNone;
    answer.document = std::move(body);
    answer.content_type = std::move(content_type);
    return answer;
}

namespace {

// A message line must stay one line: 1C splits on '\n', and a '\r' would show up in its log.
std::string OneLine(std::string_view text) {
    std::string out(text);
    for (char& c : out) {
        if (c == '\n' || c == '\r') {
            c = ' ';
        }
    }
    return out;
}

}  // namespace

std::string EncodeAnswerBody(ExchangeAnswer const& answer, AnswerEncoding encoding) {
    std::string body = ToString(answer.status);
    bool first = body.empty();
    for (auto const& line : answer.lines) {
        if (!first) {
            body += '\n';
        }
        first = false;
        std::string text = OneLine(line);
        if (encoding == AnswerEncoding::kWindows1251) {
            auto converted = Utf8ToCp1251(text, UnmappablePolicy::kQuestionMark);
            // Only invalid UTF-8 fails here (our own text never is); fall back to ASCII-safe '?'.
            if (converted) {
                text = std::move(*converted);
            } else {
                for (char& c : text) {
                    if (static_cast<unsigned char>(c) >= 0x80) {
                        c = '?';
                    }
                }
            }
        }
        body += text;
    }
    return body;
}

http::Response MakeExchangeResponse(ExchangeAnswer const& answer, AnswerEncoding encoding, unsigned http_version) {
    namespace bh = http::beast_http;
    http::Response response{static_cast<bh::status>(answer.http_status), http_version};
    if (answer.document) {
        response.set(bh::field::content_type, answer.content_type);
    } else {
        response.set(bh::field::content_type, encoding == AnswerEncoding::kWindows1251
                                                  ? "text/plain; charset=windows-1251"
                                                  : "text/plain; charset=utf-8");
    }
    response.set(bh::field::cache_control, "no-store");
    if (answer.http_status == 401) {
        response.set(bh::field::www_authenticate, "Basic realm=\"b2bsync 1C exchange\", charset=\"UTF-8\"");
    }
    if (!answer.set_cookie.empty()) {
        response.set(bh::field::set_cookie, answer.set_cookie + "; Path=/; HttpOnly");
    }
    response.body() = answer.document ? *answer.document : EncodeAnswerBody(answer, encoding);
    response.prepare_payload();
    return response;
}

}  // namespace b2b::onec
