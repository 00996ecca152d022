#include "core/domain/zoned_time.hpp"

#include <cstdio>
#include <optional>
#include <ostream>

#include "core/domain/text_util.hpp"

namespace b2b {
namespace {

using std::chrono::minutes;
using Millis = std::chrono::milliseconds;

constexpr minutes kMaxOffset{18 * 60};
constexpr char kFormatHint[] = "unrecognised format, expected yyyy-mm-ddThh:mm:ss±hh:mm or dd.mm.yyyy hh:mm:ss";

/// A reading position over the text; every read either consumes what it matched or nothing.
class Cursor {
public:
    explicit Cursor(std::string_view s) : s_(s) {}

    bool AtEnd() const { return pos_ == s_.size(); }
    char Peek() const { return AtEnd() ? '\0' : s_[pos_]; }
    std::string_view Rest() const { return s_.substr(pos_); }

    bool Char(char c) {
        if (Peek() == c) {
            ++pos_;
            return true;
        }
        return false;
    }
    /// Reads between min and max digits; returns how many were read (0 if fewer than min).
    int Digits(int min, int max, int& value) {
        int n = 0;
        int v = 0;
        while (n < max && pos_ + static_cast<std::size_t>(n) < s_.size() && IsDigit(s_[pos_ + n])) {
            v = v * 10 + (s_[pos_ + n] - '0');
            ++n;
        }
        if (n < min) {
            return 0;
        }
        pos_ += static_cast<std::size_t>(n);
        value = v;
        return n;
    }
    /// Number of digits starting at the current position, without consuming them.
    std::size_t DigitRun() const {
        std::size_t n = 0;
        while (pos_ + n < s_.size() && IsDigit(s_[pos_ + n])) {
            ++n;
        }
        return n;
    }

private:
    static bool IsDigit(char c) { return c >= '0' && c <= '9'; }

