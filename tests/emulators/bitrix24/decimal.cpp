#include "tests/emulators/bitrix24/decimal.hpp"

#include <cstdlib>

namespace b2b::emu::bitrix24 {

namespace {

// Int128 keeps price*quantity exact before rounding; __extension__ silences -Wpedantic.
__extension__ typedef __int128 Int128;

std::string_view Trim(std::string_view text) {
    while (!text.empty() && text.front() == ' ') {
        text.remove_prefix(1);
    }
    while (!text.empty() && text.back() == ' ') {
        text.remove_suffix(1);
    }
    return text;
}

std::int64_t RoundDiv(Int128 value, Int128 divisor) {
    Int128 half = divisor / 2;
    Int128 q = value >= 0 ? (value + half) / divisor : (value - half) / divisor;
    return static_cast<std::int64_t>(q);
}

}  // namespace

std::optional<Decimal> Decimal::Parse(std::string_view text) {
    text = Trim(text);
    if (text.empty()) {
        return std::nullopt;
    }
    bool negative = false;
    if (text.front() == '-' || text.front() == '+') {
        negative = text.front() == '-';
        text.remove_prefix(1);
    }
    Int128 whole = 0;
    Int128 frac = 0;
    std::int64_t frac_scale = kScale;
    bool seen_dot = false;
    bool seen_digit = false;
    for (char c : text) {
        if (c == '.' && !seen_dot) {
            seen_dot = true;
            continue;
        }
        if (c < '0' || c > '9') {
            return std::nullopt;
        }
        seen_digit = true;
        if (!seen_dot) {
            whole = whole * 10 + (c - '0');
            if (whole > static_cast<Int128>(INT64_MAX / kScale)) {
                return std::nullopt;
            }
        } else if (frac_scale > 1) {
            frac_scale /= 10;
            frac += static_cast<Int128>(c - '0') * frac_scale;
        }
    }
    if (!seen_digit) {
        return std::nullopt;
    }
    auto units = static_cast<std::int64_t>(whole * kScale + frac);
    return Decimal{negative ? -units : units};
}

Decimal Decimal::Times(Decimal other) const {
    return Decimal{RoundDiv(static_cast<Int128>(units) * other.units, kScale)};
}

std::string Decimal::ToFixed(int digits) const {
    std::int64_t divisor = 1;
    for (int i = digits; i < 4; ++i) {
        divisor *= 10;
    }
    std::int64_t scaled = RoundDiv(units, divisor);
    std::int64_t unit = 1;
    for (int i = 0; i < digits; ++i) {
        unit *= 10;
    }
    std::string sign = scaled < 0 ? "-" : "";
    std::int64_t abs = std::llabs(scaled);
    std::string out = sign + std::to_string(abs / unit);
    if (digits > 0) {
        std::string frac = std::to_string(abs % unit);
        out += "." + std::string(static_cast<std::size_t>(digits) - frac.size(), '0') + frac;
    }
    return out;
}

std::string Decimal::ToShortest() const {
    std::string text = ToFixed(4);
    auto dot = text.find('.');
    while (text.back() == '0') {
        text.pop_back();
    }
    if (text.size() == dot + 1) {
        text.pop_back();
    }
    return text;
}

}  // namespace b2b::emu::bitrix24
