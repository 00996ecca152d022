#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mappings/engine/compile_support.hpp"
#include "mappings/engine/expression.hpp"
#include "mappings/engine/tables.hpp"
#include "mappings/engine/value.hpp"

namespace b2b::mapping::detail {

/// The type a link gives: integer for Bitrix24 ids, text otherwise (and for bitrix24.stage).
ValueType LinkType(std::string_view kind);
bool IsScalar(ValueType t);

/// Type-checks parsed expressions against the source schema in scope and the compiled tables:
/// unknown paths, functions, tables and columns, argument counts and types, all with did-you-mean.
class ExpressionChecker {
public:
    ExpressionChecker(Reporter& r, TableMap const& tables) : r_(r), tables_(tables) {}

    /// Sets e.type; returns false after reporting. `scale` gets the digits of a final decimal(n), else -1.
    bool CheckExpr(std::string const& file, Expr& e, Scope const& scope, int* scale);
    /// The type at `path`, or nullptr after reporting an unknown path at `pos`.
    TypeSpec const* ResolvePath(std::string const& file, Pos pos, std::vector<std::string> const& path,
                                Scope const& scope);

private:
    bool CheckSystemKind(std::string const& file, Pos pos, std::string const& kind);
    std::optional<ValueType> CheckTerm(std::string const& file, Term const& term, Scope const& scope);
    bool ArgCount(std::string const& file, Call const& call, std::size_t min, std::size_t max);
    bool InputType(std::string const& file, Call const& call, ValueType input, std::vector<ValueType> const& accepted);
    std::optional<ValueType> CheckTable(std::string const& file, Call const& call, ValueType input);
    std::optional<ValueType> CheckCall(std::string const& file, Call const& call, ValueType input, int* scale);
    std::vector<std::string> TableNames() const;

    Reporter& r_;
    TableMap const& tables_;
};

}  // namespace b2b::mapping::detail
