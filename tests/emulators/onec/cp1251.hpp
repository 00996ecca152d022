#pragma once

#include <string>
#include <string_view>

#include "tests/emulators/common/cp1251.hpp"  // Cp1251ToUtf8

namespace b2b::emu::onec {

/// True if `bytes` is well-formed UTF-8 (no overlongs, no surrogates, nothing above U+10FFFF).
bool IsValidUtf8(std::string_view bytes);

/// Decodes an answer's text for the report: the declared charset wins; without one, valid UTF-8
/// is kept and anything else is taken as windows-1251 (what Bitrix sends).
std::string DecodeAnswerText(std::string_view bytes, std::string_view content_type);

}  // namespace b2b::emu::onec
