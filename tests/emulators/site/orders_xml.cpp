// The `mode=query` body as Bitrix's sale.export.1c writes it (fixture
// dobromyslov/bitrix-query-response-full.xml, CommerceML 2.05): written here in UTF-8, converted to
// windows-1251 by the caller, the declaration already saying windows-1251.
#include "tests/emulators/site/site.hpp"

#include <ctime>

namespace b2b::emu::site {
namespace {

std::string Escape(std::string const& text) {
    std::string out;
    for (char c : text) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            default: out.push_back(c);
        }
    }
    return out;
}

void Element(std::string& out, std::string const& indent, std::string const& name, std::string const& value) {
    out += indent + "<" + name + ">" + Escape(value) + "</" + name + ">\n";
}

void Requisite(std::string& out, std::string const& indent, std::string const& name, std::string const& value) {
    out += indent + "<ЗначениеРеквизита>\n";
    Element(out, indent + "  ", "Наименование", name);
    Element(out, indent + "  ", "Значение", value);
    out += indent + "</ЗначениеРеквизита>\n";
}

std::string StatusName(std::string const& letter) {
    if (letter == "N") {
        return "[N] Принят, ожидается оплата";
    }
    if (letter == "P") {
        return "[P] Оплачен, формируется к отправке";
    }
    if (letter == "F") {
        return "[F] Выполнен";
    }
    return "[" + letter + "] " + letter;
}

char const* Bool(bool b) { return b ? "true" : "false"; }

}  // namespace

std::string Site::OrdersXml(std::vector<Order const*> const& orders) const {
    std::time_t now = std::time(nullptr);
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", std::gmtime(&now));
    std::string out = "<?xml version=\"1.0\" encoding=\"windows-1251\"?>\n";
    out += std::string("<КоммерческаяИнформация ВерсияСхемы=\"2.05\" ДатаФормирования=\"") + stamp +
           "\" ФорматДаты=\"ДФ=yyyy-MM-dd; ДЛФ=DT\" ФорматВремени=\"ДФ=ЧЧ:мм:сс; ДЛФ=T\" РазделительДатаВремя=\"T\" "
           "ФорматСуммы=\"ЧЦ=18; ЧДЦ=2; ЧРД=.\" ФорматКоличества=\"ЧЦ=18; ЧДЦ=2; ЧРД=.\">\n";
    for (auto const* order : orders) {
        std::string const d = "  ";
        std::string const i1 = "    ";
        out += d + "<Документ>\n";
        Element(out, i1, "Ид", std::to_string(order->id));
        Element(out, i1, "Номер", order->number);
        Element(out, i1, "Дата", order->date);
        Element(out, i1, "ХозОперация", "Заказ товара");
        Element(out, i1, "Роль", "Продавец");
        Element(out, i1, "Валюта", order->currency);
        Element(out, i1, "Курс", "1");
        Element(out, i1, "Сумма", order->total);
        out += i1 + "<Контрагенты>\n" + i1 + "  <Контрагент>\n";
        std::string const i3 = i1 + "    ";
        Element(out, i3, "Ид", order->buyer.id);
        Element(out, i3, "Наименование", order->buyer.name);
        Element(out, i3, "ПолноеНаименование", order->buyer.full_name);
        if (!order->buyer.inn.empty()) {
            Element(out, i3, "ИНН", order->buyer.inn);
        }
        if (!order->buyer.kpp.empty()) {
            Element(out, i3, "КПП", order->buyer.kpp);
        }
        Element(out, i3, "Роль", "Покупатель");
        out += i1 + "  </Контрагент>\n" + i1 + "</Контрагенты>\n";
        Element(out, i1, "Время", order->time);
        Element(out, i1, "Комментарий", order->comment);
        out += i1 + "<Товары>\n";
        for (auto const& line : order->lines) {
            std::string const i2 = i1 + "  ";
            std::string const i3l = i2 + "  ";
            out += i2 + "<Товар>\n";
            Element(out, i3l, "Ид", line.id);
            Element(out, i3l, "Наименование", line.name);
            out += i3l + "<БазоваяЕдиница Код=\"" + Escape(line.unit_code) + "\" НаименованиеПолное=\"Штука\">" +
                   Escape(line.unit_name) + "</БазоваяЕдиница>\n";
            Element(out, i3l, "ЦенаЗаЕдиницу", line.price);
            Element(out, i3l, "Количество", line.quantity);
            Element(out, i3l, "Сумма", line.sum);
            out += i3l + "<ЗначенияРеквизитов>\n";
            bool const service = line.id == "ORDER_DELIVERY";
            Requisite(out, i3l + "  ", "ВидНоменклатуры", service ? "Услуга" : "Товар");
            Requisite(out, i3l + "  ", "ТипНоменклатуры", service ? "Услуга" : "Товар");
            out += i3l + "</ЗначенияРеквизитов>\n";
            out += i2 + "</Товар>\n";
        }
        out += i1 + "</Товары>\n";
        out += i1 + "<ЗначенияРеквизитов>\n";
        std::string const ir = i1 + "  ";
        Requisite(out, ir, "Заказ оплачен", Bool(order->paid));
        Requisite(out, ir, "Доставка разрешена", Bool(order->shipped));
        Requisite(out, ir, "Отменен", Bool(order->cancelled));
        Requisite(out, ir, "Финальный статус", Bool(order->status == "F"));
        Requisite(out, ir, "Статус заказа", StatusName(order->status));
        Requisite(out, ir, "Статуса заказа ИД", order->status);
        Requisite(out, ir, "Сайт", "[s1] Интернет-магазин");
        out += i1 + "</ЗначенияРеквизитов>\n";
        out += d + "</Документ>\n";
    }
    out += "</КоммерческаяИнформация>\n";
    return out;
}

}  // namespace b2b::emu::site
