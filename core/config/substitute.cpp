#include "core/config/substitute.hpp"

#include "core/config/scalars.hpp"

namespace b2b::config {
namespace {

bool IsValidName(std::string_view name) {
    if (name.empty() || (name.front() >= '0' && name.front() <= '9')) {
        return false;
    }
    for (char c : name) {
        bool const ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
        if (!ok) {
            return false;
        }
    }
    return true;
}

}  // namespace

Result<std::string> SubstituteEnv(std::string_view text, Environment const& env) {
    std::string out;
    out.reserve(text.size());
    std::size_t i = 0;
    while (i < text.size()) {
        if (text.compare(i, 3, "$${") == 0) {
            out += "${";
            i += 3;
            continue;
        }
        if (text.compare(i, 2, "${") != 0) {
            out += text[i];
            ++i;
            continue;
        }
        auto const close = text.find('}', i + 2);
        if (close == std::string_view::npos) {
            return Error::Permanent("unterminated \"${\" in " + QuoteText(text) + "; write \"$${\" for a literal \"${\"");
        }
        std::string_view body = text.substr(i + 2, close - i - 2);
        std::string_view name = body;
        std::string_view fallback;
        bool has_fallback = false;
        if (auto const sep = body.find(":-"); sep != std::string_view::npos) {
            name = body.substr(0, sep);
            fallback = body.substr(sep + 2);
            has_fallback = true;
        }
        if (!IsValidName(name)) {
            return Error::Permanent("invalid environment variable name " + QuoteText(name));
        }
        auto value = env.Get(name);
        if (has_fallback && (!value || value->empty())) {
            out += fallback;
        } else if (!value) {
            return Error::Permanent("environment variable " + std::string(name) + " is not set");
        } else {
            out += *value;
        }
        i = close + 1;
    }
    return out;
}

}  // namespace b2b::config
