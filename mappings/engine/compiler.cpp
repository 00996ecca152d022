#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <system_error>

#include "core/config/suggest.hpp"
#include "mappings/engine/canonical_values.hpp"
#include "mappings/engine/compile_support.hpp"
#include "mappings/engine/expression_checker.hpp"
#include "mappings/engine/mapping_set.hpp"
#include "mappings/engine/table_compiler.hpp"

namespace b2b::mapping {

using namespace detail;
namespace fs = std::filesystem;

/// Compiles a directory of mapping files into a MappingSet (a friend of it): tables first (any
/// file may declare them), then every mapping's match, fields and owner sections.
class Compiler {
public:
    explicit Compiler(fs::path dir) : dir_(std::move(dir)) { set_->dir_ = dir_; }

    CompileOutcome Run() {
        std::vector<std::pair<std::string, YAML::Node>> files = LoadFiles();
        for (auto const& [label, root] : files) {
            if (auto tables = root["tables"]) {
                CompileTables(r_, label, tables, set_->tables_);
            }
        }
        for (auto const& [label, root] : files) {
            CompileMapping(label, root);
        }
        std::vector<config::Diagnostic> diagnostics = r_.Take();
        std::sort(diagnostics.begin(), diagnostics.end(), [](auto const& a, auto const& b) {
            return std::tie(a.file, a.line, a.column, a.message) < std::tie(b.file, b.line, b.column, b.message);
        });
        CompileOutcome outcome;
        outcome.diagnostics = std::move(diagnostics);
        if (outcome.diagnostics.empty()) {
            outcome.set = std::move(set_);
        }
        return outcome;
    }

private:
    std::vector<std::pair<std::string, YAML::Node>> LoadFiles() {
        std::vector<std::pair<std::string, YAML::Node>> out;
        std::error_code ec;
        std::vector<fs::path> paths;
        for (fs::directory_iterator it(dir_, ec), end; !ec && it != end; it.increment(ec)) {
            std::string const name = it->path().filename().string();
            if (it->is_regular_file() && name.ends_with(".yaml") && !name.ends_with(".cases.yaml")) {
                paths.push_back(it->path());
            }
        }
        if (ec) {
            r_.Report(dir_.string(), Pos{}, "cannot read the mappings directory: " + ec.message());
            return out;
        }
        if (paths.empty()) {
            r_.Report(dir_.string(), Pos{}, "no mapping files (*.yaml) in the mappings directory");
            return out;
        }
        std::sort(paths.begin(), paths.end());
        for (auto const& path : paths) {
            std::string const label = (dir_ / path.filename()).string();
            std::ifstream in(path, std::ios::binary);
            std::stringstream text;
            text << in.rdbuf();
            if (!in) {
                r_.Report(label, Pos{}, "cannot read the file");
                continue;
            }
            YAML::Node root;
            try {
                root = YAML::Load(text.str());
            } catch (YAML::Exception const& e) {
                r_.Report(label, e.mark, "YAML syntax error: " + e.msg);
                continue;
            }
            if (!root.IsMap()) {
                r_.Report(label, Pos{1, 1},
                          "a mapping file must be a map of keys (target, match, fields, owner, tables), got " +
                              Describe(root));
                continue;
            }
            out.emplace_back(label, root);
        }
        return out;
    }

    // ---- fields ------------------------------------------------------------------------------------

    static std::optional<OutputKind> ParseOutputKind(std::string_view text) {
        for (auto kind :
             {OutputKind::kText, OutputKind::kInteger, OutputKind::kDecimal, OutputKind::kBool, OutputKind::kDate}) {
            if (ToString(kind) == text) {
                return kind;
            }
        }
        return std::nullopt;
    }

    static OutputKind Inferred(ValueType type) {
        switch (type) {
            case ValueType::kDecimal:
                return OutputKind::kDecimal;
            case ValueType::kInteger:
                return OutputKind::kInteger;
            case ValueType::kBool:
                return OutputKind::kBool;
            case ValueType::kTime:
                return OutputKind::kDate;
            default:
                return OutputKind::kText;
        }
    }

    static bool Accepts(OutputKind kind, ValueType type) {
        switch (kind) {
            case OutputKind::kText:
                return IsScalar(type);
            case OutputKind::kInteger:
                return type == ValueType::kInteger;
            case OutputKind::kDecimal:
                return type == ValueType::kDecimal || type == ValueType::kInteger;
            case OutputKind::kBool:
                return type == ValueType::kBool;
            case OutputKind::kDate:
                return type == ValueType::kTime || type == ValueType::kText;
            case OutputKind::kList:
                return false;
        }
        return false;
    }

