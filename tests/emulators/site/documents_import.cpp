// 1C's order documents (`documents___<uuid>.xml`) applied to the site's orders the way Bitrix's
// CSaleOrderLoader does: matched by Ид (the site order id) or Номер; Номер1С / "Номер по 1С" stored;
// paid / shipped / cancelled from the requisites; the status letter ("Статуса заказа ИД") only when
// the sale option "change statuses from 1C" (1C_CHANGE_STATUS_FROM_1C) is on. An applied document
// marks the order "updated from 1C", so it is not exported back until it changes on the site.
#include "tests/emulators/common/cp1251.hpp"
#include "tests/emulators/site/site.hpp"

#include <pugixml.hpp>

#include <cctype>
#include <cstring>

namespace b2b::emu::site {
namespace {

std::string_view Local(pugi::xml_node node) {
    std::string_view name = node.name();
    auto colon = name.find(':');
    return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

pugi::xml_node Child(pugi::xml_node node, std::string_view name) {
    for (auto child : node.children()) {
        if (child.type() == pugi::node_element && Local(child) == name) {
            return child;
        }
    }
    return {};
}

std::string Text(pugi::xml_node node) {
    std::string text = node.child_value();
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
        text.pop_back();
    }
    std::size_t start = 0;
    while (start < text.size() && std::isspace(static_cast<unsigned char>(text[start]))) {
        ++start;
    }
    return text.substr(start);
}

std::optional<bool> Bool(std::string const& v) {
    if (v == "true" || v == "1" || v == "Да" || v == "да") {
        return true;
    }
    if (v == "false" || v == "0" || v == "Нет" || v == "нет") {
        return false;
    }
    return std::nullopt;
}

void CollectDocuments(pugi::xml_node node, std::vector<pugi::xml_node>& out) {
    for (auto child : node.children()) {
        if (child.type() != pugi::node_element) {
            continue;
        }
        if (Local(child) == "Документ") {
            out.push_back(child);
        } else if (Local(child) == "Контейнер") {
            CollectDocuments(child, out);
        }
    }
}

// 1C writes UTF-8 with a BOM; older ones windows-1251 with a declaration saying so.
std::string ToUtf8(std::string const& bytes) {
    if (bytes.rfind("\xEF\xBB\xBF", 0) == 0) {
        return bytes.substr(3);
    }
    auto decl_end = bytes.find("?>");
    std::string head = bytes.substr(0, decl_end == std::string::npos ? 0 : decl_end);
    for (auto& c : head) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    if (head.find("windows-1251") != std::string::npos || head.find("cp1251") != std::string::npos) {
        return Cp1251ToUtf8(bytes);
    }
    return bytes;
}

}  // namespace

std::optional<std::string> Site::ImportDocuments(std::string const& bytes, std::vector<std::string>& messages) {
    std::string const utf8 = ToUtf8(bytes);
    pugi::xml_document doc;
    // encoding_utf8: the declaration may still say windows-1251 after our conversion.
    auto parsed = doc.load_buffer(utf8.data(), utf8.size(), pugi::parse_default, pugi::encoding_utf8);
    if (!parsed) {
        return std::string("Ошибка разбора XML: ") + parsed.description() + " (смещение " +
               std::to_string(parsed.offset) + ")";
    }
    std::vector<pugi::xml_node> documents;
    CollectDocuments(doc.document_element(), documents);
    for (auto node : documents) {
        auto const id = Text(Child(node, "Ид"));
        auto const number = Text(Child(node, "Номер"));
        Order* order = nullptr;
        for (auto& [key, candidate] : orders_) {
            if (std::to_string(key) == id || (!number.empty() && candidate.number == number)) {
                order = &candidate;
                break;
            }
        }
        if (order == nullptr) {
            messages.push_back("Заказ " + id + " не найден на сайте, документ пропущен");
            continue;
        }
        std::map<std::string, std::string> traits;
        if (auto list = Child(node, "ЗначенияРеквизитов")) {
            for (auto item : list.children()) {
                if (Local(item) == "ЗначениеРеквизита") {
                    traits[Text(Child(item, "Наименование"))] = Text(Child(item, "Значение"));
                }
            }
        }
        auto trait = [&](char const* name) { return traits.count(name) ? traits[name] : std::string(); };
        bool changed = false;
        auto number_1c = Text(Child(node, "Номер1С"));
        if (number_1c.empty()) {
            number_1c = trait("Номер по 1С");
        }
        if (!number_1c.empty() && number_1c != order->number_1c) {
            order->number_1c = number_1c;
            changed = true;
        }
        auto date_1c = Text(Child(node, "Дата1С"));
        if (date_1c.empty()) {
            date_1c = trait("Дата по 1С");
        }
        if (!date_1c.empty()) {
            order->date_1c = date_1c;
        }
        bool const paid = Bool(trait("Заказ оплачен")).value_or(false) || !trait("Дата оплаты по 1С").empty();
        if (paid && !order->paid) {
            order->paid = true;
            order->payment_number_1c = trait("Номер оплаты по 1С");
            changed = true;
        }
        bool const shipped = Bool(trait("Отгружен")).value_or(false) || !trait("Дата отгрузки по 1С").empty();
        if (shipped && !order->shipped) {
            order->shipped = true;
            order->shipment_number_1c = trait("Номер отгрузки по 1С");
            changed = true;
        }
        if (auto cancelled = Bool(trait("Отменен")); cancelled && *cancelled != order->cancelled) {
            order->cancelled = *cancelled;
            changed = true;
        }
        auto const status = trait("Статуса заказа ИД");
        if (!status.empty() && status != order->status) {
            if (options_.change_status_from_1c) {
                order->status = status;
                changed = true;
            } else {
                ++counters_.statuses_ignored;
                messages.push_back("Заказ " + order->number + ": статус " + status +
                                   " не установлен: изменение статусов из 1С выключено в настройках обмена");
            }
        }
        if (changed) {
            order->updated_from_1c = true;
            ++order->documents_applied;
            ++counters_.documents_applied;
        }
    }
    return std::nullopt;
}

}  // namespace b2b::emu::site
