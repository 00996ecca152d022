#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/util/error.hpp"

/// Field ownership: when two systems both changed a field, which one wins (design.md §7).
namespace b2b::mapping {

enum class System { kB2bsync, kOneC, kBitrix24, kSite };

/// "b2bsync", "onec", "bitrix24", "site".
std::string_view ToString(System s) noexcept;
std::optional<System> ParseSystem(std::string_view text);

/// Who owns one field of one target, as the mapping declared it (`owner:`; b2bsync when unlisted).
struct FieldOwnership {
    std::string target;  ///< "bitrix24.deal"
    std::string field;   ///< "STAGE_ID"
    System owner = System::kB2bsync;
};

struct ConflictDecision {
    enum class Action { kApply, kKeep } action = Action::kApply;
    /// One line for the audit log, e.g. `bitrix24.deal STAGE_ID is owned by bitrix24; change from onec kept out`.
    std::string reason;
};

/// Pure decision for one field: should `incoming` (computed from `incoming_system`'s data)
/// overwrite `current` (what the target holds now; nullopt or empty = never set)?
///   - same value                        -> keep ("unchanged")
///   - current empty                     -> apply (filling an empty field never loses anything)
///   - incoming_system owns the field    -> apply
///   - otherwise                         -> keep: the owner's value stands
/// Callers log the reason to the audit trail either way.
ConflictDecision ResolveConflict(FieldOwnership const& field, std::optional<std::string> const& current,
                                 std::string const& incoming, System incoming_system);

}  // namespace b2b::mapping