    /// Compiles a scalar value node (plain = expression, quoted = template) into `rule`.
    bool CompileValue(std::string const& file, YAML::Node const& key, YAML::Node const& node, Scope const& scope,
                      FieldRule& rule, std::optional<OutputKind> declared) {
        if (!node.IsScalar()) {
            r_.Report(file, node.Mark().is_null() || node.IsNull() ? key.Mark() : node.Mark(),
                      rule.name + ": expected an expression or a \"template\", got " + Describe(node));
            return false;
        }
        Pos start = PosOf(node.Mark());
        ValueType type = ValueType::kText;
        int scale = -1;
        if (IsQuoted(node)) {
            // The opening quote is not part of the text (block scalars start on the next line; close enough).
            start.column += 1;
            auto parsed = ParseTemplate(node.Scalar(), start);
            if (auto* err = std::get_if<SyntaxError>(&parsed)) {
                r_.Report(file, err->pos, err->message);
                return false;
            }
            auto& tmpl = std::get<Template>(parsed);
            std::size_t const before = r_.Count();
            for (auto& piece : tmpl.pieces) {
                int ignored = -1;
                if (piece.expr && checker_.CheckExpr(file, *piece.expr, scope, &ignored) &&
                    !IsScalar(piece.expr->type)) {
                    r_.Report(file, piece.expr->pos,
                              "type error: " + Quote(JoinPath(piece.expr->term.path)) + " is a " +
                                  std::string(ToString(piece.expr->type)) + "; name one of its fields");
                }
            }
            if (r_.Count() != before) {
                return false;
            }
            rule.value = std::move(tmpl);
        } else {
            auto parsed = ParseExpression(node.Scalar(), start);
            if (auto* err = std::get_if<SyntaxError>(&parsed)) {
                r_.Report(file, err->pos, err->message);
                return false;
            }
            auto& expr = std::get<Expr>(parsed);
            if (!checker_.CheckExpr(file, expr, scope, &scale)) {
                return false;
            }
            type = expr.type;
            if (!IsScalar(type)) {
                r_.Report(file, expr.pos,
                          "type error: " + rule.name + " needs a single value, but " + Quote(JoinPath(expr.term.path)) +
                              " is a " + std::string(ToString(type)) +
                              (type == ValueType::kList ? "; use each:" : "; name one of its fields"));
                return false;
            }
            rule.value = std::move(expr);
        }
        rule.kind = declared.value_or(Inferred(type));
        if (!Accepts(rule.kind, type)) {
            r_.Report(file, start,
                      "type error: " + rule.name + " expects " + std::string(ToString(rule.kind)) + ", got " +
                          std::string(ToString(type)));
            return false;
        }
        if (scale >= 0) {
            rule.scale = scale;
        }
        return true;
    }

    /// Compiles `FIELD: value` where value is an expression, a template, `{value:, type:}` or `{each:, fields:}`.
    void CompileField(std::string const& file, std::string const& name, YAML::Node const& key, YAML::Node const& node,
                      Scope const& scope, TargetSpec const& target, std::vector<TargetField> const& catalog,
                      bool top_level, std::vector<FieldRule>& out) {
        FieldRule rule;
        rule.name = name;
        rule.at = SourceRef{file, key.Mark().line + 1, key.Mark().column + 1};
        TargetField const* declared = nullptr;
        for (auto const& f : catalog) {
            if (f.name == name) {
                declared = &f;
            }
        }
        bool const free = top_level && (target.free_names || (target.user_fields && IsUserFieldName(name)));
        if (declared == nullptr && !free) {
            std::vector<std::string> names;
            for (auto const& f : catalog) {
                names.push_back(f.name);
            }
            std::string const where = top_level ? "target " + target.name : "the items of this list";
            std::string hint = DidYouMean(name, names);
            if (hint.empty() && top_level && target.user_fields) {
                hint = "; user fields are UF_CRM_ followed by capitals, digits and _";
            }
            r_.Report(file, key.Mark(), "unknown field " + Quote(name) + " for " + where + hint);
            return;
        }
        if (declared != nullptr) {
            rule.kind = declared->kind;
            rule.scale = declared->scale;
            rule.required = declared->required;
        }
        if (node.IsMap()) {
            if (node["each"] || (declared != nullptr && declared->kind == OutputKind::kList)) {
                CompileList(file, key, node, scope, target, declared, rule, out);
                return;
            }
            CompileLongForm(file, key, node, scope, declared, rule, out);
            return;
        }
        if (declared != nullptr && declared->kind == OutputKind::kList) {
            r_.Report(file, node.IsNull() ? key.Mark() : node.Mark(),
                      name + " is a list: write it as { each: PATH, fields: { ... } }");
            return;
        }
        std::optional<OutputKind> kind;
        if (declared != nullptr) {
            kind = declared->kind;
        }
        if (CompileValue(file, key, node, scope, rule, kind)) {
            out.push_back(std::move(rule));
        }
    }

