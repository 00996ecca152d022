#include "core/config/schema_types.hpp"

#include <charconv>

namespace b2b::config::schema {
namespace {

std::string RealText(double v) {
    char buf[64];
    auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), v);
    return ec == std::errc{} ? std::string(buf, end) : std::to_string(v);
}

}  // namespace

std::string RealSpec::TypeName() const {
    if (max_ == std::numeric_limits<double>::max()) {
        return "number, >= " + RealText(min_);
    }
    return "number, " + RealText(min_) + ".." + RealText(max_);
}

std::string UrlSpec::TypeName() const {
    std::string out = "URL (";
    for (std::size_t i = 0; i < schemes_.size(); ++i) {
        out += (i == 0 ? "" : ", ") + schemes_[i];
    }
    return out + ")";
}

}  // namespace b2b::config::schema
