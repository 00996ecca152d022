#pragma once

// What the 1C exchange integration tests share: the daemon's onec: config, the simulator's command
// line, and counting rows in the daemon's store from the test process (WAL lets it read while the
// daemon runs).
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "core/store/database.hpp"
#include "tests/support/daemon_harness.hpp"

namespace b2b::test::onec {

inline std::filesystem::path const kFixtures = std::filesystem::path(B2B_SHARED_DIR) / "fixtures" / "commerceml";
inline constexpr char kPassword[] = "s3cret-exchange";
inline constexpr char kPasswordEnv[] = "B2B_TEST_ONEC_PASSWORD";

/// The daemon config with the 1C endpoint on (user "exchange"); `onec_extra` lines go under onec:.
inline std::string OneCConfig(std::string const& file_limit, std::string const& onec_extra = "") {
    return DaemonHarness::DefaultConfig("",
                                        "onec:\n"
                                        "  enabled: true\n"
                                        "  user: exchange\n"
                                        "  password: ${B2B_TEST_ONEC_PASSWORD}\n"
                                        "  file_limit: " +
                                            file_limit + "\n" + onec_extra);
}

inline std::string ExchangeUrl(DaemonHarness const& daemon) {
    return "http://127.0.0.1:" + std::to_string(daemon.public_port()) + "/1c_exchange.php";
}

/// Runs the 1C client simulator against `daemon` with the right credentials plus `args`.
inline CommandResult Simulate(DaemonHarness const& daemon, std::vector<std::string> args,
                              std::chrono::seconds timeout = std::chrono::seconds(120)) {
    std::vector<std::string> all = {"--url", ExchangeUrl(daemon), "--user", "exchange", "--password-env",
                                    kPasswordEnv, "--timeout", "60s"};
    all.insert(all.end(), args.begin(), args.end());
    return RunCommand(B2B_ONEC_SIMULATOR, all, {{kPasswordEnv, kPassword}}, timeout);
}

/// The single integer `sql` selects from the daemon's store (-1 and a test failure on errors).
inline std::int64_t Count(std::filesystem::path const& db_path, std::string const& sql) {
    auto db = store::Database::Open(db_path);
    if (!db) {
        ADD_FAILURE() << db.error().message;
        return -1;
    }
    auto tx = store::Transaction::Begin(**db, "test count", store::Transaction::Mode::kRead);
    if (!tx) {
        ADD_FAILURE() << tx.error().message;
        return -1;
    }
    auto st = (*tx)->Prepare("test count", sql.c_str());
    if (!st) {
        ADD_FAILURE() << st.error().message;
        return -1;
    }
    auto row = st->Step();
    return row && *row ? st->ColumnInt64(0) : -1;
}

/// The "failure" field of the simulator's JSON summary line: the text 1C shows from the server's
/// `failure` answer, prefixed by the request ("mode=import filename=x.xml: failure: ...").
inline std::string SimulatorFailure(std::string const& output) {
    auto const at = output.rfind("{\"result\":");
    if (at == std::string::npos) {
        ADD_FAILURE() << "no JSON summary in: " << output;
        return {};
    }
    auto const end = output.find('\n', at);
    boost::system::error_code ec;
    auto const value = boost::json::parse(output.substr(at, end == std::string::npos ? end : end - at), ec);
    if (ec || !value.is_object() || !value.as_object().contains("failure")) {
        ADD_FAILURE() << "bad JSON summary in: " << output;
        return {};
    }
    return std::string(value.at("failure").as_string());
}

/// Authorization header value for exchange:kPassword, for requests the test sends itself.
inline constexpr char kBasicAuthorization[] = "Basic ZXhjaGFuZ2U6czNjcmV0LWV4Y2hhbmdl";

}  // namespace b2b::test::onec
