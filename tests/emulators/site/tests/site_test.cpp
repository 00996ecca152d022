// The site emulator in process, over real loopback HTTP (Boost.Beast client).
#include "tests/emulators/common/cp1251.hpp"
#include "tests/emulators/site/server.hpp"
#include "tests/emulators/site/site.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <gtest/gtest.h>

#include <fstream>
#include <memory>
#include <sstream>
#include <thread>

namespace b2b::emu::site {
namespace {

namespace http = boost::beast::http;
namespace json = boost::json;

struct Answer {
    unsigned status = 0;
    std::string content_type;
    std::string body;
    std::string set_cookie;
};

class SiteEmulator : public ::testing::Test {
protected:
    void SetUp() override {
        site_ = std::make_unique<Site>(SiteOptions{});
        server_ = std::make_unique<Server>(io_, *site_, "127.0.0.1", 0);
        server_->Start();
        thread_ = std::thread([this] { io_.run(); });
    }
    void TearDown() override {
        io_.stop();
        thread_.join();
    }

    Answer Send(http::verb verb, std::string const& target, std::string const& body = "", bool auth = false) {
        boost::asio::io_context io;
        boost::asio::ip::tcp::socket socket(io);
        socket.connect({boost::asio::ip::make_address("127.0.0.1"), server_->port()});
        http::request<http::string_body> req{verb, target, 11};
        req.set(http::field::host, "127.0.0.1");
        if (auth) {
            req.set(http::field::authorization, "Basic ZXhjaGFuZ2U6c2VjcmV0");  // exchange:secret
        }
        if (!cookie_.empty()) {
            req.set(http::field::cookie, cookie_);
        }
        req.body() = body;
        req.prepare_payload();
        http::write(socket, req);
        boost::beast::flat_buffer buffer;
        http::response<http::string_body> res;
        http::read(socket, buffer, res);
        return Answer{res.result_int(), std::string(res[http::field::content_type]), res.body(),
                      std::string(res[http::field::set_cookie])};
    }
    Answer Exchange(std::string const& query, std::string const& body = "") {
        return Send(body.empty() ? http::verb::get : http::verb::post, "/bitrix/admin/1c_exchange.php?" + query, body);
    }
    void Login() {
        auto a = Send(http::verb::get, "/bitrix/admin/1c_exchange.php?type=sale&mode=checkauth", "", true);
        ASSERT_EQ(a.body.substr(0, 8), "success\n");
        auto lines = Lines(a.body);
        ASSERT_GE(lines.size(), 4u);
        cookie_ = lines[1] + "=" + lines[2];
        sessid_ = lines[3];
    }
    static std::vector<std::string> Lines(std::string const& body) {
        std::vector<std::string> out;
        std::size_t at = 0;
        while (at < body.size()) {
            auto nl = body.find('\n', at);
            out.push_back(body.substr(at, nl - at));
            at = nl == std::string::npos ? body.size() : nl + 1;
        }
        return out;
    }
    json::value Control(std::string const& path, json::value const& body) {
        return json::parse(Send(http::verb::post, "/_emulator/" + path, json::serialize(body)).body);
    }
    void AddOrder(std::int64_t id) {
        Control("orders", json::object{{"id", id},
                                       {"buyer", json::object{{"id", "7#romashka#ООО Ромашка"},
                                                              {"name", "ООО «Ромашка»"},
                                                              {"inn", "7701234567"},
                                                              {"kpp", "770101001"}}},
                                       {"lines", json::array{json::object{{"id", "p1"},
                                                                          {"name", "Гвоздь 100 мм"},
                                                                          {"price", "12.3456"},
                                                                          {"quantity", "3"},
                                                                          {"sum", "37.04"}}}},
                                       {"total", "37.04"}});
    }

