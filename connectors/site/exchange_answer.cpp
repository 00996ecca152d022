#include "connectors/site/exchange_answer.hpp"

#include <charconv>

#include "connectors/onec/encoding.hpp"

namespace b2b::site {
namespace {

std::string_view StripBom(std::string_view body) {
    if (body.substr(0, 3) == "\xEF\xBB\xBF") {
        body.remove_prefix(3);
    }
    return body;
}

std::vector<std::string> SplitLines(std::string_view body) {
    std::vector<std::string> lines;
    while (!body.empty()) {
        auto nl = body.find('\n');
        auto line = body.substr(0, nl);
        if (!line.empty() && line.back() == '\r') {
            line.remove_suffix(1);
        }
        lines.emplace_back(line);
        if (nl == std::string_view::npos) {
            break;
        }
        body.remove_prefix(nl + 1);
    }
    return lines;
}

bool IsValidUtf8(std::string_view text) {
    onec::Utf8Validator validator;
    return validator.Feed(text) && validator.Finish();
}

std::string ToUtf8(std::string_view text) {
    if (IsValidUtf8(text)) {
        return std::string(text);
    }
    std::string out;
    onec::AppendCp1251AsUtf8(text, out);
    return out;
}

std::string Excerpt(std::string_view text) {
    auto const cut = text.substr(0, 40);
    std::string out;
    for (char c : cut) {
        out.push_back(static_cast<unsigned char>(c) < 0x20 ? ' ' : c);
    }
    return ToUtf8(out);
}

}  // namespace

std::string StatusAnswer::Text() const {
    std::string out;
    for (auto const& line : lines) {
        if (!out.empty()) {
            out += "; ";
        }
        out += line;
    }
    return out;
}

StatusAnswer ParseStatusAnswer(std::string_view body) {
    StatusAnswer answer;
    auto lines = SplitLines(StripBom(body));
    if (lines.empty()) {
        return answer;
    }
    answer.word = Excerpt(lines[0]);
    std::string_view word = lines[0];
    while (!word.empty() && (word.back() == ' ' || word.back() == '\t')) {
        word.remove_suffix(1);
    }
    if (word == "success") {
        answer.status = AnswerStatus::kSuccess;
    } else if (word == "progress") {
        answer.status = AnswerStatus::kProgress;
    } else if (word == "failure") {
        answer.status = AnswerStatus::kFailure;
    } else if (word == "error") {
        answer.status = AnswerStatus::kError;
    }
    for (std::size_t i = 1; i < lines.size(); ++i) {
        if (!lines[i].empty()) {
            answer.lines.push_back(ToUtf8(lines[i]));
        }
    }
    return answer;
}

Result<CheckauthAnswer> ParseCheckauth(std::string_view body) {
    auto lines = SplitLines(StripBom(body));
    auto status = ParseStatusAnswer(body);
    if (status.status != AnswerStatus::kSuccess) {
        return Error::Permanent("checkauth refused: " + status.word + (status.lines.empty() ? "" : " " + status.Text()) +
                                "; check site.user and site.password and the site's exchange settings");
    }
    if (lines.size() < 3 || lines[1].empty() || lines[2].empty()) {
        return Error::Permanent("checkauth answer has no session cookie (expected success, cookie name, cookie value)");
    }
    CheckauthAnswer answer{lines[1], lines[2], {}};
    for (std::size_t i = 3; i < lines.size(); ++i) {
        if (lines[i].rfind("sessid=", 0) == 0) {
            answer.sessid_param = lines[i];
        }
    }
    return answer;
}

Result<InitAnswer> ParseInit(std::string_view body) {
    InitAnswer answer;
    bool saw_zip = false;
    bool saw_limit = false;
    for (auto const& line : SplitLines(StripBom(body))) {
        if (line.rfind("zip=", 0) == 0) {
            saw_zip = true;
            answer.zip = line.substr(4) == "yes";
        } else if (line.rfind("file_limit=", 0) == 0) {
            auto const value = std::string_view(line).substr(11);
            auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), answer.file_limit);
            saw_limit = ec == std::errc() && ptr == value.data() + value.size();
        } else if (line.rfind("sessid=", 0) == 0) {
            answer.sessid_param = line;
        } else if (line.rfind("version=", 0) == 0) {
            answer.version = line.substr(8);
        }
    }
    if (!saw_zip || !saw_limit) {
        auto status = ParseStatusAnswer(body);
        return Error::Permanent("init answer is not zip=/file_limit=: " + status.word +
                                (status.lines.empty() ? "" : " " + status.Text()));
    }
    return answer;
}

}  // namespace b2b::site
