#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/domain/decimal.hpp"
#include "mappings/engine/value.hpp"

/// Syntax of mapping expressions (docs/mappings.md "Expressions"):
///   expr     := term ( "|" call )*
///   term     := path | "text" | number | true | false | link(path, system.kind)
///   path     := name ( "." name )*                       order.total, buyer.inn, line.quantity
///   call     := name [ "(" arg ( "," arg )* ")" ]        table(statuses, site), decimal(2), upper
///   arg      := dotted name | "text" | number
/// and templates: text with {{ expr }} holes ("Заказ {{order.number}} — {{buyer.name}}").
/// Parsing is purely syntactic; names are checked by the compiler. Positions are 1-based
/// line/column in the mapping file, counted in characters.
namespace b2b::mapping {

struct Pos {
    int line = 0;
    int column = 0;
};

struct Arg {
    enum class Kind { kName, kText, kNumber } kind = Kind::kName;
    std::string text;  ///< the name (possibly dotted) or the string; for numbers the digits
    Decimal number;
    Pos pos;
};

struct Call {
    std::string name;
    std::vector<Arg> args;
    Pos pos;
};

struct Term {
    enum class Kind { kPath, kText, kNumber, kBool, kLink } kind = Kind::kPath;
    std::vector<std::string> path;  ///< kPath; for kLink the entity path
    std::string text;               ///< kText; for kLink the system.kind
    Decimal number;
    bool flag = false;
    Pos pos;
};

struct Expr {
    Term term;
    std::vector<Call> calls;
    Pos pos;
    /// Filled by the compiler: the type of the result.
    ValueType type = ValueType::kText;
};

struct TemplatePiece {
    std::string text;          ///< literal text (when expr is empty)
    std::optional<Expr> expr;  ///< a {{ }} hole
};

struct Template {
    std::vector<TemplatePiece> pieces;
};

struct SyntaxError {
    Pos pos;
    std::string message;
};

/// Parses `text` that starts at `start` in the file.
std::variant<Expr, SyntaxError> ParseExpression(std::string_view text, Pos start);
/// Parses a template; text without holes is one literal piece.
std::variant<Template, SyntaxError> ParseTemplate(std::string_view text, Pos start);

/// "order.total" from {"order", "total"}.
std::string JoinPath(std::vector<std::string> const& path);

}  // namespace b2b::mapping
