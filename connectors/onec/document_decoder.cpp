#include "connectors/onec/document_decoder.hpp"

#include "connectors/onec/counterparty_decoder.hpp"
#include "connectors/onec/product_decoder.hpp"

namespace b2b::onec {
namespace {

Result<std::optional<ZonedTime>> ParseDateValue(ParsedRecord const& rec, pugi::xml_node at, std::string const& text) {
    if (text.empty()) {
        return std::optional<ZonedTime>{};
    }
    auto t = ParseIso8601(text, rec.Context().default_utc_offset);
    if (!t) {
        return rec.ErrorAt(at, t.error().message);
    }
    return std::optional<ZonedTime>{*t};
}

Result<CmlDocumentLine> ReadLine(ParsedRecord const& rec, pugi::xml_node item) {
    CmlDocumentLine line;
    auto id_node = Child(item, "Ид");
    line.id = NodeText(id_node);
    if (line.id.empty()) {
        return rec.ErrorAt(item, "line item without <Ид>");
    }
    auto ref = SplitId(rec, id_node, line.id);
    if (!ref) {
        return ref.error();
    }
    line.ref = std::move(*ref);
    line.name = ChildText(item, "Наименование");
    if (auto base = Child(item, "БазоваяЕдиница")) {
        ReadBaseUnit(base, line.unit_code, line.unit_name);
    } else if (auto unit = Child(item, "Единица")) {
        line.unit_code = ChildText(unit, "Код");
        line.unit_name = ChildText(unit, "НаименованиеКраткое");
        if (line.unit_name.empty()) {
            line.unit_name = ChildText(unit, "НаименованиеПолное");
        }
        if (line.unit_code.empty() && !Child(unit, "Код")) {
            line.unit_name = NodeText(unit);
        }
    }
    bool const per_unit = Child(item, "ЦенаЗаЕдиницу") || !Attr(item, "ЦенаЗаЕдиницу").empty();
    auto price = ChildOrAttrDecimal(rec, item, per_unit ? "ЦенаЗаЕдиницу" : "Цена");
    if (!price) {
        return price.error();
    }
    line.price = *price;
    auto quantity = ChildOrAttrDecimal(rec, item, "Количество");
    if (!quantity) {
        return quantity.error();
    }
    line.quantity = *quantity;
    auto sum = ChildOrAttrDecimal(rec, item, "Сумма");
    if (!sum) {
        return sum.error();
    }
    line.sum = *sum;
    auto coefficient = ChildOrAttrDecimal(rec, item, "Коэффициент");
    if (!coefficient) {
        return coefficient.error();
    }
    line.coefficient = *coefficient;
    line.requisites = ReadRequisites(Child(item, "ЗначенияРеквизитов"));
    return line;
}

// Lifts the well-known requisites; `at` is the ЗначениеРеквизита element for error positions.
Status LiftRequisite(ParsedRecord const& rec, pugi::xml_node at, CmlRequisite const& r, CmlDocument& doc) {
    auto date_into = [&](std::optional<ZonedTime>& field) -> Status {
        auto t = ParseDateValue(rec, at, r.value);
        if (!t) {
            return t.error();
        }
        field = *t;
        return {};
    };
    if (r.name == "Номер по 1С") {
        doc.number_1c = r.value;
    } else if (r.name == "Дата по 1С") {
        return date_into(doc.date_1c);
    } else if (r.name == "Проведен") {
        doc.posted = ParseBool(r.value);
    } else if (r.name == "Отменен") {
        doc.cancelled = ParseBool(r.value);
    } else if (r.name == "ПометкаУдаления") {
        doc.deletion_mark = ParseBool(r.value);
    } else if (r.name == "Заказ оплачен") {
        doc.paid = ParseBool(r.value);
    } else if (r.name == "Номер оплаты по 1С") {
        doc.payment_number_1c = r.value;
    } else if (r.name == "Дата оплаты по 1С") {
        return date_into(doc.payment_date_1c);
    } else if (r.name == "Номер отгрузки по 1С") {
        doc.shipment_number_1c = r.value;
    } else if (r.name == "Дата отгрузки по 1С") {
        return date_into(doc.shipment_date_1c);
    } else if (r.name == "Статус заказа") {
        doc.order_status = r.value;
    } else if (r.name == "Статуса заказа ИД") {
        doc.order_status_id = r.value;
    } else if (r.name == "Финальный статус") {
        doc.final_status = ParseBool(r.value);
    } else if (r.name == "Доставка разрешена") {
        doc.delivery_allowed = ParseBool(r.value);
    }
    return {};
}

}  // namespace

Result<CmlDocument> DecodeDocument(RawRecord const& record, DecodeContext const& ctx, RecordParser& parser) {
    auto rec = parser.Parse(record, ctx);
    if (!rec) {
        return rec.error();
    }
    auto root = rec->Root();
    CmlDocument doc;
    doc.id = ChildText(root, "Ид");
    if (doc.id.empty()) {
        return rec->ErrorAt(root, "missing or empty <Ид>");
    }
    doc.number = ChildText(root, "Номер");
    std::string const date = ChildText(root, "Дата");
    std::string const time = ChildText(root, "Время");
    if (!date.empty()) {
        auto t = time.empty() ? ParseIso8601(date, ctx.default_utc_offset)
                              : ParseDateAndTime(date, time, ctx.default_utc_offset);
        if (!t) {
            return rec->ErrorAt(Child(root, "Дата"), t.error().message);
        }
        doc.date = *t;
    }
    doc.operation = ChildText(root, "ХозОперация");
    doc.role = ChildText(root, "Роль");
    doc.currency = ChildText(root, "Валюта");
    doc.comment = ChildText(root, "Комментарий");
    auto rate = ChildOrAttrDecimal(*rec, root, "Курс");
    if (!rate) {
        return rate.error();
    }
    doc.rate = *rate;
    auto sum = ChildOrAttrDecimal(*rec, root, "Сумма");
    if (!sum) {
        return sum.error();
    }
    doc.sum = *sum;
    for (auto c : Children(Child(root, "Контрагенты"), "Контрагент")) {
        doc.counterparties.push_back(ReadCounterparty(c));
    }
    for (auto item : Children(Child(root, "Товары"), "Товар")) {
        auto line = ReadLine(*rec, item);
        if (!line) {
            return line.error();
        }
        doc.lines.push_back(std::move(*line));
    }
    doc.number_1c = ChildText(root, "Номер1С");
    if (auto date_1c = Child(root, "Дата1С")) {
        auto t = ParseDateValue(*rec, date_1c, NodeText(date_1c));
        if (!t) {
            return t.error();
        }
        doc.date_1c = *t;
    }
    if (auto mark = Child(root, "ПометкаУдаления")) {
        doc.deletion_mark = ParseBool(NodeText(mark));
    }
    for (auto r : Children(Child(root, "ЗначенияРеквизитов"), "ЗначениеРеквизита")) {
        CmlRequisite requisite{ChildText(r, "Наименование"), ChildText(r, "Значение")};
        if (auto st = LiftRequisite(*rec, r, requisite, doc); !st) {
            return st.error();
        }
        doc.requisites.push_back(std::move(requisite));
    }
    return doc;
}

}  // namespace b2b::onec