    void CompileLongForm(std::string const& file, YAML::Node const& key, YAML::Node const& node, Scope const& scope,
                         TargetField const* declared, FieldRule& rule, std::vector<FieldRule>& out) {
        // Default-constructed nodes are defined (null) in yaml-cpp: presence is tracked separately.
        bool has_value = false;
        YAML::Node value;
        YAML::Node value_key;
        std::optional<OutputKind> kind;
        if (declared != nullptr) {
            kind = declared->kind;
        }
        bool ok = true;
        r_.ForEachEntry(
            file, node, Quote(rule.name), [&](std::string const& name, YAML::Node const& k, YAML::Node const& v) {
                if (name == "value") {
                    has_value = true;
                    value = v;
                    value_key = k;
                } else if (name == "type") {
                    auto parsed = v.IsScalar() ? ParseOutputKind(v.Scalar()) : std::nullopt;
                    if (!parsed) {
                        r_.Report(file, v.IsNull() ? k.Mark() : v.Mark(),
                                  "unknown type " + Describe(v) + " for " + rule.name +
                                      "; expected text, integer, decimal, bool or date");
                        ok = false;
                    } else if (declared != nullptr && *parsed != declared->kind) {
                        r_.Report(file, v.Mark(),
                                  rule.name + " is a " + std::string(ToString(declared->kind)) +
                                      " field of the target; its type cannot be changed");
                        ok = false;
                    } else {
                        kind = parsed;
                    }
                } else if (name == "required") {
                    if (!v.IsScalar() || (v.Scalar() != "true" && v.Scalar() != "false")) {
                        r_.Report(file, v.IsNull() ? k.Mark() : v.Mark(),
                                  "\"required\" must be true or false, got " + Describe(v));
                        ok = false;
                    } else {
                        rule.required = rule.required || v.Scalar() == "true";
                    }
                } else {
                    r_.Report(file, k.Mark(),
                              "unknown key " + Quote(name) + " in " + Quote(rule.name) +
                                  DidYouMean(name, {"value", "type", "required", "each", "fields"}) +
                                  (config::ClosestMatch(name, {"value", "type", "required", "each", "fields"})
                                       ? ""
                                       : "; valid keys: value, type, required"));
                    ok = false;
                }
            });
        if (!has_value) {
            r_.Report(file, key.Mark(), Quote(rule.name) + ": missing required key \"value\"");
            return;
        }
        if (ok && CompileValue(file, value_key, value, scope, rule, kind)) {
            out.push_back(std::move(rule));
        }
    }

