#include "core/domain/ids.hpp"

#include <sstream>
#include <type_traits>
#include <unordered_set>

#include <gtest/gtest.h>

namespace b2b {
namespace {

// No implicit conversions in either direction, and no mixing of kinds.
static_assert(!std::is_convertible_v<std::string, OneCId>);
static_assert(!std::is_convertible_v<OneCId, std::string>);
static_assert(!std::is_convertible_v<SiteId, CanonicalId>);
static_assert(!std::is_convertible_v<std::int64_t, Bitrix24Id>);
static_assert(std::is_constructible_v<Bitrix24Id, std::int64_t>);

TEST(StrongId, CompareHashPrint) {
    EXPECT_EQ(SiteId("42"), SiteId("42"));
    EXPECT_LT(CanonicalId("a"), CanonicalId("b"));
    EXPECT_EQ(Bitrix24Id(17).value(), 17);
    std::unordered_set<Bitrix24Id> deals{Bitrix24Id(1), Bitrix24Id(2), Bitrix24Id(1)};
    EXPECT_EQ(deals.size(), 2U);
    std::unordered_set<OneCId> ids{OneCId("x"), OneCId("x")};
    EXPECT_EQ(ids.size(), 1U);
    std::ostringstream os;
    os << OneCId("abc");
    EXPECT_EQ(os.str(), "abc");
}

TEST(OneCId, SplitVariantOnFirstHash) {
    auto both = OneCId("bd72d8f9-55bc-11d9-848a-00112f43529a#bd72d900-55bc-11d9-848a-00112f43529a").SplitVariant();
    ASSERT_TRUE(both);
    EXPECT_EQ(both->product.value(), "bd72d8f9-55bc-11d9-848a-00112f43529a");
    ASSERT_TRUE(both->variant);
    EXPECT_EQ(both->variant->value(), "bd72d900-55bc-11d9-848a-00112f43529a");

    EXPECT_EQ(OneCId("p#").SplitVariant().value(), (OneCVariantRef{OneCId("p"), std::nullopt}));
    EXPECT_EQ(OneCId("p").SplitVariant().value(), (OneCVariantRef{OneCId("p"), std::nullopt}));
    EXPECT_EQ(OneCId("12#ivan#Иван Петров").SplitVariant().value(),
              (OneCVariantRef{OneCId("12"), OneCId("ivan#Иван Петров")}));
    EXPECT_EQ(OneCId(" p # v ").SplitVariant().value(), (OneCVariantRef{OneCId("p"), OneCId("v")}));

    auto empty = OneCId("#v").SplitVariant();
    ASSERT_FALSE(empty);
    EXPECT_EQ(empty.error().message, "1C id \"#v\" has an empty product part");
    EXPECT_FALSE(OneCId("").SplitVariant());
}

}  // namespace
}  // namespace b2b
