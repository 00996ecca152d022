#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace b2b::emu::onec {

/// One exchange answer split the way 1C reads it: line 1 is the status word, the rest is free
/// text for the exchange log. Lines are decoded to UTF-8; a UTF-8 BOM before line 1 and `\r`
/// line ends are tolerated (WC1C prepends a BOM to every answer).
struct Answer {
    std::string status;
    std::vector<std::string> lines;  // after the status line, decoded, `\r` stripped

    /// The first message line, or "" (what the per-request report shows).
    std::string FirstLine() const;
    /// All message lines joined by a space (what a failure is reported with).
    std::string Text() const;
};

/// Drops a leading UTF-8 byte-order mark.
std::string_view StripBom(std::string_view bytes);

Answer ParseAnswer(std::string_view body, std::string_view content_type);

/// The parts of a `mode=checkauth` success that later requests need. Old servers send only the
/// three classic lines; newer ones add `sessid=…` and `timestamp=…` in any order after them.
struct Credentials {
    std::string cookie_name;
    std::string cookie_value;
    std::optional<std::string> sessid;
    std::optional<std::string> timestamp;
};

/// Returns nullopt when the answer lacks the cookie lines (the caller reports that as failure).
std::optional<Credentials> ParseCheckauth(Answer const& answer);

/// `mode=init`: `zip=yes|no` and `file_limit=<bytes>` lines, in any order; sale init may repeat
/// `sessid=` and add `version=`. There is no status word, so this reads every line.
struct InitParams {
    bool zip = false;
    std::optional<std::uint64_t> file_limit;  // nullopt: the server did not say
    std::optional<std::string> sessid;
    std::optional<std::string> version;
};

/// Returns nullopt when the answer is `failure…` (or has none of the expected lines).
std::optional<InitParams> ParseInit(Answer const& answer);

}  // namespace b2b::emu::onec