    boost::asio::io_context io_{1};
    std::unique_ptr<Site> site_;
    std::unique_ptr<Server> server_;
    std::thread thread_;
    std::string cookie_;
    std::string sessid_;
};

TEST_F(SiteEmulator, CheckauthNeedsBasicCredentials) {
    auto a = Send(http::verb::get, "/bitrix/admin/1c_exchange.php?type=sale&mode=checkauth");
    EXPECT_EQ(a.body.substr(0, 8), "failure\n");
    Login();
    EXPECT_EQ(sessid_.substr(0, 7), "sessid=");
}

TEST_F(SiteEmulator, QueryIsWindows1251AndOrdersComeAgainUntilSuccess) {
    AddOrder(101);
    Login();
    Exchange("type=sale&mode=init&version=2.08&" + sessid_);
    auto first = Exchange("type=sale&mode=query&" + sessid_);
    EXPECT_EQ(first.content_type, "application/xml; charset=windows-1251");
    EXPECT_EQ(first.body.rfind("<?xml version=\"1.0\" encoding=\"windows-1251\"?>", 0), 0u);
    auto utf8 = Cp1251ToUtf8(first.body);
    EXPECT_NE(utf8.find("<Наименование>Гвоздь 100 мм</Наименование>"), std::string::npos);
    EXPECT_NE(utf8.find("<ИНН>7701234567</ИНН>"), std::string::npos);
    EXPECT_NE(utf8.find("<ЦенаЗаЕдиницу>12.3456</ЦенаЗаЕдиницу>"), std::string::npos);
    auto again = Exchange("type=sale&mode=query&" + sessid_);
    EXPECT_NE(Cp1251ToUtf8(again.body).find("<Ид>101</Ид>"), std::string::npos);
    EXPECT_EQ(Exchange("type=sale&mode=success&" + sessid_).body, "success\n");
    auto after = Exchange("type=sale&mode=query&" + sessid_);
    EXPECT_EQ(Cp1251ToUtf8(after.body).find("<Документ>"), std::string::npos);
    EXPECT_EQ(site_->orders().at(101).export_count, 2u);
}

TEST_F(SiteEmulator, AfterTheFirstSessidCallsWithoutOneAreRefused) {
    Login();
    EXPECT_EQ(Exchange("type=sale&mode=init").body.substr(0, 4), "zip=");  // not ratcheted yet
    EXPECT_EQ(Exchange("type=sale&mode=init&version=2.08&" + sessid_).body.substr(0, 4), "zip=");
    EXPECT_EQ(Exchange("type=sale&mode=query").body.substr(0, 8), "failure\n");
    EXPECT_EQ(site_->counters().sessid_refused, 1u);
}

TEST_F(SiteEmulator, DocumentFrom1CAppliesStatusOnlyWhenTheOptionIsOn) {
    AddOrder(5);
    std::string const doc =
        "\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"UTF-8\"?><КоммерческаяИнформация ВерсияСхемы=\"2.09\">"
        "<Документ><Ид>5</Ид><Номер>5</Номер><Номер1С>УТ-00042</Номер1С><ЗначенияРеквизитов>"
        "<ЗначениеРеквизита><Наименование>Статуса заказа ИД</Наименование><Значение>P</Значение></ЗначениеРеквизита>"
        "<ЗначениеРеквизита><Наименование>Заказ оплачен</Наименование><Значение>true</Значение></ЗначениеРеквизита>"
        "</ЗначенияРеквизитов></Документ></КоммерческаяИнформация>";
    Control("options", json::object{{"change_status_from_1c", false}});
    Login();
    Exchange("type=sale&mode=init&version=2.08&" + sessid_);
    EXPECT_EQ(Exchange("type=sale&mode=file&filename=documents___1.xml&" + sessid_, doc).body, "success\n");
    EXPECT_EQ(Exchange("type=sale&mode=import&filename=documents___1.xml&" + sessid_).body.substr(0, 9), "progress\n");
    auto done = Exchange("type=sale&mode=import&filename=documents___1.xml&" + sessid_);
    EXPECT_EQ(done.body.substr(0, 8), "success\n");
    EXPECT_NE(Cp1251ToUtf8(done.body).find("изменение статусов из 1С выключено"), std::string::npos);
    EXPECT_EQ(site_->orders().at(5).status, "N");
    EXPECT_TRUE(site_->orders().at(5).paid);
    EXPECT_EQ(site_->orders().at(5).number_1c, "УТ-00042");

    Control("options", json::object{{"change_status_from_1c", true}});
    Exchange("type=sale&mode=import&filename=documents___1.xml&" + sessid_);
    EXPECT_EQ(site_->orders().at(5).status, "P");
}

// A real UT 11 order document (CommerceML 2.09, UTF-8, default namespace) as 1C uploads it.
TEST_F(SiteEmulator, RealUt11DocumentSetsNumberPaymentShipmentAndStatus) {
    std::ifstream in(std::string(B2B_SHARED_DIR) + "/fixtures/commerceml/argentcrusade/documents-example.xml",
                     std::ios::binary);
    ASSERT_TRUE(in);
    std::stringstream bytes;
    bytes << in.rdbuf();
    AddOrder(142);
    Login();
    Exchange("type=sale&mode=init&version=2.09&" + sessid_);
    ASSERT_EQ(Exchange("type=sale&mode=file&filename=documents___a.xml&" + sessid_, bytes.str()).body, "success\n");
    Exchange("type=sale&mode=import&filename=documents___a.xml&" + sessid_);
    auto done = Exchange("type=sale&mode=import&filename=documents___a.xml&" + sessid_);
    EXPECT_EQ(done.body.substr(0, 8), "success\n");
    EXPECT_NE(Cp1251ToUtf8(done.body).find("Заказ 235 не найден"), std::string::npos);  // not on this site
    auto const& order = site_->orders().at(142);
    EXPECT_EQ(order.number_1c, "ТДЦУ-000001");
    EXPECT_EQ(order.status, "P");
    EXPECT_TRUE(order.paid);
    EXPECT_TRUE(order.shipped);
    EXPECT_TRUE(order.updated_from_1c);
    // Updated from 1C: not offered back to 1C until it changes on the site.
    auto query = Exchange("type=sale&mode=query&" + sessid_);
    EXPECT_EQ(Cp1251ToUtf8(query.body).find("<Ид>142</Ид>"), std::string::npos);
}

// Old 1C: no `version` at init, no sessid; `file` imports the document within the same request.
TEST_F(SiteEmulator, OldOneCImportsWithinFile) {
    AddOrder(8);
    Login();
    EXPECT_EQ(Exchange("type=sale&mode=init").body, "zip=no\nfile_limit=204800\n");
    std::string const doc =
        "<?xml version=\"1.0\" encoding=\"windows-1251\"?><КоммерческаяИнформация ВерсияСхемы=\"2.03\"><Документ>"
        "<Ид>8</Ид><ЗначенияРеквизитов><ЗначениеРеквизита><Наименование>Номер по 1С</Наименование>"
        "<Значение>ЗК-8</Значение></ЗначениеРеквизита><ЗначениеРеквизита><Наименование>Отменен</Наименование>"
        "<Значение>true</Значение></ЗначениеРеквизита></ЗначенияРеквизитов></Документ></КоммерческаяИнформация>";
    auto answer = Exchange("type=sale&mode=file&filename=C%3A%5Cv8_8789_c.xml", *Utf8ToCp1251(doc));
    EXPECT_EQ(answer.body, "success\n");
    EXPECT_EQ(site_->orders().at(8).number_1c, "ЗК-8");
    EXPECT_TRUE(site_->orders().at(8).cancelled);
    EXPECT_EQ(site_->counters().documents_applied, 1u);
}

TEST_F(SiteEmulator, ExpiredSessionAndInjectedFaults) {
    Login();
    Control("sessions/expire", json::object{});
    EXPECT_EQ(Exchange("type=sale&mode=init&" + sessid_).body.substr(0, 8), "failure\n");
    EXPECT_EQ(site_->counters().no_session, 1u);
    Login();
    Control("faults", json::object{{"rules", json::array{json::object{{"kind", "502"}, {"mode", "query"}, {"next", 1}}}}});
    EXPECT_EQ(Exchange("type=sale&mode=query&" + sessid_).status, 502u);
    EXPECT_EQ(Exchange("type=sale&mode=query&" + sessid_).status, 200u);
}

TEST_F(SiteEmulator, FileChunksAboveTheLimitGet413) {
    Control("options", json::object{{"file_limit", 10}});
    Login();
    Exchange("type=sale&mode=init&version=2.08&" + sessid_);
    EXPECT_EQ(Exchange("type=sale&mode=file&filename=d.xml&" + sessid_, std::string(11, 'x')).status, 413u);
    EXPECT_EQ(Exchange("type=sale&mode=file&filename=d.xml&" + sessid_, std::string(10, 'x')).status, 200u);
}

}  // namespace
}  // namespace b2b::emu::site
