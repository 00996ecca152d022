#include "connectors/onec/encoding.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
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

namespace {

// Bytes 0x80..0xBF continue a UTF-8 sequence; as signed char they are the only values below -64.
bool IsContinuation(char c) { return static_cast<signed char>(c) < -64; }

#if defined(__SSE2__)
// Counts bytes 16 per step: a matching byte's 0xFF (-1) is subtracted from an 8-bit lane counter,
// and the lanes are summed with psadbw every 255 steps, before a lane can wrap. Returns the count
// over the first n / 16 * 16 bytes; `done` receives that length.
template <class Match>
std::size_t CountBlocks(char const* p, std::size_t n, Match match, std::size_t& done) {
    std::size_t total = 0;
    std::size_t i = 0;
    while (i + 16 <= n) {
        __m128i acc = _mm_setzero_si128();
        std::size_t const steps = std::min<std::size_t>((n - i) / 16, 255);
        for (std::size_t k = 0; k < steps; ++k, i += 16) {
            acc = _mm_sub_epi8(acc, match(_mm_loadu_si128(reinterpret_cast<__m128i const*>(p + i))));
        }
        __m128i const sums = _mm_sad_epu8(acc, _mm_setzero_si128());
        total += static_cast<std::size_t>(_mm_cvtsi128_si64(sums)) +
                 static_cast<std::size_t>(_mm_cvtsi128_si64(_mm_unpackhi_epi64(sums, sums)));
    }
    done = i;
    return total;
}
#endif

std::size_t CountNewlines(char const* p, std::size_t n) {
    std::size_t done = 0;
    std::size_t total = 0;
#if defined(__SSE2__)
    total = CountBlocks(
        p, n, [](__m128i v) { return _mm_cmpeq_epi8(v, _mm_set1_epi8('\n')); }, done);
#endif
    return total + static_cast<std::size_t>(std::count(p + done, p + n, '\n'));
}

// The checks on the first continuation byte: overlong forms, surrogates, above U+10FFFF.
bool FirstContinuationOk(unsigned char lead, unsigned char b) {
    return !((lead == 0xE0 && b < 0xA0) || (lead == 0xED && b > 0x9F) || (lead == 0xF0 && b < 0x90) ||
             (lead == 0xF4 && b > 0x8F));
}

}  // namespace

std::size_t CountUtf8Characters(std::string_view utf8) {
    std::size_t done = 0;
    std::size_t n = 0;
#if defined(__SSE2__)
    n = CountBlocks(
        utf8.data(), utf8.size(), [](__m128i v) { return _mm_cmpgt_epi8(v, _mm_set1_epi8(-65)); }, done);
#endif
    for (char c : utf8.substr(done)) {
        n += IsContinuation(c) ? 0 : 1;
    }
    return n;
}

void AdvanceLineColumn(std::string_view utf8, std::uint64_t& line, std::uint64_t& column) {
    // memrchr is vectorised in glibc; string_view::rfind is a byte loop.
    void const* const last = utf8.empty() ? nullptr : memrchr(utf8.data(), '\n', utf8.size());
    if (last == nullptr) {
        column += CountUtf8Characters(utf8);
        return;
    }
    auto const after = static_cast<std::size_t>(static_cast<char const*>(last) - utf8.data()) + 1;
    line += CountNewlines(utf8.data(), after);
    column = 1 + CountUtf8Characters(utf8.substr(after));
}

#if defined(__SSE2__)
namespace {

// The 64 sign bits of four 16-byte vectors, lane 0 of `a` first.
std::uint64_t MoveMask64(__m128i a, __m128i b, __m128i c, __m128i d) {
    return static_cast<std::uint64_t>(static_cast<std::uint16_t>(_mm_movemask_epi8(a))) |
           static_cast<std::uint64_t>(static_cast<std::uint16_t>(_mm_movemask_epi8(b))) << 16 |
           static_cast<std::uint64_t>(static_cast<std::uint16_t>(_mm_movemask_epi8(c))) << 32 |
           static_cast<std::uint64_t>(static_cast<std::uint16_t>(_mm_movemask_epi8(d))) << 48;
}

// One bit per byte of a 64-byte block: which bytes satisfy `test` (a vector predicate).
template <class Test>
std::uint64_t BlockMask(__m128i const (&v)[4], Test test) {
    return MoveMask64(test(v[0]), test(v[1]), test(v[2]), test(v[3]));
}

// High bytes below `bound` (0x80 < bound <= 0xFF): as signed chars these are the smallest values.
__m128i HighBelow(__m128i v, int bound) { return _mm_cmplt_epi8(v, _mm_set1_epi8(static_cast<char>(bound))); }

// Bytes in [lo, hi] (unsigned), for 0x80 < lo <= hi: as signed chars the range does not wrap.
__m128i InRange(__m128i v, int lo, int hi) {
    return _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8(static_cast<char>(lo - 1))),
                         _mm_cmplt_epi8(v, _mm_set1_epi8(static_cast<char>(hi + 1))));
}

