#include "core/util/error.hpp"

namespace b2b {

char const* ToString(ErrorClass c) noexcept {
    switch (c) {
        case ErrorClass::kTransient:
            return "transient";
        case ErrorClass::kPermanent:
            return "permanent";
        case ErrorClass::kBug:
            return "bug";
    }
    return "unknown";
}

Error Error::WithContext(std::string_view context) const& {
    Error copy = *this;
    return std::move(copy).WithContext(context);
}

Error Error::WithContext(std::string_view context) && {
    message.insert(0, std::string(context) + ": ");
    return std::move(*this);
}

ErrorException::ErrorException(Error error) : std::runtime_error(error.message), error_(std::move(error)) {}

void throw_exception_from_error(Error const& e, boost::source_location const&) { throw ErrorException(e); }

}  // namespace b2b
