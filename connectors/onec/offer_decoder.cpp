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

// ЦенаЗаЕдиницу (`per_unit`) as element or attribute; without either, the number leading Представление
// ("1 234,50 руб. за шт", " 100 RUB за PCE": what 1C prints for the price) stands in for it.
Result<Decimal> ReadPerUnit(ParsedRecord const& rec, pugi::xml_node price, pugi::xml_node per_unit_node,
                            std::string const& presentation) {
    auto per_unit = DecimalOrAttr(rec, price, per_unit_node, "ЦенаЗаЕдиницу");
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

Result<CmlPrice> ReadPrice(ParsedRecord const& rec, pugi::xml_node price) {
    auto const [type_id, presentation, per_unit_node, coefficient_node, currency, unit] =
        FirstChildren(price, {"ИдТипаЦены", "Представление", "ЦенаЗаЕдиницу", "Коэффициент", "Валюта", "Единица"});
    CmlPrice p;
    p.price_type_id = TextOrAttr(price, type_id, "ИдТипаЦены");
    if (p.price_type_id.empty()) {
        return rec.ErrorAt(price, "price without <ИдТипаЦены>");
    }
    p.presentation = TextOrAttr(price, presentation, "Представление");
    auto per_unit = ReadPerUnit(rec, price, per_unit_node, p.presentation);
    if (!per_unit) {
        return per_unit.error();
    }
    p.per_unit = *per_unit;
    auto coefficient = DecimalOrAttr(rec, price, coefficient_node, "Коэффициент");
    if (!coefficient) {
        return coefficient.error();
    }
    p.coefficient = *coefficient;
    p.currency = TextOrAttr(price, currency, "Валюта");
    p.unit = TextOrAttr(price, unit, "Единица");
    return p;
}

Status ReadPrices(ParsedRecord const& rec, pugi::xml_node prices, CmlOffer& offer) {
    offer.prices.reserve(ChildElementCount(prices));
    for (auto price : Children(prices, "Цена")) {
        auto p = ReadPrice(rec, price);
        if (!p) {
            return p.error();
        }
        offer.prices.push_back(std::move(*p));
    }
    return {};
}

// Shape 2 (2.07): <Склад ИдСклада=".." КоличествоНаСкладе=".."/> directly in Предложение.
Status ReadWarehouseAttributes(ParsedRecord const& rec, pugi::xml_node root, CmlOffer& offer) {
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
    return {};
}

// Shape 3 (2.09+): Остатки/Остаток/Склад/(Ид, Количество).
Status ReadRests(ParsedRecord const& rec, pugi::xml_node rests, CmlOffer& offer) {
    // Usually one warehouse per Остаток.
    offer.stock.reserve(offer.stock.size() + ChildElementCount(rests));
    for (auto rest : Children(rests, "Остаток")) {
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
            auto const [id_node, quantity] = FirstChildren(wh, {"Ид", "Количество"});
            std::string id = NodeText(id_node);
            if (id.empty()) {
                return rec.ErrorAt(wh, "<Склад> without <Ид>");
            }
            auto q = NodeDecimal(rec, quantity);
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

Result<CmlOffer> DecodeOffer(RawRecord const& record, DecodeContext const& ctx, RecordParser& parser) {
    auto rec = parser.Parse(record, ctx);
    if (!rec) {
        return rec.error();
    }
    auto root = rec->Root();
    auto const [id_node, name, article, barcode, base_unit, prices, quantity_node, rests, characteristics, values,
                status, deletion_mark] =
        FirstChildren(root, {"Ид", "Наименование", "Артикул", "Штрихкод", "БазоваяЕдиница", "Цены", "Количество",
                             "Остатки", "ХарактеристикиТовара", "ЗначенияСвойств", "Статус", "ПометкаУдаления"});
    CmlOffer offer;
    offer.id = OneCId(NodeText(id_node));
    if (offer.id.value().empty()) {
        return rec->ErrorAt(root, "missing or empty <Ид>");
    }
    auto ref = SplitId(*rec, id_node, offer.id.value());
    if (!ref) {
        return ref.error();
    }
    offer.ref = std::move(*ref);
    offer.name = NodeText(name);
    offer.article = NodeText(article);
    offer.barcode = NodeText(barcode);
    std::string unit_name;
    ReadBaseUnit(base_unit, offer.base_unit_code, unit_name);
    if (auto st = ReadPrices(*rec, prices, offer); !st) {
        return st.error();
    }
    auto quantity = DecimalOrAttr(*rec, root, quantity_node, "Количество");
    if (!quantity) {
        return quantity.error();
    }
    offer.quantity = *quantity;
    if (auto st = ReadWarehouseAttributes(*rec, root, offer); !st) {
        return st.error();
    }
    if (auto st = ReadRests(*rec, rests, offer); !st) {
        return st.error();
    }
    offer.characteristics = ReadCharacteristics(characteristics);
    offer.property_values = ReadPropertyValues(values);
    offer.deleted = IsDeleted(root, status, deletion_mark);
    return offer;
}

}  // namespace b2b::onec
