#include <chrono>

#include "core/domain/decimal_parse.hpp"
#include "mappings/engine/canonical_values.hpp"
#include "mappings/engine/expression_checker.hpp"
#include "mappings/engine/mapping_set.hpp"
#include "mappings/engine/text_case.hpp"

namespace b2b::mapping {
namespace {

struct EvalContext {
    MappingSet const& set;
    Mapping const& mapping;
    Record const& roots;
    std::string const& entity;
    LinkResolver const& links;
    /// `each:` items in scope, innermost last.
    std::vector<std::pair<std::string, Value const*>> items;
    /// "PRODUCT_ROWS[2].PRICE" while evaluating that field.
    std::string field;
};

/// `deal.yaml:9:13: order 1001: STAGE_ID: <reason>`: where in the mapping, which entity, which field.
Error Fail(EvalContext const& ctx, Pos pos, std::string const& reason) {
    return Error::Permanent(ctx.mapping.file + ":" + std::to_string(pos.line) + ":" + std::to_string(pos.column) +
                            ": " + ctx.entity + ": " + ctx.field + ": " + reason);
}

Error Fail(EvalContext const& ctx, SourceRef const& at, std::string const& reason) {
    return Fail(ctx, Pos{at.line, at.column}, reason);
}

std::string Quote(std::string_view s) { return "\"" + std::string(s) + "\""; }

Value const* Root(EvalContext const& ctx, std::string const& name) {
    for (auto it = ctx.items.rbegin(); it != ctx.items.rend(); ++it) {
        if (it->first == name) {
            return it->second;
        }
    }
    auto it = ctx.roots.find(name);
    return it == ctx.roots.end() ? nullptr : &it->second;
}

/// The value at a path the compiler checked; absent when a record on the way is absent.
Value Walk(EvalContext const& ctx, std::vector<std::string> const& path) {
    Value const* node = Root(ctx, path.front());
    for (std::size_t i = 1; node != nullptr && i < path.size(); ++i) {
        Record const* record = node->AsRecord();
        if (record == nullptr) {
            return Value{};
        }
        auto it = record->find(path[i]);
        node = it == record->end() ? nullptr : &it->second;
    }
    return node == nullptr ? Value{} : *node;
}

Result<Value> TypedText(EvalContext const& ctx, Pos pos, std::string const& text, ValueType type,
                        std::string const& what) {
    if (text.empty()) {
        return Value{};
    }
    if (type == ValueType::kInteger) {
        std::int64_t n = 0;
        bool ok = text.size() <= 18;
        std::size_t i = text[0] == '-' ? 1 : 0;
        ok = ok && i < text.size();
        for (; ok && i < text.size(); ++i) {
            ok = text[i] >= '0' && text[i] <= '9';
            n = n * 10 + (text[i] - '0');
        }
        if (!ok) {
            return Fail(ctx, pos, what + " gave " + Quote(text) + ", which is not an integer");
        }
        return Value::Integer(text[0] == '-' ? -n : n);
    }
    if (type == ValueType::kDecimal) {
        auto d = ParseDecimal(text);
        if (!d) {
            return Fail(ctx, pos, what + " gave " + Quote(text) + ", which is not a number");
        }
        return Value::Number(*d);
    }
    return Value::Text(text);
}

Result<Value> Resolve(EvalContext const& ctx, Pos pos, std::string const& kind, std::string const& key,
                      ValueType type) {
    if (key.empty()) {
        return Value{};
    }
    auto found = ctx.links.Resolve(kind, key);
    if (!found) {
        Error e = found.error();
        e.message = ctx.mapping.file + ":" + std::to_string(pos.line) + ":" + std::to_string(pos.column) + ": " +
                    ctx.entity + ": " + ctx.field + ": link " + kind + ": " + e.message;
        return e;
    }
    if (!*found) {
        return Value{};
    }
    return TypedText(ctx, pos, **found, type, "link(" + kind + ")");
}

std::string FormatDate(ZonedTime const& t, std::string_view format) {
    using namespace std::chrono;
    auto const local = t.Local();
    auto const day = floor<days>(local);
    year_month_day const ymd{day};
    hh_mm_ss const hms{floor<seconds>(local - day)};
    auto two = [](long v) {
        std::string digits = std::to_string(v);
        return digits.size() < 2 ? "0" + digits : digits;
    };
    std::string out;
    for (std::size_t i = 0; i < format.size(); ++i) {
        if (format[i] != '%' || i + 1 == format.size()) {
            out += format[i];
            continue;
        }
        switch (format[++i]) {
            case 'Y':
                out += std::to_string(static_cast<int>(ymd.year()));
                break;
            case 'm':
                out += two(static_cast<unsigned>(ymd.month()));
                break;
            case 'd':
                out += two(static_cast<unsigned>(ymd.day()));
                break;
            case 'H':
                out += two(hms.hours().count());
                break;
            case 'M':
                out += two(hms.minutes().count());
                break;
            case 'S':
                out += two(static_cast<long>(hms.seconds().count()));
                break;
            case 'z': {
                long const minutes = t.offset.count();
                long const a = minutes < 0 ? -minutes : minutes;
                out += (minutes < 0 ? "-" : "+") + two(a / 60) + ":" + two(a % 60);
                break;
            }
            default:
                out += format[i - 1];
                out += format[i];
        }
    }
    return out;
}

Result<Value> CallTable(EvalContext const& ctx, Call const& call, Value const& input) {
    if (input.IsAbsent()) {
        return Value{};
    }
    ValueTable const* table = ctx.set.FindTable(call.args[0].text);
    std::string const from = call.args.size() == 3 ? call.args[1].text : table->key_column;
    std::string const to = call.args.size() == 1 ? std::string("value") : call.args.back().text;
    std::string const key = ScalarText(input);
    ValueTable::Row const* row = table->Find(from, key);
    if (row == nullptr) {
        return Fail(ctx, call.pos,
                    "no row in table " + Quote(table->name) + " (" + table->at.ToString() + ") with " + from + " " +
                        Quote(key));
    }
    auto cell = row->cells.find(to);
    std::string const text = cell == row->cells.end() ? std::string() : cell->second;
    return TypedText(ctx, call.pos, text, table->ColumnType(to),
                     "table " + Quote(table->name) + " (row at " + row->at.ToString() + ")");
}

Result<Value> CallFunction(EvalContext const& ctx, Call const& call, Value const& input, ValueType input_type) {
    if (call.name == "table") {
        return CallTable(ctx, call, input);
    }
    if (call.name == "default") {
        bool const empty = input.IsAbsent() || (std::holds_alternative<std::string>(input.data) &&
                                                std::get<std::string>(input.data).empty());
        if (!empty) {
            return input;
        }
        Arg const& arg = call.args[0];
        if (arg.kind == Arg::Kind::kNumber && input_type == ValueType::kInteger && arg.number.FractionDigits() == 0) {
            return Value::Integer(arg.number.raw() / Decimal::kOne);
        }
        if (arg.kind == Arg::Kind::kNumber && input_type == ValueType::kDecimal) {
            return Value::Number(arg.number);
        }
        if (arg.kind == Arg::Kind::kName && input_type == ValueType::kBool) {
            return Value::Bool(arg.text == "true");
        }
        return Value{arg.text};
    }
    if (input.IsAbsent()) {
        return Value{};
    }
    if (call.name == "upper" || call.name == "lower" || call.name == "trim") {
        std::string const& text = std::get<std::string>(input.data);
        if (call.name == "trim") {
            return Value::Text(std::string(TrimText(text)));
        }
        return Value::Text(call.name == "upper" ? ToUpper(text) : ToLower(text));
    }
    if (call.name == "date") {
        return Value::Text(
            FormatDate(std::get<ZonedTime>(input.data), call.args.empty() ? "%Y-%m-%d" : call.args[0].text));
    }
    if (call.name == "link") {
        std::string const& kind = call.args[0].text;
        return Resolve(ctx, call.pos, kind, ScalarText(input), detail::LinkType(kind));
    }
    // decimal(scale)
    int const scale = static_cast<int>(call.args[0].number.raw() / Decimal::kOne);
    Decimal d;
    if (auto const* i = std::get_if<std::int64_t>(&input.data)) {
        auto converted = Decimal::FromInteger(*i);
        if (!converted) {
            return Fail(ctx, call.pos, converted.error().message);
        }
        d = *converted;
    } else {
        d = std::get<Decimal>(input.data);
    }
    auto rounded = RoundTo(d, scale);
    if (!rounded) {
        return Fail(ctx, call.pos, rounded.error().message);
    }
    return Value::Number(*rounded);
}

Result<Value> Evaluate(EvalContext const& ctx, Expr const& e) {
    Value value;
    ValueType type = ValueType::kText;
    switch (e.term.kind) {
        case Term::Kind::kText:
            value = Value::Text(e.term.text);
            break;
        case Term::Kind::kNumber:
            if (e.term.number.FractionDigits() == 0) {
                value = Value::Integer(e.term.number.raw() / Decimal::kOne);
                type = ValueType::kInteger;
            } else {
                value = Value::Number(e.term.number);
                type = ValueType::kDecimal;
            }
            break;
        case Term::Kind::kBool:
            value = Value::Bool(e.term.flag);
            type = ValueType::kBool;
            break;
        case Term::Kind::kLink: {
            auto path = e.term.path;
            path.push_back("id");
            type = detail::LinkType(e.term.text);
            auto resolved = Resolve(ctx, e.term.pos, e.term.text, ScalarText(Walk(ctx, path)), type);
            if (!resolved) {
                return resolved.error();
            }
            value = *resolved;
            break;
        }
        case Term::Kind::kPath:
            value = Walk(ctx, e.term.path);
            type = std::holds_alternative<Decimal>(value.data)        ? ValueType::kDecimal
                   : std::holds_alternative<std::int64_t>(value.data) ? ValueType::kInteger
                   : std::holds_alternative<bool>(value.data)         ? ValueType::kBool
                   : std::holds_alternative<ZonedTime>(value.data)    ? ValueType::kTime
                                                                      : ValueType::kText;
            break;
    }
    for (auto const& call : e.calls) {
        auto next = CallFunction(ctx, call, value, type);
        if (!next) {
            return next.error();
        }
        value = std::move(*next);
        if (std::holds_alternative<Decimal>(value.data)) {
            type = ValueType::kDecimal;
        } else if (std::holds_alternative<std::int64_t>(value.data)) {
            type = ValueType::kInteger;
        } else if (std::holds_alternative<std::string>(value.data)) {
            type = ValueType::kText;
        }
    }
    return value;
}

Result<std::optional<OutputValue>> Output(EvalContext& ctx, FieldRule const& rule);

Result<OutputRecord> OutputFields(EvalContext& ctx, std::vector<FieldRule> const& rules, std::string const& prefix) {
    OutputRecord record;
    for (auto const& rule : rules) {
        ctx.field = prefix + rule.name;
        auto out = Output(ctx, rule);
        if (!out) {
            return out.error();
        }
        if (*out) {
            record.fields.emplace_back(rule.name, std::move(**out));
        }
    }
    return record;
}

Result<std::optional<OutputValue>> OutputList(EvalContext& ctx, FieldRule const& rule) {
    Value const list_value = Walk(ctx, rule.each);
    OutputValue out;
    out.kind = OutputKind::kList;
    List const* list = list_value.AsList();
    std::string const field = ctx.field;
    for (std::size_t i = 0; list != nullptr && i < list->size(); ++i) {
        ctx.items.emplace_back(rule.item_name, &(*list)[i]);
        auto item = OutputFields(ctx, rule.items, field + "[" + std::to_string(i) + "].");
        ctx.items.pop_back();
        if (!item) {
            return item.error();
        }
        out.items.push_back(std::move(*item));
    }
    ctx.field = field;
    return std::optional<OutputValue>(std::move(out));
}

Result<std::optional<OutputValue>> Output(EvalContext& ctx, FieldRule const& rule) {
    if (rule.kind == OutputKind::kList) {
        return OutputList(ctx, rule);
    }
    Value value;
    if (auto const* tmpl = std::get_if<Template>(&rule.value)) {
        std::string text;
        bool any_hole = false;
        bool any_filled = false;
        for (auto const& piece : tmpl->pieces) {
            if (!piece.expr) {
                text += piece.text;
                continue;
            }
            auto hole = Evaluate(ctx, *piece.expr);
            if (!hole) {
                return hole.error();
            }
            any_hole = true;
            any_filled = any_filled || !hole->IsAbsent();
            text += ScalarText(*hole);
        }
        // A template all of whose holes are empty says nothing (": " of an order without delivery).
        value = any_hole && !any_filled ? Value{} : Value::Text(std::move(text));
    } else if (auto const* expr = std::get_if<Expr>(&rule.value)) {
        auto evaluated = Evaluate(ctx, *expr);
        if (!evaluated) {
            return evaluated.error();
        }
        value = std::move(*evaluated);
    }
    if (value.IsAbsent()) {
        if (rule.required) {
            return Fail(ctx, rule.at, "is required, but the mapping gave an empty value");
        }
        return std::optional<OutputValue>();
    }
    OutputValue out;
    out.kind = rule.kind;
    TargetSpec const& target = *ctx.mapping.target;
    if (auto const* b = std::get_if<bool>(&value.data)) {
        out.text = *b ? target.true_word : target.false_word;
    } else if (auto const* d = std::get_if<Decimal>(&value.data); d != nullptr && rule.scale >= 0) {
        auto rounded = RoundTo(*d, rule.scale);
        if (!rounded) {
            return Fail(ctx, rule.at, rounded.error().message);
        }
        out.text = rounded->ToString(rule.scale);
    } else if (auto const* i = std::get_if<std::int64_t>(&value.data);
               i != nullptr && rule.kind == OutputKind::kDecimal && rule.scale >= 0) {
        out.text = Decimal::FromInteger(*i) ? Decimal::FromInteger(*i)->ToString(rule.scale) : std::to_string(*i);
    } else {
        out.text = ScalarText(value);
    }
    return std::optional<OutputValue>(std::move(out));
}

std::string EntityName(std::string_view source, Record const& roots) {
    Record const* record = roots.find(source)->second.AsRecord();
    auto field = [record](char const* name) {
        auto it = record->find(name);
        return it == record->end() ? std::string() : ScalarText(it->second);
    };
    std::string name = source == "order" ? field("number") : field("name");
    if (name.empty()) {
        name = field("id");
    }
    return std::string(source) + " " + (source == "order" ? name : Quote(name));
}

}  // namespace

OutputValue const* OutputRecord::Find(std::string_view name) const {
    for (auto const& [field, value] : fields) {
        if (field == name) {
            return &value;
        }
    }
    return nullptr;
}

std::vector<std::string> MappingSet::MappingNames() const {
    std::vector<std::string> names;
    for (auto const& [name, m] : mappings_) {
        names.push_back(name);
    }
    return names;
}

Mapping const* MappingSet::Find(std::string_view name) const {
    auto it = mappings_.find(name);
    return it == mappings_.end() ? nullptr : &it->second;
}

ValueTable const* MappingSet::FindTable(std::string_view name) const {
    auto it = tables_.find(name);
    return it == tables_.end() ? nullptr : &it->second;
}

std::vector<std::string> MappingSet::TableNames() const {
    std::vector<std::string> names;
    for (auto const& [name, t] : tables_) {
        names.push_back(name);
    }
    return names;
}

Result<MappingOutput> MappingSet::Apply(std::string_view name, std::string_view source, Record const& roots,
                                        std::string const& entity, LinkResolver const& links) const {
    Mapping const* mapping = Find(name);
    if (mapping == nullptr) {
        return Error::Bug("no mapping named " + Quote(name) + " in " + dir_.string());
    }
    if (mapping->source->name != source) {
        return Error::Bug("mapping " + mapping->file + " maps a " + mapping->source->name + ", not a " +
                          std::string(source));
    }
    EvalContext ctx{*this, *mapping, roots, entity, links, {}, {}};
    MappingOutput out;
    out.mapping = mapping->name;
    out.target = mapping->target->name;
    auto match = OutputFields(ctx, mapping->match, "match.");
    if (!match) {
        return match.error();
    }
    out.match = std::move(*match);
    auto fields = OutputFields(ctx, mapping->fields, "");
    if (!fields) {
        return fields.error();
    }
    out.fields = std::move(*fields);
    return out;
}

Result<MappingOutput> MappingSet::MapOrder(std::string_view name, Order const& order, LinkResolver const& links) const {
    Record const roots = OrderRoots(order);
    return Apply(name, "order", roots, EntityName("order", roots), links);
}

Result<MappingOutput> MappingSet::MapCounterparty(std::string_view name, Counterparty const& counterparty,
                                                  LinkResolver const& links) const {
    Record const roots = CounterpartyRoots(counterparty);
    return Apply(name, "counterparty", roots, EntityName("counterparty", roots), links);
}

Result<std::string> MappingSet::Lookup(std::string_view table_name, std::string_view from, std::string_view value,
                                       std::string_view to) const {
    ValueTable const* table = FindTable(table_name);
    if (table == nullptr) {
        return Error::Permanent("no table " + Quote(table_name) + " in the mappings of " + dir_.string());
    }
    for (auto column : {from, to}) {
        if (!table->HasColumn(column)) {
            return Error::Permanent("table " + Quote(table->name) + " (" + table->at.ToString() + ") has no column " +
                                    Quote(column));
        }
    }
    ValueTable::Row const* row = table->Find(from, value);
    if (row == nullptr) {
        return Error::Permanent("no row in table " + Quote(table->name) + " (" + table->at.ToString() + ") with " +
                                std::string(from) + " " + Quote(value));
    }
    auto cell = row->cells.find(to);
    return cell == row->cells.end() ? std::string() : cell->second;
}

System MappingSet::Owner(std::string_view target, std::string_view field) const {
    for (auto const& [name, mapping] : mappings_) {
        if (mapping.target->name != target) {
            continue;
        }
        if (auto it = mapping.owners.find(field); it != mapping.owners.end()) {
            return it->second.first;
        }
    }
    return System::kB2bsync;
}

FieldOwnership MappingSet::Ownership(std::string_view target, std::string_view field) const {
    return FieldOwnership{std::string(target), std::string(field), Owner(target, field)};
}

}  // namespace b2b::mapping
