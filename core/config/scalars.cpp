#include "core/config/scalars.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <memory>

#include <boost/url/ipv4_address.hpp>
#include <boost/url/ipv6_address.hpp>
#include <boost/url/parse.hpp>

namespace b2b::config {
namespace {

Error Fail(std::string message) { return Error::Permanent(std::move(message)); }

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

template <class N>
std::string RangeText(std::string_view text, N min, N max, N lowest, N highest, std::string (*fmt)(N)) {
    std::string out = std::string(text) + " is out of range; must be ";
    if (min != lowest && max != highest) {
        return out + "between " + fmt(min) + " and " + fmt(max);
    }
    if (min != lowest) {
        return out + "at least " + fmt(min);
    }
    return out + "at most " + fmt(max);
}

std::string IntText(std::int64_t v) { return std::to_string(v); }

std::string RealText(double v) {
    char buf[64];
    auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), v);
    return ec == std::errc{} ? std::string(buf, end) : std::to_string(v);
}

// Splits leading digits off `text`; false on overflow of uint64.
bool TakeNumber(std::string_view& text, std::uint64_t& out) {
    std::size_t n = 0;
    while (n < text.size() && IsDigit(text[n])) {
        ++n;
    }
    if (n == 0) {
        return false;
    }
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + n, out);
    if (ec != std::errc{}) {
        return false;
    }
    text.remove_prefix(n);
    return true;
}

bool MulOverflows(std::uint64_t a, std::uint64_t b) { return b != 0 && a > std::numeric_limits<std::uint64_t>::max() / b; }

// RFC 1123 host name: dot-separated labels of letters, digits and '-', not starting or ending with '-'.
bool IsHostName(std::string_view host) {
    if (host.empty() || host.size() > 253) {
        return false;
    }
    bool last_label_numeric = true;
    std::size_t start = 0;
    while (start <= host.size()) {
        std::size_t dot = host.find('.', start);
        std::string_view label = host.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
        if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
            return false;
        }
        last_label_numeric = true;
        for (char c : label) {
            bool const alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
            if (!alpha && !IsDigit(c) && c != '-') {
                return false;
            }
            if (!IsDigit(c)) {
                last_label_numeric = false;
            }
        }
        if (dot == std::string_view::npos) {
            break;
        }
        start = dot + 1;
    }
    // "256.1.1.1" is a mistyped IPv4 address, not a name.
    return !last_label_numeric;
}

struct FileCloser {
    void operator()(std::FILE* f) const { std::fclose(f); }
};

}  // namespace

std::string QuoteText(std::string_view text) {
    std::string out = "\"";
    for (char c : text) {
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            default:
                if (static_cast<unsigned char>(c) < 0x20) {
                    char buf[8];
                    std::snprintf(buf, sizeof(buf), "\\x%02x", static_cast<unsigned>(static_cast<unsigned char>(c)));
                    out += buf;
                } else {
                    out += c;
                }
        }
    }
    out += '"';
    return out;
}

Result<std::int64_t> ParseInt(std::string_view text, std::int64_t min, std::int64_t max) {
    std::int64_t value = 0;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ptr != text.data() + text.size() || ec == std::errc::invalid_argument) {
        return Fail("expected an integer, got " + QuoteText(text));
    }
    constexpr auto kLowest = std::numeric_limits<std::int64_t>::min();
    constexpr auto kHighest = std::numeric_limits<std::int64_t>::max();
    if (ec == std::errc::result_out_of_range || value < min || value > max) {
        return Fail(RangeText<std::int64_t>(text, min, max, kLowest, kHighest, IntText));
    }
    return value;
}

Result<double> ParseReal(std::string_view text, double min, double max) {
    double value = 0;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ptr != text.data() + text.size() || ec != std::errc{} || !std::isfinite(value)) {
        return Fail("expected a number, got " + QuoteText(text));
    }
    constexpr double kLowest = std::numeric_limits<double>::lowest();
    constexpr double kHighest = std::numeric_limits<double>::max();
    if (value < min || value > max) {
        return Fail(RangeText<double>(text, min, max, kLowest, kHighest, RealText));
    }
    return value;
}

Result<bool> ParseBool(std::string_view text) {
    if (text == "true") {
        return true;
    }
    if (text == "false") {
        return false;
    }
    return Fail("expected true or false, got " + QuoteText(text));
}

