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
    std::string scratch;
    std::string_view const text = NodeTextView(unit, scratch);
    code = TrimmedView(Attr(unit, "Код").value());
    if (code.empty() && AllDigits(text)) {
        code = text;
    }
    name = TrimmedView(Attr(unit, "НаименованиеПолное").value());
    if (name.empty() && !AllDigits(text)) {
        name = text;
    }
}

Result<CmlProduct> DecodeProduct(RawRecord const& record, DecodeContext const& ctx, RecordParser& parser) {
    auto rec = parser.Parse(record, ctx);
    if (!rec) {
        return rec.error();
    }
    auto root = rec->Root();
    auto const [id_node, article, barcode, name, description, base_unit, groups, maker, values, taxes, requisites,
                characteristics, status, deletion_mark] =
        FirstChildren(root, {"Ид", "Артикул", "Штрихкод", "Наименование", "Описание", "БазоваяЕдиница", "Группы",
                             "Изготовитель", "ЗначенияСвойств", "СтавкиНалогов", "ЗначенияРеквизитов",
                             "ХарактеристикиТовара", "Статус", "ПометкаУдаления"});
    CmlProduct p;
    p.id = OneCId(NodeText(id_node));
    if (p.id.value().empty()) {
        return rec->ErrorAt(root, "missing or empty <Ид>");
    }
    auto ref = SplitId(*rec, id_node, p.id.value());
    if (!ref) {
        return ref.error();
    }
    p.ref = std::move(*ref);
    p.article = NodeText(article);
    p.barcode = NodeText(barcode);
    p.name = NodeText(name);
    p.description = NodeText(description);
    ReadBaseUnit(base_unit, p.base_unit_code, p.base_unit_name);
    for (auto g : Children(groups, "Ид")) {
        if (auto text = NodeText(g); !text.empty()) {
            p.group_ids.emplace_back(std::move(text));
        }
    }
    auto const [maker_id, maker_name] = FirstChildren(maker, {"Ид", "Наименование"});
    p.manufacturer_id = NodeText(maker_id);
    p.manufacturer_name = NodeText(maker_name);
    p.property_values = ReadPropertyValues(values);
    for (auto t : Children(taxes, "СтавкаНалога")) {
        auto const [tax_name, rate] = FirstChildren(t, {"Наименование", "Ставка"});
        p.tax_rates.push_back(CmlTaxRate{NodeText(tax_name), NodeText(rate)});
    }
    p.requisites = ReadRequisites(requisites);
    p.characteristics = ReadCharacteristics(characteristics);
    for (auto pic : Children(root, "Картинка")) {
        if (auto text = NodeText(pic); !text.empty()) {
            p.pictures.push_back(std::move(text));
        }
    }
    p.deleted = IsDeleted(root, status, deletion_mark);
    return p;
}

std::vector<CmlCharacteristic> ReadCharacteristics(pugi::xml_node characteristics) {
    return ReadPairs<CmlCharacteristic>(characteristics, "ХарактеристикаТовара", "Наименование", "Значение");
}

std::vector<CmlPropertyValue> ReadPropertyValues(pugi::xml_node values) {
    // Most of a product's bytes (dozens of values per product in real catalogs).
    return ReadPairs<CmlPropertyValue>(values, "ЗначенияСвойства", "Ид", "Значение");
}

}  // namespace b2b::onec
