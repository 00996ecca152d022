#include "mappings/engine/expression_checker.hpp"

#include <algorithm>

#include "core/config/suggest.hpp"
#include "mappings/engine/functions.hpp"
#include "mappings/engine/ownership.hpp"

namespace b2b::mapping::detail {

ValueType LinkType(std::string_view kind) {
    // Bitrix24 ids are integers; other systems' ids (1C GUIDs, site ids) are text. A stage link
    // gives the portal's STATUS_ID ("C1:NEW").
    return kind.starts_with("bitrix24.") && kind != "bitrix24.stage" ? ValueType::kInteger : ValueType::kText;
}

bool IsScalar(ValueType t) { return t != ValueType::kRecord && t != ValueType::kList; }

std::vector<std::string> ExpressionChecker::TableNames() const {
    std::vector<std::string> names;
    for (auto const& [name, table] : tables_) {
        names.push_back(name);
    }
    return names;
}

/// The type at `path`, or nullptr after reporting an unknown path at `pos`.
TypeSpec const* ExpressionChecker::ResolvePath(std::string const& file, Pos pos, std::vector<std::string> const& path,
                                               Scope const& scope) {
    std::string const text = JoinPath(path);
    TypeSpec const* node = scope.Root(path.front());
    if (node == nullptr) {
        auto best = config::ClosestMatch(path.front(), scope.RootNames());
        if (best) {
            auto fixed = path;
            fixed.front() = *best;
            r_.Report(file, pos, "unknown path " + Quote(text) + "; did you mean " + Quote(JoinPath(fixed)) + "?");
        } else {
            r_.Report(file, pos,
                      "unknown path " + Quote(text) + ": it must start with one of: " + OneOf(scope.RootNames()));
        }
        return nullptr;
    }
    for (std::size_t i = 1; i < path.size(); ++i) {
        TypeSpec const* next = node->type == ValueType::kRecord ? node->Field(path[i]) : nullptr;
        if (next == nullptr) {
            std::string const parent =
                JoinPath(std::vector<std::string>(path.begin(), path.begin() + static_cast<long>(i)));
            if (node->type != ValueType::kRecord) {
                r_.Report(file, pos,
                          "unknown path " + Quote(text) + ": " + Quote(parent) + " is a " +
                              std::string(ToString(node->type)) + ", it has no fields");
                return nullptr;
            }
            auto best = config::ClosestMatch(path[i], node->FieldNames());
            if (best) {
                auto fixed = std::vector<std::string>(path.begin(), path.begin() + static_cast<long>(i));
                fixed.push_back(*best);
                r_.Report(file, pos, "unknown path " + Quote(text) + "; did you mean " + Quote(JoinPath(fixed)) + "?");
            } else {
                r_.Report(file, pos,
                          "unknown path " + Quote(text) + ": " + Quote(parent) + " has: " + OneOf(node->FieldNames()));
            }
            return nullptr;
        }
        node = next;
    }
    return node;
}

bool ExpressionChecker::CheckSystemKind(std::string const& file, Pos pos, std::string const& kind) {
    auto const dot = kind.find('.');
    std::string const system = kind.substr(0, dot);
    if (!ParseSystem(system)) {
        r_.Report(file, pos,
                  "unknown system " + Quote(system) + " in " + Quote(kind) +
                      "; expected one of: b2bsync, onec, bitrix24, site" +
                      DidYouMean(system, {"b2bsync", "onec", "bitrix24", "site"}));
        return false;
    }
    if (dot == std::string::npos || dot + 1 == kind.size()) {
        r_.Report(file, pos, "link needs SYSTEM.KIND, e.g. bitrix24.company, got " + Quote(kind));
        return false;
    }
    return true;
}

std::optional<ValueType> ExpressionChecker::CheckTerm(std::string const& file, Term const& term, Scope const& scope) {
    switch (term.kind) {
        case Term::Kind::kText:
            return ValueType::kText;
        case Term::Kind::kNumber:
            return term.number.FractionDigits() == 0 ? ValueType::kInteger : ValueType::kDecimal;
        case Term::Kind::kBool:
            return ValueType::kBool;
        case Term::Kind::kLink: {
            TypeSpec const* entity = ResolvePath(file, term.pos, term.path, scope);
            if (entity == nullptr) {
                return std::nullopt;
            }
            if (entity->type != ValueType::kRecord || entity->Field("id") == nullptr) {
                r_.Report(
                    file, term.pos,
                    "link needs an entity with an id (order, buyer, counterparty), got " + Quote(JoinPath(term.path)));
                return std::nullopt;
            }
            if (!CheckSystemKind(file, term.pos, term.text)) {
                return std::nullopt;
            }
            return LinkType(term.text);
        }
        case Term::Kind::kPath: {
            TypeSpec const* spec = ResolvePath(file, term.pos, term.path, scope);
            if (spec == nullptr) {
                return std::nullopt;
            }
            return spec->type;
        }
    }
    return std::nullopt;
}

bool ExpressionChecker::ArgCount(std::string const& file, Call const& call, std::size_t min, std::size_t max) {
    if (call.args.size() >= min && call.args.size() <= max) {
        return true;
    }
    std::string const expected = min == max ? std::to_string(min) : std::to_string(min) + " to " + std::to_string(max);
    r_.Report(file, call.pos,
              "function " + Quote(call.name) + " takes " + expected + " argument" + (max == 1 && min == 1 ? "" : "s") +
                  ", got " + std::to_string(call.args.size()));
    return false;
}

bool ExpressionChecker::InputType(std::string const& file, Call const& call, ValueType input,
                                  std::vector<ValueType> const& accepted) {
    if (std::find(accepted.begin(), accepted.end(), input) != accepted.end()) {
        return true;
    }
    std::string names;
    for (auto t : accepted) {
        names += (names.empty() ? "" : " or ") + std::string(ToString(t));
    }
    r_.Report(file, call.pos,
              "type error: " + Quote(call.name) + " expects " + names + ", got " + std::string(ToString(input)));
    return false;
}

std::optional<ValueType> ExpressionChecker::CheckTable(std::string const& file, Call const& call, ValueType input) {
    if (!ArgCount(file, call, 1, 3)) {
        return std::nullopt;
    }
    for (auto const& arg : call.args) {
        if (arg.kind != Arg::Kind::kName) {
            r_.Report(file, arg.pos,
                      "table takes names without quotes: table(NAME), table(NAME, TO), table(NAME, FROM, TO)");
            return std::nullopt;
        }
    }
    if (!IsScalar(input)) {
        r_.Report(file, call.pos, "type error: \"table\" expects a scalar, got " + std::string(ToString(input)));
        return std::nullopt;
    }
    auto it = tables_.find(call.args[0].text);
    if (it == tables_.end()) {
        std::string const name = call.args[0].text;
        r_.Report(file, call.args[0].pos, "unknown table " + Quote(name) + DidYouMean(name, TableNames()));
        return std::nullopt;
    }
    ValueTable const& table = it->second;
    std::string const to = call.args.size() == 1 ? (table.HasColumn("value") ? "value" : "") : call.args.back().text;
    if (call.args.size() == 1 && to.empty()) {
        r_.Report(file, call.pos,
                  "table " + Quote(table.name) + " has columns (" + OneOf(table.columns) +
                      "): name the one to return, e.g. table(" + table.name + ", " +
                      (table.columns.size() > 1 ? table.columns[1] : table.key_column) + ")");
        return std::nullopt;
    }
    for (std::size_t i = 1; i < call.args.size(); ++i) {
        if (!table.HasColumn(call.args[i].text)) {
            r_.Report(file, call.args[i].pos,
                      "table " + Quote(table.name) + " has no column " + Quote(call.args[i].text) +
                          DidYouMean(call.args[i].text, table.columns));
            return std::nullopt;
        }
    }
    return table.ColumnType(to);
}

std::optional<ValueType> ExpressionChecker::CheckCall(std::string const& file, Call const& call, ValueType input,
                                                      int* scale) {
    auto const& names = FunctionNames();
    if (std::find(names.begin(), names.end(), call.name) == names.end()) {
        r_.Report(file, call.pos,
                  "unknown function " + Quote(call.name) + DidYouMean(call.name, names) +
                      (config::ClosestMatch(call.name, names) ? "" : "; functions: " + OneOf(names)));
        return std::nullopt;
    }
    if (call.name == "table") {
        *scale = -1;
        return CheckTable(file, call, input);
    }
    if (call.name == "default") {
        if (!ArgCount(file, call, 1, 1)) {
            return std::nullopt;
        }
        Arg const& arg = call.args[0];
        bool const matches =
            (arg.kind == Arg::Kind::kText && input == ValueType::kText) ||
            (arg.kind == Arg::Kind::kNumber && (input == ValueType::kDecimal || input == ValueType::kInteger)) ||
            (arg.kind == Arg::Kind::kName && (arg.text == "true" || arg.text == "false") && input == ValueType::kBool);
        if (arg.kind == Arg::Kind::kName && arg.text != "true" && arg.text != "false") {
            r_.Report(file, arg.pos, "default takes a literal: a \"text\", a number, true or false");
            return std::nullopt;
        }
        return matches ? input : ValueType::kText;
    }
    if (call.name == "upper" || call.name == "lower" || call.name == "trim") {
        if (!ArgCount(file, call, 0, 0) || !InputType(file, call, input, {ValueType::kText})) {
            return std::nullopt;
        }
        return ValueType::kText;
    }
    if (call.name == "date") {
        if (!ArgCount(file, call, 0, 1) || !InputType(file, call, input, {ValueType::kTime})) {
            return std::nullopt;
        }
        if (!call.args.empty() && call.args[0].kind != Arg::Kind::kText) {
            r_.Report(file, call.args[0].pos, "date takes a quoted format, e.g. date(\"%d.%m.%Y\")");
            return std::nullopt;
        }
        *scale = -1;
        return ValueType::kText;
    }
    if (call.name == "link") {
        if (!ArgCount(file, call, 1, 1)) {
            return std::nullopt;
        }
        if (call.args[0].kind != Arg::Kind::kName || !CheckSystemKind(file, call.args[0].pos, call.args[0].text)) {
            if (call.args[0].kind != Arg::Kind::kName) {
                r_.Report(file, call.args[0].pos, "link takes SYSTEM.KIND without quotes, e.g. link(bitrix24.stage)");
            }
            return std::nullopt;
        }
        if (!IsScalar(input)) {
            r_.Report(file, call.pos, "type error: \"link\" expects a scalar, got " + std::string(ToString(input)));
            return std::nullopt;
        }
        *scale = -1;
        return LinkType(call.args[0].text);
    }
    // decimal(scale)
    if (!ArgCount(file, call, 1, 1) || !InputType(file, call, input, {ValueType::kDecimal, ValueType::kInteger})) {
        return std::nullopt;
    }
    Arg const& arg = call.args[0];
    if (arg.kind != Arg::Kind::kNumber || arg.number.FractionDigits() != 0 || arg.number.IsNegative() ||
        arg.number > Decimal::FromRaw(4 * Decimal::kOne)) {
        r_.Report(file, arg.pos, "decimal takes a scale 0..4, got " + Quote(arg.text));
        return std::nullopt;
    }
    *scale = static_cast<int>(arg.number.raw() / Decimal::kOne);
    return ValueType::kDecimal;
}

/// Type-checks `e` in place; returns false after reporting. `scale` gets the last decimal(n).
bool ExpressionChecker::CheckExpr(std::string const& file, Expr& e, Scope const& scope, int* scale) {
    auto type = CheckTerm(file, e.term, scope);
    if (!type) {
        return false;
    }
    *scale = -1;
    for (auto const& call : e.calls) {
        type = CheckCall(file, call, *type, scale);
        if (!type) {
            return false;
        }
    }
    e.type = *type;
    return true;
}

}  // namespace b2b::mapping::detail
