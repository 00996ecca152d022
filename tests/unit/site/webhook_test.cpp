// JSON-webhook mode: signature rules, the order schema, the endpoint on a real http::Server over
// loopback, and the signed outbound status update.
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

#include <thread>

#include "connectors/site/webhook_endpoint.hpp"
#include "connectors/site/webhook_order_json.hpp"
#include "connectors/site/webhook_signature.hpp"
#include "connectors/site/webhook_status_sender.hpp"
#include "core/domain/decimal_parse.hpp"
#include "core/http/server.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/http_sink.hpp"
#include "tests/unit/site/site_emulator_fixture.hpp"

namespace b2b::site::test {
namespace {

using namespace std::chrono_literals;
constexpr UnixMillis kNow = 1'733'140'000'000;  // 2024-12-02T11:46:40Z
constexpr char const* kSecret = "whsec-8c1f0e";

std::string OrderJson(std::string const& total = "\"4203.70\"") {
    return R"({"id":"132","number":"Б2Б-132","date":"2024-12-02T11:45:21+03:00","currency":"руб",)"
           R"("comment":"Доставить до 12:00",)"
           R"("buyer":{"id":"38#romashka#ООО «Ромашка»","name":"ООО «Ромашка»",)"
           R"("full_name":"Общество с ограниченной ответственностью «Ромашка»","inn":"7701234567","kpp":"770101001"},)"
           R"("lines":[{"id":"910e89e5-205e#7c63329c-8a29","name":"Гвоздь строительный 100 мм, ящик","unit_code":"796",)"
           R"("price":"1234.5678","quantity":"3","sum":"3703.70"},)"
           R"({"id":"ORDER_DELIVERY","name":"Доставка","price":"500.00","quantity":"1","sum":"500.00"}],)"
           R"("total":)" + total + R"(,"status":"N","paid":false,"shipped":false,"cancelled":false})";
}

TEST(WebhookSignature, IsHmacSha256OverTimestampDotBody) {
    // Reference value from Python's hmac module: hmac.new(b"k3y", b'1700000000.{"a":1}', sha256).
    EXPECT_EQ(SignWebhook("k3y", "1700000000", R"({"a":1})"),
              "sha256=fd5a70e965043f7df6309c2c3b5ff5a8ffa99b1f5175e9a311459e73c4634d4a");
}

TEST(WebhookSignature, VerifyAcceptsOnlyAFreshCorrectSignature) {
    std::string const body = OrderJson();
    std::string const ts = std::to_string(kNow / 1000);
    auto const good = SignWebhook(kSecret, ts, body);
    EXPECT_EQ(VerifyWebhook(kSecret, ts, good, body, kNow, 300s), SignatureVerdict::kValid);
    EXPECT_EQ(VerifyWebhook(kSecret, ts, good, body + " ", kNow, 300s), SignatureVerdict::kBadSignature);
    EXPECT_EQ(VerifyWebhook("other", ts, good, body, kNow, 300s), SignatureVerdict::kBadSignature);
    EXPECT_EQ(VerifyWebhook(kSecret, ts, good.substr(0, good.size() - 1), body, kNow, 300s),
              SignatureVerdict::kBadSignature);
    // The timestamp is part of what is signed: a replay with a fresh timestamp fails.
    auto const later = std::to_string(kNow / 1000 + 10);
    EXPECT_EQ(VerifyWebhook(kSecret, later, good, body, kNow, 300s), SignatureVerdict::kBadSignature);
    auto const old_ts = std::to_string(kNow / 1000 - 301);
    EXPECT_EQ(VerifyWebhook(kSecret, old_ts, SignWebhook(kSecret, old_ts, body), body, kNow, 300s),
              SignatureVerdict::kStale);
    auto const future_ts = std::to_string(kNow / 1000 + 301);
    EXPECT_EQ(VerifyWebhook(kSecret, future_ts, SignWebhook(kSecret, future_ts, body), body, kNow, 300s),
              SignatureVerdict::kStale);
    EXPECT_EQ(VerifyWebhook(kSecret, "", good, body, kNow, 300s), SignatureVerdict::kMissing);
    EXPECT_EQ(VerifyWebhook(kSecret, ts, "", body, kNow, 300s), SignatureVerdict::kMissing);
    EXPECT_EQ(VerifyWebhook(kSecret, "12x", good, body, kNow, 300s), SignatureVerdict::kStale);
    EXPECT_EQ(VerifyWebhook(kSecret, "-9223372036854775808", good, body, kNow, 300s), SignatureVerdict::kStale);
}

TEST(WebhookOrderJson, MoneyMustBeDecimalStrings) {
    auto bad = DecodeWebhookOrder(OrderJson("4203.7"), 180min);
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().error_class, ErrorClass::kPermanent);
    EXPECT_NE(bad.error().message.find("webhook order: total: must be a decimal string"), std::string::npos)
        << bad.error().message;
    auto no_lines = DecodeWebhookOrder(R"({"id":"1","number":"1","date":"2024-12-02","total":"1","buyer":{"inn":"1"}})",
                                       180min);
    ASSERT_FALSE(no_lines);
    EXPECT_NE(no_lines.error().message.find("lines"), std::string::npos);
    EXPECT_FALSE(DecodeWebhookOrder("not json", 180min));
}

// The same order through both modes must give the same CmlDocument facts.
class WebhookShape : public SiteEmulatorTest {};

TEST_F(WebhookShape, WebhookOrderDecodesLikeTheExchangeModeOrder) {
    StartEmulator();
    CreateOrder(132);
    ExchangeClient client(ClientOptions(), SystemClock::Instance());
    RecordingSink sink;
    ASSERT_TRUE(client.Pull(sink));
    ASSERT_EQ(sink.batches.at(0).orders.size(), 1u);
    auto const& pulled = sink.batches[0].orders[0];
    auto hooked = DecodeWebhookOrder(OrderJson(), 180min);
    ASSERT_TRUE(hooked) << hooked.error().message;
    EXPECT_EQ(hooked->id, pulled.id);
    EXPECT_EQ(hooked->number, pulled.number);
    EXPECT_EQ(hooked->date, pulled.date);
    EXPECT_EQ(hooked->operation, pulled.operation);
    EXPECT_EQ(hooked->role, pulled.role);
    EXPECT_EQ(hooked->currency, pulled.currency);
    EXPECT_EQ(hooked->comment, pulled.comment);
    EXPECT_EQ(hooked->sum, pulled.sum);
    ASSERT_EQ(hooked->counterparties.size(), 1u);
    auto const& a = hooked->counterparties[0];
    auto const& b = pulled.counterparties.at(0);
    EXPECT_EQ(std::tie(a.id, a.name, a.full_name, a.inn, a.kpp, a.role),
              std::tie(b.id, b.name, b.full_name, b.inn, b.kpp, b.role));
    ASSERT_EQ(hooked->lines.size(), pulled.lines.size());
    for (std::size_t i = 0; i < pulled.lines.size(); ++i) {
        EXPECT_EQ(hooked->lines[i].id, pulled.lines[i].id);
        EXPECT_EQ(hooked->lines[i].ref, pulled.lines[i].ref);
        EXPECT_EQ(hooked->lines[i].name, pulled.lines[i].name);
        EXPECT_EQ(hooked->lines[i].price, pulled.lines[i].price);
        EXPECT_EQ(hooked->lines[i].quantity, pulled.lines[i].quantity);
        EXPECT_EQ(hooked->lines[i].sum, pulled.lines[i].sum);
    }
    EXPECT_EQ(hooked->paid, pulled.paid);
    EXPECT_EQ(hooked->cancelled, pulled.cancelled);
    EXPECT_EQ(hooked->delivery_allowed, pulled.delivery_allowed);
    EXPECT_EQ(hooked->order_status_id, pulled.order_status_id);
}

class FixedClock final : public Clock {
public:
    UnixMillis NowMillis() const override { return kNow; }
};

class WebhookEndpointTest : public ::testing::Test {
protected:
    void SetUp() override {
        endpoint_ = std::make_unique<SiteWebhookEndpoint>(WebhookEndpointOptions{kSecret, 300s, 180min}, sink_, clock_,
                                                          registry_);
        http::Router router;
        router.Add(boost::beast::http::verb::post, "/site/orders", endpoint_->AsHandler());
        server_ = std::make_unique<http::Server>(io_.get_executor(), http::ServerOptions{}, std::move(router), registry_);
        auto bound = server_->Start();
        ASSERT_TRUE(bound) << bound.error().message;
        thread_ = std::thread([this] { io_.run(); });
        client_ = std::make_unique<b2b::test::HttpClient>("127.0.0.1", bound->port());
    }
    void TearDown() override {
        client_.reset();
        server_->Stop(0ms, {});
        work_.reset();
        io_.stop();
        thread_.join();
        server_.reset();
    }
    b2b::test::HttpResponse Post(std::string const& body, std::string const& ts, std::string const& signature) {
        return client_->Post("/site/orders", body,
                             {{"Content-Type", "application/json"}, {"X-B2B-Timestamp", ts}, {"X-B2B-Signature", signature}});
    }
    std::string Metric(std::string const& result) {
        auto const text = registry_.Render();
        auto const key = "b2b_site_webhook_requests_total{result=\"" + result + "\"} ";
        auto at = text.find(key);
        return at == std::string::npos ? "0" : text.substr(at + key.size(), text.find('\n', at) - at - key.size());
    }

