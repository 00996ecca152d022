#include "mappings/engine/value.hpp"

namespace b2b::mapping {

std::string_view ToString(ValueType type) noexcept {
    switch (type) {
        case ValueType::kText:
            return "text";
        case ValueType::kDecimal:
            return "decimal";
        case ValueType::kInteger:
            return "integer";
        case ValueType::kBool:
            return "bool";
        case ValueType::kTime:
            return "time";
        case ValueType::kRecord:
            return "record";
        case ValueType::kList:
            return "list";
    }
    return "text";
}

Record const* Value::AsRecord() const {
    auto const* p = std::get_if<std::shared_ptr<Record const>>(&data);
    return p != nullptr ? p->get() : nullptr;
}

List const* Value::AsList() const {
    auto const* p = std::get_if<std::shared_ptr<List const>>(&data);
    return p != nullptr ? p->get() : nullptr;
}

Value Value::Text(std::string text) {
    if (text.empty()) {
        return Value{};
    }
    return Value{std::move(text)};
}

Value Value::Of(Record record) { return Value{std::make_shared<Record const>(std::move(record))}; }

Value Value::Of(List list) { return Value{std::make_shared<List const>(std::move(list))}; }

TypeSpec const* TypeSpec::Field(std::string_view name) const {
    for (auto const& [field, spec] : fields) {
        if (field == name) {
            return spec.get();
        }
    }
    return nullptr;
}

std::vector<std::string> TypeSpec::FieldNames() const {
    std::vector<std::string> names;
    for (auto const& [field, spec] : fields) {
        names.push_back(field);
    }
    return names;
}

std::shared_ptr<TypeSpec const> Scalar(ValueType type, std::string description) {
    auto spec = std::make_shared<TypeSpec>();
    spec->type = type;
    spec->description = std::move(description);
    return spec;
}

std::shared_ptr<TypeSpec const> RecordOf(std::vector<std::pair<std::string, std::shared_ptr<TypeSpec const>>> fields,
                                         std::string description) {
    auto spec = std::make_shared<TypeSpec>();
    spec->type = ValueType::kRecord;
    spec->fields = std::move(fields);
    spec->description = std::move(description);
    return spec;
}

std::shared_ptr<TypeSpec const> ListOf(std::shared_ptr<TypeSpec const> element, std::string item_name,
                                       std::string description) {
    auto spec = std::make_shared<TypeSpec>();
    spec->type = ValueType::kList;
    spec->element = std::move(element);
    spec->item_name = std::move(item_name);
    spec->description = std::move(description);
    return spec;
}

TypeSpec const* SourceSchema::Root(std::string_view root) const {
    for (auto const& [name, spec] : roots) {
        if (name == root) {
            return spec.get();
        }
    }
    return nullptr;
}

std::vector<std::string> SourceSchema::RootNames() const {
    std::vector<std::string> names;
    for (auto const& [name, spec] : roots) {
        names.push_back(name);
    }
    return names;
}

std::string ScalarText(Value const& v) {
    struct Visitor {
        std::string operator()(std::monostate) const { return {}; }
        std::string operator()(std::string const& s) const { return s; }
        std::string operator()(Decimal d) const { return d.ToString(); }
        std::string operator()(std::int64_t i) const { return std::to_string(i); }
        std::string operator()(bool b) const { return b ? "true" : "false"; }
        std::string operator()(ZonedTime const& t) const { return FormatIso8601(t); }
        std::string operator()(std::shared_ptr<Record const> const&) const { return {}; }
        std::string operator()(std::shared_ptr<List const> const&) const { return {}; }
    };
    return std::visit(Visitor{}, v.data);
}

}  // namespace b2b::mapping
