#include "mappings/engine/ownership.hpp"

namespace b2b::mapping {

std::string_view ToString(System s) noexcept {
    switch (s) {
        case System::kB2bsync:
            return "b2bsync";
        case System::kOneC:
            return "onec";
        case System::kBitrix24:
            return "bitrix24";
        case System::kSite:
            return "site";
    }
    return "b2bsync";
}

std::optional<System> ParseSystem(std::string_view text) {
    for (auto s : {System::kB2bsync, System::kOneC, System::kBitrix24, System::kSite}) {
        if (ToString(s) == text) {
            return s;
        }
    }
    return std::nullopt;
}

ConflictDecision ResolveConflict(FieldOwnership const& field, std::optional<std::string> const& current,
                                 std::string const& incoming, System incoming_system) {
    std::string const subject = field.target + " " + field.field;
    using Action = ConflictDecision::Action;
    if (current && *current == incoming) {
        return {Action::kKeep, subject + " unchanged"};
    }
    if (!current || current->empty()) {
        return {Action::kApply, subject + " was empty; set from " + std::string(ToString(incoming_system))};
    }
    if (incoming_system == field.owner) {
        return {Action::kApply,
                subject + " is owned by " + std::string(ToString(field.owner)) + "; its change applied"};
    }
    return {Action::kKeep, subject + " is owned by " + std::string(ToString(field.owner)) + "; change from " +
                               std::string(ToString(incoming_system)) + " not applied"};
}

}  // namespace b2b::mapping
