#pragma once

#include <chrono>
#include <functional>
#include <future>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

#include "core/http/server.hpp"
#include "core/util/metrics.hpp"

namespace b2b::http::test {

/// Runs a Server on 127.0.0.1:0 with two io threads (so strands matter), and stops it in TearDown.
class ServerFixture : public ::testing::Test {
protected:
    static ServerOptions FastOptions() {
        ServerOptions options;
        options.header_timeout = std::chrono::seconds(10);
        options.request_timeout = std::chrono::seconds(10);
        options.idle_timeout = std::chrono::seconds(10);
        return options;
    }

    void StartServer(ServerOptions options, Router router) {
        server_ = std::make_unique<Server>(ioc_.get_executor(), std::move(options), std::move(router), registry_);
        auto endpoint = server_->Start();
        ASSERT_TRUE(endpoint) << endpoint.error().message;
        port_ = endpoint->port();
        for (int i = 0; i < 2; ++i) {
            threads_.emplace_back([this] { ioc_.run(); });
        }
    }

    /// Stops the server and returns whether on_stopped ran within `wait`.
    bool StopServer(std::chrono::milliseconds grace = std::chrono::milliseconds(0),
                    std::chrono::milliseconds wait = std::chrono::seconds(10)) {
        if (!server_ || stopped_) {
            return true;
        }
        stopped_ = true;
        auto promise = std::make_shared<std::promise<void>>();
        auto future = promise->get_future();
        server_->Stop(grace, [promise] { promise->set_value(); });
        return future.wait_for(wait) == std::future_status::ready;
    }

    void TearDown() override {
        StopServer();
        work_.reset();
        ioc_.stop();
        for (auto& thread : threads_) {
            thread.join();
        }
        server_.reset();
    }

    /// Polls `condition` until true or `limit` passes (a bound, not a timing assertion).
    static bool Eventually(std::function<bool()> const& condition,
                           std::chrono::milliseconds limit = std::chrono::seconds(10)) {
        auto const until = std::chrono::steady_clock::now() + limit;
        while (std::chrono::steady_clock::now() < until) {
            if (condition()) {
                return true;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
        return condition();
    }

    std::string Metrics() const { return registry_.Render(); }

    boost::asio::io_context ioc_;
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_{ioc_.get_executor()};
    metrics::Registry registry_;
    std::unique_ptr<Server> server_;
    std::vector<std::thread> threads_;
    std::uint16_t port_ = 0;
    bool stopped_ = false;
};

}  // namespace b2b::http::test