    std::string_view s_;
    std::size_t pos_ = 0;
};

/// At least two digits, zero-padded: 3 -> "03", 14 -> "14".
std::string TwoDigits(int v) {
    std::string out = std::to_string(v);
    if (out.size() < 2) {
        out.insert(0, 2 - out.size(), '0');
    }
    return out;
}

std::string OffsetText(minutes offset) {
    int const total = static_cast<int>(offset.count());
    int const magnitude = total < 0 ? -total : total;
    return std::string(total < 0 ? "-" : "+") + TwoDigits(magnitude / 60) + ":" + TwoDigits(magnitude % 60);
}

/// Reads "Z" or ±hh[[:]mm]; nullopt-with-reason semantics via `reason`.
std::optional<minutes> ReadOffset(Cursor& c, std::string& reason) {
    if (c.Char('Z') || c.Char('z')) {
        return minutes{0};
    }
    char const sign = c.Peek();
    if (sign != '+' && sign != '-') {
        reason = "unexpected " + text::QuoteForError(c.Rest());
        return std::nullopt;
    }
    c.Char(sign);
    int hours = 0;
    int mins = 0;
    if (c.Digits(2, 2, hours) == 0) {
        reason = "bad UTC offset";
        return std::nullopt;
    }
    bool const colon = c.Char(':');
    if (c.Digits(2, 2, mins) == 0 && colon) {
        reason = "bad UTC offset";
        return std::nullopt;
    }
    minutes const offset{(sign == '-' ? -1 : 1) * (hours * 60 + mins)};
    if (mins > 59 || offset > kMaxOffset || offset < -kMaxOffset) {
        reason = "offset " + OffsetText(offset) + " is out of range ±18:00";
        return std::nullopt;
    }
    return offset;
}

struct Fields {
    int year = 0;
    int month = 0;
    int day = 0;
    int hour = 0;
    int minute = 0;
    int second = 0;
    int millis = 0;
    std::optional<minutes> offset;
};

/// Reads H[H]:MM[:SS[.f...]] into `f`.
bool ReadTime(Cursor& c, Fields& f, std::string& reason) {
    if (c.Digits(1, 2, f.hour) == 0 || !c.Char(':') || c.Digits(2, 2, f.minute) == 0) {
        reason = kFormatHint;
        return false;
    }
    if (c.Char(':')) {
        if (c.Digits(2, 2, f.second) == 0) {
            reason = kFormatHint;
            return false;
        }
        if (c.Char('.') || c.Char(',')) {
            int fraction = 0;
            int const n = c.Digits(1, 9, fraction);
            if (n == 0) {
                reason = "no digits after the decimal point of the seconds";
                return false;
            }
            // Keep the first 3 digits (truncate: never move an instant into the future).
            for (int i = n; i > 3; --i) {
                fraction /= 10;
            }
            for (int i = n; i < 3; ++i) {
                fraction *= 10;
            }
            f.millis = fraction;
        }
    }
    return true;
}

/// Reads either date form; `bitrix` tells which one it was.
bool ReadDate(Cursor& c, Fields& f, bool& bitrix, std::string& reason) {
    std::size_t const run = c.DigitRun();
    if (run == 4) {
        bitrix = false;
        if (c.Digits(4, 4, f.year) && c.Char('-') && c.Digits(2, 2, f.month) && c.Char('-') &&
            c.Digits(2, 2, f.day)) {
            return true;
        }
    } else if (run == 1 || run == 2) {
        bitrix = true;
        if (c.Digits(1, 2, f.day) && c.Char('.') && c.Digits(1, 2, f.month) && c.Char('.') &&
            c.Digits(4, 4, f.year)) {
            return true;
        }
    }
    reason = kFormatHint;
    return false;
}

std::optional<std::string> Validate(Fields const& f) {
    if (f.month < 1 || f.month > 12) {
        return "month " + std::to_string(f.month) + " is out of range 1..12";
    }
    std::chrono::year_month_day const ymd{std::chrono::year{f.year}, std::chrono::month{static_cast<unsigned>(f.month)},
                                          std::chrono::day{static_cast<unsigned>(f.day)}};
    if (f.year < 1 || !ymd.ok()) {
        return "day " + std::to_string(f.day) + " does not exist in " + std::to_string(f.year) + "-" +
               TwoDigits(f.month);
    }
    if (f.hour > 23) {
        return "hour " + std::to_string(f.hour) + " is out of range 0..23";
    }
    if (f.minute > 59) {
        return "minute " + std::to_string(f.minute) + " is out of range 0..59";
    }
    if (f.second > 59) {
        return "second " + std::to_string(f.second) + " is out of range 0..59";
    }
    return std::nullopt;
}

ZonedTime Assemble(Fields const& f, minutes default_offset) {
    std::chrono::year_month_day const ymd{std::chrono::year{f.year}, std::chrono::month{static_cast<unsigned>(f.month)},
                                          std::chrono::day{static_cast<unsigned>(f.day)}};
    minutes const offset = f.offset.value_or(default_offset);
    auto const local = std::chrono::sys_days{ymd} + std::chrono::hours{f.hour} + minutes{f.minute} +
                       std::chrono::seconds{f.second} + Millis{f.millis};
    return ZonedTime{std::chrono::time_point_cast<Millis>(local - offset), offset};
}

std::optional<std::string> CheckDefaultOffset(minutes default_offset) {
    if (default_offset > kMaxOffset || default_offset < -kMaxOffset) {
        return "default offset " + OffsetText(default_offset) + " is out of range ±18:00";
    }
    return std::nullopt;
}

/// Parses a whole trimmed date-time; returns the reason on failure.
std::optional<std::string> ParseWhole(std::string_view s, minutes default_offset, ZonedTime& out) {
    if (auto bad = CheckDefaultOffset(default_offset)) {
        return bad;
    }
    if (s.empty()) {
        return std::string("empty");
    }
    Cursor c(s);
    Fields f;
    bool bitrix = false;
    std::string reason;
    if (!ReadDate(c, f, bitrix, reason)) {
        return reason;
    }
    if (!c.AtEnd()) {
        if (!(c.Char(' ') || (!bitrix && (c.Char('T') || c.Char('t'))))) {
            return "unexpected " + text::QuoteForError(c.Rest());
        }
        if (!ReadTime(c, f, reason)) {
            return reason;
        }
        if (!c.AtEnd() && !bitrix) {
            f.offset = ReadOffset(c, reason);
            if (!f.offset) {
                return reason;
            }
        }
        if (!c.AtEnd()) {
            return "unexpected " + text::QuoteForError(c.Rest());
        }
    }
    if (auto bad = Validate(f)) {
        return bad;
    }
    out = Assemble(f, default_offset);
    return std::nullopt;
}

}  // namespace

Result<ZonedTime> ParseIso8601(std::string_view text, minutes default_offset) {
    ZonedTime out;
    if (auto reason = ParseWhole(text::Trim(text), default_offset, out)) {
        return Error::Permanent("invalid date-time " + text::QuoteForError(text) + ": " + *reason);
    }
    return out;
}

Result<ZonedTime> ParseDateAndTime(std::string_view date, std::string_view time, minutes default_offset) {
    std::string_view const d = text::Trim(date);
    std::string_view const t = text::Trim(time);
    auto fail = [&](std::string const& reason) -> Result<ZonedTime> {
        return Error::Permanent("invalid date " + text::QuoteForError(date) + " and time " + text::QuoteForError(time) +
                                ": " + reason);
    };
    if (d.find_first_of("T: ") != std::string_view::npos) {
        return fail("the date part contains a time");
    }
    if (t.empty()) {
        return fail("empty time");
    }
    ZonedTime out;
    if (auto reason = ParseWhole(std::string(d) + " " + std::string(t), default_offset, out)) {
        return fail(*reason);
    }
    return out;
}

Result<minutes> ParseUtcOffset(std::string_view text) {
    std::string_view const s = text::Trim(text);
    if (s == "UTC") {
        return minutes{0};
    }
    Cursor c(s);
    std::string reason;
    auto offset = ReadOffset(c, reason);
    if (!offset || !c.AtEnd() || s.empty()) {
        return Error::Permanent("invalid UTC offset " + text::QuoteForError(text) +
                                "; expected +hh:mm, -hh:mm or Z");
    }
    return *offset;
}

std::string FormatIso8601(ZonedTime const& t) {
    auto const local = t.Local();
    auto const days = std::chrono::floor<std::chrono::days>(local);
    std::chrono::year_month_day const ymd{days};
    std::chrono::hh_mm_ss<Millis> const tod{local - days};
    char buf[48];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                  static_cast<int>(tod.hours().count()), static_cast<int>(tod.minutes().count()),
                  static_cast<int>(tod.seconds().count()));
    std::string out = buf;
    if (auto const ms = tod.subseconds().count(); ms != 0) {
        std::snprintf(buf, sizeof buf, ".%03d", static_cast<int>(ms));
        out += buf;
    }
    return out + OffsetText(t.offset);
}

std::ostream& operator<<(std::ostream& os, ZonedTime const& t) { return os << FormatIso8601(t); }

}  // namespace b2b
