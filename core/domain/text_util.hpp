#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace b2b::text {

/// Length in bytes of the whitespace sequence starting at `s[0]`, or 0: ASCII space, tab, CR, LF,
/// NBSP (C2 A0), narrow NBSP (E2 80 AF) and thin space (E2 80 89) — what 1C and Bitrix put into
/// numbers and padded names.
std::size_t SpaceLength(std::string_view s) noexcept;

/// `s` without leading and trailing whitespace as defined by SpaceLength.
std::string_view Trim(std::string_view s) noexcept;

/// `s` in double quotes for an error message, cut to at most 64 bytes on a UTF-8 boundary (with
/// "..." appended) so that a whole payload never ends up in a log line.
std::string QuoteForError(std::string_view s);

}  // namespace b2b::text
