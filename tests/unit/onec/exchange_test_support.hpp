#pragma once

#include <chrono>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>
#include <gtest/gtest.h>
#include <zip.h>

#include "connectors/onec/exchange_endpoint.hpp"
#include "core/http/server.hpp"
#include "core/store/database.hpp"
#include "core/util/clock.hpp"
#include "core/util/metrics.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/temp_dir.hpp"

namespace b2b::onec::test {

/// What the test sinks saw, shared by every sink the factory builds (one per import slice).
struct SinkLog {
    std::mutex mutex;
    std::vector<std::string> flushed;  ///< product ids in Flush order
    std::vector<CmlDocument> documents;  ///< Документ records in Flush order (sale)
    std::vector<std::string> headers;  ///< element paths of OnHeader calls, in order
    std::vector<ImportContext> contexts;
    int flushes = 0;
    int finishes = 0;
    std::vector<std::string> deactivations;  ///< timestamps
    int completes = 0;
};

/// Our own test double for the landing: buffers product ids and hands them to the log on Flush.
class RecordingSink final : public ImportSink, public CmlVisitor {
public:
    explicit RecordingSink(std::shared_ptr<SinkLog> log) : log_(std::move(log)) {}

    CmlVisitor& Visitor() override { return *this; }
    Status Flush() override {
        std::lock_guard lock(log_->mutex);
        log_->flushed.insert(log_->flushed.end(), pending_.begin(), pending_.end());
        flushed_here_ += pending_.size();
        pending_.clear();
        log_->documents.insert(log_->documents.end(), pending_documents_.begin(), pending_documents_.end());
        pending_documents_.clear();
        ++log_->flushes;
        return {};
    }
    Status Finish() override {
        std::lock_guard lock(log_->mutex);
        ++log_->finishes;
        return {};
    }
    /// The products this sink (this slice) flushed, all counted as inserted. Test convention: a
    /// product whose Ид starts with "orphan" stands for an offer of an unknown product.
    ImportTally Tally() const override {
        ImportTally t{.orphan_offers = orphans_};
        if (flushed_here_ > 0) {
            t.rows.push_back(ImportTally::Rows{.kind = "products", .inserted = flushed_here_});
        }
        return t;
    }

    // CmlVisitor
    Status OnHeader(CmlHeader const& header) override {
        std::lock_guard lock(log_->mutex);
        log_->headers.push_back(header.element_path);
        return {};
    }
    Status OnProduct(CmlProduct const& product) override {
        orphans_ += product.id.value().starts_with("orphan") ? 1 : 0;
        pending_.push_back(product.id.value());
        return {};
    }
    Status OnDocument(CmlDocument const& document) override {
        pending_documents_.push_back(document);
        return {};
    }

private:
    std::shared_ptr<SinkLog> log_;
    std::vector<std::string> pending_;
    std::vector<CmlDocument> pending_documents_;
    std::uint64_t orphans_ = 0;
    std::uint64_t flushed_here_ = 0;
};

inline constexpr char const* kBasic = "Basic c2l0ZTpzZWNyZXQ=";  // site:secret (commerceml.md §2.1)
inline constexpr UnixMillis kStart = 1'733'140'000'000;

/// A catalog document with products "p1".."pN" (UTF-8 with BOM, like real 1C exports).
inline std::string CatalogXml(int products) {
    std::string xml = "\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                      "<КоммерческаяИнформация ВерсияСхемы=\"2.10\" ДатаФормирования=\"2024-12-02T12:00:00\">\n"
                      "<Каталог СодержитТолькоИзменения=\"false\">\n<Ид>cat-1</Ид>\n<Наименование>Каталог</Наименование>\n"
                      "<Товары>\n";
    for (int i = 1; i <= products; ++i) {
        std::string const id = "p" + std::to_string(i);
        xml += "<Товар><Ид>" + id + "</Ид><Артикул>A-" + id + "</Артикул><Наименование>Товар " + id +
               "</Наименование></Товар>\n";
    }
    xml += "</Товары>\n</Каталог>\n</КоммерческаяИнформация>\n";
    return xml;
}

/// Writes a zip with the given (name, content) entries, deflated.
inline std::string MakeZip(b2b::test::TempDir const& dir, std::vector<std::pair<std::string, std::string>> const& entries) {
    auto const path = dir / "made.zip";
    int error = 0;
    zip_t* zip = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &error);
    EXPECT_NE(zip, nullptr);
    for (auto const& [name, content] : entries) {
        zip_source_t* source = zip_source_buffer(zip, content.data(), content.size(), 0);
        EXPECT_GE(zip_file_add(zip, name.c_str(), source, ZIP_FL_OVERWRITE), 0);
    }
    EXPECT_EQ(zip_close(zip), 0);
    std::ifstream in(path, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::filesystem::remove(path);
    return bytes;
}

/// A real http::Server with the exchange endpoint on 127.0.0.1:0, a real SQLite store and work dir
/// in a temp directory; Restart() rebuilds server, endpoint and database over the same files.
class ExchangeFixture : public ::testing::Test {
protected:
    void SetUp() override {
        options_.user = "site";
        options_.password = "secret";
        options_.work_dir = dir_ / "work";
        options_.file_limit = 256;
        options_.import_slice_records = 2;
        options_.import_slice = std::chrono::seconds(30);
    }

    void TearDown() override { StopServer(); }

