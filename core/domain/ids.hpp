#pragma once

#include <compare>
#include <cstdint>
#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>

#include "core/util/error.hpp"

namespace b2b {

/// A value of type Rep that means one kind of identity only. Construction is explicit and there is
/// no conversion back other than value(), so a 1C Ид can never be passed where a site id is
/// expected. Comparable, hashable (std::hash), printable. No validation: parse outside data at the
/// edge (e.g. OneCId::SplitVariant) and wrap it here.
template <class Tag, class Rep = std::string>
class StrongId {
public:
    using ValueType = Rep;

    StrongId() = default;
    explicit StrongId(Rep value) : value_(std::move(value)) {}

    Rep const& value() const noexcept { return value_; }

    friend bool operator==(StrongId const&, StrongId const&) = default;
    friend auto operator<=>(StrongId const&, StrongId const&) = default;
    friend std::ostream& operator<<(std::ostream& os, StrongId const& id) { return os << id.value_; }

private:
    Rep value_{};
};

struct CanonicalIdTag;
struct OneCIdTag;
struct SiteIdTag;
struct Bitrix24IdTag;

/// b2bsync's own id of an entity, the key of the links table (design.md §3).
using CanonicalId = StrongId<CanonicalIdTag>;
/// An id on the site (Bitrix order ID, XML_ID, or the `userId#login#name` of a counterparty).
using SiteId = StrongId<SiteIdTag>;
/// A Bitrix24 CRM record id (deal, company, requisite...): always a positive integer there.
using Bitrix24Id = StrongId<Bitrix24IdTag, std::int64_t>;

class OneCId;

/// The parts of a 1C offer id: the product and, for a characteristic, the variant.
struct OneCVariantRef;

/// A 1C Ид: usually a GUID, for characteristics `productGuid#variantGuid` (commerceml.md §3.6).
class OneCId : public StrongId<OneCIdTag> {
public:
    using StrongId<OneCIdTag>::StrongId;

    /// Splits on the FIRST '#': "p#v" -> {p, v}; "p#" and "p" -> {p, no variant}; "p#v#x" ->
    /// {p, "v#x"}. Surrounding whitespace of each part is trimmed. Permanent error
    /// `1C id "<id>" has an empty product part` for "", "#v" and the like.
    Result<OneCVariantRef> SplitVariant() const;
};

struct OneCVariantRef {
    OneCId product;
    std::optional<OneCId> variant;

    friend bool operator==(OneCVariantRef const&, OneCVariantRef const&) = default;
};

}  // namespace b2b

template <class Tag, class Rep>
struct std::hash<b2b::StrongId<Tag, Rep>> {
    std::size_t operator()(b2b::StrongId<Tag, Rep> const& id) const noexcept { return std::hash<Rep>{}(id.value()); }
};

template <>
struct std::hash<b2b::OneCId> {
    std::size_t operator()(b2b::OneCId const& id) const noexcept { return std::hash<std::string>{}(id.value()); }
};
