#pragma once

#include <optional>
#include <string>
#include <vector>

#include "connectors/onec/exchange_options.hpp"
#include "core/http/router.hpp"

namespace b2b::onec {

/// Line 1 of every answer (commerceml.md §1.1, §6 quirk 1). kNone is for answers that are only
/// data lines (mode=init) or a document (sale mode=query). kError is Bitrix's word for a sale
/// mode=success whose cookie does not match the session.
enum class AnswerStatus { kSuccess, kProgress, kFailure, kError, kNone };

/// "success" / "progress" / "failure" / "error" / "" .
char const* ToString(AnswerStatus status) noexcept;

/// One answer of the exchange endpoint before encoding. Message lines are UTF-8 here.
struct ExchangeAnswer {
    AnswerStatus status = AnswerStatus::kSuccess;
    std::vector<std::string> lines;
    /// 200, or 401 for missing/wrong credentials (then WWW-Authenticate: Basic is added).
    unsigned http_status = 200;
    /// Label of b2b_onec_failures_total for failures ("auth", "filename", ...).
    std::string failure_reason;
    /// Set by checkauth: "name=value" for a Set-Cookie header.
    std::string set_cookie;
    /// Set for a document answer (sale mode=query): sent verbatim instead of status and lines,
    /// with `content_type`.
    std::optional<std::string> document;
    std::string content_type;

    static ExchangeAnswer Success(std::vector<std::string> lines = {});
    static ExchangeAnswer Progress(std::string line);
    static ExchangeAnswer Failure(std::string reason_label, std::string message);
    static ExchangeAnswer Unauthorized(std::string message);
    /// Status `error` without lines.
    static ExchangeAnswer Refused();
    /// A body that is not a status answer (already encoded bytes).
    static ExchangeAnswer Document(std::string body, std::string content_type);
};

/// The body exactly as sent: status word, then each line, separated by '\n' (no trailing newline,
/// nothing before the status word). Message lines are converted to windows-1251 when asked;
/// characters it cannot represent become '?' (an answer must never fail to encode).
std::string EncodeAnswerBody(ExchangeAnswer const& answer, AnswerEncoding encoding);

/// The HTTP response: body as above, `Content-Type: text/plain; charset=windows-1251|utf-8`,
/// Cache-Control: no-store, and the 401 challenge / Set-Cookie when the answer carries them.
/// A document answer is sent as its bytes with its own Content-Type. Content-Length is always set.
http::Response MakeExchangeResponse(ExchangeAnswer const& answer, AnswerEncoding encoding, unsigned http_version);

}  // namespace b2b::onec