    void CompileList(std::string const& file, YAML::Node const& key, YAML::Node const& node, Scope const& scope,
                     TargetSpec const& target, TargetField const* declared, FieldRule& rule,
                     std::vector<FieldRule>& out) {
        if (declared == nullptr || declared->kind != OutputKind::kList) {
            r_.Report(file, key.Mark(),
                      rule.name + " is not a list field of target " + target.name + "; \"each\" is for " +
                          "multi-fields (PHONE, EMAIL, WEB), PRODUCT_ROWS and BANK_DETAILS");
            return;
        }
        rule.kind = OutputKind::kList;
        YAML::Node fields;
        YAML::Node fields_key;
        bool has_fields = false;
        bool has_each = false;
        Scope inner = scope;
        r_.ForEachEntry(
            file, node, Quote(rule.name), [&](std::string const& name, YAML::Node const& k, YAML::Node const& v) {
                if (name == "each") {
                    has_each = true;
                    if (!v.IsScalar() || IsQuoted(v)) {
                        r_.Report(file, v.IsNull() ? k.Mark() : v.Mark(),
                                  "\"each\" needs a path to a list, e.g. order.lines");
                        return;
                    }
                    auto parsed = ParseExpression(v.Scalar(), PosOf(v.Mark()));
                    auto* expr = std::get_if<Expr>(&parsed);
                    if (expr == nullptr || expr->term.kind != Term::Kind::kPath || !expr->calls.empty()) {
                        r_.Report(file, v.Mark(),
                                  "\"each\" needs a path to a list, e.g. order.lines, got " + Describe(v));
                        return;
                    }
                    TypeSpec const* list = checker_.ResolvePath(file, expr->term.pos, expr->term.path, scope);
                    if (list == nullptr) {
                        return;
                    }
                    if (list->type != ValueType::kList) {
                        r_.Report(file, v.Mark(),
                                  "\"each\" needs a list, but " + Quote(v.Scalar()) + " is a " +
                                      std::string(ToString(list->type)));
                        return;
                    }
                    rule.each = expr->term.path;
                    rule.item_name = list->item_name;
                    inner.item_name = list->item_name;
                    inner.item = list->element.get();
                } else if (name == "fields") {
                    has_fields = true;
                    fields = v;
                    fields_key = k;
                } else {
                    r_.Report(file, k.Mark(),
                              "unknown key " + Quote(name) + " in " + Quote(rule.name) +
                                  DidYouMean(name, {"each", "fields"}) +
                                  (config::ClosestMatch(name, {"each", "fields"}) ? "" : "; valid keys: each, fields"));
                }
            });
        if (!has_each || !has_fields) {
            r_.Report(file, key.Mark(),
                      Quote(rule.name) + ": missing required key " + Quote(has_each ? "fields" : "each"));
            return;
        }
        if (inner.item == nullptr || !r_.ExpectMap(file, fields_key, fields, rule.name + ".fields")) {
            return;
        }
        std::size_t const before = r_.Count();
        r_.ForEachEntry(file, fields, Quote(rule.name + ".fields"),
                        [&](std::string const& name, YAML::Node const& k, YAML::Node const& v) {
                            CompileField(file, name, k, v, inner, target, declared->item_fields, false, rule.items);
                        });
        ReportMissingRequired(file, key.Mark(), declared->item_fields, fields, rule.name + " items");
        if (r_.Count() == before) {
            out.push_back(std::move(rule));
        }
    }

    /// Reports required catalog fields that `fields` (the YAML map as written) does not name. A
    /// field written but broken has its own diagnostic already.
    void ReportMissingRequired(std::string const& file, YAML::Mark const& at, std::vector<TargetField> const& catalog,
                               YAML::Node const& fields, std::string const& where) {
        for (auto const& f : catalog) {
            bool mapped = false;
            for (auto it = fields.begin(); it != fields.end(); ++it) {
                mapped = mapped || (it->first.IsScalar() && it->first.Scalar() == f.name);
            }
            if (f.required && !mapped) {
                r_.Report(file, at, where + ": missing required field " + Quote(f.name));
            }
        }
    }

    // ---- mapping files -------------------------------------------------------------------------------

