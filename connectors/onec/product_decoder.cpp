#include "connectors/onec/product_decoder.hpp"

#include <algorithm>

namespace b2b::onec {
namespace {

bool AllDigits(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

void ReadBaseUnit(pugi::xml_node unit, std::string& code, std::string& name) {
    if (!unit) {
        return;
    }
    std::string const text = NodeText(unit);
    code = Trimmed(Attr(unit, "Код").value());
    if (code.empty() && AllDigits(text)) {
        code = text;
    }
    name = Trimmed(Attr(unit, "НаименованиеПолное").value());
    if (name.empty() && !AllDigits(text)) {
        name = text;
    }
}

Result<CmlProduct> DecodeProduct(RawRecord const& record, DecodeContext const& ctx) {
    auto rec = ParsedRecord::Parse(record, ctx);
    if (!rec) {
        return rec.error();
    }
    auto root = rec->Root();
    CmlProduct p;
    auto id_node = Child(root, "Ид");
    p.id = OneCId(NodeText(id_node));
    if (p.id.value().empty()) {
        return rec->ErrorAt(root, "missing or empty <Ид>");
    }
    auto ref = SplitId(*rec, id_node, p.id.value());
    if (!ref) {
        return ref.error();
    }
    p.ref = std::move(*ref);
    p.article = ChildText(root, "Артикул");
    p.barcode = ChildText(root, "Штрихкод");
    p.name = ChildText(root, "Наименование");
    p.description = ChildText(root, "Описание");
    ReadBaseUnit(Child(root, "БазоваяЕдиница"), p.base_unit_code, p.base_unit_name);
    for (auto g : Children(Child(root, "Группы"), "Ид")) {
        if (auto text = NodeText(g); !text.empty()) {
            p.group_ids.emplace_back(std::move(text));
        }
    }
    auto maker = Child(root, "Изготовитель");
    p.manufacturer_id = ChildText(maker, "Ид");
    p.manufacturer_name = ChildText(maker, "Наименование");
    for (auto v : Children(Child(root, "ЗначенияСвойств"), "ЗначенияСвойства")) {
        p.property_values.push_back(CmlPropertyValue{ChildText(v, "Ид"), ChildText(v, "Значение")});
    }
    for (auto t : Children(Child(root, "СтавкиНалогов"), "СтавкаНалога")) {
        p.tax_rates.push_back(CmlTaxRate{ChildText(t, "Наименование"), ChildText(t, "Ставка")});
    }
    p.requisites = ReadRequisites(root);
    for (auto c : Children(Child(root, "ХарактеристикиТовара"), "ХарактеристикаТовара")) {
        p.characteristics.push_back(CmlCharacteristic{ChildText(c, "Наименование"), ChildText(c, "Значение")});
    }
    for (auto pic : Children(root, "Картинка")) {
        if (auto text = NodeText(pic); !text.empty()) {
            p.pictures.push_back(std::move(text));
        }
    }
    p.deleted = IsDeleted(root);
    return p;
}

}  // namespace b2b::onec