Result<std::chrono::milliseconds> ParseDuration(std::string_view text) {
    auto const invalid = [&] {
        return Fail("invalid duration " + QuoteText(text) + "; use a number with a unit (ms, s, m, h, d), e.g. \"30s\"");
    };
    struct Unit {
        std::string_view name;
        std::uint64_t millis;
    };
    // "ms" before "m" so the longest unit wins.
    static constexpr Unit kUnits[] = {{"ms", 1}, {"s", 1000}, {"m", 60'000}, {"h", 3'600'000}, {"d", 86'400'000}};
    constexpr std::uint64_t kMax = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
    std::string_view rest = text;
    std::uint64_t total = 0;
    if (rest.empty()) {
        return invalid();
    }
    while (!rest.empty()) {
        std::uint64_t number = 0;
        if (!IsDigit(rest.front())) {
            return invalid();
        }
        if (!TakeNumber(rest, number)) {
            return Fail("duration " + QuoteText(text) + " is too large");
        }
        Unit const* unit = nullptr;
        for (auto const& u : kUnits) {
            if (rest.starts_with(u.name)) {
                unit = &u;
                break;
            }
        }
        if (unit == nullptr) {
            return invalid();
        }
        rest.remove_prefix(unit->name.size());
        if (MulOverflows(number, unit->millis) || number * unit->millis > kMax - total) {
            return Fail("duration " + QuoteText(text) + " is too large");
        }
        total += number * unit->millis;
    }
    return std::chrono::milliseconds(static_cast<std::int64_t>(total));
}

Result<std::uint64_t> ParseSize(std::string_view text) {
    auto const invalid = [&] {
        return Fail("invalid size " + QuoteText(text) +
                    "; use bytes or a number with a unit (B, KiB, MiB, GiB, KB, MB, GB), e.g. \"64MiB\"");
    };
    struct Unit {
        std::string_view name;
        std::uint64_t bytes;
    };
    static constexpr Unit kUnits[] = {{"", 1},           {"B", 1},           {"KiB", 1ULL << 10}, {"MiB", 1ULL << 20},
                                      {"GiB", 1ULL << 30}, {"KB", 1'000},     {"MB", 1'000'000},   {"GB", 1'000'000'000}};
    std::string_view rest = text;
    std::uint64_t number = 0;
    if (rest.empty() || !IsDigit(rest.front())) {
        return invalid();
    }
    if (!TakeNumber(rest, number)) {
        return Fail("size " + QuoteText(text) + " is too large");
    }
    for (auto const& u : kUnits) {
        if (rest == u.name) {
            if (MulOverflows(number, u.bytes)) {
                return Fail("size " + QuoteText(text) + " is too large");
            }
            return number * u.bytes;
        }
    }
    return invalid();
}

Result<ListenAddress> ParseListenAddress(std::string_view text) {
    std::string const prefix = "invalid listen address " + QuoteText(text) + ": ";
    std::string_view host;
    std::string_view port;
    if (text.starts_with('[')) {
        auto const close = text.find("]:");
        if (close == std::string_view::npos) {
            return Fail(prefix + "expected host:port, e.g. \"127.0.0.1:8080\"");
        }
        host = text.substr(1, close - 1);
        port = text.substr(close + 2);
        if (!boost::urls::parse_ipv6_address(host)) {
            return Fail(prefix + "host " + QuoteText(host) + " is not an IPv4/IPv6 address or a host name");
        }
    } else {
        auto const colon = text.rfind(':');
        if (colon == std::string_view::npos || colon == 0) {
            return Fail(prefix + "expected host:port, e.g. \"127.0.0.1:8080\"");
        }
        host = text.substr(0, colon);
        port = text.substr(colon + 1);
        if (host.find(':') != std::string_view::npos) {
            return Fail(prefix + "write IPv6 addresses in brackets, e.g. \"[::1]:8080\"");
        }
        if (!boost::urls::parse_ipv4_address(host) && !IsHostName(host)) {
            return Fail(prefix + "host " + QuoteText(host) + " is not an IPv4/IPv6 address or a host name");
        }
    }
    unsigned value = 0;
    auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (port.empty() || ptr != port.data() + port.size() || ec != std::errc{} || value > 65535) {
        return Fail(prefix + "port " + QuoteText(port) + " is not a number between 0 and 65535");
    }
    return ListenAddress{std::string(host), static_cast<std::uint16_t>(value)};
}

Result<std::string> ValidateUrl(std::string_view text, std::vector<std::string> const& schemes) {
    std::string const prefix = "invalid URL " + QuoteText(text) + ": ";
    auto parsed = boost::urls::parse_uri(text);
    if (!parsed) {
        return Fail(prefix + "not an absolute URL, e.g. \"https://example.com/hook\"");
    }
    std::string scheme(parsed->scheme());
    std::transform(scheme.begin(), scheme.end(), scheme.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (std::find(schemes.begin(), schemes.end(), scheme) == schemes.end()) {
        std::string list;
        for (std::size_t i = 0; i < schemes.size(); ++i) {
            list += (i == 0 ? "" : (i + 1 == schemes.size() ? " or " : ", ")) + schemes[i];
        }
        return Fail(prefix + "scheme must be " + list);
    }
    if (!parsed->has_authority() || parsed->host().empty()) {
        return Fail(prefix + "missing host");
    }
    if (parsed->has_password()) {
        return Fail(prefix + "must not contain a password; put credentials in a secret field");
    }
    return std::string(text);
}

Result<Secret> ResolveSecret(std::string_view text, Environment const& env) {
    constexpr std::string_view kFilePrefix = "file:";
    if (!text.starts_with(kFilePrefix)) {
        return Secret(std::string(text));
    }
    std::string_view const name = text.substr(kFilePrefix.size());
    std::filesystem::path path;
    if (name.starts_with('/')) {
        path = std::filesystem::path(name);
    } else {
        if (name.find('/') != std::string_view::npos) {
            return Fail("credential name " + QuoteText(name) +
                        " must not contain \"/\"; use file:/absolute/path for a path");
        }
        if (env.credentials_dir.empty()) {
            return Fail("\"file:" + std::string(name) +
                        "\" needs $CREDENTIALS_DIRECTORY (systemd LoadCredential=), which is not set");
        }
        path = env.credentials_dir / std::string(name);
    }
    auto const cannot_read = [&](int err) {
        return Fail("cannot read credential file " + QuoteText(path.string()) + ": " + std::strerror(err));
    };
    errno = 0;
    std::unique_ptr<std::FILE, FileCloser> file(std::fopen(path.c_str(), "rb"));
    if (!file) {
        return cannot_read(errno);
    }
    std::string value;
    char buf[4096];
    std::size_t n = 0;
    while ((n = std::fread(buf, 1, sizeof(buf), file.get())) > 0) {
        value.append(buf, n);
    }
    if (std::ferror(file.get()) != 0) {
        return cannot_read(errno != 0 ? errno : EIO);
    }
    while (!value.empty() && (value.back() == '\n' || value.back() == '\r')) {
        value.pop_back();
    }
    return Secret(std::move(value));
}

Result<std::chrono::minutes> ParseUtcOffsetText(std::string_view text) {
    auto const bad = [&] {
        return Error::Permanent("invalid UTC offset " + QuoteText(text) + "; use +HH:MM, e.g. \"+03:00\"");
    };
    if (text == "Z") {
        return std::chrono::minutes(0);
    }
    if (text.size() < 3 || (text[0] != '+' && text[0] != '-')) {
        return bad();
    }
    auto digit = [&](std::size_t i) { return i < text.size() && text[i] >= '0' && text[i] <= '9'; };
    if (!digit(1) || !digit(2)) {
        return bad();
    }
    int const hours = (text[1] - '0') * 10 + (text[2] - '0');
    int minutes = 0;
    std::size_t pos = 3;
    if (pos < text.size() && text[pos] == ':') {
        ++pos;
    }
    if (pos < text.size()) {
        if (!digit(pos) || !digit(pos + 1) || pos + 2 != text.size()) {
            return bad();
        }
        minutes = (text[pos] - '0') * 10 + (text[pos + 1] - '0');
    } else if (text.size() == 4) {  // "+03:" with nothing after the colon
        return bad();
    }
    if (minutes >= 60 || hours * 60 + minutes > 18 * 60) {
        return bad();
    }
    int const total = hours * 60 + minutes;
    return std::chrono::minutes(text[0] == '-' ? -total : total);
}

}  // namespace b2b::config
