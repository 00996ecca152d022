#include "core/http/router.hpp"

#include <stdexcept>

#include <gtest/gtest.h>

#include "tests/unit/http/test_handlers.hpp"

namespace b2b::http {
namespace {

using beast_http::verb;
using test::Text;

TEST(Router, FindsExactPathAndMethodIgnoringQueryString) {
    Router router;
    router.Add(verb::get, "/1c_exchange.php", Text("get"));
    router.Add(verb::post, "/1c_exchange.php", Text("post"), RouteOptions{.max_body = 42});

    auto const match = router.Find(verb::post, "/1c_exchange.php?type=catalog&mode=file");
    ASSERT_EQ(match.kind, RouteMatch::Kind::kFound);
    ASSERT_NE(match.route, nullptr);
    EXPECT_EQ(match.route->method, verb::post);
    EXPECT_EQ(match.route->options.max_body, 42u);
    EXPECT_EQ(match.path, "/1c_exchange.php");
}

TEST(Router, UnknownPathIsNotFound) {
    Router router;
    router.Add(verb::get, "/healthz", Text("ok"));
    auto const match = router.Find(verb::get, "/healthz/");
    EXPECT_EQ(match.kind, RouteMatch::Kind::kNotFound);
    EXPECT_EQ(match.route, nullptr);
    EXPECT_EQ(match.path, "");
    EXPECT_EQ(router.Find(verb::get, "/HEALTHZ").kind, RouteMatch::Kind::kNotFound);
}

TEST(Router, WrongMethodListsAllowedMethodsInRegistrationOrder) {
    Router router;
    router.Add(verb::get, "/events", Text("a"));
    router.Add(verb::post, "/events", Text("b"));
    auto const match = router.Find(verb::delete_, "/events?x=1");
    EXPECT_EQ(match.kind, RouteMatch::Kind::kMethodNotAllowed);
    EXPECT_EQ(match.allow, "GET, POST");
    EXPECT_EQ(match.path, "/events");
}

TEST(Router, RejectsProgrammingErrors) {
    Router router;
    router.Add(verb::get, "/a", Text("a"));
    EXPECT_THROW(router.Add(verb::get, "/a", Text("again")), std::invalid_argument);
    EXPECT_THROW(router.Add(verb::get, "relative", Text("x")), std::invalid_argument);
    EXPECT_THROW(router.Add(verb::get, "/b", Handler{}), std::invalid_argument);
}

TEST(TargetPath, StripsQueryAndFragment) {
    EXPECT_EQ(TargetPath("/a/b?c=d"), "/a/b");
    EXPECT_EQ(TargetPath("/a#frag"), "/a");
    EXPECT_EQ(TargetPath("/plain"), "/plain");
    EXPECT_EQ(TargetPath(""), "");
}

}  // namespace
}  // namespace b2b::http
