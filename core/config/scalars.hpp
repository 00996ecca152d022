#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "core/config/environment.hpp"
#include "core/config/listen_address.hpp"
#include "core/config/secret.hpp"
#include "core/util/error.hpp"

/// Pure parsers for the scalar kinds of the config schema. Each returns a Permanent Error whose message is
/// the operator-facing text *without* the key path (the schema prefixes `"path": `). Exact texts:
///   ParseInt        expected an integer, got "X" | X is out of range; must be between MIN and MAX
///                   | X is out of range; must be at least MIN | X is out of range; must be at most MAX
///   ParseReal       expected a number, got "X" | (same range texts as ParseInt)
///   ParseBool       expected true or false, got "X"
///   ParseDuration   invalid duration "X"; use a number with a unit (ms, s, m, h, d), e.g. "30s"
///                   | duration "X" is too large
///   ParseSize       invalid size "X"; use bytes or a number with a unit (B, KiB, MiB, GiB, KB, MB, GB), e.g. "64MiB"
///                   | size "X" is too large
///   ParseListen     invalid listen address "X": expected host:port, e.g. "127.0.0.1:8080"
///                   | invalid listen address "X": port "P" is not a number between 0 and 65535
///                   | invalid listen address "X": host "H" is not an IPv4/IPv6 address or a host name
///   ValidateUrl     invalid URL "X": not an absolute URL, e.g. "https://example.com/hook"
///                   | invalid URL "X": scheme must be http or https | invalid URL "X": missing host
///                   | invalid URL "X": must not contain a password; put credentials in a secret field
///   ResolveSecret   cannot read credential file "PATH": OS REASON
///                   | "file:NAME" needs $CREDENTIALS_DIRECTORY (systemd LoadCredential=), which is not set
///                   | credential name "NAME" must not contain "/"; use file:/absolute/path for a path
namespace b2b::config {

/// `text` in double quotes, with `"`, `\` and control characters escaped, for messages.
std::string QuoteText(std::string_view text);

Result<std::int64_t> ParseInt(std::string_view text, std::int64_t min, std::int64_t max);
Result<double> ParseReal(std::string_view text, double min, double max);
Result<bool> ParseBool(std::string_view text);
/// One or more `<digits><unit>` groups, units ms, s, m, h, d: "500ms", "30s", "1h30m", "7d".
Result<std::chrono::milliseconds> ParseDuration(std::string_view text);
/// "+03:00", "-05:30", "+0300", "+03", "Z" -> minutes east of UTC, within +-18:00.
/// Message: invalid UTC offset "X"; use +HH:MM, e.g. "+03:00"
Result<std::chrono::minutes> ParseUtcOffsetText(std::string_view text);
/// Bytes ("1024") or a number with B, KiB, MiB, GiB (powers of 1024) or KB, MB, GB (powers of 1000).
Result<std::uint64_t> ParseSize(std::string_view text);
/// "host:port" or "[v6]:port"; port 0..65535; host an IP literal or an RFC 1123 host name.
Result<ListenAddress> ParseListenAddress(std::string_view text);
/// An absolute URL whose scheme is one of `schemes` (lowercase) and which has a host.
Result<std::string> ValidateUrl(std::string_view text, std::vector<std::string> const& schemes);
/// `file:NAME` (credentials_dir/NAME), `file:/abs/path`, or a literal value. Trailing newlines of files are
/// trimmed. The secret's value never appears in an error.
Result<Secret> ResolveSecret(std::string_view text, Environment const& env);

}  // namespace b2b::config
