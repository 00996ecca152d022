#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <utility>

#include <boost/assert/source_location.hpp>
#include <boost/system/result.hpp>

namespace b2b {

/// How a failure should be treated, decided once at the point of failure (style.md §9.4).
enum class ErrorClass {
    kTransient,  ///< retry later: network, timeout, 429, 5xx, SQLITE_BUSY
    kPermanent,  ///< do not retry: bad data, 4xx, mapping or validation failure -> dead letter
    kBug,        ///< an invariant broke inside b2bsync
};

/// Short lowercase name used in logs, metrics labels and the store ("transient", ...).
char const* ToString(ErrorClass c) noexcept;

/// An expected failure, carried as a value. The message is written for the operator: what failed,
/// on which object, why. Never put secrets or whole payloads in it.
struct Error {
    ErrorClass error_class = ErrorClass::kPermanent;
    std::string message;
    /// A hint from the remote side (Retry-After, operating_reset_at); the dispatcher honours it.
    std::optional<std::chrono::milliseconds> retry_after;

    static Error Transient(std::string message, std::optional<std::chrono::milliseconds> retry_after = {}) {
        return Error{ErrorClass::kTransient, std::move(message), retry_after};
    }
    static Error Permanent(std::string message) { return Error{ErrorClass::kPermanent, std::move(message), {}}; }
    static Error Bug(std::string message) { return Error{ErrorClass::kBug, std::move(message), {}}; }

    bool IsTransient() const noexcept { return error_class == ErrorClass::kTransient; }

    /// Prefixes the message with context, e.g. WithContext("order 42") -> "order 42: <message>".
    Error WithContext(std::string_view context) const&;
    Error WithContext(std::string_view context) &&;
};

/// Thrown only when a caller calls .value() on a failed Result: that is a programming error.
class ErrorException : public std::runtime_error {
public:
    explicit ErrorException(Error error);
    Error const& error() const noexcept { return error_; }

private:
    Error error_;
};

/// Boost.System finds this by ADL when result<T, Error>::value() is called on an error.
[[noreturn]] void throw_exception_from_error(Error const& e, boost::source_location const& loc);

/// Anything that can fail because of the outside world returns Result<T>.
template <class T>
using Result = boost::system::result<T, Error>;

/// Result<void> in a readable spelling.
using Status = boost::system::result<void, Error>;

}  // namespace b2b