__m128i Equal(__m128i v, int byte) { return _mm_cmpeq_epi8(v, _mm_set1_epi8(static_cast<char>(byte))); }

// Validates whole 64-byte blocks of `p` (which starts at a character boundary) with bit masks, so
// the work per block has no data-dependent branches. Returns how many bytes were validated, up to
// a character boundary (a sequence cut by the last block is left to the caller), or SIZE_MAX on
// invalid input.
std::size_t ValidateBlocks(char const* p, std::size_t n) {
    // Continuation bytes the previous block's lead bytes expect at the start of this one (bits 0..2).
    std::uint64_t carry = 0;
    std::size_t i = 0;
    for (; i + 64 <= n; i += 64) {
        __m128i const v[4] = {_mm_loadu_si128(reinterpret_cast<__m128i const*>(p + i)),
                              _mm_loadu_si128(reinterpret_cast<__m128i const*>(p + i + 16)),
                              _mm_loadu_si128(reinterpret_cast<__m128i const*>(p + i + 32)),
                              _mm_loadu_si128(reinterpret_cast<__m128i const*>(p + i + 48))};
        std::uint64_t const high = BlockMask(v, [](__m128i x) { return x; });
        std::uint64_t const cont = BlockMask(v, [](__m128i x) { return HighBelow(x, 0xC0); });
        __m128i const top = _mm_max_epu8(_mm_max_epu8(v[0], v[1]), _mm_max_epu8(v[2], v[3]));
        __m128i const above_df = _mm_subs_epu8(top, _mm_set1_epi8(static_cast<char>(0xDF)));
        bool const only_two_byte = _mm_movemask_epi8(_mm_cmpeq_epi8(above_df, _mm_setzero_si128())) == 0xFFFF;
        // Bit 1 of the carry comes only from a 3- or 4-byte lead at the end of the previous block,
        // whose first continuation byte here needs the range checks below.
        if (only_two_byte && carry <= 1) {
            // ASCII and two-byte sequences (Cyrillic): every C2..DF lead is followed by exactly one
            // continuation byte, and there are no other high bytes (C0, C1).
            std::uint64_t const lead = BlockMask(v, [](__m128i x) { return InRange(x, 0xC2, 0xDF); });
            if (cont != ((lead << 1) | carry) || (cont | lead) != high) {
                return SIZE_MAX;
            }
            carry = lead >> 63;
            continue;
        }
        std::uint64_t const lead2 = BlockMask(v, [](__m128i x) { return InRange(x, 0xC2, 0xDF); });
        std::uint64_t const lead3 = BlockMask(v, [](__m128i x) { return InRange(x, 0xE0, 0xEF); });
        std::uint64_t const lead4 = BlockMask(v, [](__m128i x) { return InRange(x, 0xF0, 0xF4); });
        std::uint64_t const lead = lead2 | lead3 | lead4;
        std::uint64_t const long_lead = lead3 | lead4;
        if (cont != ((lead << 1) | (long_lead << 2) | (lead4 << 3) | carry) || (cont | lead) != high) {
            return SIZE_MAX;
        }
        // First continuation bytes after E0, ED, F0 and F4 (overlong forms, surrogates, above
        // U+10FFFF); the lead of the first byte of the block is the previous block's last byte.
        int const prev = i == 0 ? 0 : static_cast<unsigned char>(p[i - 1]);
        auto after = [&](int lead_byte) {
            return (BlockMask(v, [lead_byte](__m128i x) { return Equal(x, lead_byte); }) << 1) |
                   (prev == lead_byte ? 1u : 0u);
        };
        std::uint64_t const below_a0 = BlockMask(v, [](__m128i x) { return HighBelow(x, 0xA0); });
        std::uint64_t const below_90 = BlockMask(v, [](__m128i x) { return HighBelow(x, 0x90); });
        if ((after(0xE0) & below_a0) != 0 || (after(0xED) & cont & ~below_a0) != 0 || (after(0xF0) & below_90) != 0 ||
            (after(0xF4) & cont & ~below_90) != 0) {
            return SIZE_MAX;
        }
        carry = (lead >> 63) | (long_lead >> 62) | (lead4 >> 61);
    }
    if (carry != 0) {
        // Step back to the lead byte of the sequence the last block cut.
        do {
            --i;
        } while (IsContinuation(p[i]));
    }
    return i;
}

