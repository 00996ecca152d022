#pragma once

#include "tests/emulators/bitrix24/clock.hpp"
#include "tests/emulators/bitrix24/portal.hpp"
#include "tests/emulators/bitrix24/server.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <thread>

namespace b2b::emu::bitrix24::test {

namespace json = boost::json;

struct Response {
    unsigned status = 0;
    std::string content_type;
    std::string body;
    json::value json;  // null when the body is not JSON
    bool connection_lost = false;
};

/// Runs a Portal + Server on 127.0.0.1:0 in a background io_context thread, with a manual
/// clock (advanced through /_emulator/clock so all state stays on the server thread).
class EmulatorTest : public ::testing::Test {
protected:
    static constexpr char const* kCode = "testcode";

    virtual PortalOptions MakeOptions() {
        PortalOptions options;
        options.webhook_code = kCode;
        // The clock only moves when a test advances it, so the bucket never drains by itself;
        // tests of the bucket lower this through /_emulator/limits.
        options.burst = 1e9;
        return options;
    }

    void SetUp() override {
        portal_ = std::make_unique<Portal>(MakeOptions(), clock_);
        server_ = std::make_unique<Server>(io_, *portal_, "127.0.0.1", 0);
        server_->Start();
        thread_ = std::thread([this] { io_.run(); });
    }

    void TearDown() override {
        io_.stop();
        thread_.join();
    }

    static std::string Hook(std::string const& method) { return std::string("/rest/1/") + kCode + "/" + method; }

    Response Send(boost::beast::http::verb verb, std::string const& target, std::string const& body = "",
                  std::string const& content_type = "") {
        namespace http = boost::beast::http;
        boost::asio::io_context io;
        boost::asio::ip::tcp::socket socket(io);
        socket.connect({boost::asio::ip::make_address("127.0.0.1"), server_->port()});
        http::request<http::string_body> req{verb, target, 11};
        req.set(http::field::host, "127.0.0.1");
        if (!content_type.empty()) {
            req.set(http::field::content_type, content_type);
        }
        req.body() = body;
        req.prepare_payload();
        http::write(socket, req);
        boost::beast::flat_buffer buffer;
        http::response<http::string_body> res;
        boost::system::error_code ec;
        http::read(socket, buffer, res, ec);
        Response out;
        if (ec) {
            out.connection_lost = true;
            return out;
        }
        out.status = res.result_int();
        out.content_type = std::string(res[http::field::content_type]);
        out.body = res.body();
        boost::system::error_code parse_ec;
        auto parsed = json::parse(out.body, parse_ec);
        if (!parse_ec) {
            out.json = std::move(parsed);
        }
        return out;
    }

    Response Get(std::string const& target) { return Send(boost::beast::http::verb::get, target); }
    Response PostJson(std::string const& target, json::value const& body) {
        return Send(boost::beast::http::verb::post, target, json::serialize(body), "application/json");
    }
    Response PostForm(std::string const& target, std::string const& body) {
        return Send(boost::beast::http::verb::post, target, body, "application/x-www-form-urlencoded");
    }
    Response Control(std::string const& path, json::value const& body = json::object{}) {
        return PostJson("/_emulator/" + path, body);
    }
    void AdvanceClock(double seconds) { Control("clock", json::object{{"advance", seconds}}); }

    ManualClock clock_;
    boost::asio::io_context io_{1};
    std::unique_ptr<Portal> portal_;
    std::unique_ptr<Server> server_;
    std::thread thread_;
};

inline json::value const& At(json::value const& v, std::string const& key) { return v.as_object().at(key); }

}  // namespace b2b::emu::bitrix24::test
