#include "connectors/onec/encoding.hpp"

#include <iconv.h>

#include <algorithm>
#include <string>
#include <vector>

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

// Outcome of validating `text` in chunks of the given sizes (cycled): "" or the error message,
// with "end:" for an error from Finish. One-byte chunks never reach the 64-byte block path.
std::string ValidateInChunks(std::string_view text, std::vector<std::size_t> const& sizes) {
    Utf8Validator v;
    std::size_t k = 0;
    for (std::size_t at = 0; at < text.size(); ++k) {
        std::size_t const size = std::min(text.size() - at, sizes[k % sizes.size()]);
        if (auto st = v.Feed(text.substr(at, size)); !st) {
            return st.error().message;
        }
        at += size;
    }
    auto end = v.Finish();
    return end ? std::string() : "end:" + end.error().message;
}

// The block validators against the byte loop: every kind of bad sequence at every offset across a
// few 64-byte blocks of Cyrillic text, with and without three-byte characters (which take the
// general block path), in one chunk and in chunks that cut blocks and sequences.
class Utf8BlockValidator : public testing::TestWithParam<std::string_view> {};

TEST_P(Utf8BlockValidator, MatchesByteLoopAtEveryOffset) {
    std::string base;
    while (base.size() < 200) {
        base += GetParam();
    }
    // Stray and overlong bytes, truncated sequences, surrogates, code points above U+10FFFF.
    std::vector<std::string_view> const bad = {"\xFF",
                                               "\xC0\xAF",
                                               "\xC1\xBF",
                                               "\xD0",
                                               "\x80",
                                               "\xE0\x80\x80",
                                               "\xE0\x9F\xBF",
                                               "\xED\xA0\x80",
                                               "\xE2\x84",
                                               "\xF0\x9F\x98",
                                               "\xF0\x8F\xBF\xBF",
                                               "\xF4\x90\x80\x80",
                                               "\xF5\x80\x80\x80",
                                               "\xD0\xD0"};
    // The valid sequences at the edges of those ranges.
    std::vector<std::string_view> const good = {"\xE0\xA0\x80",     "\xED\x9F\xBF", "\xF0\x90\x80\x80",
                                                "\xF4\x8F\xBF\xBF", "\xEF\xBF\xBF", "\xC2\x80"};
    for (std::size_t at = 0; at < 140; ++at) {
        for (auto const& piece : {bad, good}) {
            for (std::string_view insert : piece) {
                std::string text = base;
                text.insert(at, insert);
                std::string const reference = ValidateInChunks(text, {1});
                EXPECT_EQ(ValidateInChunks(text, {text.size()}), reference) << at;
                EXPECT_EQ(ValidateInChunks(text, {67, 1, 130}), reference) << at;
                EXPECT_EQ(ValidateInChunks(text, {at + 1, 64}), reference) << at;
                // Cut right after the inserted piece: a dangling sequence is reported by Finish.
                EXPECT_EQ(ValidateInChunks(text.substr(0, at + insert.size()), {text.size()}),
                          ValidateInChunks(text.substr(0, at + insert.size()), {1}))
                    << at;
            }
        }
    }
}

INSTANTIATE_TEST_SUITE_P(CmlEncoding, Utf8BlockValidator,
                         testing::Values("Цена\t5 «ёлка» <Ид>\n", "Цена\t№ 5 «ёлка» <Ид>\n"));

TEST(CmlEncoding, ValidateLeavesPositionToTheCaller) {
    std::string const line = std::string(70, 'x') + "\n";
    Utf8Validator v;
    ASSERT_TRUE(v.Validate(line + line));
    EXPECT_TRUE(v.AtCharacterBoundary());
    ASSERT_TRUE(v.Validate(line + "\xD0"));  // a sequence cut by the chunk end stays pending
    EXPECT_FALSE(v.AtCharacterBoundary());
    EXPECT_FALSE(v.Validate("x"));  // the pending sequence needs a continuation byte
    EXPECT_FALSE(v.AtCharacterBoundary());
    ASSERT_TRUE(v.Validate("\x9F"));
    EXPECT_TRUE(v.AtCharacterBoundary());
    // Validate does not count, so the caller sets the position of the chunk before Feed reports.
    v.SetPosition(5, 3);
    auto st = v.Feed("ab\xFF");
    ASSERT_FALSE(st);
    EXPECT_EQ(st.error().message,
              "invalid UTF-8 at line 5, column 5; is the file windows-1251 without an encoding declaration?");
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
