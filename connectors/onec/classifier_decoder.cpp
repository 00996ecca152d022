#include "connectors/onec/classifier_decoder.hpp"

namespace b2b::onec {
namespace {

Result<OneCId> RequiredId(ParsedRecord const& rec, pugi::xml_node node) {
    std::string id = ChildText(node, "Ид");
    if (id.empty()) {
        return rec.ErrorAt(node, "missing or empty <Ид>");
    }
    return OneCId(std::move(id));
}

Status FlattenGroup(ParsedRecord const& rec, pugi::xml_node node, std::optional<OneCId> parent,
                    std::vector<CmlGroup>& out) {
    auto id = RequiredId(rec, node);
    if (!id) {
        return id.error();
    }
    out.push_back(CmlGroup{*id, ChildText(node, "Наименование"), std::move(parent), IsDeleted(node)});
    for (auto child : Children(Child(node, "Группы"), "Группа")) {
        if (auto st = FlattenGroup(rec, child, *id, out); !st) {
            return st;
        }
    }
    return {};
}

}  // namespace

Result<std::vector<CmlGroup>> DecodeGroup(RawRecord const& record, DecodeContext const& ctx, RecordParser& parser) {
    auto rec = parser.Parse(record, ctx);
    if (!rec) {
        return rec.error();
    }
    std::vector<CmlGroup> out;
    if (auto st = FlattenGroup(*rec, rec->Root(), std::nullopt, out); !st) {
        return st.error();
    }
    return out;
}

Result<CmlProperty> DecodeProperty(RawRecord const& record, DecodeContext const& ctx, RecordParser& parser) {
    auto rec = parser.Parse(record, ctx);
    if (!rec) {
        return rec.error();
    }
    auto root = rec->Root();
    auto id = RequiredId(*rec, root);
    if (!id) {
        return id.error();
    }
    CmlProperty p;
    p.id = *id;
    p.name = ChildText(root, "Наименование");
    p.value_type = ChildText(root, "ТипЗначений");
    p.deleted = IsDeleted(root);
    for (auto option : Children(Child(root, "ВариантыЗначений"), "Справочник")) {
        auto const [value_id, value] = FirstChildren(option, {"ИдЗначения", "Значение"});
        p.options.push_back(CmlPropertyOption{NodeText(value_id), NodeText(value)});
    }
    return p;
}

Result<CmlPriceType> DecodePriceType(RawRecord const& record, DecodeContext const& ctx, RecordParser& parser) {
    auto rec = parser.Parse(record, ctx);
    if (!rec) {
        return rec.error();
    }
    auto root = rec->Root();
    auto id = RequiredId(*rec, root);
    if (!id) {
        return id.error();
    }
    CmlPriceType t;
    t.id = *id;
    t.name = ChildText(root, "Наименование");
    t.currency = ChildText(root, "Валюта");
    auto tax = Child(root, "Налог");
    t.tax_name = ChildText(tax, "Наименование");
    t.tax_included = ParseBool(ChildText(tax, "УчтеноВСумме"));
    t.deleted = IsDeleted(root);
    return t;
}

Result<CmlWarehouse> DecodeWarehouse(RawRecord const& record, DecodeContext const& ctx, RecordParser& parser) {
    auto rec = parser.Parse(record, ctx);
    if (!rec) {
        return rec.error();
    }
    auto root = rec->Root();
    auto id = RequiredId(*rec, root);
    if (!id) {
        return id.error();
    }
    return CmlWarehouse{*id, ChildText(root, "Наименование"), IsDeleted(root)};
}

Result<CmlUnit> DecodeUnit(RawRecord const& record, DecodeContext const& ctx, RecordParser& parser) {
    auto rec = parser.Parse(record, ctx);
    if (!rec) {
        return rec.error();
    }
    auto root = rec->Root();
    CmlUnit u;
    u.id = ChildText(root, "Ид");
    u.code = ChildText(root, "Код");
    if (u.id.empty() && u.code.empty()) {
        return rec->ErrorAt(root, "unit has neither <Ид> nor <Код>");
    }
    u.short_name = ChildText(root, "НаименованиеКраткое");
    u.full_name = ChildText(root, "НаименованиеПолное");
    u.international = ChildText(root, "МеждународноеСокращение");
    u.deleted = IsDeleted(root);
    return u;
}

}  // namespace b2b::onec