    FixedClock clock_;
    RecordingSink sink_;
    metrics::Registry registry_;
    boost::asio::io_context io_;
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_{io_.get_executor()};
    std::unique_ptr<SiteWebhookEndpoint> endpoint_;
    std::unique_ptr<http::Server> server_;
    std::thread thread_;
    std::unique_ptr<b2b::test::HttpClient> client_;
};

TEST_F(WebhookEndpointTest, GoodSignatureIsStoredBadOrStaleAreRefusedAndCounted) {
    std::string const body = OrderJson();
    std::string const ts = std::to_string(kNow / 1000);
    auto ok = Post(body, ts, SignWebhook(kSecret, ts, body));
    EXPECT_EQ(ok.status, 200) << ok.body;
    ASSERT_EQ(sink_.batches.size(), 1u);
    EXPECT_EQ(sink_.batches[0].orders.at(0).counterparties.at(0).inn, "7701234567");
    EXPECT_EQ(sink_.batches[0].orders[0].lines.at(0).price, ParseDecimal("1234.5678").value());

    auto forged = Post(body, ts, SignWebhook("guessed", ts, body));
    EXPECT_EQ(forged.status, 401);
    auto tampered = Post(body + " ", ts, SignWebhook(kSecret, ts, body));
    EXPECT_EQ(tampered.status, 401);
    auto const old_ts = std::to_string(kNow / 1000 - 3600);
    auto stale = Post(body, old_ts, SignWebhook(kSecret, old_ts, body));
    EXPECT_EQ(stale.status, 401);
    auto unsigned_post = client_->Post("/site/orders", body, {{"Content-Type", "application/json"}});
    EXPECT_EQ(unsigned_post.status, 401);
    EXPECT_EQ(sink_.calls, 1);  // nothing unauthenticated reached the sink

    EXPECT_EQ(Metric("accepted"), "1");
    EXPECT_EQ(Metric("bad_signature"), "2");
    EXPECT_EQ(Metric("stale"), "1");
    EXPECT_EQ(Metric("missing"), "1");
}

TEST_F(WebhookEndpointTest, MalformedOrderIs400AndSinkFailureIs503) {
    std::string const ts = std::to_string(kNow / 1000);
    std::string const bad = OrderJson("4203.7");
    auto malformed = Post(bad, ts, SignWebhook(kSecret, ts, bad));
    EXPECT_EQ(malformed.status, 400);
    EXPECT_NE(malformed.body.find("total"), std::string::npos);
    sink_.fail = true;
    std::string const body = OrderJson();
    auto busy = Post(body, ts, SignWebhook(kSecret, ts, body));
    EXPECT_EQ(busy.status, 503);
    EXPECT_EQ(busy.Header("Retry-After"), "5");
    EXPECT_EQ(Metric("malformed"), "1");
    EXPECT_EQ(Metric("sink_failed"), "1");
}

TEST(WebhookStatusSender, PostsASignedUpdateTheReceiverCanVerify) {
    b2b::test::HttpSink receiver;
    FixedClock clock;
    WebhookStatusSender sender({receiver.Url("/callback"), kSecret, 5s}, clock);
    auto sent = sender.Send(SiteOrderUpdate{"132", "Б2Б-132", "P", true, std::nullopt, std::nullopt, "УТ-7"});
    ASSERT_TRUE(sent) << sent.error().message;
    auto deliveries = receiver.Deliveries();
    ASSERT_EQ(deliveries.size(), 1u);
    auto headers = receiver.LastHeaders();
    EXPECT_EQ(VerifyWebhook(kSecret, headers["x-b2b-timestamp"], headers["x-b2b-signature"], deliveries[0].body, kNow,
                            300s),
              SignatureVerdict::kValid);
    auto body = boost::json::parse(deliveries[0].body);
    EXPECT_EQ(body.at("status"), "P");
    EXPECT_EQ(body.at("paid"), true);
    EXPECT_EQ(deliveries[0].idempotency_key, "132:P:1:-:-");

    b2b::test::HttpSink failing({1.0, 0.0, 1});
    WebhookStatusSender to_failing({failing.Url("/callback"), kSecret, 5s}, clock);
    auto unavailable = to_failing.Send(SiteOrderUpdate{"132", "", "F", std::nullopt, std::nullopt, std::nullopt, ""});
    ASSERT_FALSE(unavailable);
    EXPECT_TRUE(unavailable.error().IsTransient()) << unavailable.error().message;
}

}  // namespace
}  // namespace b2b::site::test
