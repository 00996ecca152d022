#include "core/domain/currency.hpp"

#include <ostream>
#include <string>

#include "core/domain/text_util.hpp"

namespace b2b {

/// The built-in table; the friend of Currency that may construct values.
struct CurrencyTable {
    struct Entry {
        char const* code;
        int numeric;
        int minor_digits;
    };
    static constexpr Entry kEntries[] = {
        {"RUB", 643, 2}, {"USD", 840, 2}, {"EUR", 978, 2}, {"UAH", 980, 2}, {"KZT", 398, 2}, {"BYN", 933, 2},
        {"CNY", 156, 2}, {"KGS", 417, 2}, {"AMD", 51, 2},  {"UZS", 860, 2}, {"GEL", 981, 2}, {"AZN", 944, 2},
        {"TRY", 949, 2}, {"GBP", 826, 2}, {"CHF", 756, 2}, {"JPY", 392, 0}, {"TJS", 972, 2}, {"MDL", 498, 2},
    };

    static Currency Make(Entry const& e) {
        return Currency({e.code[0], e.code[1], e.code[2]}, e.numeric, e.minor_digits);
    }
    static Entry const* FindByCode(std::string_view upper) {
        for (auto const& e : kEntries) {
            if (upper == e.code) {
                return &e;
            }
        }
        return nullptr;
    }
    static Entry const* FindByNumeric(int numeric) {
        for (auto const& e : kEntries) {
            if (e.numeric == numeric) {
                return &e;
            }
        }
        return nullptr;
    }
};

namespace {

/// Lowercases ASCII and the Cyrillic А-Я/Ё in UTF-8; other bytes are copied as they are.
std::string ToLower(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        auto const c = static_cast<unsigned char>(s[i]);
        if (c >= 'A' && c <= 'Z') {
            out.push_back(static_cast<char>(c - 'A' + 'a'));
        } else if (c == 0xD0 && i + 1 < s.size()) {
            auto const n = static_cast<unsigned char>(s[i + 1]);
            ++i;
            if (n >= 0x90 && n <= 0x9F) {  // А-П -> а-п
                out += static_cast<char>(0xD0);
                out += static_cast<char>(n + 0x20);
            } else if (n >= 0xA0 && n <= 0xAF) {  // Р-Я -> р-я
                out += static_cast<char>(0xD1);
                out += static_cast<char>(n - 0x20);
            } else if (n == 0x81) {  // Ё -> ё
                out += static_cast<char>(0xD1);
                out += static_cast<char>(0x91);
            } else {
                out += static_cast<char>(c);
                out += static_cast<char>(n);
            }
        } else {
            out.push_back(static_cast<char>(c));
        }
    }
    return out;
}

struct Alias {
    std::string_view text;  // lowercase, without a trailing '.'
    std::string_view code;
};

constexpr Alias kAliases[] = {
    {"rur", "RUB"},           {"руб", "RUB"},         {"р", "RUB"},     {"рубль", "RUB"}, {"рублей", "RUB"},
    {"российский рубль", "RUB"}, {"\xE2\x82\xBD", "RUB"}, {"грн", "UAH"},   {"гривна", "UAH"}, {"тенге", "KZT"},
    {"тг", "KZT"},            {"бел. руб", "BYN"},    {"бел.руб", "BYN"}, {"долл", "USD"},  {"$", "USD"},
    {"евро", "EUR"},          {"\xE2\x82\xAC", "EUR"}, {"юань", "CNY"},
};

}  // namespace

Currency Currency::Rub() { return CurrencyTable::Make(*CurrencyTable::FindByCode("RUB")); }
Currency Currency::Usd() { return CurrencyTable::Make(*CurrencyTable::FindByCode("USD")); }
Currency Currency::Eur() { return CurrencyTable::Make(*CurrencyTable::FindByCode("EUR")); }

Result<Currency> ParseCurrency(std::string_view text) {
    std::string key = ToLower(text::Trim(text));
    if (!key.empty() && key.back() == '.') {
        key.pop_back();
    }
    if (key == "byr") {
        return Error::Permanent("currency " + text::QuoteForError(text) +
                                " (old Belarusian rouble) was redenominated 10000:1 in 2016; send BYN amounts");
    }
    if (key.size() == 3 && key.find_first_not_of("0123456789") == std::string::npos) {
        if (auto const* e = CurrencyTable::FindByNumeric(std::stoi(key))) {
            return CurrencyTable::Make(*e);
        }
        if (key == "810") {  // numeric code of RUR
            return Currency::Rub();
        }
    }
    for (auto const& alias : kAliases) {
        if (key == alias.text) {
            return CurrencyTable::Make(*CurrencyTable::FindByCode(alias.code));
        }
    }
    std::string upper;
    for (char c : key) {
        upper.push_back(c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c);
    }
    if (auto const* e = CurrencyTable::FindByCode(upper)) {
        return CurrencyTable::Make(*e);
    }
    return Error::Permanent("unknown currency " + text::QuoteForError(text) +
                            "; expected an ISO 4217 code such as RUB, USD, EUR or a 1C abbreviation such as руб.");
}

std::ostream& operator<<(std::ostream& os, Currency const& c) { return os << c.Code(); }

}  // namespace b2b
