#include "connectors/site/status_document.hpp"

namespace b2b::site {
namespace {

char const* BoolText(bool b) { return b ? "true" : "false"; }

}  // namespace

onec::CmlDocument MakeUpdateDocument(SiteOrderUpdate const& update) {
    onec::CmlDocument doc;
    doc.id = update.order_id;
    doc.number = update.order_number.empty() ? update.order_id : update.order_number;
    doc.operation = "Заказ товара";
    doc.role = "Продавец";
    if (!update.number_1c.empty()) {
        doc.requisites.push_back({"Номер по 1С", update.number_1c});
        doc.number_1c = update.number_1c;
    }
    if (update.paid) {
        doc.requisites.push_back({"Заказ оплачен", BoolText(*update.paid)});
        doc.paid = update.paid;
    }
    if (update.shipped) {
        doc.requisites.push_back({"Отгружен", BoolText(*update.shipped)});
    }
    if (update.cancelled) {
        doc.requisites.push_back({"Отменен", BoolText(*update.cancelled)});
        doc.cancelled = update.cancelled;
    }
    if (!update.status_id.empty()) {
        doc.requisites.push_back({"Статуса заказа ИД", update.status_id});
        doc.order_status_id = update.status_id;
    }
    return doc;
}

}  // namespace b2b::site
