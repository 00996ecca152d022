// `/bitrix/admin/1c_exchange.php?type=sale`: the Bitrix sale exchange as 1C sees it
// (commerceml.md §1.2-§1.7, §2.2): checkauth with a cookie, the secure-exchange `sessid` ratchet,
// init, query (windows-1251 orders, offered again until `success`), success, file, import.
#include "tests/emulators/common/cp1251.hpp"
#include "tests/emulators/site/query_string.hpp"
#include "tests/emulators/site/site.hpp"

#include <algorithm>
#include <ctime>

namespace b2b::emu::site {
namespace {

// Bitrix converts every exchange answer to windows-1251 and says so (commerceml.md §1.10).
Reply TextReply(std::string const& utf8) {
    Reply reply;
    reply.body = Utf8ToCp1251(utf8).value_or("failure\n");
    return reply;
}

Reply HttpError(unsigned status, std::string const& title) {
    Reply reply;
    reply.status = status;
    reply.content_type = "text/html";
    reply.body = "<html><head><title>" + title + "</title></head><body><center><h1>" + title +
                 "</h1></center><hr><center>nginx</center></body></html>\n";
    return reply;
}

}  // namespace

std::optional<FaultRule> Site::TakeFault(std::string const& mode) {
    for (auto& rule : faults_) {
        if (rule.next > 0 && (rule.mode.empty() || rule.mode == mode)) {
            --rule.next;
            ++counters_.faults_injected;
            return rule;
        }
    }
    return std::nullopt;
}

ExchangeSession* Site::SessionFromCookie(HttpRequest const& request) {
    auto it = request.headers.find("cookie");
    if (it == request.headers.end()) {
        return nullptr;
    }
    auto value = CookieValue(it->second, options_.cookie_name);
    if (!value) {
        return nullptr;
    }
    auto found = sessions_.find(*value);
    return found == sessions_.end() ? nullptr : &found->second;
}

Reply Site::Exchange(HttpRequest const& request, std::map<std::string, std::string> const& query) {
    auto const type = query.count("type") ? query.at("type") : "";
    auto const mode = query.count("mode") ? query.at("mode") : "";
    ++counters_.by_mode[mode];
    if (auto fault = TakeFault(mode)) {
        if (fault->kind == "drop") {
            Reply reply;
            reply.transport = Transport::kDrop;
            return reply;
        }
        if (fault->kind == "expire_session") {
            sessions_.clear();  // the PHP session was garbage-collected; handle the call without it
        } else if (fault->kind == "failure") {
            return TextReply("failure\nВнутренняя ошибка сервера");
        } else {
            unsigned status = static_cast<unsigned>(std::stoul(fault->kind));
            return HttpError(status, std::to_string(status) + (status == 502 ? " Bad Gateway" : " Internal Server Error"));
        }
    }
    if (type != "sale") {
        return TextReply("failure\nUnknown command type.");
    }
    if (mode == "checkauth") {
        return CheckAuth(request);
    }
    auto* session = SessionFromCookie(request);
    if (session == nullptr) {
        ++counters_.no_session;
        return TextReply("failure\nОшибка авторизации: сессия обмена не найдена");
    }
    // The secure-exchange ratchet (BX-SALE): a call with the right sessid switches the option on
    // for good; from then on a call without it is refused.
    auto const sessid = query.find("sessid");
    if (sessid != query.end()) {
        if (sessid->second != session->sessid) {
            ++counters_.sessid_refused;
            return TextReply("failure\nОшибка проверки источника запроса (sessid)");
        }
        options_.secure_exchange = true;
    } else if (options_.secure_exchange) {
        ++counters_.sessid_refused;
        return TextReply("failure\nОшибка проверки источника запроса (sessid)");
    }
    if (mode == "init") {
        return Init(*session, query);
    }
    if (mode == "query") {
        return Query(*session);
    }
    if (mode == "success") {
        return Success(*session);
    }
    if (mode == "file") {
        return File(*session, query, request.body);
    }
    if (mode == "import") {
        return Import(*session, query);
    }
    return TextReply("failure\nНеизвестный режим обмена: " + mode);
}

Reply Site::CheckAuth(HttpRequest const& request) {
    auto it = request.headers.find("authorization");
    auto credentials = it == request.headers.end() ? std::nullopt : ParseBasic(it->second);
    if (!credentials || credentials->first != options_.user || credentials->second != options_.password) {
        ++counters_.auth_failures;
        return TextReply("failure\nНеверный логин или пароль");
    }
    ExchangeSession session;
    session.cookie = RandomHex(16);
    session.sessid = RandomHex(16);
    auto const cookie = session.cookie;
    auto const sessid = session.sessid;
    sessions_[cookie] = std::move(session);
    Reply reply = TextReply("success\n" + options_.cookie_name + "\n" + cookie + "\nsessid=" + sessid + "\n");
    reply.headers.emplace_back("Set-Cookie", options_.cookie_name + "=" + cookie + "; path=/; HttpOnly");
    return reply;
}

Reply Site::Init(ExchangeSession& session, std::map<std::string, std::string> const& query) {
    session.files.clear();  // Bitrix empties upload/1c_exchange/ on init: `file` appends
    session.import_calls.clear();
    auto version = query.find("version");
    session.version = version == query.end() ? "" : version->second;
    std::string text = "zip=no\nfile_limit=" + std::to_string(options_.file_limit) + "\n";
    if (!session.version.empty()) {
        text += "sessid=" + session.sessid + "\nversion=2.09\n";
    }
    return TextReply(text);
}

Reply Site::Query(ExchangeSession& session) {
    std::vector<Order const*> offered;
    for (auto& [id, order] : orders_) {
        if (order.changed_seq > committed_ && !order.updated_from_1c) {
            ++order.export_count;
            offered.push_back(&order);
        }
    }
    session.offered_up_to = seq_;
    session.queried = true;
    Reply reply;
    reply.content_type = "application/xml; charset=windows-1251";
    reply.body = Utf8ToCp1251(OrdersXml(offered)).value_or("");
    return reply;
}

Reply Site::Success(ExchangeSession& session) {
    if (session.queried) {
        committed_ = std::max(committed_, session.offered_up_to);
        session.queried = false;
        ++counters_.commits;
    }
    return TextReply("success\n");
}

Reply Site::File(ExchangeSession& session, std::map<std::string, std::string> const& query, std::string const& body) {
    auto name = query.find("filename");
    if (name == query.end() || name->second.empty()) {
        return TextReply("failure\nНе указано имя файла");
    }
    if (body.size() > options_.file_limit) {
        ++counters_.oversized_chunks;
        return HttpError(413, "413 Request Entity Too Large");
    }
    if (body.empty()) {
        return TextReply("failure\nФайл для импорта пуст.");
    }
    ++counters_.file_chunks;
    counters_.max_chunk = std::max<std::uint64_t>(counters_.max_chunk, body.size());
    session.files[name->second] += body;
    if (session.version.empty()) {
        // Old 1C (no version at init): the document is imported within `file` (BX-SALE).
        std::vector<std::string> messages;
        if (auto error = ImportDocuments(session.files[name->second], messages)) {
            return TextReply("failure\n" + *error);
        }
        session.files.erase(name->second);
        std::string text = "success\n";
        for (auto const& m : messages) {
            text += m + "\n";
        }
        return TextReply(text);
    }
    return TextReply("success\n");
}

Reply Site::Import(ExchangeSession& session, std::map<std::string, std::string> const& query) {
    auto name = query.find("filename");
    if (name == query.end() || !session.files.count(name->second)) {
        return TextReply("failure\nФайл не найден: " + (name == query.end() ? std::string() : name->second));
    }
    int& calls = session.import_calls[name->second];
    ++calls;
    if (calls < options_.import_steps) {
        return TextReply("progress\nОбработка документов: шаг " + std::to_string(calls));
    }
    std::vector<std::string> messages;
    if (auto error = ImportDocuments(session.files[name->second], messages)) {
        return TextReply("failure\n" + *error);
    }
    std::string text = "success\n";
    for (auto const& m : messages) {
        text += m + "\n";
    }
    return TextReply(text);
}

std::string Site::RandomHex(std::size_t bytes) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    for (std::size_t i = 0; i < bytes; ++i) {
        auto const b = static_cast<unsigned>(rng_() & 0xFF);
        out.push_back(kHex[b >> 4]);
        out.push_back(kHex[b & 0xF]);
    }
    return out;
}

}  // namespace b2b::emu::site
