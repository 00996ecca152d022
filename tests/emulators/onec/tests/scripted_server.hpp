#pragma once

// A scripted loopback exchange peer for the simulator's tests: a Beast server on 127.0.0.1:0
// that records every request (including one cut off mid-body) and answers from a handler.
// Just enough protocol to observe the simulator; it is not an emulator of any site.
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/url/parse.hpp>

#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace b2b::emu::onec::testing {

struct Recorded {
    std::string method;
    std::map<std::string, std::string> query;  // decoded
    std::string cookie;
    std::string authorization;
    std::string body;
    bool complete = true;  // false: the client closed before the announced body arrived

    std::string Mode() const { return Get("mode"); }
    std::string Get(std::string const& key) const {
        auto it = query.find(key);
        return it == query.end() ? std::string{} : it->second;
    }
    bool Has(std::string const& key) const { return query.count(key) > 0; }
};

struct Reply {
    unsigned status = 200;
    std::string body;
    std::string content_type = "text/plain; charset=utf-8";
};

class ScriptedServer {
public:
    using Handler = std::function<Reply(Recorded const&)>;

    explicit ScriptedServer(Handler handler)
        : handler_(std::move(handler)), acceptor_(ioc_, {boost::asio::ip::make_address("127.0.0.1"), 0}) {
        port_ = acceptor_.local_endpoint().port();
        thread_ = std::thread([this] { AcceptLoop(); });
    }

    ~ScriptedServer() {
        stopping_ = true;
        // Wake the blocking accept with a throwaway connection.
        boost::system::error_code ignored;
        boost::asio::io_context wake_ioc;
        boost::asio::ip::tcp::socket wake(wake_ioc);
        wake.connect({boost::asio::ip::make_address("127.0.0.1"), port_}, ignored);
        thread_.join();
    }

    ScriptedServer(ScriptedServer const&) = delete;
    ScriptedServer& operator=(ScriptedServer const&) = delete;

    std::string Url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/1c_exchange.php"; }

    std::vector<Recorded> Requests() const {
        std::lock_guard lock(mutex_);
        return requests_;
    }

private:
    void AcceptLoop() {
        namespace http = boost::beast::http;
        while (!stopping_) {
            boost::asio::ip::tcp::socket socket(ioc_);
            boost::system::error_code ec;
            acceptor_.accept(socket, ec);
            if (ec || stopping_) {
                return;
            }
            boost::beast::flat_buffer buffer;
            while (true) {
                http::request_parser<http::string_body> parser;
                parser.body_limit(std::uint64_t{1} << 30);
                http::read(socket, buffer, parser, ec);
                if (ec && !parser.is_header_done()) {
                    break;  // the client closed an idle keep-alive connection
                }
                auto const& req = parser.get();
                Recorded recorded{.method = std::string(req.method_string()),
                                  .cookie = std::string(req[http::field::cookie]),
                                  .authorization = std::string(req[http::field::authorization]),
                                  .body = req.body(),
                                  .complete = !ec};
                if (auto target = boost::urls::parse_origin_form(req.target())) {
                    for (auto const& param : target->params()) {
                        recorded.query[param.key] = param.value;
                    }
                }
                {
                    std::lock_guard lock(mutex_);
                    requests_.push_back(recorded);
                }
                if (ec) {
                    break;
                }
                auto const reply = handler_(recorded);
                http::response<http::string_body> res{static_cast<http::status>(reply.status), 11};
                res.set(http::field::content_type, reply.content_type);
                res.body() = reply.body;
                res.keep_alive(req.keep_alive());
                res.prepare_payload();
                http::write(socket, res, ec);
                if (ec || !req.keep_alive()) {
                    break;
                }
            }
        }
    }

    Handler handler_;
    boost::asio::io_context ioc_;
    boost::asio::ip::tcp::acceptor acceptor_;
    unsigned short port_ = 0;
    std::atomic<bool> stopping_{false};
    mutable std::mutex mutex_;
    std::vector<Recorded> requests_;
    std::thread thread_;
};

/// A Bitrix-shaped script: configurable checkauth/init answers, `file` always succeeds,
/// `import` answers `progress` a set number of times per file, everything else `success`.
/// Runs on the server thread only.
struct BitrixScript {
    std::string checkauth = "success\nPHPSESSID\ncookie123\nsessid=5a562c8331776182a53b39fa228c99cc\ntimestamp=1733140000\n";
    std::string init = "zip=no\nfile_limit=1000\n";
    std::map<std::string, int> progress_per_file;  // filename → progress answers before success
    std::map<std::string, Reply> import_reply;      // filename → fixed answer instead
    Reply query{.status = 200, .body = "<?xml version=\"1.0\"?><КоммерческаяИнформация/>",
                .content_type = "application/xml; charset=utf-8"};
    Reply progress_reply_template{.status = 200, .body = "progress\nstep\n"};
    std::map<std::string, int> calls;

    Reply operator()(Recorded const& r) {
        auto const mode = r.Mode();
        if (mode == "checkauth") {
            return {.body = checkauth};
        }
        if (mode == "init") {
            return {.body = init};
        }
        if (mode == "query") {
            return query;
        }
        if (mode == "import") {
            auto const name = r.Get("filename");
            if (auto it = import_reply.find(name); it != import_reply.end()) {
                return it->second;
            }
            if (calls[name]++ < progress_per_file[name]) {
                return progress_reply_template;
            }
            return {.body = "success\nimport finished\n"};
        }
        return {.body = "success\n"};
    }
};

}  // namespace b2b::emu::onec::testing
