#include "connectors/onec/encoding.hpp"

#include <array>
#include <cctype>
#include <fmt/format.h>

namespace b2b::onec {
namespace {

// windows-1251 0x80..0xBF; 0xC0..0xFF are U+0410..U+044F. 0x98 is unassigned by Microsoft and maps
// to U+0098 as in the WHATWG Encoding Standard, so every byte round-trips.
constexpr std::array<char16_t, 64> kCp1251High = {
    0x0402, 0x0403, 0x201A, 0x0453, 0x201E, 0x2026, 0x2020, 0x2021, 0x20AC, 0x2030, 0x0409, 0x2039, 0x040A,
    0x040C, 0x040B, 0x040F, 0x0452, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x0098, 0x2122,
    0x0459, 0x203A, 0x045A, 0x045C, 0x045B, 0x045F, 0x00A0, 0x040E, 0x045E, 0x0408, 0x00A4, 0x0490, 0x00A6,
    0x00A7, 0x0401, 0x00A9, 0x0404, 0x00AB, 0x00AC, 0x00AD, 0x00AE, 0x0407, 0x00B0, 0x00B1, 0x0406, 0x0456,
    0x0491, 0x00B5, 0x00B6, 0x00B7, 0x0451, 0x2116, 0x0454, 0x00BB, 0x0458, 0x0405, 0x0455, 0x0457,
};

char32_t Cp1251ToCodePoint(unsigned char b) {
    if (b < 0x80) {
        return b;
    }
    if (b >= 0xC0) {
        return 0x0410 + (b - 0xC0);
    }
    return kCp1251High[b - 0x80];
}

void AppendUtf8(char32_t cp, std::string& out) {
    if (cp < 0x80) {
        out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
}

struct Utf8Table {
    std::array<std::array<char, 3>, 128> bytes{};
    std::array<unsigned char, 128> length{};
};

Utf8Table const& HighTable() {
    static Utf8Table const table = [] {
        Utf8Table t;
        for (int b = 0x80; b < 0x100; ++b) {
            std::string s;
            AppendUtf8(Cp1251ToCodePoint(static_cast<unsigned char>(b)), s);
            t.length[b - 0x80] = static_cast<unsigned char>(s.size());
            for (std::size_t i = 0; i < s.size(); ++i) {
                t.bytes[b - 0x80][i] = s[i];
            }
        }
        return t;
    }();
    return table;
}

std::string Lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return out;
}

// Finds `encoding="..."` inside the XML declaration at the start of `head`; empty if none.
std::string_view DeclaredEncoding(std::string_view head) {
    if (!head.starts_with("<?xml")) {
        return {};
    }
    auto end = head.find("?>");
    if (end == std::string_view::npos) {
        end = head.size();
    }
    std::string_view decl = head.substr(0, end);
    auto pos = decl.find("encoding");
    if (pos == std::string_view::npos) {
        return {};
    }
    pos += 8;
    while (pos < decl.size() && (decl[pos] == ' ' || decl[pos] == '\t' || decl[pos] == '\r' || decl[pos] == '\n')) {
        ++pos;
    }
    if (pos >= decl.size() || decl[pos] != '=') {
        return {};
    }
    ++pos;
    while (pos < decl.size() && (decl[pos] == ' ' || decl[pos] == '\t' || decl[pos] == '\r' || decl[pos] == '\n')) {
        ++pos;
    }
    if (pos >= decl.size() || (decl[pos] != '"' && decl[pos] != '\'')) {
        return {};
    }
    char const quote = decl[pos++];
    auto close = decl.find(quote, pos);
    if (close == std::string_view::npos) {
        return {};
    }
    return decl.substr(pos, close - pos);
}

}  // namespace

char const* ToString(TextEncoding encoding) noexcept {
    return encoding == TextEncoding::kUtf8 ? "UTF-8" : "windows-1251";
}

Result<DetectedEncoding> DetectEncoding(std::string_view head) {
    if (head.starts_with("\xEF\xBB\xBF")) {
        // A BOM is unambiguous; a contradicting declaration is a generator bug we tolerate.
        return DetectedEncoding{TextEncoding::kUtf8, 3};
    }
    if (head.starts_with("\xFF\xFE") || head.starts_with("\xFE\xFF")) {
        return Error::Permanent(fmt::format("UTF-16 input is not supported (byte order mark {})",
                                            head[0] == '\xFF' ? "FF FE" : "FE FF"));
    }
    std::string_view declared = DeclaredEncoding(head);
    if (declared.empty()) {
        return DetectedEncoding{TextEncoding::kUtf8, 0};
    }
    std::string const name = Lower(declared);
    if (name == "utf-8" || name == "utf8") {
        return DetectedEncoding{TextEncoding::kUtf8, 0};
    }
    if (name == "windows-1251" || name == "cp1251" || name == "x-cp1251" || name == "cp-1251") {
        return DetectedEncoding{TextEncoding::kWindows1251, 0};
    }
    return Error::Permanent(fmt::format(
        "unsupported encoding \"{}\" declared in the XML declaration; supported: UTF-8, windows-1251", declared));
}

void AppendCp1251AsUtf8(std::string_view cp1251, std::string& utf8_out) {
    Utf8Table const& table = HighTable();
    utf8_out.reserve(utf8_out.size() + cp1251.size() * 2);
    for (char c : cp1251) {
        auto const b = static_cast<unsigned char>(c);
        if (b < 0x80) {
            utf8_out.push_back(c);
        } else {
            utf8_out.append(table.bytes[b - 0x80].data(), table.length[b - 0x80]);
        }
    }
}

Status Utf8Validator::Fail(std::uint64_t column) const {
    return Error::Permanent(fmt::format(
        "invalid UTF-8 at line {}, column {}; is the file windows-1251 without an encoding declaration?", line_,
        column));
}

Status Utf8Validator::Feed(std::string_view chunk) {
    for (char c : chunk) {
        auto const b = static_cast<unsigned char>(c);
        if (pending_ > 0) {
            bool ok = (b & 0xC0) == 0x80;
            if (ok && first_continuation_) {
                // Reject overlong forms, surrogates and code points above U+10FFFF.
                ok = !((lead_ == 0xE0 && b < 0xA0) || (lead_ == 0xED && b > 0x9F) || (lead_ == 0xF0 && b < 0x90) ||
                       (lead_ == 0xF4 && b > 0x8F));
            }
            if (!ok) {
                // Point at the character whose sequence broke, which is the one already counted.
                return Fail(column_ - 1);
            }
            first_continuation_ = false;
            --pending_;
            continue;
        }
        if (b < 0x80) {
            if (b == '\n') {
                ++line_;
                column_ = 1;
            } else {
                ++column_;
            }
            continue;
        }
        if (b >= 0xC2 && b <= 0xDF) {
            pending_ = 1;
        } else if (b >= 0xE0 && b <= 0xEF) {
            pending_ = 2;
        } else if (b >= 0xF0 && b <= 0xF4) {
            pending_ = 3;
        } else {
            return Fail(column_);
        }
        lead_ = b;
        first_continuation_ = true;
        ++column_;
    }
    return {};
}

Status Utf8Validator::Finish() {
    if (pending_ > 0) {
        return Fail(column_ - 1);
    }
    return {};
}

Result<std::string> Utf8ToCp1251(std::string_view utf8, UnmappablePolicy policy, std::size_t* replaced) {
    std::string out;
    out.reserve(utf8.size());
    std::size_t count = 0;
    std::size_t character = 0;
    for (std::size_t i = 0; i < utf8.size();) {
        auto const b = static_cast<unsigned char>(utf8[i]);
        ++character;
        if (b < 0x80) {
            out.push_back(static_cast<char>(b));
            ++i;
            continue;
        }
        int len = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 0;
        if (len == 0 || i + static_cast<std::size_t>(len) > utf8.size()) {
            return Error::Permanent(fmt::format("invalid UTF-8 at byte offset {}", i));
        }
        char32_t cp = b & (len == 2 ? 0x1F : len == 3 ? 0x0F : 0x07);
        for (int k = 1; k < len; ++k) {
            auto const cb = static_cast<unsigned char>(utf8[i + static_cast<std::size_t>(k)]);
            if ((cb & 0xC0) != 0x80) {
                return Error::Permanent(fmt::format("invalid UTF-8 at byte offset {}", i));
            }
            cp = (cp << 6) | (cb & 0x3F);
        }
        int mapped = -1;
        if (cp >= 0x0410 && cp <= 0x044F) {
            mapped = static_cast<int>(cp - 0x0410 + 0xC0);
        } else {
            for (int k = 0; k < 64; ++k) {
                if (kCp1251High[static_cast<std::size_t>(k)] == cp) {
                    mapped = 0x80 + k;
                    break;
                }
            }
        }
        if (mapped < 0) {
            if (policy == UnmappablePolicy::kFail) {
                return Error::Permanent(
                    fmt::format("character U+{:04X} (\"{}\") at byte offset {} (character {}) cannot be written in "
                                "windows-1251",
                                static_cast<std::uint32_t>(cp), utf8.substr(i, static_cast<std::size_t>(len)), i,
                                character));
            }
            out.push_back('?');
            ++count;
        } else {
            out.push_back(static_cast<char>(mapped));
        }
        i += static_cast<std::size_t>(len);
    }
    if (replaced != nullptr) {
        *replaced = count;
    }
    return out;
}

}  // namespace b2b::onec
