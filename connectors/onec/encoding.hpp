#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/util/error.hpp"

namespace b2b::onec {

/// The two encodings CommerceML files arrive in (commerceml.md §1.10, §3.10).
enum class TextEncoding { kUtf8, kWindows1251 };

/// "UTF-8" / "windows-1251".
char const* ToString(TextEncoding encoding) noexcept;

/// What DetectEncoding found at the start of a document.
struct DetectedEncoding {
    TextEncoding encoding = TextEncoding::kUtf8;
    std::size_t bom_length = 0;  ///< bytes of the UTF-8 BOM to skip (0 or 3)
};

/// Decides the encoding from the first bytes of a document (pass at least the first 1 KiB, or the
/// whole input if shorter): a UTF-8 BOM wins; otherwise the XML declaration's `encoding=`
/// (case-insensitive: UTF-8/UTF8, windows-1251/cp1251/x-cp1251); no declaration or no `encoding=`
/// means UTF-8 (the XML default).
/// Errors (Permanent): `unsupported encoding "<name>" declared in the XML declaration; supported:
/// UTF-8, windows-1251`, and `UTF-16 input is not supported (byte order mark FF FE)`.
Result<DetectedEncoding> DetectEncoding(std::string_view head);

/// Incremental windows-1251 -> UTF-8. cp1251 is single-byte, so any chunking is valid and the
/// decoder is stateless; every byte maps (0x98, unassigned in the standard, maps to U+FFFD).
void AppendCp1251AsUtf8(std::string_view cp1251, std::string& utf8_out);

/// Characters in a span of valid UTF-8 (bytes that do not continue a multi-byte sequence).
std::size_t CountUtf8Characters(std::string_view utf8);

/// Advances a 1-based line / column (in characters) over a span of valid UTF-8.
void AdvanceLineColumn(std::string_view utf8, std::uint64_t& line, std::uint64_t& column);

/// Incremental UTF-8 validator that knows where it is (1-based line, column counted in characters).
/// A multi-byte sequence may be split across Feed() calls.
class Utf8Validator {
public:
    /// Validates the next chunk. Error (Permanent): `invalid UTF-8 at line L, column C; is the file
    /// windows-1251 without an encoding declaration?`.
    Status Feed(std::string_view chunk);
    /// Validates like Feed but leaves the line and column alone, for callers that count positions
    /// themselves: on false (invalid input) the state is unchanged, and SetPosition + Feed of the
    /// same chunk gives the error message.
    bool Validate(std::string_view chunk);
    /// Call at end of input: a dangling partial sequence is the same error.
    Status Finish();
    /// False while a multi-byte sequence is incomplete (Finish would fail).
    bool AtCharacterBoundary() const noexcept { return pending_ == 0; }
    /// Continue counting from a known position (when resuming mid-file at a character boundary).
    void SetPosition(std::uint64_t line, std::uint64_t column) {
        line_ = line;
        column_ = column;
    }

private:
    /// Validation only, no position bookkeeping; false on any invalid byte (state then undefined).
    bool FeedFast(std::string_view chunk);
    /// The byte-at-a-time loop that tracks line and column; used to locate an error.
    Status FeedSlow(std::string_view chunk);
    Status Fail(std::uint64_t column) const;

    std::uint64_t line_ = 1;
    std::uint64_t column_ = 1;
    int pending_ = 0;             ///< continuation bytes still expected
    unsigned char lead_ = 0;      ///< lead byte of the pending sequence (for overlong/surrogate checks)
    bool first_continuation_ = false;
};

/// What Utf8ToCp1251 does with a character windows-1251 cannot represent.
enum class UnmappablePolicy {
    kFail,         ///< Permanent error naming the character and its position (the default: orders
                   ///< carry names and addresses, a silent '?' would corrupt them)
    kQuestionMark  ///< write '?' and report it through `replaced`
};

/// UTF-8 -> windows-1251 (for the orders writer). `replaced`, if given, receives the number of
/// characters written as '?'. Errors (Permanent): `character U+00A5 ("¥") at byte offset 11 (character 8)
/// cannot be written in windows-1251` — only with kFail; `invalid UTF-8 at byte offset N`.
Result<std::string> Utf8ToCp1251(std::string_view utf8, UnmappablePolicy policy = UnmappablePolicy::kFail,
                                 std::size_t* replaced = nullptr);

}  // namespace b2b::onec
