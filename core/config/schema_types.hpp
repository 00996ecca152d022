#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/config/listen_address.hpp"
#include "core/config/scalars.hpp"
#include "core/config/schema.hpp"
#include "core/config/secret.hpp"

/// The scalar kinds of the schema and their factories: schema::String(), schema::Int(1, 64), ...
/// Every kind accepts ${ENV} substitution; messages are listed in scalars.hpp.
namespace b2b::config::schema {

class StringSpec final : public ScalarSpec<std::string> {
public:
    std::string TypeName() const override { return "string"; }
    std::string Noun() const override { return "a string"; }
    Result<std::string> Parse(std::string_view text, Environment const&) const override { return std::string(text); }
};

class BoolSpec final : public ScalarSpec<bool> {
public:
    std::string TypeName() const override { return "bool"; }
    std::string Noun() const override { return "true or false"; }
    Result<bool> Parse(std::string_view text, Environment const&) const override { return ParseBool(text); }
};

/// Integers bound to any integral member type I. Without a declared maximum the message says "at least MIN";
/// values beyond I's own range are still rejected ("must be at most ...").
template <class I>
class IntSpec final : public ScalarSpec<I> {
public:
    IntSpec(std::int64_t min, std::optional<std::int64_t> max) : min_(min), max_(max) {}
    std::string TypeName() const override {
        if (!max_) {
            return "integer, >= " + std::to_string(min_);
        }
        return "integer, " + std::to_string(min_) + ".." + std::to_string(*max_);
    }
    std::string Noun() const override { return "an integer"; }
    Result<I> Parse(std::string_view text, Environment const&) const override {
        constexpr std::int64_t kInt64Max = std::numeric_limits<std::int64_t>::max();
        constexpr std::int64_t kTypeMax = std::cmp_greater(std::numeric_limits<I>::max(), kInt64Max)
                                              ? kInt64Max
                                              : static_cast<std::int64_t>(std::numeric_limits<I>::max());
        auto value = ParseInt(text, min_, max_.value_or(std::numeric_limits<std::int64_t>::max()));
        if (!value) {
            return value.error();
        }
        if (*value > kTypeMax) {
            return Error::Permanent(std::string(text) + " is out of range; must be at most " + std::to_string(kTypeMax));
        }
        return static_cast<I>(*value);
    }

private:
    std::int64_t min_;
    std::optional<std::int64_t> max_;
};

/// A real number (not for money: money is never a double).
class RealSpec final : public ScalarSpec<double> {
public:
    RealSpec(double min, double max) : min_(min), max_(max) {}
    std::string TypeName() const override;
    std::string Noun() const override { return "a number"; }
    Result<double> Parse(std::string_view text, Environment const&) const override {
        return ParseReal(text, min_, max_);
    }

private:
    double min_;
    double max_;
};

/// One of a fixed set of words. Message: invalid value "X"; must be one of a, b, c
template <class E>
class EnumSpec final : public ScalarSpec<E> {
public:
    explicit EnumSpec(std::vector<std::pair<std::string, E>> values) : values_(std::move(values)) {}
    std::string TypeName() const override { return "one of: " + List(); }
    std::string Noun() const override { return "one of " + List(); }
    Result<E> Parse(std::string_view text, Environment const&) const override {
        for (auto const& [name, value] : values_) {
            if (name == text) {
                return value;
            }
        }
        return Error::Permanent("invalid value " + QuoteText(text) + "; must be one of " + List());
    }

private:
    std::string List() const {
        std::string out;
        for (auto const& [name, value] : values_) {
            out += (out.empty() ? "" : ", ") + name;
        }
        return out;
    }
    std::vector<std::pair<std::string, E>> values_;
};

class DurationSpec final : public ScalarSpec<std::chrono::milliseconds> {
public:
    std::string TypeName() const override { return "duration"; }
    std::string Noun() const override { return "a duration"; }
    Result<std::chrono::milliseconds> Parse(std::string_view text, Environment const&) const override {
        return ParseDuration(text);
    }
};

class SizeSpec final : public ScalarSpec<std::uint64_t> {
public:
    std::string TypeName() const override { return "size"; }
    std::string Noun() const override { return "a size"; }
    Result<std::uint64_t> Parse(std::string_view text, Environment const&) const override { return ParseSize(text); }
};

class UrlSpec final : public ScalarSpec<std::string> {
public:
    explicit UrlSpec(std::vector<std::string> schemes) : schemes_(std::move(schemes)) {}
    std::string TypeName() const override;
    std::string Noun() const override { return "a URL"; }
    Result<std::string> Parse(std::string_view text, Environment const&) const override {
        return ValidateUrl(text, schemes_);
    }

private:
    std::vector<std::string> schemes_;
};

class ListenSpec final : public ScalarSpec<ListenAddress> {
public:
    std::string TypeName() const override { return "host:port"; }
    std::string Noun() const override { return "a listen address (host:port)"; }
    Result<ListenAddress> Parse(std::string_view text, Environment const&) const override {
        return ParseListenAddress(text);
    }
};

/// A filesystem path, kept as written; resolving relative paths is the section's job (see AppConfig).
class PathSpec final : public ScalarSpec<std::filesystem::path> {
public:
    std::string TypeName() const override { return "path"; }
    std::string Noun() const override { return "a path"; }
    Result<std::filesystem::path> Parse(std::string_view text, Environment const&) const override {
        return std::filesystem::path(text);
    }
};

/// A credential: literal, ${ENV}, `file:NAME` (from $CREDENTIALS_DIRECTORY) or `file:/abs/path`.
class SecretSpec final : public ScalarSpec<Secret> {
public:
    std::string TypeName() const override { return "secret"; }
    std::string Noun() const override { return "a string"; }
    Result<Secret> Parse(std::string_view text, Environment const& env) const override {
        return ResolveSecret(text, env);
    }
};

/// A fixed UTC offset: "+03:00", "-05:30", "+0300", "+03" or "Z" (time zones with daylight saving are not
/// offsets: libstdc++ 12 has no zone database). Message: invalid UTC offset "X"; use +HH:MM, e.g. "+03:00"
class UtcOffsetSpec final : public ScalarSpec<std::chrono::minutes> {
public:
    std::string TypeName() const override { return "UTC offset"; }
    std::string Noun() const override { return "a UTC offset"; }
    Result<std::chrono::minutes> Parse(std::string_view text, Environment const&) const override {
        return ParseUtcOffsetText(text);
    }
};

inline std::shared_ptr<StringSpec> String() { return std::make_shared<StringSpec>(); }
inline std::shared_ptr<UtcOffsetSpec> UtcOffset() { return std::make_shared<UtcOffsetSpec>(); }
inline std::shared_ptr<BoolSpec> Bool() { return std::make_shared<BoolSpec>(); }
template <class I = int>
std::shared_ptr<IntSpec<I>> Int(std::int64_t min, std::int64_t max) {
    return std::make_shared<IntSpec<I>>(min, max);
}
template <class I = int>
std::shared_ptr<IntSpec<I>> IntAtLeast(std::int64_t min) {
    return std::make_shared<IntSpec<I>>(min, std::nullopt);
}
inline std::shared_ptr<RealSpec> Real(double min, double max = std::numeric_limits<double>::max()) {
    return std::make_shared<RealSpec>(min, max);
}
template <class E>
std::shared_ptr<EnumSpec<E>> Enum(std::vector<std::pair<std::string, E>> values) {
    return std::make_shared<EnumSpec<E>>(std::move(values));
}
inline std::shared_ptr<DurationSpec> Duration() { return std::make_shared<DurationSpec>(); }
inline std::shared_ptr<SizeSpec> Size() { return std::make_shared<SizeSpec>(); }
inline std::shared_ptr<UrlSpec> Url(std::vector<std::string> schemes = {"http", "https"}) {
    return std::make_shared<UrlSpec>(std::move(schemes));
}
inline std::shared_ptr<ListenSpec> Listen() { return std::make_shared<ListenSpec>(); }
inline std::shared_ptr<PathSpec> Path() { return std::make_shared<PathSpec>(); }
inline std::shared_ptr<SecretSpec> SecretString() { return std::make_shared<SecretSpec>(); }

}  // namespace b2b::config::schema
