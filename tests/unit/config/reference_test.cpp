#include <cstdlib>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "core/config/app_config_schema.hpp"
#include "core/config/loader.hpp"

namespace b2b::config {
namespace {

// docs/configuration.md is generated; this keeps it from drifting from the schema.
TEST(Reference, DocsFileMatchesTheSchema) {
    auto const path = std::filesystem::path(B2B_SOURCE_DIR) / "docs/configuration.md";
    std::string const generated = RenderReference();
    char const* update = std::getenv("B2B_UPDATE_REFERENCE");
    if (update != nullptr && std::string(update) == "1") {
        std::ofstream(path, std::ios::binary) << generated;
    }
    std::ifstream in(path, std::ios::binary);
    std::stringstream current;
    current << in.rdbuf();
    if (current.str() == generated) {
        return;
    }
    // Point at the first differing line instead of dumping two whole documents.
    std::istringstream want(generated);
    std::istringstream have(current.str());
    std::string want_line;
    std::string have_line;
    int line = 0;
    while (true) {
        ++line;
        bool const more_want = static_cast<bool>(std::getline(want, want_line));
        bool const more_have = static_cast<bool>(std::getline(have, have_line));
        if (!more_want && !more_have) {
            break;
        }
        if (!more_want || !more_have || want_line != have_line) {
            break;
        }
    }
    ADD_FAILURE() << path.string() << " is out of date (first difference at line " << line << ":\n  file:      "
                  << have_line << "\n  generated: " << want_line
                  << ").\nRegenerate it from the schema with:\n  B2B_UPDATE_REFERENCE=1 build/<dir>/tests/unit_config "
                     "--gtest_filter='Reference.*'";
}

TEST(Reference, DocumentsEveryKeyWithTypeAndDefault) {
    std::string const doc = RenderReference();
    EXPECT_NE(doc.find("| `queue.workers` | integer, 1..64 | `4` | Jobs delivered concurrently. |"), std::string::npos);
    EXPECT_NE(doc.find("| `targets.<name>.url` | URL (http, https) | **required** |"), std::string::npos);
    EXPECT_NE(doc.find("| `targets.<name>.token` | secret | `\"\"` |"), std::string::npos);
    EXPECT_NE(doc.find("### `queue.backoff`"), std::string::npos);
    EXPECT_NE(doc.find("| `targets` | map of name -> map (section `targets.<name>` below) | — |"), std::string::npos);
    EXPECT_NE(doc.find("| `log.level` | one of: trace, debug, info, warn, error | `info` |"), std::string::npos);
}

TEST(Reference, EveryDeclaredKeyHasADescription) {
    // RenderReference throws std::logic_error naming the key otherwise.
    EXPECT_NO_THROW(RenderReference());
}

}  // namespace
}  // namespace b2b::config
