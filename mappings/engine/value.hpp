#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "core/domain/decimal.hpp"
#include "core/domain/zoned_time.hpp"

/// The canonical entity as the mapping engine sees it: a typed value tree (records, lists, scalars)
/// described by a declared schema (TypeSpec), so the compiler can check every path a mapping names.
namespace b2b::mapping {

enum class ValueType { kText, kDecimal, kInteger, kBool, kTime, kRecord, kList };

/// "text", "decimal", "integer", "bool", "time", "record", "list": the words diagnostics use.
std::string_view ToString(ValueType type) noexcept;

struct Value;
using Record = std::map<std::string, Value, std::less<>>;
using List = std::vector<Value>;

/// One node of the tree. An absent value (monostate) is what an unknown field of the canonical
/// entity becomes (an empty name, no 1C number yet): `default(x)` replaces it, and a field whose
/// value is absent is left out of the output.
struct Value {
    std::variant<std::monostate, std::string, Decimal, std::int64_t, bool, ZonedTime, std::shared_ptr<Record const>,
                 std::shared_ptr<List const>>
        data;

    bool IsAbsent() const noexcept { return std::holds_alternative<std::monostate>(data); }
    Record const* AsRecord() const;
    List const* AsList() const;

    static Value Text(std::string text);  ///< empty text -> absent
    static Value Number(Decimal d) { return Value{d}; }
    static Value Integer(std::int64_t i) { return Value{i}; }
    static Value Bool(bool b) { return Value{b}; }
    static Value Time(ZonedTime t) { return Value{t}; }
    static Value Of(Record record);
    static Value Of(List list);
};

/// The declared type of a node. Records list their fields in declaration order (the order the
/// reference shows); a list names its element and the variable `each:` binds it to ("line").
struct TypeSpec {
    ValueType type = ValueType::kText;
    std::string description;
    std::vector<std::pair<std::string, std::shared_ptr<TypeSpec const>>> fields;
    std::shared_ptr<TypeSpec const> element;
    std::string item_name;

    TypeSpec const* Field(std::string_view name) const;
    std::vector<std::string> FieldNames() const;
};

/// Builders for declaring schemas tersely.
std::shared_ptr<TypeSpec const> Scalar(ValueType type, std::string description);
std::shared_ptr<TypeSpec const> RecordOf(std::vector<std::pair<std::string, std::shared_ptr<TypeSpec const>>> fields,
                                         std::string description);
std::shared_ptr<TypeSpec const> ListOf(std::shared_ptr<TypeSpec const> element, std::string item_name,
                                       std::string description);

/// The named roots a mapping of one source kind may use ("order" and "buyer" for orders).
struct SourceSchema {
    std::string name;  ///< "order" or "counterparty"
    std::vector<std::pair<std::string, std::shared_ptr<TypeSpec const>>> roots;

    TypeSpec const* Root(std::string_view root) const;
    std::vector<std::string> RootNames() const;
};

/// The text form of a scalar as outputs and table lookups use it: decimals canonical ("1500.5"),
/// integers, bools "true"/"false", times ISO 8601 with offset; empty for absent and non-scalars.
std::string ScalarText(Value const& v);

}  // namespace b2b::mapping
