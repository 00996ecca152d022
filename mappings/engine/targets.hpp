#pragma once

#include <string>
#include <string_view>
#include <vector>

/// The declared catalog of what mappings may write: targets (a record in one system) and, per
/// target, its fields with their output types. Field names are the peers' own (Bitrix24 REST
/// names, CommerceML requisite names), checked here so a typo fails at start-up, not on the portal.
namespace b2b::mapping {

/// How a value is written into the target.
enum class OutputKind {
    kText,     ///< any scalar, as text
    kInteger,  ///< digits (ids, codes)
    kDecimal,  ///< decimal string with `scale` fractional digits (-1 = as is)
    kBool,     ///< the target's true/false words ("Y"/"N" in Bitrix24, "true"/"false" in CommerceML)
    kDate,     ///< ISO 8601 with offset (use date(fmt) for another form)
    kList,     ///< a list of records: `each:` + `fields:` (multi-fields, product rows)
};
std::string_view ToString(OutputKind kind) noexcept;

struct TargetField {
    std::string name;
    OutputKind kind = OutputKind::kText;
    int scale = -1;
    bool required = false;
    std::vector<TargetField> item_fields;  ///< kList only
};

struct TargetSpec {
    std::string name;    ///< "bitrix24.deal"
    std::string source;  ///< the canonical entity it is made from: "order" or "counterparty"
    std::string description;
    /// CommerceML requisites (ЗначенияРеквизитов) have free names: any non-empty name is a field.
    bool free_names = false;
    /// Bitrix24 user fields `UF_CRM_<LETTERS/DIGITS/_>` are accepted besides the catalog.
    bool user_fields = false;
    std::string true_word;
    std::string false_word;
    std::vector<TargetField> fields;

    TargetField const* Field(std::string_view name) const;
    std::vector<std::string> FieldNames() const;
};

/// All targets, in the order the reference lists them.
std::vector<TargetSpec> const& Targets();
TargetSpec const* FindTarget(std::string_view name);
std::vector<std::string> TargetNames();

/// True for UF_CRM_ followed by one or more of A-Z, 0-9, _ (the portal forces this prefix).
bool IsUserFieldName(std::string_view name);

}  // namespace b2b::mapping
