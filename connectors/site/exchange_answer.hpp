#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/util/error.hpp"

namespace b2b::site {

/// Line 1 of a Bitrix exchange answer (commerceml.md §1.1): `success`, `progress`, `failure`, and
/// `error` (what Bitrix's sale `mode=success` says on a cookie mismatch).
enum class AnswerStatus { kSuccess, kProgress, kFailure, kError, kUnknown };

/// A status answer split into its word and the message lines after it (decoded to UTF-8: Bitrix
/// writes them in windows-1251; valid UTF-8 is kept as is). A UTF-8 BOM before the word is skipped.
struct StatusAnswer {
    AnswerStatus status = AnswerStatus::kUnknown;
    std::string word;                 ///< line 1 as sent (for "unknown status" messages), at most 40 bytes
    std::vector<std::string> lines;   ///< non-empty lines after line 1
    std::string Text() const;         ///< lines joined with "; "
};
StatusAnswer ParseStatusAnswer(std::string_view body);

/// The checkauth answer: `success`, cookie name, cookie value, then optionally `sessid=<key>` and
/// `timestamp=<t>` in any order (§1.2). The sessid line is kept verbatim: it is appended to every
/// later query string as is.
struct CheckauthAnswer {
    std::string cookie_name;
    std::string cookie_value;
    std::string sessid_param;  ///< "sessid=…" or empty (old sites)
};
/// Errors (Permanent): the site's `failure` text (wrong user/password, session TTL option), or a
/// malformed answer.
Result<CheckauthAnswer> ParseCheckauth(std::string_view body);

/// The init answer: `zip=yes|no`, `file_limit=<bytes>`, and for sale with `version=` sent, the
/// `sessid=` line again (it replaces the checkauth one) and `version=` (§1.3).
struct InitAnswer {
    bool zip = false;
    std::uint64_t file_limit = 0;  ///< 0 = not announced
    std::string sessid_param;
    std::string version;
};
/// Errors (Permanent): a `failure` answer or no `zip=`/`file_limit=` line.
Result<InitAnswer> ParseInit(std::string_view body);

}  // namespace b2b::site
