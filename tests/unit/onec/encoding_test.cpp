#include "connectors/onec/encoding.hpp"

#include <iconv.h>

#include <gtest/gtest.h>

namespace b2b::onec {
namespace {

// glibc's converter as an independent oracle for our 128-entry table (tests only).
std::string GlibcCp1251ToUtf8(std::string in) {
    iconv_t cd = iconv_open("UTF-8", "CP1251");
    EXPECT_NE(cd, reinterpret_cast<iconv_t>(-1));
    std::string out(in.size() * 4, '\0');
    char* src = in.data();
    std::size_t src_left = in.size();
    char* dst = out.data();
    std::size_t dst_left = out.size();
    std::size_t const rc = iconv(cd, &src, &src_left, &dst, &dst_left);
    iconv_close(cd);
    EXPECT_NE(rc, static_cast<std::size_t>(-1));
    out.resize(out.size() - dst_left);
    return out;
}

TEST(CmlEncoding, DetectsBomDeclarationAndDefault) {
    auto bom = DetectEncoding("\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"UTF-8\"?><a/>");
    ASSERT_TRUE(bom);
    EXPECT_EQ(bom->encoding, TextEncoding::kUtf8);
    EXPECT_EQ(bom->bom_length, 3u);

    auto cp = DetectEncoding("<?xml version=\"1.0\" encoding='Windows-1251'?><a/>");
    ASSERT_TRUE(cp);
    EXPECT_EQ(cp->encoding, TextEncoding::kWindows1251);
    EXPECT_EQ(cp->bom_length, 0u);
    EXPECT_EQ(DetectEncoding("<?xml version=\"1.0\" encoding = \"CP1251\" ?>")->encoding, TextEncoding::kWindows1251);
    EXPECT_EQ(DetectEncoding("<?xml version=\"1.0\" encoding=\"utf-8\"?>")->encoding, TextEncoding::kUtf8);
    EXPECT_EQ(DetectEncoding("<?xml version=\"1.0\"?><a/>")->encoding, TextEncoding::kUtf8);
    EXPECT_EQ(DetectEncoding("<a/>")->encoding, TextEncoding::kUtf8);
}

TEST(CmlEncoding, RefusesUnsupportedEncodings) {
    auto koi = DetectEncoding("<?xml version=\"1.0\" encoding=\"KOI8-R\"?><a/>");
    ASSERT_FALSE(koi);
    EXPECT_EQ(koi.error().message,
              "unsupported encoding \"KOI8-R\" declared in the XML declaration; supported: UTF-8, windows-1251");
    auto utf16 = DetectEncoding(std::string("\xFF\xFE<\0a\0", 6));
    ASSERT_FALSE(utf16);
    EXPECT_EQ(utf16.error().message, "UTF-16 input is not supported (byte order mark FF FE)");
}

TEST(CmlEncoding, Cp1251TableMatchesGlibcForEveryByte) {
    std::string all;
    for (int b = 1; b < 256; ++b) {
        if (b != 0x98) {  // unassigned in cp1251: glibc rejects it, we map it to U+0098
            all.push_back(static_cast<char>(b));
        }
    }
    std::string ours;
    AppendCp1251AsUtf8(all, ours);
    EXPECT_EQ(ours, GlibcCp1251ToUtf8(all));
    std::string unassigned;
    AppendCp1251AsUtf8("\x98", unassigned);
    EXPECT_EQ(unassigned, "\xC2\x98");
}

TEST(CmlEncoding, Cp1251ChunkedEqualsWhole) {
    std::string const cp1251 = "\xCA\xEE\xEC\xEC\xE5\xF0\xF7\xE5\xF1\xEA\xE0\xFF \xB9 5, \x80";  // "Коммерческая № 5, Ђ"
    std::string whole;
    AppendCp1251AsUtf8(cp1251, whole);
    EXPECT_EQ(whole, "Коммерческая № 5, Ђ");
    std::string chunked;
    for (char c : cp1251) {
        AppendCp1251AsUtf8(std::string_view(&c, 1), chunked);
    }
    EXPECT_EQ(chunked, whole);
}

TEST(CmlEncoding, ValidatorAcceptsSequencesSplitAcrossChunks) {
    std::string const text = "ab\nКоммерческая €𝄞";
    for (std::size_t split = 0; split <= text.size(); ++split) {
        Utf8Validator v;
        ASSERT_TRUE(v.Feed(std::string_view(text).substr(0, split))) << split;
        ASSERT_TRUE(v.Feed(std::string_view(text).substr(split))) << split;
        ASSERT_TRUE(v.Finish()) << split;
    }
}

TEST(CmlEncoding, ValidatorReportsCp1251BytesWithPosition) {
    Utf8Validator v;
    ASSERT_TRUE(v.Feed("<?xml version=\"1.0\"?>\n<a>ok</a>\n"));
    // "<b>Привет" in windows-1251: the first Cyrillic byte CF is a valid lead, F0 is not a continuation.
    auto st = v.Feed("<b>\xCF\xF0\xE8");
    ASSERT_FALSE(st);
    EXPECT_EQ(st.error().message,
              "invalid UTF-8 at line 3, column 4; is the file windows-1251 without an encoding declaration?");

    Utf8Validator overlong;
    EXPECT_FALSE(overlong.Feed("\xC0\xAF"));
    Utf8Validator surrogate;
    EXPECT_FALSE(surrogate.Feed("\xED\xA0\x80"));
    Utf8Validator truncated;
    ASSERT_TRUE(truncated.Feed("x\xD0"));
    auto end = truncated.Finish();
    ASSERT_FALSE(end);
    EXPECT_EQ(end.error().message,
              "invalid UTF-8 at line 1, column 2; is the file windows-1251 without an encoding declaration?");
}

TEST(CmlEncoding, Utf8ToCp1251RoundTripsAndReportsUnmappable) {
    std::string const utf8 = "Заказ № 42 — «оплачен» €";
    auto cp = Utf8ToCp1251(utf8);
    ASSERT_TRUE(cp) << cp.error().message;
    std::string back;
    AppendCp1251AsUtf8(*cp, back);
    EXPECT_EQ(back, utf8);

    auto fail = Utf8ToCp1251("Цена 5 ¥");
    ASSERT_FALSE(fail);
    EXPECT_EQ(fail.error().message,
              "character U+00A5 (\"¥\") at byte offset 11 (character 8) cannot be written in windows-1251");

    std::size_t replaced = 0;
    auto lossy = Utf8ToCp1251("a¥b😀", UnmappablePolicy::kQuestionMark, &replaced);
    ASSERT_TRUE(lossy);
    EXPECT_EQ(*lossy, "a?b?");
    EXPECT_EQ(replaced, 2u);

    auto broken = Utf8ToCp1251("ab\xD0");
    ASSERT_FALSE(broken);
    EXPECT_EQ(broken.error().message, "invalid UTF-8 at byte offset 2");
}

}  // namespace
}  // namespace b2b::onec
