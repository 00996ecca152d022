#include "tests/support/http_sink.hpp"

#include <set>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace b2b::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;

struct HttpSink::Impl {
    asio::io_context io;
    tcp::acceptor acceptor{io};
    std::thread accept_thread;
    std::mutex conn_mutex;
    std::vector<std::thread> connection_threads;
    std::vector<std::shared_ptr<tcp::socket>> sockets;
    std::atomic<bool> stopping{false};
};

HttpSink::HttpSink(Options options) : options_(options), impl_(std::make_unique<Impl>()), rng_(options.seed) {
    tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), 0);
    impl_->acceptor.open(ep.protocol());
    impl_->acceptor.set_option(tcp::acceptor::reuse_address(true));
    impl_->acceptor.bind(ep);
    impl_->acceptor.listen();
    port_ = impl_->acceptor.local_endpoint().port();
    impl_->accept_thread = std::thread([this] {
        while (!impl_->stopping) {
            auto socket = std::make_shared<tcp::socket>(impl_->io);
            boost::system::error_code ec;
            impl_->acceptor.accept(*socket, ec);
            if (ec || impl_->stopping) {
                return;
            }
            std::lock_guard lock(impl_->conn_mutex);
            impl_->sockets.push_back(socket);
            impl_->connection_threads.emplace_back([this, socket] {
                beast::flat_buffer buffer;
                for (;;) {
                    bhttp::request<bhttp::string_body> req;
                    boost::system::error_code rec;
                    bhttp::read(*socket, buffer, req, rec);
                    if (rec) {
                        return;
                    }
                    ++requests_;
                    bool fail = false;
                    bool lose = false;
                    {
                        std::lock_guard l(mutex_);
                        std::uniform_real_distribution<double> u(0.0, 1.0);
                        fail = u(rng_) < options_.fail_ratio;
                        lose = !fail && u(rng_) < options_.lose_reply_ratio;
                        if (!fail) {
                            Delivery d;
                            d.idempotency_key = std::string(req["Idempotency-Key"]);
                            d.entity = std::string(req["X-B2B-Entity"]);
                            d.body = req.body();
                            d.sequence = next_sequence_++;
                            deliveries_.push_back(std::move(d));
                            last_headers_.clear();
                            for (auto const& h : req) {
                                std::string name(h.name_string());
                                for (auto& ch : name) {
                                    ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
                                }
                                last_headers_[name] = std::string(h.value());
                            }
                        }
                    }
                    if (lose) {
                        ++lost_;
                        boost::system::error_code ignored;
                        socket->shutdown(tcp::socket::shutdown_both, ignored);
                        socket->close(ignored);
                        return;
                    }
                    bhttp::response<bhttp::string_body> res{fail ? bhttp::status::service_unavailable : bhttp::status::ok,
                                                            req.version()};
                    if (fail) {
                        ++failed_;
                        res.set(bhttp::field::retry_after, "0");
                        res.body() = "try again\n";
                    } else {
                        res.body() = "ok\n";
                    }
                    res.keep_alive(req.keep_alive());
                    res.prepare_payload();
                    bhttp::write(*socket, res, rec);
                    if (rec || !req.keep_alive()) {
                        return;
                    }
                }
            });
        }
    });
}

HttpSink::~HttpSink() {
    impl_->stopping = true;
    boost::system::error_code ec;
    impl_->acceptor.close(ec);
    // Unblock accept(): a connect to ourselves makes accept return, then the loop sees stopping.
    {
        tcp::socket poke(impl_->io);
        poke.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_), ec);
    }
    if (impl_->accept_thread.joinable()) {
        impl_->accept_thread.join();
    }
    std::lock_guard lock(impl_->conn_mutex);
    for (auto& s : impl_->sockets) {
        s->shutdown(tcp::socket::shutdown_both, ec);
        s->close(ec);
    }
    for (auto& t : impl_->connection_threads) {
        if (t.joinable()) {
            t.join();
        }
    }
}

std::string HttpSink::Url(std::string const& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
}

std::vector<HttpSink::Delivery> HttpSink::Deliveries() const {
    std::lock_guard lock(mutex_);
    return deliveries_;
}

std::size_t HttpSink::DistinctKeys() const {
    std::lock_guard lock(mutex_);
    std::set<std::string> keys;
    for (auto const& d : deliveries_) {
        keys.insert(d.idempotency_key);
    }
    return keys.size();
}

std::map<std::string, std::string> HttpSink::LastHeaders() const {
    std::lock_guard lock(mutex_);
    return last_headers_;
}

}  // namespace b2b::test
