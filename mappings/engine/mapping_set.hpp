#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/config/diagnostic.hpp"
#include "core/domain/counterparty.hpp"
#include "core/domain/order.hpp"
#include "core/util/error.hpp"
#include "mappings/engine/expression.hpp"
#include "mappings/engine/ownership.hpp"
#include "mappings/engine/tables.hpp"
#include "mappings/engine/targets.hpp"

/// The compiled mappings: canonical entities -> records of Bitrix24, CommerceML (1C) and the site.
/// See docs/mappings.md for the YAML an admin writes; this is the C++ side.
namespace b2b::mapping {

/// Answers link(entity, system.kind): the external id of a canonical entity in another system
/// (the store's links table), or, for link(system.kind) in a pipe, a lookup by key (e.g. a
/// Bitrix24 stage name -> STATUS_ID). nullopt = no such link yet (the field is then absent).
class LinkResolver {
public:
    virtual ~LinkResolver() = default;
    /// `kind` is "bitrix24.company", "bitrix24.stage", ...; `key` a canonical id or a value.
    /// Errors (e.g. the store is busy) are passed to the caller of Apply as they are.
    virtual Result<std::optional<std::string>> Resolve(std::string_view kind, std::string_view key) const = 0;
};

/// A resolver that knows nothing: every link is absent.
class NoLinks final : public LinkResolver {
public:
    Result<std::optional<std::string>> Resolve(std::string_view, std::string_view) const override {
        return std::optional<std::string>{};
    }
};

struct OutputValue;

/// A record written to a target, fields in mapping order.
struct OutputRecord {
    std::vector<std::pair<std::string, OutputValue>> fields;
    OutputValue const* Find(std::string_view name) const;
};

struct OutputValue {
    OutputKind kind = OutputKind::kText;
    std::string text;                 ///< scalars: the exact text to send ("1500.00", "Y", "17")
    std::vector<OutputRecord> items;  ///< kList: multi-field items or product rows
};

struct MappingOutput {
    std::string mapping;  ///< "deal" (the file's stem)
    std::string target;   ///< "bitrix24.deal"
    OutputRecord match;   ///< keys that find the existing record (ORIGINATOR_ID + ORIGIN_ID, RQ_INN...)
    OutputRecord fields;
};

/// One output field as compiled: a scalar value, or `each:` over a list with item fields.
struct FieldRule {
    std::string name;
    SourceRef at;
    OutputKind kind = OutputKind::kText;
    int scale = -1;
    bool required = false;
    /// Scalars: an expression, or a template / literal text (from a quoted YAML string).
    std::variant<std::monostate, Expr, Template> value;
    /// kList: the list path, the variable each item is bound to, and the item fields.
    std::vector<std::string> each;
    std::string item_name;
    std::vector<FieldRule> items;
};

/// One compiled mapping file.
struct Mapping {
    std::string name;  ///< file stem: "deal"
    std::string file;  ///< "deal.yaml"
    TargetSpec const* target = nullptr;
    SourceSchema const* source = nullptr;
    std::vector<FieldRule> match;
    std::vector<FieldRule> fields;
    std::map<std::string, std::pair<System, SourceRef>, std::less<>> owners;
};

/// Immutable once compiled; share it as std::shared_ptr<const MappingSet> and swap the pointer on
/// reload. Every method is const and thread-safe.
class MappingSet {
public:
    std::filesystem::path const& dir() const { return dir_; }
    std::vector<std::string> MappingNames() const;
    Mapping const* Find(std::string_view name) const;
    ValueTable const* FindTable(std::string_view name) const;
    std::vector<std::string> TableNames() const;

    /// Maps an order with the mapping named `name` (a mapping whose source is order). Errors are
    /// Permanent (a Bug for an unknown mapping name or source mismatch) and read
    /// `deal.yaml:9:13: order 1001: STAGE_ID: no row in table "statuses" (tables.yaml:4:5) with stage "x"`;
    /// link resolver errors come back as they are, with the same prefix.
    Result<MappingOutput> MapOrder(std::string_view name, Order const& order, LinkResolver const& links) const;
    Result<MappingOutput> MapCounterparty(std::string_view name, Counterparty const& counterparty,
                                          LinkResolver const& links) const;

    /// The `to` column of the row of `table` whose `from` column equals `value`, e.g.
    /// Lookup("statuses", "bitrix24", "Склад", "stage") -> "warehouse". Permanent error
    /// `no row in table "statuses" (tables.yaml:3:3) with bitrix24 "Склад"`, or naming an unknown
    /// table or column.
    Result<std::string> Lookup(std::string_view table, std::string_view from, std::string_view value,
                               std::string_view to) const;

    /// Who owns `field` of `target` across the mappings for that target (b2bsync when unlisted).
    System Owner(std::string_view target, std::string_view field) const;
    FieldOwnership Ownership(std::string_view target, std::string_view field) const;

private:
    friend class Compiler;
    Result<MappingOutput> Apply(std::string_view name, std::string_view source, Record const& roots,
                                std::string const& entity, LinkResolver const& links) const;

    std::filesystem::path dir_;
    std::map<std::string, Mapping, std::less<>> mappings_;
    TableMap tables_;
};

/// The outcome of compiling a directory: a set, or every problem found.
struct CompileOutcome {
    std::shared_ptr<MappingSet const> set;        ///< null when there are diagnostics
    std::vector<config::Diagnostic> diagnostics;  ///< sorted by file, line, column
};

/// Compiles every `*.yaml` in `dir` except the golden `*.cases.yaml`. Diagnostics name files
/// relative to `dir`'s parent's child, i.e. as "<dir>/deal.yaml" joined from the given path.
CompileOutcome Compile(std::filesystem::path const& dir);

}  // namespace b2b::mapping
