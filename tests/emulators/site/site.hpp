#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace b2b::emu::site {

/// One HTTP request as the transport hands it over (header names lower-case).
struct HttpRequest {
    std::string method;
    std::string target;
    std::map<std::string, std::string> headers;
    std::string body;
};

enum class Transport {
    kAnswer,  ///< write the reply
    kDrop,    ///< close the connection without a byte of response (a dying PHP worker)
};

struct Reply {
    unsigned status = 200;
    std::string content_type = "text/html; charset=windows-1251";
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;
    Transport transport = Transport::kAnswer;
};

/// Settings of the emulated sale module (the site's "Обмен с 1С" options page).
struct SiteOptions {
    std::string user = "exchange";
    std::string password = "secret";
    std::string cookie_name = "PHPSESSID";
    std::uint64_t file_limit = 204800;        ///< announced at init; bigger `file` bodies get 413 (a proxy limit)
    bool change_status_from_1c = true;        ///< sale option 1C_CHANGE_STATUS_FROM_1C
    bool secure_exchange = false;             ///< sale option secure_1c_exchange: already ratcheted on
    int import_steps = 2;                     ///< `import` calls per file: progress answers before success
    std::uint64_t seed = 1;
};

struct OrderLine {
    std::string id;  ///< product XML_ID (1C Ид), or ORDER_DELIVERY
    std::string name;
    std::string price;     ///< decimal strings, written verbatim
    std::string quantity;
    std::string sum;
    std::string unit_code = "796";
    std::string unit_name = "шт";
};

struct Buyer {
    std::string id;  ///< Bitrix style "userId#login#name"
    std::string name;
    std::string full_name;
    std::string inn;
    std::string kpp;
};

struct Order {
    std::int64_t id = 0;
    std::string number;
    std::string date;  ///< yyyy-mm-dd
    std::string time;  ///< hh:mm:ss (site's local time)
    Buyer buyer;
    std::vector<OrderLine> lines;
    std::string total;
    std::string currency = "руб";
    std::string comment;
    std::string status = "N";
    bool paid = false;
    bool shipped = false;
    bool cancelled = false;
    std::string number_1c;
    std::string date_1c;
    std::string payment_number_1c;
    std::string shipment_number_1c;
    std::uint64_t changed_seq = 0;     ///< bumped on every change made on the site
    bool updated_from_1c = false;      ///< Bitrix's UPDATED_1C: not exported again until changed on the site
    std::uint64_t export_count = 0;    ///< how many `query` answers carried this order
    std::uint64_t documents_applied = 0;
};

struct ExchangeSession {
    std::string cookie;
    std::string sessid;
    std::string version;  ///< 1C's `version=` at init; empty = old 1C (file imports at once)
    std::uint64_t offered_up_to = 0;  ///< changed_seq high-water mark of the last `query`
    bool queried = false;
    std::map<std::string, std::string> files;  ///< uploaded name -> bytes (appended per chunk)
    std::map<std::string, int> import_calls;
};

/// Fault injection for tests: {"rules":[{"kind":"500"|"drop"|"expire_session","mode":"query","next":1}]}.
struct FaultRule {
    std::string kind;
    std::string mode;  ///< empty = any mode
    std::int64_t next = 0;
};

struct Counters {
    std::uint64_t requests = 0;
    std::map<std::string, std::uint64_t> by_mode;
    std::uint64_t auth_failures = 0;
    std::uint64_t sessid_refused = 0;     ///< calls refused by the secure-exchange ratchet
    std::uint64_t no_session = 0;         ///< calls with an unknown/expired cookie
    std::uint64_t commits = 0;            ///< `success` calls that moved the watermark
    std::uint64_t faults_injected = 0;
    std::uint64_t file_chunks = 0;
    std::uint64_t max_chunk = 0;
    std::uint64_t oversized_chunks = 0;
    std::uint64_t documents_applied = 0;
    std::uint64_t statuses_ignored = 0;   ///< status changes not applied because the option is off
};

/// The emulated Bitrix site: `/bitrix/admin/1c_exchange.php` (type=sale) plus `/_emulator/*`.
/// Single-threaded: the server calls it from one io_context thread.
class Site {
public:
    explicit Site(SiteOptions options);

    Reply Handle(HttpRequest const& request);

    // Exposed for in-process tests.
    std::map<std::int64_t, Order> const& orders() const { return orders_; }
    Counters const& counters() const { return counters_; }

private:
    // exchange.cpp
    Reply Exchange(HttpRequest const& request, std::map<std::string, std::string> const& query);
    Reply CheckAuth(HttpRequest const& request);
    Reply Init(ExchangeSession& session, std::map<std::string, std::string> const& query);
    Reply Query(ExchangeSession& session);
    Reply Success(ExchangeSession& session);
    Reply File(ExchangeSession& session, std::map<std::string, std::string> const& query, std::string const& body);
    Reply Import(ExchangeSession& session, std::map<std::string, std::string> const& query);
    ExchangeSession* SessionFromCookie(HttpRequest const& request);
    std::optional<FaultRule> TakeFault(std::string const& mode);

    // orders_xml.cpp: the `query` answer, UTF-8 (converted to windows-1251 by the caller).
    std::string OrdersXml(std::vector<Order const*> const& orders) const;

    // documents_import.cpp: applies 1C's order documents; returns message lines for the answer.
    std::optional<std::string> ImportDocuments(std::string const& bytes, std::vector<std::string>& messages);

    // control_api.cpp
    Reply Control(HttpRequest const& request, std::string const& path);
    Reply PutOrder(boost::json::object const& body);
    boost::json::object OrderJson(Order const& order) const;
    boost::json::object StateJson() const;

    std::string RandomHex(std::size_t bytes);
    void Touch(Order& order) { order.changed_seq = ++seq_; order.updated_from_1c = false; }

    SiteOptions options_;
    std::mt19937_64 rng_;
    std::map<std::int64_t, Order> orders_;
    std::map<std::string, ExchangeSession> sessions_;  ///< by cookie value
    std::uint64_t seq_ = 0;
    std::uint64_t committed_ = 0;  ///< the committed export watermark (Bitrix: last export time)
    std::vector<FaultRule> faults_;
    Counters counters_;
};

}  // namespace b2b::emu::site
