#include "core/http/auth.hpp"

#include <algorithm>
#include <array>
#include <cstdint>

namespace b2b::http {
namespace {

constexpr std::uint8_t kInvalid = 0xFF;

constexpr std::array<std::uint8_t, 256> MakeDecodeTable() {
    std::array<std::uint8_t, 256> table{};
    for (auto& v : table) {
        v = kInvalid;
    }
    constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (std::size_t i = 0; i < kAlphabet.size(); ++i) {
        table[static_cast<unsigned char>(kAlphabet[i])] = static_cast<std::uint8_t>(i);
    }
    return table;
}

constexpr auto kDecodeTable = MakeDecodeTable();

bool IEqualsAscii(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) {
        return false;
    }
    for (std::size_t i = 0; i < a.size(); ++i) {
        auto const lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; };
        if (lower(a[i]) != lower(b[i])) {
            return false;
        }
    }
    return true;
}

std::string_view TrimSpaces(std::string_view s) noexcept {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
        s.remove_prefix(1);
    }
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
        s.remove_suffix(1);
    }
    return s;
}

}  // namespace

bool ConstantTimeEquals(std::string_view a, std::string_view b) noexcept {
    std::size_t const n = std::max(a.size(), b.size());
    // Any length difference makes `diff` non-zero, but the byte loop still runs to the end.
    std::size_t diff = a.size() ^ b.size();
    for (std::size_t i = 0; i < n; ++i) {
        auto const ca = i < a.size() ? static_cast<unsigned char>(a[i]) : 0U;
        auto const cb = i < b.size() ? static_cast<unsigned char>(b[i]) : 0U;
        diff |= ca ^ cb;
    }
    return diff == 0;
}

std::optional<std::string> DecodeBase64(std::string_view text) {
    if (text.size() % 4 != 0) {
        return std::nullopt;
    }
    std::string out;
    out.reserve(text.size() / 4 * 3);
    for (std::size_t i = 0; i < text.size(); i += 4) {
        bool const last = i + 4 == text.size();
        std::size_t padding = 0;
        if (last) {
            padding = text[i + 3] == '=' ? (text[i + 2] == '=' ? 2 : 1) : 0;
        }
        std::uint32_t group = 0;
        for (std::size_t j = 0; j < 4; ++j) {
            std::uint8_t value = 0;
            if (j < 4 - padding) {
                value = kDecodeTable[static_cast<unsigned char>(text[i + j])];
                if (value == kInvalid) {
                    return std::nullopt;  // also rejects '=' anywhere but the final padding
                }
            }
            group = (group << 6) | value;
        }
        out.push_back(static_cast<char>((group >> 16) & 0xFF));
        if (padding < 2) {
            out.push_back(static_cast<char>((group >> 8) & 0xFF));
        }
        if (padding < 1) {
            out.push_back(static_cast<char>(group & 0xFF));
        }
    }
    return out;
}

std::optional<BasicCredentials> ParseBasicAuth(std::string_view authorization_header) {
    std::string_view const value = TrimSpaces(authorization_header);
    auto const space = value.find_first_of(" \t");
    if (space == std::string_view::npos || !IEqualsAscii(value.substr(0, space), "basic")) {
        return std::nullopt;
    }
    auto decoded = DecodeBase64(TrimSpaces(value.substr(space + 1)));
    if (!decoded) {
        return std::nullopt;
    }
    auto const colon = decoded->find(':');
    if (colon == std::string::npos) {
        return std::nullopt;
    }
    return BasicCredentials{decoded->substr(0, colon), decoded->substr(colon + 1)};
}

bool CheckBasicAuth(Request const& request, std::string_view user, std::string_view password) {
    auto const it = request.find(beast_http::field::authorization);
    if (it == request.end()) {
        return false;
    }
    auto const credentials = ParseBasicAuth(it->value());
    if (!credentials) {
        return false;
    }
    // Bitwise & so the password comparison runs even when the user already differs.
    bool const user_ok = ConstantTimeEquals(credentials->user, user);
    bool const password_ok = ConstantTimeEquals(credentials->password, password);
    return user_ok & password_ok;
}

}  // namespace b2b::http
