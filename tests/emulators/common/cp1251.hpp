#pragma once

// windows-1251 for the emulators (the site emulator, the 1C client simulator). Self-contained on
// purpose: the emulators must not share the codec of the connector they test.

#include <optional>
#include <string>
#include <string_view>

namespace b2b::emu {

/// windows-1251 bytes -> UTF-8 (the one unassigned byte 0x98 becomes U+FFFD).
std::string Cp1251ToUtf8(std::string_view bytes);

/// UTF-8 -> windows-1251, as Bitrix's `$APPLICATION->ConvertCharset(..., SITE_CHARSET, "windows-1251")`
/// does for the exchange output. A character cp1251 lacks becomes '?'; invalid UTF-8 gives nullopt.
std::optional<std::string> Utf8ToCp1251(std::string_view utf8);

}  // namespace b2b::emu
