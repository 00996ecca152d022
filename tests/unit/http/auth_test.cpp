#include "core/http/auth.hpp"

#include <gtest/gtest.h>

namespace b2b::http {
namespace {

TEST(ConstantTimeEquals, ComparesContentAndLength) {
    EXPECT_TRUE(ConstantTimeEquals("", ""));
    EXPECT_TRUE(ConstantTimeEquals("s3cr3t", "s3cr3t"));
    EXPECT_FALSE(ConstantTimeEquals("s3cr3t", "s3cr3T"));
    EXPECT_FALSE(ConstantTimeEquals("X3cr3t", "s3cr3t"));
    // A prefix is not equal, in either order, even though the shared bytes match.
    EXPECT_FALSE(ConstantTimeEquals("s3cr3t", "s3cr3t!"));
    EXPECT_FALSE(ConstantTimeEquals("s3cr3t!", "s3cr3t"));
    EXPECT_FALSE(ConstantTimeEquals("", "x"));
    // Zero padding of the shorter input must not make it equal to a string of NULs.
    EXPECT_FALSE(ConstantTimeEquals("", std::string_view("\0", 1)));
    EXPECT_FALSE(ConstantTimeEquals("ab", std::string_view("ab\0", 3)));
}

TEST(DecodeBase64, DecodesPaddedInputStrictly) {
    EXPECT_EQ(DecodeBase64(""), "");
    EXPECT_EQ(DecodeBase64("Zg=="), "f");
    EXPECT_EQ(DecodeBase64("Zm8="), "fo");
    EXPECT_EQ(DecodeBase64("Zm9v"), "foo");
    EXPECT_EQ(DecodeBase64("Zm9vYmFy"), "foobar");
    EXPECT_EQ(DecodeBase64("Zm9"), std::nullopt);       // not a multiple of 4
    EXPECT_EQ(DecodeBase64("Zm9v!mFy"), std::nullopt);  // outside the alphabet
    EXPECT_EQ(DecodeBase64("Zg==Zm9v"), std::nullopt);  // padding in the middle
    EXPECT_EQ(DecodeBase64("Z=g="), std::nullopt);
    EXPECT_EQ(DecodeBase64("===="), std::nullopt);
}

TEST(ParseBasicAuth, ParsesValidCredentials) {
    // "exchange:p@ss:word" -- the password keeps everything after the first colon.
    auto const credentials = ParseBasicAuth("Basic ZXhjaGFuZ2U6cEBzczp3b3Jk");
    ASSERT_TRUE(credentials);
    EXPECT_EQ(credentials->user, "exchange");
    EXPECT_EQ(credentials->password, "p@ss:word");
}

TEST(ParseBasicAuth, SchemeIsCaseInsensitiveAndSpacesAreTolerated) {
    auto const credentials = ParseBasicAuth("  bAsIc   dXNlcjpwdw==  ");
    ASSERT_TRUE(credentials);
    EXPECT_EQ(credentials->user, "user");
    EXPECT_EQ(credentials->password, "pw");
}

TEST(ParseBasicAuth, EmptyUserAndPasswordAreParsed) {
    auto const credentials = ParseBasicAuth("Basic Og==");  // ":"
    ASSERT_TRUE(credentials);
    EXPECT_EQ(credentials->user, "");
    EXPECT_EQ(credentials->password, "");
}

TEST(ParseBasicAuth, RejectsMalformedInput) {
    EXPECT_FALSE(ParseBasicAuth(""));
    EXPECT_FALSE(ParseBasicAuth("Basic"));
    EXPECT_FALSE(ParseBasicAuth("Basic "));
    EXPECT_FALSE(ParseBasicAuth("Basic dXNlcjpwdw"));     // padding missing
    EXPECT_FALSE(ParseBasicAuth("Basic dXNlcjpw*w=="));   // bad character
    EXPECT_FALSE(ParseBasicAuth("Basic dXNlcnB3"));       // "userpw": no colon
    EXPECT_FALSE(ParseBasicAuth("BasicdXNlcjpwdw=="));    // no separator after the scheme
}

TEST(ParseBasicAuth, RejectsOtherSchemes) {
    EXPECT_FALSE(ParseBasicAuth("Bearer dXNlcjpwdw=="));
    EXPECT_FALSE(ParseBasicAuth("Digest username=\"user\""));
    EXPECT_FALSE(ParseBasicAuth("Basicx dXNlcjpwdw=="));
}

Request WithAuthorization(std::string_view value) {
    Request request{beast_http::verb::get, "/1c_exchange.php?type=catalog&mode=checkauth", 11};
    request.set(beast_http::field::authorization, value);
    return request;
}

TEST(CheckBasicAuth, AcceptsOnlyTheConfiguredPair) {
    EXPECT_TRUE(CheckBasicAuth(WithAuthorization("Basic dXNlcjpwdw=="), "user", "pw"));
    EXPECT_FALSE(CheckBasicAuth(WithAuthorization("Basic dXNlcjpwdw=="), "user", "pw2"));
    EXPECT_FALSE(CheckBasicAuth(WithAuthorization("Basic dXNlcjpwdw=="), "admin", "pw"));
    EXPECT_FALSE(CheckBasicAuth(WithAuthorization("Bearer dXNlcjpwdw=="), "user", "pw"));
    Request without{beast_http::verb::get, "/", 11};
    EXPECT_FALSE(CheckBasicAuth(without, "user", "pw"));
    // An empty configured password never matches a missing header.
    EXPECT_FALSE(CheckBasicAuth(without, "", ""));
}

}  // namespace
}  // namespace b2b::http
