#include "core/config/substitute.hpp"

#include <gtest/gtest.h>

#include "tests/unit/config/test_env.hpp"

namespace b2b::config {
namespace {

TEST(SubstituteEnv, WholeEmbeddedDefaultAndEscape) {
    auto const env = test::EnvOf({{"HOST", "10.0.0.5"}, {"EMPTY", ""}});
    EXPECT_EQ(SubstituteEnv("${HOST}", env).value(), "10.0.0.5");
    EXPECT_EQ(SubstituteEnv("${HOST}:8080", env).value(), "10.0.0.5:8080");
    EXPECT_EQ(SubstituteEnv("${PORT:-9090}", env).value(), "9090");
    EXPECT_EQ(SubstituteEnv("${HOST:-x}", env).value(), "10.0.0.5");
    EXPECT_EQ(SubstituteEnv("${EMPTY:-fallback}", env).value(), "fallback");
    EXPECT_EQ(SubstituteEnv("${EMPTY}", env).value(), "");
    EXPECT_EQ(SubstituteEnv("${U:-http://127.0.0.1:9999/hook}", env).value(), "http://127.0.0.1:9999/hook");
    EXPECT_EQ(SubstituteEnv("price $5, $${HOST}", env).value(), "price $5, ${HOST}");
}

TEST(SubstituteEnv, Errors) {
    auto const env = test::EnvOf();
    EXPECT_EQ(SubstituteEnv("${B2B_SINK_TOKEN}", env).error().message,
              "environment variable B2B_SINK_TOKEN is not set");
    EXPECT_EQ(SubstituteEnv("x${HOST", env).error().message,
              "unterminated \"${\" in \"x${HOST\"; write \"$${\" for a literal \"${\"");
    EXPECT_EQ(SubstituteEnv("${1A}", env).error().message, "invalid environment variable name \"1A\"");
}

}  // namespace
}  // namespace b2b::config
