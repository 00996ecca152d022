#pragma once

#include <chrono>
#include <iosfwd>
#include <string>
#include <string_view>

#include "core/util/error.hpp"

namespace b2b {

/// An instant plus the UTC offset it was written in, so "11:45+03:00" from 1C is stored as
/// 08:45Z and printed back as "11:45:21+03:00".
///
/// Fixed offsets only: libstdc++ 12 has no time-zone database (no std::chrono::zoned_time /
/// tzdb), so a named zone such as Europe/Moscow must be configured as its offset ("+03:00").
/// Russia has had no DST since 2014; for zones with DST the configured offset is a known gap.
struct ZonedTime {
    std::chrono::sys_time<std::chrono::milliseconds> utc{};
    std::chrono::minutes offset{0};

    /// The wall-clock time at `offset` (utc + offset), as a sys_time for calendar arithmetic.
    std::chrono::sys_time<std::chrono::milliseconds> Local() const { return utc + offset; }
    /// Two values are equal only if both the instant and the offset match; see SameInstant.
    friend bool operator==(ZonedTime const&, ZonedTime const&) = default;
};

/// True if `a` and `b` denote the same instant, whatever offsets they were written in.
inline bool SameInstant(ZonedTime const& a, ZonedTime const& b) { return a.utc == b.utc; }

/// Parses the date-time forms 1C, CommerceML and Bitrix send (commerceml.md §6 quirk 20):
///   2024-12-02T11:45:21+03:00, ...Z, ...+0300, ...+03, 2024-12-02T11:45:21.123 (1-9 fractional
///   digits, truncated to milliseconds), 2014-06-01T0:36:33 (single-digit hour), seconds optional
///   (2024-12-02T11:45), 'T' or ' ' between date and time (2024-12-02 11:45:21), the date alone
///   (2007-10-30 = midnight), and Bitrix's dd.mm.yyyy[ hh:mm[:ss]] (02.12.2024 11:45:21).
/// A text without an offset is wall-clock time at `default_offset` (the 1C server's zone from
/// config) — never silently UTC. 1C's "empty date" 0001-01-01T00:00:00 parses as year 1; callers
/// that care treat it as absent.
/// Permanent errors read `invalid date-time "<input>": <reason>`, e.g. "day 30 does not exist in
/// 2024-02", "hour 25 is out of range 0..23", "offset +19:00 is out of range ±18:00",
/// "unrecognised format, expected yyyy-mm-ddThh:mm:ss±hh:mm or dd.mm.yyyy hh:mm:ss".
Result<ZonedTime> ParseIso8601(std::string_view text, std::chrono::minutes default_offset);

/// CommerceML's separate Дата ("2007-10-30" or "30.10.2007") and Время ("12:34:56", optionally with
/// an offset). Errors read `invalid date "<date>" and time "<time>": <reason>`.
Result<ZonedTime> ParseDateAndTime(std::string_view date, std::string_view time, std::chrono::minutes default_offset);

/// "+03:00", "-05:30", "+0300", "+03", "Z" (also "UTC" and "+00:00") -> minutes; for config values.
/// Permanent error `invalid UTC offset "<input>"` for anything else or beyond ±18:00.
Result<std::chrono::minutes> ParseUtcOffset(std::string_view text);

/// ISO 8601 / RFC 3339 in the value's own offset: "2024-12-02T11:45:21+03:00"; milliseconds are
/// printed only when non-zero ("...:21.120+03:00"); a zero offset prints as "+00:00" (as PHP's
/// DATE_ATOM, which Bitrix24 REST reads).
std::string FormatIso8601(ZonedTime const& t);

std::ostream& operator<<(std::ostream& os, ZonedTime const& t);

}  // namespace b2b
