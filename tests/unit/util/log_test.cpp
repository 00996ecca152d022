#include "core/util/log.hpp"

#include <gtest/gtest.h>

namespace b2b::log {
namespace {

TEST(LogFormat, QuotesValuesWithSpacesAndEscapesControlCharacters) {
    EXPECT_EQ(FormatLine("store", "job dead", {{"job", 42}, {"reason", "HTTP 403 \"forbidden\"\nnext"}, {"x", ""}}),
              "component=store msg=\"job dead\" job=42 reason=\"HTTP 403 \\\"forbidden\\\"\\nnext\" x=\"\"");
}

TEST(LogLevel, ParsesKnownNamesOnly) {
    Level l{};
    EXPECT_TRUE(ParseLevel("warn", l));
    EXPECT_EQ(l, Level::kWarn);
    EXPECT_FALSE(ParseLevel("verbose", l));
}

}  // namespace
}  // namespace b2b::log
