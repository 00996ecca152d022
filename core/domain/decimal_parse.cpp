#include "core/domain/decimal_parse.hpp"

#include <optional>
#include <string>

#include "core/domain/int128.hpp"
#include "core/domain/rounding.hpp"
#include "core/domain/text_util.hpp"

namespace b2b {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsDecimalSeparator(char c) { return c == '.' || c == ','; }

Error Invalid(std::string_view input, std::string_view reason) {
    return Error::Permanent("invalid decimal " + text::QuoteForError(input) + ": " + std::string(reason));
}

/// Parses an already trimmed number. Returns the reason on failure.
std::optional<std::string> ParseTrimmed(std::string_view s, Decimal& out) {
    if (s.empty()) {
        return "empty";
    }
    std::size_t pos = 0;
    bool negative = false;
    if (s[0] == '-' || s[0] == '+') {
        negative = s[0] == '-';
        ++pos;
    }
    // Integer part; the value is capped well above the range so it cannot overflow Int128.
    constexpr Int128 kCap = static_cast<Int128>(Decimal::kMaxRaw) + 1;
    Int128 int_value = 0;
    bool too_big = false;
    std::size_t int_digits = 0;
    std::size_t group_len = 0;
    bool grouped = false;
    while (pos < s.size()) {
        if (IsDigit(s[pos])) {
            int_value = int_value * 10 + (s[pos] - '0');
            if (int_value > kCap) {
                too_big = true;
                int_value = kCap;
            }
            ++int_digits;
            ++group_len;
            ++pos;
            continue;
        }
        std::size_t const space = text::SpaceLength(s.substr(pos));
        // A separator counts only between digits; "12 руб" leaves " руб" to be reported as text.
        if (space == 0 || pos + space >= s.size() || !IsDigit(s[pos + space])) {
            break;
        }
        if (group_len == 0 || (!grouped && group_len > 3) || (grouped && group_len != 3)) {
            return "misplaced digit group separator";
        }
        grouped = true;
        group_len = 0;
        pos += space;
    }
    if (grouped && group_len != 3) {
        return "misplaced digit group separator";
    }
    Int128 frac_value = 0;
    std::size_t frac_digits = 0;
    bool has_separator = false;
    if (pos < s.size() && IsDecimalSeparator(s[pos])) {
        has_separator = true;
        ++pos;
        bool nonzero_beyond_scale = false;
        while (pos < s.size() && IsDigit(s[pos])) {
            if (frac_digits < static_cast<std::size_t>(Decimal::kScale)) {
                frac_value = frac_value * 10 + (s[pos] - '0');
            } else if (s[pos] != '0') {
                nonzero_beyond_scale = true;
            }
            ++frac_digits;
            ++pos;
        }
        if (int_digits == 0 && frac_digits == 0) {
            return "not a number";
        }
        if (pos < s.size() && IsDecimalSeparator(s[pos])) {
            return "more than one decimal separator";
        }
        if (frac_digits == 0 && pos == s.size()) {
            return "no digits after the decimal separator";
        }
        if (nonzero_beyond_scale) {
            return "more than 4 fractional digits";
        }
    }
    if (int_digits == 0 && frac_digits == 0) {
        return "not a number";
    }
    if (pos < s.size()) {
        if (!has_separator && grouped && IsDecimalSeparator(s[pos])) {
            return "more than one decimal separator";
        }
        return "unexpected " + text::QuoteForError(s.substr(pos));
    }
    for (std::size_t i = frac_digits; i < static_cast<std::size_t>(Decimal::kScale); ++i) {
        frac_value *= 10;
    }
    Int128 raw = int_value * Decimal::kOne + frac_value;
    if (too_big || !FitsDecimalRaw(raw)) {
        return "out of range";
    }
    out = Decimal::FromRaw(static_cast<std::int64_t>(negative ? -raw : raw));
    return std::nullopt;
}

/// Length of the leading run of characters a number can be made of, whitespace included.
std::size_t NumericPrefixLength(std::string_view s) {
    std::size_t pos = 0;
    while (pos < s.size()) {
        char const c = s[pos];
        if (IsDigit(c) || IsDecimalSeparator(c) || ((c == '-' || c == '+') && pos == 0)) {
            ++pos;
        } else if (std::size_t space = text::SpaceLength(s.substr(pos))) {
            pos += space;
        } else {
            break;
        }
    }
    return pos;
}

}  // namespace

Result<Decimal> ParseDecimal(std::string_view text) {
    Decimal value;
    if (auto reason = ParseTrimmed(text::Trim(text), value)) {
        return Invalid(text, *reason);
    }
    return value;
}

Result<Decimal> ParseDecimalLenient(std::string_view text) {
    std::string_view const trimmed = text::Trim(text);
    std::string_view number = trimmed.substr(0, NumericPrefixLength(trimmed));
    number = text::Trim(number);
    // "100 руб." is fine, but "100. руб" would leave "100." — a dangling separator is not data.
    if (number.size() < trimmed.size() && !number.empty() && IsDecimalSeparator(number.back())) {
        number.remove_suffix(1);
    }
    Decimal value;
    if (auto reason = ParseTrimmed(number, value)) {
        return Invalid(text, number.empty() ? std::string("not a number") : *reason);
    }
    return value;
}

}  // namespace b2b
