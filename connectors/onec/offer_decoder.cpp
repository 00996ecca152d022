#include "connectors/onec/offer_decoder.hpp"

#include <fmt/format.h>

#include "connectors/onec/product_decoder.hpp"
#include "core/domain/decimal_parse.hpp"

namespace b2b::onec {
namespace {

Status AddStock(ParsedRecord const& rec, pugi::xml_node at, std::vector<CmlStock>& stock, std::string warehouse_id,
                Decimal quantity) {
    for (auto& s : stock) {
        if (s.warehouse_id == warehouse_id) {
            auto sum = Add(s.quantity, quantity);
            if (!sum) {
                return rec.ErrorAt(at, sum.error().message);
            }
            s.quantity = *sum;
            return {};
        }
    }
    stock.push_back(CmlStock{std::move(warehouse_id), quantity});
    return {};
}

// ЦенаЗаЕдиницу as element or attribute; without either, the number leading Представление
// ("1 234,50 руб. за шт", " 100 RUB за PCE": what 1C prints for the price) stands in for it.
Result<Decimal> ReadPerUnit(ParsedRecord const& rec, pugi::xml_node price, std::string const& presentation) {
    auto per_unit = ChildOrAttrDecimal(rec, price, "ЦенаЗаЕдиницу");
    if (!per_unit) {
        return per_unit.error();
    }
    if (*per_unit) {
        return **per_unit;
    }
    if (presentation.empty()) {
        return rec.ErrorAt(price, "price without <ЦенаЗаЕдиницу> or <Представление>");
    }
    auto from_text = ParseDecimalLenient(presentation);
    if (!from_text) {
        return rec.ErrorAt(price, "price without <ЦенаЗаЕдиницу> and no number in <Представление>: " +
                                      from_text.error().message);
    }
    return *from_text;
}

Status ReadPrices(ParsedRecord const& rec, pugi::xml_node root, CmlOffer& offer) {
    for (auto price : Children(Child(root, "Цены"), "Цена")) {
        CmlPrice p;
        p.price_type_id = ChildOrAttrText(price, "ИдТипаЦены");
        if (p.price_type_id.empty()) {
            return rec.ErrorAt(price, "price without <ИдТипаЦены>");
        }
        p.presentation = ChildOrAttrText(price, "Представление");
        auto per_unit = ReadPerUnit(rec, price, p.presentation);
        if (!per_unit) {
            return per_unit.error();
        }
        p.per_unit = *per_unit;
        auto coefficient = ChildOrAttrDecimal(rec, price, "Коэффициент");
        if (!coefficient) {
            return coefficient.error();
        }
        p.coefficient = *coefficient;
        p.currency = ChildOrAttrText(price, "Валюта");
        p.unit = ChildOrAttrText(price, "Единица");
        offer.prices.push_back(std::move(p));
    }
    return {};
}

Status ReadStock(ParsedRecord const& rec, pugi::xml_node root, CmlOffer& offer) {
    // Shape 2 (2.07): <Склад ИдСклада=".." КоличествоНаСкладе=".."/> directly in Предложение.
    for (auto wh : Children(root, "Склад")) {
        std::string id = Trimmed(Attr(wh, "ИдСклада").value());
        if (id.empty()) {
            return rec.ErrorAt(wh, "<Склад> without ИдСклада");
        }
        auto q = ParseDecimal(Attr(wh, "КоличествоНаСкладе").value());
        if (!q) {
            return rec.ErrorAt(wh, q.error().message);
        }
        if (auto st = AddStock(rec, wh, offer.stock, std::move(id), *q); !st) {
            return st;
        }
    }
    // Shape 3 (2.09+): Остатки/Остаток/Склад/(Ид, Количество).
    for (auto rest : Children(Child(root, "Остатки"), "Остаток")) {
        auto warehouses = Children(rest, "Склад");
        if (warehouses.empty()) {
            auto total = ChildDecimal(rec, rest, "Количество");
            if (!total) {
                return total.error();
            }
            if (*total && !offer.quantity) {
                offer.quantity = *total;
            }
            continue;
        }
        for (auto wh : warehouses) {
            std::string id = ChildText(wh, "Ид");
            if (id.empty()) {
                return rec.ErrorAt(wh, "<Склад> without <Ид>");
            }
            auto q = ChildDecimal(rec, wh, "Количество");
            if (!q) {
                return q.error();
            }
            if (auto st = AddStock(rec, wh, offer.stock, std::move(id), q->value_or(Decimal{})); !st) {
                return st;
            }
        }
    }
    return {};
}

}  // namespace

Result<CmlOffer> DecodeOffer(RawRecord const& record, DecodeContext const& ctx) {
    auto rec = ParsedRecord::Parse(record, ctx);
    if (!rec) {
        return rec.error();
    }
    auto root = rec->Root();
    CmlOffer offer;
    auto id_node = Child(root, "Ид");
    offer.id = OneCId(NodeText(id_node));
    if (offer.id.value().empty()) {
        return rec->ErrorAt(root, "missing or empty <Ид>");
    }
    auto ref = SplitId(*rec, id_node, offer.id.value());
    if (!ref) {
        return ref.error();
    }
    offer.ref = std::move(*ref);
    offer.name = ChildText(root, "Наименование");
    offer.article = ChildText(root, "Артикул");
    offer.barcode = ChildText(root, "Штрихкод");
    std::string unit_name;
    ReadBaseUnit(Child(root, "БазоваяЕдиница"), offer.base_unit_code, unit_name);
    if (auto st = ReadPrices(*rec, root, offer); !st) {
        return st.error();
    }
    auto quantity = ChildOrAttrDecimal(*rec, root, "Количество");
    if (!quantity) {
        return quantity.error();
    }
    offer.quantity = *quantity;
    if (auto st = ReadStock(*rec, root, offer); !st) {
        return st.error();
    }
    for (auto c : Children(Child(root, "ХарактеристикиТовара"), "ХарактеристикаТовара")) {
        offer.characteristics.push_back(CmlCharacteristic{ChildText(c, "Наименование"), ChildText(c, "Значение")});
    }
    for (auto v : Children(Child(root, "ЗначенияСвойств"), "ЗначенияСвойства")) {
        offer.property_values.push_back(CmlPropertyValue{ChildText(v, "Ид"), ChildText(v, "Значение")});
    }
    offer.deleted = IsDeleted(root);
    return offer;
}

}  // namespace b2b::onec
