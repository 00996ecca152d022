#include "core/domain/text_util.hpp"

namespace b2b::text {
namespace {

constexpr std::size_t kMaxQuoted = 64;

}  // namespace

std::size_t SpaceLength(std::string_view s) noexcept {
    if (s.empty()) {
        return 0;
    }
    char const c = s[0];
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
        return 1;
    }
    if (s.starts_with("\xC2\xA0")) {
        return 2;
    }
    if (s.starts_with("\xE2\x80\xAF") || s.starts_with("\xE2\x80\x89")) {
        return 3;
    }
    return 0;
}

std::string_view Trim(std::string_view s) noexcept {
    while (std::size_t n = SpaceLength(s)) {
        s.remove_prefix(n);
    }
    // Trailing: try each multi-byte form at the end.
    for (;;) {
        if (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) {
            s.remove_suffix(1);
        } else if (s.ends_with("\xC2\xA0")) {
            s.remove_suffix(2);
        } else if (s.ends_with("\xE2\x80\xAF") || s.ends_with("\xE2\x80\x89")) {
            s.remove_suffix(3);
        } else {
            return s;
        }
    }
}

std::string QuoteForError(std::string_view s) {
    std::string out = "\"";
    if (s.size() <= kMaxQuoted) {
        out.append(s);
    } else {
        std::size_t cut = kMaxQuoted;
        // Step back over UTF-8 continuation bytes (10xxxxxx) so no character is split.
        while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) {
            --cut;
        }
        out.append(s.substr(0, cut));
        out.append("...");
    }
    out.push_back('"');
    return out;
}

}  // namespace b2b::text
