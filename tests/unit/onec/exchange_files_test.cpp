#include "connectors/onec/exchange_files.hpp"

#include <gtest/gtest.h>

#include "connectors/onec/exchange_answer.hpp"
#include "connectors/onec/exchange_request.hpp"
#include "tests/support/temp_dir.hpp"

namespace b2b::onec::test {
namespace {

std::string Canonical(std::string_view raw) {
    auto r = CanonicalFileName(raw);
    return r ? *r : "ERROR: " + r.error().message;
}

bool Complete(std::string const& bytes) {
    b2b::test::TempDir dir;
    return HoldsCompleteXmlDocument(dir.WriteFile("f.xml", bytes));
}

TEST(ExchangeFiles, TellsAWholeDocumentFromAnUnfinishedOne) {
    std::string const cp1251_root = "\xca\xee\xec\xec\xe5\xf0\xf7\xe5\xf1\xea\xe0\xff";  // windows-1251 bytes
    EXPECT_TRUE(Complete("\xEF\xBB\xBF<?xml version=\"1.0\"?>\n<!-- c -->\n<КИ a=\"1\"><Д/></КИ>\r\n"));
    EXPECT_TRUE(Complete("<?xml version=\"1.0\" encoding=\"windows-1251\"?><" + cp1251_root + "><x/></" + cp1251_root +
                         " >\n"));
    EXPECT_TRUE(Complete("<?xml version=\"1.0\"?><КИ ВерсияСхемы=\"2.03\"/>"));
    EXPECT_FALSE(Complete("<?xml version=\"1.0\"?><КИ><Документ><Ид>1</Ид></Документ>"));
    EXPECT_FALSE(Complete("<?xml version=\"1.0\"?><КИ><Документ></Документ>"));  // ends with another element
    EXPECT_FALSE(Complete("<?xml version=\"1.0\"?><КИ><Документ></Документ></К"));  // cut inside the end tag
    EXPECT_FALSE(Complete("<?xml version=\"1.0\""));
    EXPECT_FALSE(Complete(""));
    b2b::test::TempDir dir;
    EXPECT_FALSE(HoldsCompleteXmlDocument(dir / "missing.xml"));
}

TEST(ExchangeFiles, CanonicalisesNamesLikeBitrix) {
    EXPECT_EQ(Canonical("import0_1.xml"), "import0_1.xml");
    EXPECT_EQ(Canonical("import_files/ac/a_b.jpg"), "import_files/ac/a_b.jpg");
    EXPECT_EQ(Canonical("import_files\\ac\\a_b.jpg"), "import_files/ac/a_b.jpg");
    EXPECT_EQ(Canonical("C:\\v8_8789_c.xml"), "v8_8789_c.xml");
    EXPECT_EQ(Canonical("/tmp/goods/1/import.xml"), "goods/1/import.xml");
    EXPECT_EQ(Canonical("/upload/1c/webdata/offers.xml"), "offers.xml");
    EXPECT_EQ(Canonical("upload/1c/webdata/import_files/x.png"), "import_files/x.png");
    EXPECT_EQ(Canonical("./a//b/./c.xml"), "a/b/c.xml");
}

TEST(ExchangeFiles, RefusesUnsafeNames) {
    EXPECT_EQ(Canonical(""), "ERROR: file name \"\" is not allowed: empty name");
    EXPECT_EQ(Canonical("a/../../b"), "ERROR: file name \"a/../../b\" is not allowed: \"..\" path component");
    EXPECT_EQ(Canonical("..\\b"), "ERROR: file name \"..\\b\" is not allowed: \"..\" path component");
    EXPECT_EQ(Canonical("/etc/passwd"), "ERROR: file name \"/etc/passwd\" is not allowed: absolute path");
    EXPECT_EQ(Canonical("D:\\..\\x"), "ERROR: file name \"D:\\..\\x\" is not allowed: \"..\" path component");
    EXPECT_EQ(Canonical("x.php5"), "ERROR: file name \"x.php5\" is not allowed: script file type");
    for (std::string name : {"a.php", "a.phtml", "a.pl", "a.py", "a.sh", "a.cgi", "dir/.htaccess", "A.PHP"}) {
        EXPECT_EQ(Canonical(name), "ERROR: file name \"" + name + "\" is not allowed: script file type");
    }
    EXPECT_EQ(Canonical("a\tb"), "ERROR: file name \"a\tb\" is not allowed: control character");
    EXPECT_EQ(Canonical("x.phpx"), "x.phpx");
}

TEST(ExchangeFiles, DetectsAFreshXmlUpload) {
    EXPECT_TRUE(StartsNewXmlDocument("<?xml version=\"1.0\"?>"));
    EXPECT_TRUE(StartsNewXmlDocument("\xEF\xBB\xBF<?xml version=\"1.0\"?>"));
    EXPECT_FALSE(StartsNewXmlDocument("</Товары>"));
}

TEST(ExchangeRequest, ParsesQueryLikePhp) {
    auto const p = ParseQuery("/1c_exchange.php?type=catalog&mode=file&filename=C:%5Cv8+x.xml&sessid=ab&&bad=%zz");
    EXPECT_EQ(p.at("type"), "catalog");
    EXPECT_EQ(p.at("filename"), "C:\\v8 x.xml");
    EXPECT_EQ(p.at("bad"), "%zz");
    EXPECT_EQ(FindCookie("a=1; PHPSESSID=xyz ; b=2", "PHPSESSID").value(), "xyz");
    EXPECT_FALSE(FindCookie("a=1", "PHPSESSID"));
}

TEST(ExchangeAnswerBody, StatusWordFirstAndOneLinePerMessage) {
    EXPECT_EQ(EncodeAnswerBody(ExchangeAnswer::Success(), AnswerEncoding::kUtf8), "success");
    EXPECT_EQ(EncodeAnswerBody(ExchangeAnswer::Failure("x", "bad\nthing"), AnswerEncoding::kUtf8),
              "failure\nbad thing");
    EXPECT_EQ(EncodeAnswerBody(ExchangeAnswer::Progress("Загрузка ¥"), AnswerEncoding::kWindows1251),
              "progress\n\xC7\xE0\xE3\xF0\xF3\xE7\xEA\xE0 ?");
}

}  // namespace
}  // namespace b2b::onec::test
