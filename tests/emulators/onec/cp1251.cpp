#include "tests/emulators/onec/cp1251.hpp"

#include <algorithm>
#include <cctype>
#include <cstdint>

namespace b2b::emu::onec {
namespace {

std::string Lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

}  // namespace

bool IsValidUtf8(std::string_view bytes) {
    std::size_t i = 0;
    while (i < bytes.size()) {
        auto const lead = static_cast<std::uint8_t>(bytes[i]);
        std::size_t extra = 0;
        char32_t cp = 0;
        if (lead < 0x80) {
            ++i;
            continue;
        } else if (lead >= 0xC2 && lead <= 0xDF) {
            extra = 1;
            cp = lead & 0x1F;
        } else if (lead >= 0xE0 && lead <= 0xEF) {
            extra = 2;
            cp = lead & 0x0F;
        } else if (lead >= 0xF0 && lead <= 0xF4) {
            extra = 3;
            cp = lead & 0x07;
        } else {
            return false;
        }
        if (i + extra >= bytes.size()) {
            return false;
        }
        for (std::size_t k = 1; k <= extra; ++k) {
            auto const next = static_cast<std::uint8_t>(bytes[i + k]);
            if ((next & 0xC0) != 0x80) {
                return false;
            }
            cp = (cp << 6) | (next & 0x3F);
        }
        bool const overlong = (extra == 2 && cp < 0x800) || (extra == 3 && cp < 0x10000);
        if (overlong || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
            return false;
        }
        i += extra + 1;
    }
    return true;
}

std::string DecodeAnswerText(std::string_view bytes, std::string_view content_type) {
    auto const type = Lower(content_type);
    if (type.find("windows-1251") != std::string::npos || type.find("cp1251") != std::string::npos) {
        return Cp1251ToUtf8(bytes);
    }
    if (type.find("utf-8") != std::string::npos || IsValidUtf8(bytes)) {
        return std::string(bytes);
    }
    return Cp1251ToUtf8(bytes);
}

}  // namespace b2b::emu::onec