    void CompileMapping(std::string const& file, YAML::Node const& root) {
        static std::vector<std::string> const kTopKeys = {"target", "description", "match",
                                                          "fields", "owner",       "tables"};
        std::map<std::string, std::pair<YAML::Node, YAML::Node>> sections;
        r_.ForEachEntry(file, root, "the top level",
                        [&](std::string const& name, YAML::Node const& key, YAML::Node const& value) {
                            if (std::find(kTopKeys.begin(), kTopKeys.end(), name) == kTopKeys.end()) {
                                std::string const hint = DidYouMean(name, kTopKeys);
                                r_.Report(file, key.Mark(),
                                          "unknown key " + Quote(name) + " at the top level" +
                                              (hint.empty() ? "; valid keys: " + OneOf(kTopKeys) : hint));
                                return;
                            }
                            sections[name] = {key, value};
                        });
        bool const has_rules = sections.contains("match") || sections.contains("fields") || sections.contains("owner");
        if (!sections.contains("target")) {
            if (has_rules) {
                r_.Report(file, Pos{1, 1}, "missing required key \"target\" (one of: " + OneOf(TargetNames()) + ")");
            }
            return;
        }
        auto const& [tkey, tvalue] = sections["target"];
        if (!tvalue.IsScalar()) {
            r_.Report(file, tvalue.IsNull() ? tkey.Mark() : tvalue.Mark(),
                      "\"target\" must be one of: " + OneOf(TargetNames()));
            return;
        }
        TargetSpec const* target = FindTarget(tvalue.Scalar());
        if (target == nullptr) {
            std::string const hint = DidYouMean(tvalue.Scalar(), TargetNames());
            r_.Report(file, tvalue.Mark(),
                      "unknown target " + Quote(tvalue.Scalar()) +
                          (hint.empty() ? "; targets: " + OneOf(TargetNames()) : hint));
            return;
        }
        Mapping mapping;
        mapping.file = file;
        mapping.name = fs::path(file).stem().string();
        mapping.target = target;
        mapping.source = FindSource(target->source);
        Scope const scope{mapping.source, {}, nullptr};
        std::size_t const before = r_.Count();
        if (auto it = sections.find("match"); it != sections.end()) {
            auto const& [key, node] = it->second;
            if (r_.ExpectMap(file, key, node, "match")) {
                r_.ForEachEntry(file, node, "\"match\"",
                                [&](std::string const& name, YAML::Node const& k, YAML::Node const& v) {
                                    CompileField(file, name, k, v, scope, *target, target->fields, true, mapping.match);
                                });
            }
        }
        if (auto it = sections.find("fields"); it != sections.end()) {
            auto const& [key, node] = it->second;
            if (r_.ExpectMap(file, key, node, "fields")) {
                r_.ForEachEntry(
                    file, node, "\"fields\"", [&](std::string const& name, YAML::Node const& k, YAML::Node const& v) {
                        CompileField(file, name, k, v, scope, *target, target->fields, true, mapping.fields);
                    });
                ReportMissingRequired(file, key.Mark(), target->fields, node, "fields of target " + target->name);
            }
        } else {
            r_.Report(file, Pos{1, 1}, "missing required key \"fields\"");
        }
        if (auto it = sections.find("owner"); it != sections.end()) {
            CompileOwners(file, it->second.first, it->second.second, *target, mapping);
        }
        if (r_.Count() != before) {
            return;
        }
        if (auto it = set_->mappings_.find(mapping.name); it != set_->mappings_.end()) {
            r_.Report(file, Pos{1, 1},
                      "a mapping named " + Quote(mapping.name) + " exists already: " + it->second.file);
            return;
        }
        set_->mappings_.emplace(mapping.name, std::move(mapping));
    }

    void CompileOwners(std::string const& file, YAML::Node const& key, YAML::Node const& node, TargetSpec const& target,
                       Mapping& mapping) {
        if (!r_.ExpectMap(file, key, node, "owner")) {
            return;
        }
        static std::vector<std::string> const kSystems = {"b2bsync", "onec", "bitrix24", "site"};
        r_.ForEachEntry(
            file, node, "\"owner\"", [&](std::string const& field, YAML::Node const& k, YAML::Node const& v) {
                bool const known = target.Field(field) != nullptr || (target.user_fields && IsUserFieldName(field)) ||
                                   std::any_of(mapping.fields.begin(), mapping.fields.end(),
                                               [&field](FieldRule const& r) { return r.name == field; }) ||
                                   (target.free_names && !field.empty());
                if (!known) {
                    r_.Report(file, k.Mark(),
                              "unknown field " + Quote(field) + " for target " + target.name +
                                  DidYouMean(field, target.FieldNames()));
                    return;
                }
                auto system = v.IsScalar() ? ParseSystem(v.Scalar()) : std::nullopt;
                if (!system) {
                    std::string const text = v.IsScalar() ? v.Scalar() : std::string();
                    std::string const hint = DidYouMean(text, kSystems);
                    r_.Report(file, v.IsNull() ? k.Mark() : v.Mark(),
                              "unknown system " + Describe(v) + " for " + field +
                                  (hint.empty() ? "; expected one of: " + OneOf(kSystems) : hint));
                    return;
                }
                mapping.owners[field] = {*system, SourceRef{file, k.Mark().line + 1, k.Mark().column + 1}};
            });
    }

    fs::path dir_;
    Reporter r_;
    std::shared_ptr<MappingSet> set_ = std::make_shared<MappingSet>();
    ExpressionChecker checker_{r_, set_->tables_};
};

CompileOutcome Compile(std::filesystem::path const& dir) { return Compiler(dir).Run(); }

}  // namespace b2b::mapping