    void StartServer() {
        auto db = store::Database::Open(dir_ / "state.db");
        ASSERT_TRUE(db) << db.error().message;
        db_ = std::move(*db);
        ioc_ = std::make_unique<boost::asio::io_context>();
        work_ = std::make_unique<WorkGuard>(ioc_->get_executor());
        ExchangeHooks hooks;
        hooks.on_deactivate = [log = log_](std::string const&, std::string const& timestamp) -> Status {
            std::lock_guard lock(log->mutex);
            log->deactivations.push_back(timestamp);
            return {};
        };
        hooks.on_complete = [log = log_](std::string const&) -> Status {
            std::lock_guard lock(log->mutex);
            ++log->completes;
            return {};
        };
        OneCExchangeEndpoint endpoint(
            options_, *db_, clock_, registry_, worker_.get_executor(),
            [log = log_](ImportContext const& context) -> std::unique_ptr<ImportSink> {
                {
                    std::lock_guard lock(log->mutex);
                    log->contexts.push_back(context);
                }
                return std::make_unique<RecordingSink>(log);
            },
            hooks);
        http::Router router;
        endpoint.Register(router);
        http::ServerOptions server_options;
        server_ = std::make_unique<http::Server>(ioc_->get_executor(), server_options, std::move(router), registry_);
        auto endpoint_address = server_->Start();
        ASSERT_TRUE(endpoint_address) << endpoint_address.error().message;
        port_ = endpoint_address->port();
        for (int i = 0; i < 2; ++i) {
            threads_.emplace_back([ioc = ioc_.get()] { ioc->run(); });
        }
        client_ = std::make_unique<b2b::test::HttpClient>("127.0.0.1", port_);
    }

    void StopServer() {
        if (!server_) {
            return;
        }
        client_.reset();
        auto promise = std::make_shared<std::promise<void>>();
        auto future = promise->get_future();
        server_->Stop(std::chrono::milliseconds(0), [promise] { promise->set_value(); });
        EXPECT_EQ(future.wait_for(std::chrono::seconds(10)), std::future_status::ready);
        work_.reset();
        ioc_->stop();
        for (auto& thread : threads_) {
            thread.join();
        }
        threads_.clear();
        server_.reset();
        ioc_.reset();
        db_.reset();
    }

    std::string Target(std::string const& query) const { return options_.path + "?" + query; }

    b2b::test::HttpResponse Get(std::string const& query, b2b::test::HttpHeaders headers = {}) {
        return client_->Get(Target(query), headers);
    }
    b2b::test::HttpResponse Post(std::string const& query, std::string body, b2b::test::HttpHeaders headers = {}) {
        return client_->Post(Target(query), std::move(body), headers);
    }

    /// checkauth of type_ with Basic; remembers cookie and sessid.
    void CheckAuth() {
        auto const r = Get("type=" + type_ + "&mode=checkauth", {{"Authorization", kBasic}});
        ASSERT_EQ(r.status, 200) << r.body;
        auto const lines = Lines(r.body);
        ASSERT_EQ(lines.size(), type_ == "sale" ? 4u : 5u) << r.body;
        cookie_ = lines[1] + "=" + lines[2];
        sessid_ = lines[3].substr(7);
    }

    b2b::test::HttpHeaders Cookie() const { return {{"Cookie", cookie_}}; }

    /// Uploads `content` in chunks of file_limit bytes, expecting `success` for each.
    void Upload(std::string const& filename, std::string const& content) {
        for (std::size_t at = 0; at < content.size(); at += options_.file_limit) {
            auto const r = Post("type=" + type_ + "&mode=file&filename=" + filename + "&sessid=" + sessid_,
                                content.substr(at, options_.file_limit), Cookie());
            ASSERT_EQ(r.body, "success") << filename << " at " << at;
        }
    }

    /// Calls import until the answer is not `progress`; returns every answer.
    std::vector<std::string> ImportAll(std::string const& filename, int max_calls = 100) {
        std::vector<std::string> answers;
        for (int i = 0; i < max_calls; ++i) {
            auto const r = Get("type=" + type_ + "&mode=import&filename=" + filename + "&sessid=" + sessid_, Cookie());
            answers.push_back(r.body);
            if (!r.body.starts_with("progress\n")) {
                break;
            }
        }
        return answers;
    }

    std::filesystem::path SessionDir() const {
        for (auto const& entry : std::filesystem::directory_iterator(options_.work_dir)) {
            return entry.path();
        }
        return {};
    }

    static std::vector<std::string> Lines(std::string const& body) {
        std::vector<std::string> lines;
        std::size_t start = 0;
        while (start <= body.size()) {
            auto const nl = body.find('\n', start);
            lines.push_back(body.substr(start, nl == std::string::npos ? std::string::npos : nl - start));
            if (nl == std::string::npos) {
                break;
            }
            start = nl + 1;
        }
        return lines;
    }

    using WorkGuard = boost::asio::executor_work_guard<boost::asio::io_context::executor_type>;

    b2b::test::TempDir dir_;
    std::string type_ = "catalog";  ///< the exchange type the helpers speak
    OneCExchangeOptions options_;
    FakeClock clock_{kStart};
    metrics::Registry registry_;
    boost::asio::thread_pool worker_{2};
    std::shared_ptr<SinkLog> log_ = std::make_shared<SinkLog>();
    std::unique_ptr<store::Database> db_;
    std::unique_ptr<boost::asio::io_context> ioc_;
    std::unique_ptr<WorkGuard> work_;
    std::unique_ptr<http::Server> server_;
    std::vector<std::thread> threads_;
    std::uint16_t port_ = 0;
    std::unique_ptr<b2b::test::HttpClient> client_;
    std::string cookie_;
    std::string sessid_;
};

}  // namespace b2b::onec::test
