// Hostile or broken HTTP clients against the running daemon: each gets a clear answer and the
// daemon keeps serving everyone else.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/support/daemon_harness.hpp"
#include "tests/support/http_client.hpp"

namespace b2b::test {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

class BadInput : public ::testing::Test {
protected:
    void SetUp() override {
        daemon_.WriteConfig(DaemonHarness::DefaultConfig(""));
        daemon_.Start();
    }
    void TearDown() override { EXPECT_EQ(daemon_.Stop(), 0); }
    void ExpectStillServing() {
        HttpClient admin("127.0.0.1", daemon_.admin_port());
        EXPECT_EQ(admin.Get("/healthz").status, 200);
        EXPECT_EQ(admin.Get("/readyz").status, 200);
    }
    DaemonHarness daemon_{B2B_DAEMON_PATH};
};

TEST_F(BadInput, UnknownRouteGets404AndIsCountedWithoutItsPath) {
    HttpClient client("127.0.0.1", daemon_.public_port());
    auto res = client.Get("/wp-admin/../../etc/passwd?x=1");
    EXPECT_EQ(res.status, 404);
    EXPECT_THAT(res.body, StartsWith("not found"));
    HttpClient admin("127.0.0.1", daemon_.admin_port());
    auto metrics = admin.Get("/metrics").body;
    EXPECT_THAT(metrics, HasSubstr("b2b_http_requests_total{listener=\"public\",route=\"unmatched\",status=\"404\"} 1\n"));
    EXPECT_THAT(metrics, ::testing::Not(HasSubstr("passwd")));
    ExpectStillServing();
}

TEST_F(BadInput, OversizedBodyIsRefusedWith413BeforeItIsRead) {
    // server.max_body is 1 MiB in the test config. The 2 MiB body is only announced: the daemon
    // must answer from the header alone, without waiting for (or buffering) the body.
    std::string const answer = RawSend("127.0.0.1", daemon_.admin_port(),
                                       "GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 2097152\r\n\r\n",
                                       std::chrono::seconds(5));
    EXPECT_THAT(answer, StartsWith("HTTP/1.1 413"));
    EXPECT_THAT(answer, HasSubstr("request body too large: limit is 1048576 bytes"));
    HttpClient admin("127.0.0.1", daemon_.admin_port());
    EXPECT_THAT(admin.Get("/metrics").body,
                HasSubstr("b2b_http_rejected_total{listener=\"admin\",reason=\"too_large\"} 1\n"));
    ExpectStillServing();
}

TEST_F(BadInput, SlowClientTricklingBytesIsCutWhileOthersAreServed) {
    // header_timeout is 2 s in the test config: a client that sends one byte and then stalls is
    // cut; meanwhile other clients are answered at once.
    std::thread slow([&] {
        std::string const got =
            RawSend("127.0.0.1", daemon_.admin_port(), "GET /heal", std::chrono::seconds(8));
        EXPECT_THAT(got, ::testing::AnyOf(StartsWith("HTTP/1.1 408"), ::testing::IsEmpty()));
    });
    for (int i = 0; i < 5; ++i) {
        HttpClient admin("127.0.0.1", daemon_.admin_port());
        EXPECT_EQ(admin.Get("/healthz").status, 200);
    }
    slow.join();
    HttpClient admin("127.0.0.1", daemon_.admin_port());
    EXPECT_THAT(admin.Get("/metrics").body,
                HasSubstr("b2b_http_rejected_total{listener=\"admin\",reason=\"timeout\"} 1\n"));
    ExpectStillServing();
}

TEST_F(BadInput, GarbageInsteadOfHttpGets400) {
    std::string const got = RawSend("127.0.0.1", daemon_.public_port(), "\x16\x03\x01 hello, I speak TLS\r\n\r\n",
                                    std::chrono::seconds(5));
    EXPECT_THAT(got, StartsWith("HTTP/1.1 400"));
    ExpectStillServing();
}

}  // namespace
}  // namespace b2b::test
