#include "tests/emulators/onec/answer.hpp"

#include "tests/emulators/onec/cp1251.hpp"

#include <charconv>

namespace b2b::emu::onec {
namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";

std::string_view Trim(std::string_view text) {
    auto const first = text.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos) {
        return {};
    }
    auto const last = text.find_last_not_of(" \t\r\n");
    return text.substr(first, last - first + 1);
}

std::optional<std::string> ValueAfter(std::string_view line, std::string_view key) {
    if (line.substr(0, key.size()) != key) {
        return std::nullopt;
    }
    return std::string(Trim(line.substr(key.size())));
}

}  // namespace

std::string Answer::FirstLine() const {
    return lines.empty() ? std::string{} : lines.front();
}

std::string Answer::Text() const {
    std::string out;
    for (auto const& line : lines) {
        if (line.empty()) {
            continue;
        }
        if (!out.empty()) {
            out += ' ';
        }
        out += line;
    }
    return out;
}

std::string_view StripBom(std::string_view bytes) {
    if (bytes.substr(0, kBom.size()) == kBom) {
        bytes.remove_prefix(kBom.size());
    }
    return bytes;
}

Answer ParseAnswer(std::string_view body, std::string_view content_type) {
    auto const text = DecodeAnswerText(StripBom(body), content_type);
    Answer answer;
    std::string_view rest = text;
    bool first = true;
    while (!rest.empty()) {
        auto const end = rest.find('\n');
        auto line = rest.substr(0, end);
        rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 1);
        if (!line.empty() && line.back() == '\r') {
            line.remove_suffix(1);
        }
        if (first) {
            answer.status = std::string(Trim(line));
            first = false;
        } else {
            answer.lines.emplace_back(line);
        }
    }
    // Trailing empty lines are an artefact of a final "\n", not part of the message.
    while (!answer.lines.empty() && Trim(answer.lines.back()).empty()) {
        answer.lines.pop_back();
    }
    return answer;
}

std::optional<Credentials> ParseCheckauth(Answer const& answer) {
    if (answer.lines.size() < 2) {
        return std::nullopt;
    }
    Credentials credentials{.cookie_name = std::string(Trim(answer.lines[0])),
                            .cookie_value = std::string(Trim(answer.lines[1]))};
    if (credentials.cookie_name.empty()) {
        return std::nullopt;
    }
    for (std::size_t i = 2; i < answer.lines.size(); ++i) {
        auto const line = Trim(answer.lines[i]);
        if (auto sessid = ValueAfter(line, "sessid=")) {
            credentials.sessid = std::move(sessid);
        } else if (auto timestamp = ValueAfter(line, "timestamp=")) {
            credentials.timestamp = std::move(timestamp);
        }
    }
    return credentials;
}

std::optional<InitParams> ParseInit(Answer const& answer) {
    if (answer.status == "failure") {
        return std::nullopt;
    }
    InitParams params;
    bool seen_any = false;
    auto read_line = [&](std::string_view line) {
        line = Trim(line);
        if (auto zip = ValueAfter(line, "zip=")) {
            params.zip = *zip == "yes";
            seen_any = true;
        } else if (auto limit = ValueAfter(line, "file_limit=")) {
            std::uint64_t value = 0;
            auto const [end, ec] = std::from_chars(limit->data(), limit->data() + limit->size(), value);
            if (ec == std::errc{} && end == limit->data() + limit->size()) {
                params.file_limit = value;
            }
            seen_any = true;
        } else if (auto sessid = ValueAfter(line, "sessid=")) {
            params.sessid = std::move(sessid);
        } else if (auto version = ValueAfter(line, "version=")) {
            params.version = std::move(version);
        }
    };
    read_line(answer.status);
    for (auto const& line : answer.lines) {
        read_line(line);
    }
    if (!seen_any) {
        return std::nullopt;
    }
    return params;
}

}  // namespace b2b::emu::onec
