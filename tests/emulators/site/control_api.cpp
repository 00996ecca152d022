// /_emulator/*: test control of the emulated site. Not part of Bitrix.
#include "tests/emulators/site/query_string.hpp"
#include "tests/emulators/site/site.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>

namespace b2b::emu::site {

namespace json = boost::json;

namespace {

Reply JsonReply(unsigned status, json::value const& value) {
    Reply reply;
    reply.status = status;
    reply.content_type = "application/json";
    reply.body = json::serialize(value);
    return reply;
}

Reply JsonError(unsigned status, std::string const& message) {
    return JsonReply(status, json::object{{"error", message}});
}

// Decimal strings stay strings; a JSON number is accepted and printed as given by Boost.
std::string Str(json::object const& o, char const* key, std::string fallback) {
    auto const* v = o.if_contains(key);
    if (v == nullptr) {
        return fallback;
    }
    if (v->is_string()) {
        return std::string(v->get_string());
    }
    if (v->is_int64()) {
        return std::to_string(v->get_int64());
    }
    return fallback;
}

bool Flag(json::object const& o, char const* key, bool fallback) {
    auto const* v = o.if_contains(key);
    return v != nullptr && v->is_bool() ? v->get_bool() : fallback;
}

}  // namespace

json::object Site::OrderJson(Order const& order) const {
    json::array lines;
    for (auto const& l : order.lines) {
        lines.push_back(json::object{{"id", l.id}, {"name", l.name}, {"price", l.price}, {"quantity", l.quantity},
                                     {"sum", l.sum}, {"unit_code", l.unit_code}});
    }
    return json::object{{"id", order.id},
                        {"number", order.number},
                        {"date", order.date},
                        {"time", order.time},
                        {"buyer", json::object{{"id", order.buyer.id},
                                               {"name", order.buyer.name},
                                               {"full_name", order.buyer.full_name},
                                               {"inn", order.buyer.inn},
                                               {"kpp", order.buyer.kpp}}},
                        {"lines", std::move(lines)},
                        {"total", order.total},
                        {"currency", order.currency},
                        {"comment", order.comment},
                        {"status", order.status},
                        {"paid", order.paid},
                        {"shipped", order.shipped},
                        {"cancelled", order.cancelled},
                        {"number_1c", order.number_1c},
                        {"date_1c", order.date_1c},
                        {"payment_number_1c", order.payment_number_1c},
                        {"shipment_number_1c", order.shipment_number_1c},
                        {"updated_from_1c", order.updated_from_1c},
                        {"export_count", order.export_count},
                        {"documents_applied", order.documents_applied}};
}

json::object Site::StateJson() const {
    json::object by_mode;
    for (auto const& [mode, n] : counters_.by_mode) {
        by_mode[mode] = n;
    }
    json::object exports;
    json::array orders;
    for (auto const& [id, order] : orders_) {
        exports[std::to_string(id)] = order.export_count;
        orders.push_back(OrderJson(order));
    }
    json::object counters{{"requests", counters_.requests},
                          {"by_mode", std::move(by_mode)},
                          {"auth_failures", counters_.auth_failures},
                          {"sessid_refused", counters_.sessid_refused},
                          {"no_session", counters_.no_session},
                          {"commits", counters_.commits},
                          {"faults_injected", counters_.faults_injected},
                          {"file_chunks", counters_.file_chunks},
                          {"max_chunk", counters_.max_chunk},
                          {"oversized_chunks", counters_.oversized_chunks},
                          {"documents_applied", counters_.documents_applied},
                          {"statuses_ignored", counters_.statuses_ignored},
                          {"exports", std::move(exports)}};
    return json::object{{"counters", std::move(counters)},
                        {"orders", std::move(orders)},
                        {"secure_exchange", options_.secure_exchange},
                        {"change_status_from_1c", options_.change_status_from_1c},
                        {"file_limit", options_.file_limit},
                        {"sessions", sessions_.size()}};
}

Reply Site::PutOrder(json::object const& body) {
    auto const* id_value = body.if_contains("id");
    if (id_value == nullptr || !id_value->is_int64() || id_value->get_int64() <= 0) {
        return JsonError(400, "id (a positive integer) is required");
    }
    auto const id = id_value->get_int64();
    Order& order = orders_[id];
    order.id = id;
    order.number = Str(body, "number", order.number.empty() ? std::to_string(id) : order.number);
    order.date = Str(body, "date", order.date.empty() ? "2024-12-02" : order.date);
    order.time = Str(body, "time", order.time.empty() ? "11:45:21" : order.time);
    if (auto const* buyer = body.if_contains("buyer"); buyer != nullptr && buyer->is_object()) {
        auto const& b = buyer->as_object();
        order.buyer.id = Str(b, "id", order.buyer.id);
        order.buyer.name = Str(b, "name", order.buyer.name);
        order.buyer.full_name = Str(b, "full_name", order.buyer.full_name);
        order.buyer.inn = Str(b, "inn", order.buyer.inn);
        order.buyer.kpp = Str(b, "kpp", order.buyer.kpp);
    }
    if (auto const* lines = body.if_contains("lines"); lines != nullptr && lines->is_array()) {
        order.lines.clear();
        for (auto const& item : lines->as_array()) {
            if (!item.is_object()) {
                return JsonError(400, "each line must be an object");
            }
            auto const& l = item.as_object();
            OrderLine line;
            line.id = Str(l, "id", "");
            line.name = Str(l, "name", "");
            line.price = Str(l, "price", "0");
            line.quantity = Str(l, "quantity", "1");
            line.sum = Str(l, "sum", line.price);
            line.unit_code = Str(l, "unit_code", "796");
            order.lines.push_back(std::move(line));
        }
    }
    order.total = Str(body, "total", order.total.empty() ? "0" : order.total);
    order.currency = Str(body, "currency", order.currency);
    order.comment = Str(body, "comment", order.comment);
    order.status = Str(body, "status", order.status);
    order.paid = Flag(body, "paid", order.paid);
    order.shipped = Flag(body, "shipped", order.shipped);
    order.cancelled = Flag(body, "cancelled", order.cancelled);
    Touch(order);
    return JsonReply(200, OrderJson(order));
}

Reply Site::Control(HttpRequest const& request, std::string const& path) {
    json::object body;
    if (!request.body.empty()) {
        boost::system::error_code ec;
        auto parsed = json::parse(request.body, ec);
        if (ec || !parsed.is_object()) {
            return JsonError(400, "body must be a JSON object");
        }
        body = parsed.as_object();
    }
    bool const post = request.method == "POST";
    if (path == "/_emulator/state") {
        return JsonReply(200, StateJson());
    }
    if (path == "/_emulator/orders" && !post) {
        json::array list;
        for (auto const& [id, order] : orders_) {
            list.push_back(OrderJson(order));
        }
        return JsonReply(200, list);
    }
    if (path.rfind("/_emulator/orders/", 0) == 0 && !post) {
        try {
            auto it = orders_.find(std::stoll(path.substr(std::string("/_emulator/orders/").size())));
            if (it != orders_.end()) {
                return JsonReply(200, OrderJson(it->second));
            }
        } catch (std::exception const&) {
        }
        return JsonError(404, "no such order");
    }
    if (!post) {
        return JsonError(405, "use POST");
    }
    if (path == "/_emulator/orders") {
        return PutOrder(body);
    }
    if (path == "/_emulator/options") {
        options_.change_status_from_1c = Flag(body, "change_status_from_1c", options_.change_status_from_1c);
        options_.secure_exchange = Flag(body, "secure_exchange", options_.secure_exchange);
        if (auto const* v = body.if_contains("file_limit"); v != nullptr && v->is_int64()) {
            options_.file_limit = static_cast<std::uint64_t>(v->get_int64());
        }
        if (auto const* v = body.if_contains("import_steps"); v != nullptr && v->is_int64()) {
            options_.import_steps = static_cast<int>(v->get_int64());
        }
        return JsonReply(200, StateJson());
    }
    if (path == "/_emulator/faults") {
        std::vector<FaultRule> rules;
        if (auto const* list = body.if_contains("rules"); list != nullptr && list->is_array()) {
            for (auto const& item : list->as_array()) {
                if (!item.is_object()) {
                    return JsonError(400, "each rule must be an object");
                }
                auto const& r = item.as_object();
                FaultRule rule{Str(r, "kind", ""), Str(r, "mode", ""), 1};
                if (auto const* next = r.if_contains("next"); next != nullptr && next->is_int64()) {
                    rule.next = next->get_int64();
                }
                static char const* const kKinds[] = {"500", "502", "503", "drop", "expire_session", "failure"};
                if (std::find(std::begin(kKinds), std::end(kKinds), rule.kind) == std::end(kKinds)) {
                    return JsonError(400, "kind must be one of 500, 502, 503, drop, expire_session, failure");
                }
                rules.push_back(std::move(rule));
            }
        }
        faults_ = std::move(rules);
        return JsonReply(200, json::object{{"rules", faults_.size()}});
    }
    if (path == "/_emulator/sessions/expire") {
        auto const n = sessions_.size();
        sessions_.clear();
        return JsonReply(200, json::object{{"expired", n}});
    }
    return JsonError(404, "unknown control endpoint " + path);
}

Site::Site(SiteOptions options) : options_(std::move(options)), rng_(options_.seed) {}

Reply Site::Handle(HttpRequest const& request) {
    ++counters_.requests;
    auto const question = request.target.find('?');
    std::string const path = request.target.substr(0, question);
    if (path.rfind("/_emulator/", 0) == 0) {
        return Control(request, path);
    }
    if (path != "/bitrix/admin/1c_exchange.php") {
        Reply reply;
        reply.status = 404;
        reply.body = "404 Not Found";
        return reply;
    }
    auto query = ParseQuery(question == std::string::npos ? "" : std::string_view(request.target).substr(question + 1));
    return Exchange(request, query);
}

}  // namespace b2b::emu::site