// The common case first, with no branches per 16 bytes: text of ASCII and two-byte sequences
// (Cyrillic), where a byte is a continuation byte exactly when the byte before it is a lead byte.
// With bit 7 set, bit 6 tells them apart, and adding a byte to itself moves bit 6 into the sign
// bit. `p` starts at a character boundary. Returns how many bytes were validated, up to a character
// boundary, or 0 if any other byte (C0, C1, E0..FF) or an error is in the text: ValidateBlocks
// then decides.
std::size_t ValidateTwoByteText(char const* p, std::size_t n) {
    if (n < 16) {
        return 0;
    }
    __m128i errors = _mm_setzero_si128();
    __m128i highest = _mm_setzero_si128();
    __m128i lowest_shifted = _mm_set1_epi8(-1);  // of byte + 0x40: only C0 and C1 become 0 and 1
    auto check = [&](__m128i v, __m128i before) {
        __m128i const continuation = _mm_andnot_si128(_mm_add_epi8(v, v), v);
        __m128i const lead = _mm_and_si128(before, _mm_add_epi8(before, before));
        errors = _mm_or_si128(errors, _mm_xor_si128(continuation, lead));
        highest = _mm_max_epu8(highest, v);
        lowest_shifted = _mm_min_epu8(lowest_shifted, _mm_add_epi8(v, _mm_set1_epi8(0x40)));
    };
    // Before the first byte is a character boundary: shift in a zero (ASCII) byte.
    __m128i const first = _mm_loadu_si128(reinterpret_cast<__m128i const*>(p));
    check(first, _mm_slli_si128(first, 1));
    std::size_t i = 16;
    for (; i + 16 <= n; i += 16) {
        check(_mm_loadu_si128(reinterpret_cast<__m128i const*>(p + i)),
              _mm_loadu_si128(reinterpret_cast<__m128i const*>(p + i - 1)));
    }
    bool const only_two_byte =
        _mm_movemask_epi8(_mm_cmpeq_epi8(_mm_subs_epu8(highest, _mm_set1_epi8(static_cast<char>(0xDF))),
                                         _mm_setzero_si128())) == 0xFFFF &&
        _mm_movemask_epi8(_mm_cmpgt_epi8(_mm_subs_epu8(_mm_set1_epi8(2), lowest_shifted), _mm_setzero_si128())) == 0;
    if (_mm_movemask_epi8(errors) != 0 || !only_two_byte) {
        return 0;
    }
    // A lead byte last waits for its continuation in the rest.
    return static_cast<unsigned char>(p[i - 1]) >= 0xC0 ? i - 1 : i;
}

}  // namespace
#endif

bool Utf8Validator::FeedFast(std::string_view chunk) {
    char const* const data = chunk.data();
    std::size_t const n = chunk.size();
    std::size_t i = 0;
    // Finish a sequence begun in the previous chunk.
    while (pending_ > 0 && i < n) {
        auto const b = static_cast<unsigned char>(data[i]);
        if ((b & 0xC0) != 0x80 || (first_continuation_ && !FirstContinuationOk(lead_, b))) {
            return false;
        }
        first_continuation_ = false;
        --pending_;
        ++i;
    }
#if defined(__SSE2__)
    if (pending_ == 0) {
        std::size_t done = ValidateTwoByteText(data + i, n - i);
        if (done == 0) {
            done = ValidateBlocks(data + i, n - i);
        }
        if (done == SIZE_MAX) {
            return false;
        }
        i += done;
    }
#endif
    // The tail (and all of it without SSE2) byte by byte; a sequence cut by the chunk end stays
    // pending for the next Feed, as in the byte loop.
    while (i < n) {
        auto const b = static_cast<unsigned char>(data[i]);
        if (b < 0x80) {
            ++i;
            continue;
        }
        int length = 0;
        if (b >= 0xC2 && b <= 0xDF) {
            length = 2;
        } else if (b >= 0xE0 && b <= 0xEF) {
            length = 3;
        } else if (b >= 0xF0 && b <= 0xF4) {
            length = 4;
        } else {
            return false;
        }
        lead_ = b;
        first_continuation_ = true;
        pending_ = length - 1;
        for (++i; pending_ > 0 && i < n; ++i) {
            auto const c = static_cast<unsigned char>(data[i]);
            if ((c & 0xC0) != 0x80 || (first_continuation_ && !FirstContinuationOk(b, c))) {
                return false;
            }
            first_continuation_ = false;
            --pending_;
        }
    }
    return true;
}

bool Utf8Validator::Validate(std::string_view chunk) {
    int const pending = pending_;
    unsigned char const lead = lead_;
    bool const first_continuation = first_continuation_;
    if (FeedFast(chunk)) {
        return true;
    }
    pending_ = pending;
    lead_ = lead;
    first_continuation_ = first_continuation;
    return false;
}

Status Utf8Validator::Feed(std::string_view chunk) {
    // Fast path: validate without position bookkeeping, then advance line/column in bulk. On any
    // failure, start over from the saved state with the byte loop, which knows the exact position
    // for the message.
    if (Validate(chunk)) {
        AdvanceLineColumn(chunk, line_, column_);
        return {};
    }
    return FeedSlow(chunk);
}

Status Utf8Validator::FeedSlow(std::string_view chunk) {
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
