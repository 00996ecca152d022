// Every CommerceML fixture read end to end, with exact counts and spot checks of decoded values.
// Expected numbers were cross-checked with an independent reader (Python ElementTree).
#include <map>
#include <numeric>

#include "core/domain/decimal_parse.hpp"
#include "tests/unit/onec/collecting_visitor.hpp"

namespace b2b::onec::test {
namespace {

Decimal D(std::string_view text) { return ParseDecimal(text).value(); }

constexpr char kGillImport[] = "gillbeits/import___b815e2db-7a65-4265-9241-5f0c4f0565a7.xml";
constexpr char kGillOffers[] = "gillbeits/offers___7f304edc-2527-4d3d-b058-6e4ee53de2e0.xml";
constexpr char kGillPrices[] = "gillbeits/prices___d66a6b51-ce9c-4e7a-8c7c-25079721107f.xml";
constexpr char kGillRests[] = "gillbeits/rests___1af6e7b8-a026-4690-9752-1c9d64cb914d.xml";

TEST(CmlFixtures, GillbeitsClassifier) {
    CollectingVisitor v;
    auto summary = ReadFixture(kGillImport, v);
    ASSERT_TRUE(summary) << summary.error().message;
    EXPECT_EQ(summary->skipped, 0u);
    EXPECT_EQ(summary->Count(CmlRecordKind::kGroup), 97u);
    EXPECT_EQ(summary->Count(CmlRecordKind::kProperty), 1908u);
    EXPECT_EQ(summary->Count(CmlRecordKind::kPriceType), 1u);
    EXPECT_EQ(summary->Count(CmlRecordKind::kWarehouse), 1u);
    EXPECT_EQ(summary->Count(CmlRecordKind::kUnit), 2u);
    EXPECT_EQ(summary->raw_records, 1u + 1908 + 1 + 1 + 2);  // one top-level group holds the other 96

    ASSERT_EQ(v.groups.size(), 97u);
    EXPECT_EQ(v.groups[0].id.value(), "28c7d774-26cf-11e4-a628-003048c64779");
    EXPECT_EQ(v.groups[0].name, "Косметика и гигиена");
    EXPECT_FALSE(v.groups[0].parent);
    EXPECT_EQ(v.groups[1].id.value(), "dadf39b8-00f8-11e4-81ce-00155d003d0f");
    EXPECT_EQ(v.groups[1].name, "Бритвенные принадлежности");
    ASSERT_TRUE(v.groups[1].parent);
    EXPECT_EQ(v.groups[1].parent->value(), "28c7d774-26cf-11e4-a628-003048c64779");
    EXPECT_EQ(std::count_if(v.groups.begin(), v.groups.end(), [](auto const& g) { return !g.parent; }), 1);

    auto with_options = std::count_if(v.properties.begin(), v.properties.end(),
                                      [](auto const& p) { return !p.options.empty(); });
    EXPECT_EQ(with_options, 243);
    auto options = std::accumulate(v.properties.begin(), v.properties.end(), std::size_t{0},
                                   [](std::size_t n, auto const& p) { return n + p.options.size(); });
    EXPECT_EQ(options, 1811u);

    ASSERT_EQ(v.price_types.size(), 1u);
    EXPECT_EQ(v.price_types[0].id.value(), "4d968229-47ba-11e4-a628-003048c64779");
    EXPECT_EQ(v.price_types[0].name, "Типовое соглашение Интернет-МХТ");
    EXPECT_EQ(v.price_types[0].currency, "RUB");
    EXPECT_EQ(v.price_types[0].tax_name, "НДС");
    EXPECT_EQ(v.price_types[0].tax_included, true);
    ASSERT_EQ(v.warehouses.size(), 1u);
    EXPECT_EQ(v.warehouses[0].name, "Оптовый");
    ASSERT_EQ(v.units.size(), 2u);
    EXPECT_EQ(v.units[1].code, "796");
    EXPECT_EQ(v.units[1].short_name, "шт");
    EXPECT_EQ(v.units[1].full_name, "Штука");
    EXPECT_EQ(v.units[1].international, "PCE");

    ASSERT_EQ(v.headers.size(), 3u);
    EXPECT_EQ(v.headers[0].section, CmlSectionKind::kRoot);
    EXPECT_EQ(v.headers[0].schema_version, "2.09");
    EXPECT_EQ(v.headers[0].generated_at, "2015-07-08T14:10:30");
    EXPECT_EQ(v.headers[1].section, CmlSectionKind::kClassifier);
    EXPECT_EQ(v.headers[1].id, "86bca4ea-eb3a-4beb-b0d6-2090dbef560e");
    EXPECT_EQ(v.headers[1].only_changes, true);
    EXPECT_EQ(v.headers[2].section, CmlSectionKind::kCatalog);
    EXPECT_EQ(v.headers[2].element_path, "КоммерческаяИнформация/Каталог");
    EXPECT_EQ(v.headers[2].line, 23648u);
    EXPECT_EQ(v.headers[2].classifier_id, "86bca4ea-eb3a-4beb-b0d6-2090dbef560e");
    EXPECT_EQ(v.headers[2].name, "Косметика и гигиена");
}

TEST(CmlFixtures, GillbeitsOffersPricesRests) {
    CollectingVisitor offers;
    auto s1 = ReadFixture(kGillOffers, offers);
    ASSERT_TRUE(s1) << s1.error().message;
    EXPECT_EQ(s1->Count(CmlRecordKind::kOffer), 978u);
    EXPECT_EQ(s1->skipped, 0u);
    ASSERT_EQ(offers.headers.size(), 2u);
    EXPECT_EQ(offers.headers[1].section, CmlSectionKind::kOfferPackage);
    EXPECT_EQ(offers.headers[1].id, "86bca4ea-eb3a-4beb-b0d6-2090dbef560e#");
    EXPECT_EQ(offers.headers[1].catalog_id, "86bca4ea-eb3a-4beb-b0d6-2090dbef560e");
    EXPECT_EQ(offers.headers[1].only_changes, true);

    CollectingVisitor prices;
    auto s2 = ReadFixture(kGillPrices, prices);
    ASSERT_TRUE(s2) << s2.error().message;
    ASSERT_EQ(prices.offers.size(), 978u);
    EXPECT_EQ(prices.offers[0].id.value(), "26b0dc1e-4d66-11e4-99fe-003048c64779");
    ASSERT_EQ(prices.offers[0].prices.size(), 1u);
    EXPECT_EQ(prices.offers[0].prices[0].per_unit, D("181"));
    EXPECT_EQ(prices.offers[0].prices[0].price_type_id, "4d968229-47ba-11e4-a628-003048c64779");
    EXPECT_EQ(prices.offers[0].prices[0].currency, "RUB");
    EXPECT_EQ(prices.offers[0].prices[0].presentation, "181 RUB за шт");
    Decimal total;
    for (auto const& o : prices.offers) {
        for (auto const& p : o.prices) {
            total += p.per_unit;
        }
    }
    EXPECT_EQ(total, D("366563"));

    CollectingVisitor rests;
    auto s3 = ReadFixture(kGillRests, rests);
    ASSERT_TRUE(s3) << s3.error().message;
    ASSERT_EQ(rests.offers.size(), 978u);
    ASSERT_EQ(rests.offers[0].stock.size(), 1u);
    EXPECT_EQ(rests.offers[0].stock[0], (CmlStock{"5d1caeb1-44b2-11e4-a628-003048c64779", D("1")}));
    Decimal stock;
    for (auto const& o : rests.offers) {
        for (auto const& s : o.stock) {
            stock += s.quantity;
        }
    }
    EXPECT_EQ(stock, D("1924"));
}

TEST(CmlFixtures, DobromyslovImport) {
    CollectingVisitor v;
    auto summary = ReadFixture("dobromyslov/import0_1.xml", v);
    ASSERT_TRUE(summary) << summary.error().message;
    EXPECT_EQ(summary->Count(CmlRecordKind::kProduct), 36u);
    EXPECT_EQ(summary->Count(CmlRecordKind::kGroup), 1u);
    EXPECT_EQ(summary->Count(CmlRecordKind::kProperty), 12u);
    ASSERT_EQ(v.products.size(), 36u);
    EXPECT_EQ(std::count_if(v.products.begin(), v.products.end(), [](auto const& p) { return p.deleted; }), 1);
    auto deleted = std::find_if(v.products.begin(), v.products.end(), [](auto const& p) { return p.deleted; });
    EXPECT_EQ(deleted->id.value(), "b631c9c1-49de-11e9-80c9-0cc47ab29cd1");
    EXPECT_EQ(deleted->article, "KM-245-BC");

    CmlProduct const& p = v.products[0];
    EXPECT_EQ(p.ref.product.value(), "bd8c4e15-18f9-11e7-80c2-0cc47ab29cd1");
    EXPECT_FALSE(p.ref.variant);
    EXPECT_EQ(p.barcode, "8809288404089");
    EXPECT_EQ(p.article, "PM-421-WP");
    EXPECT_EQ(p.name, "Портативный коврик Portable 140x200x1 см, Деревянные лошадки");
    EXPECT_EQ(p.base_unit_code, "796");  // "796 " in the file
    EXPECT_EQ(p.base_unit_name, "Штука");
    ASSERT_EQ(p.group_ids.size(), 1u);
    EXPECT_EQ(p.group_ids[0].value(), "82cfb8dc-18f9-11e7-80c2-0cc47ab29cd1");
    EXPECT_EQ(p.manufacturer_name, "Crazy Boom");
    ASSERT_GE(p.property_values.size(), 2u);
    EXPECT_EQ(p.property_values[1].property_id, "38409b0c-29da-11e9-80c9-0cc47ab29cd1");
    EXPECT_EQ(p.property_values[1].value, "1,4");
    ASSERT_EQ(p.tax_rates.size(), 1u);
    EXPECT_EQ(p.tax_rates[0].name, "НДС");
    EXPECT_EQ(p.tax_rates[0].rate, "20");
    ASSERT_EQ(p.requisites.size(), 3u);
    EXPECT_EQ(p.requisites[1], (CmlRequisite{"ТипНоменклатуры", "Товар"}));
    EXPECT_EQ(v.headers.back().only_changes, false);  // <Каталог СодержитТолькоИзменения="false">
}

TEST(CmlFixtures, DobromyslovOffersStockPerWarehouse) {
    CollectingVisitor v;
    auto summary = ReadFixture("dobromyslov/offers0_1.xml", v);
    ASSERT_TRUE(summary) << summary.error().message;
    EXPECT_EQ(summary->Count(CmlRecordKind::kOffer), 44u);
    EXPECT_EQ(summary->Count(CmlRecordKind::kWarehouse), 3u);
    EXPECT_EQ(summary->Count(CmlRecordKind::kPriceType), 1u);  // ТипыЦен inside ПакетПредложений (2.07)
    ASSERT_EQ(v.offers.size(), 44u);
    CmlOffer const& first = v.offers[0];
    EXPECT_EQ(first.quantity, D("377"));
    ASSERT_EQ(first.stock.size(), 3u);
    EXPECT_EQ(first.stock[2], (CmlStock{"dd306af1-19c9-11e7-80c2-0cc47ab29cd1", D("376")}));
    ASSERT_EQ(first.prices.size(), 1u);
    EXPECT_EQ(first.prices[0].per_unit, D("100"));
    EXPECT_EQ(first.prices[0].unit, "PCE");
    EXPECT_EQ(first.prices[0].coefficient, D("1"));
    EXPECT_EQ(first.base_unit_code, "796");

    std::map<std::string, Decimal> per_warehouse;
    Decimal total;
    for (auto const& o : v.offers) {
        total += o.quantity.value();
        for (auto const& s : o.stock) {
            per_warehouse[s.warehouse_id] += s.quantity;
        }
    }
    EXPECT_EQ(total, D("2815"));
    EXPECT_EQ(per_warehouse["6abdb0b5-18fd-11e7-80c2-0cc47ab29cd1"], D("11"));
    EXPECT_EQ(per_warehouse["d2a52d49-19c9-11e7-80c2-0cc47ab29cd1"], D("41"));
    EXPECT_EQ(per_warehouse["dd306af1-19c9-11e7-80c2-0cc47ab29cd1"], D("2763"));
}

TEST(CmlFixtures, BitrixOrdersWindows1251) {
    CollectingVisitor v;
    auto summary = ReadFixture("dobromyslov/bitrix-query-response-full.xml", v);
    ASSERT_TRUE(summary) << summary.error().message;
    ASSERT_EQ(v.documents.size(), 2u);
    CmlDocument const& d = v.documents[0];
    EXPECT_EQ(d.id, "132");
    EXPECT_EQ(d.number, "132");
    ASSERT_TRUE(d.date);
    EXPECT_EQ(FormatIso8601(*d.date), "2021-02-11T18:45:21+03:00");  // Дата + Время at the default +03:00
    EXPECT_EQ(d.operation, "Заказ товара");
    EXPECT_EQ(d.role, "Продавец");
    EXPECT_EQ(d.currency, "руб");
    EXPECT_EQ(d.rate, D("1"));
    EXPECT_EQ(d.sum, D("231.74"));
    ASSERT_EQ(d.counterparties.size(), 1u);
    EXPECT_EQ(d.counterparties[0].id, "38#catalog_exchange#");
    EXPECT_EQ(d.counterparties[0].role, "Покупатель");
    ASSERT_EQ(d.lines.size(), 1u);
    EXPECT_EQ(d.lines[0].ref.product.value(), "910e89e5-205e-4d95-872a-0a0255c42f02");
    EXPECT_EQ(d.lines[0].name, "Hello Kitty toothbrush for 3~6 years old,2pcs");
    EXPECT_EQ(d.lines[0].unit_code, "796");
    EXPECT_EQ(d.lines[0].price, D("231.74"));
    EXPECT_EQ(d.lines[0].quantity, D("1"));
    EXPECT_EQ(d.lines[0].requisites.size(), 5u);
    EXPECT_EQ(d.lines[0].requisites[3].name, "СвойствоКорзины#CATALOG.XML_ID");
    ASSERT_EQ(d.requisites.size(), 13u);
    EXPECT_EQ(d.requisites[0], (CmlRequisite{"Способ доставки", "Самовывоз"}));
    EXPECT_EQ(d.requisites[11], (CmlRequisite{"Комментарии покупателя", "Я повелитель порошочков"}));
    EXPECT_EQ(d.paid, false);
    EXPECT_EQ(d.delivery_allowed, false);
    EXPECT_EQ(d.cancelled, false);
    EXPECT_EQ(d.final_status, false);
    EXPECT_EQ(d.order_status, "[N] Принят, ожидается оплата");
    EXPECT_EQ(d.order_status_id, "N");
    EXPECT_EQ(v.documents[1].id, "133");
    EXPECT_EQ(v.documents[1].counterparties[0].id, "5#content-manager# Контент менджер");
    EXPECT_EQ(v.documents[1].sum, D("14380.58"));

    CollectingVisitor empty;
    auto none = ReadFixture("dobromyslov/bitrix-query-response-empty.xml", empty);
    ASSERT_TRUE(none) << none.error().message;
    EXPECT_EQ(none->raw_records, 0u);
    ASSERT_EQ(empty.headers.size(), 1u);
    EXPECT_EQ(empty.headers[0].schema_version, "2.05");
    EXPECT_EQ(empty.headers[0].generated_at, "2021-02-12T17:04:36");
}

TEST(CmlFixtures, ArgentcrusadeCounterparties) {
    CollectingVisitor v;
    auto summary = ReadFixture("argentcrusade/contractors-example.xml", v);
    ASSERT_TRUE(summary) << summary.error().message;
    ASSERT_EQ(v.counterparties.size(), 4u);
    EXPECT_EQ(v.counterparties[1].inn, "181310839110");
    EXPECT_EQ(v.counterparties[1].official_name, "ТОО \"Алтай\"");
    CmlCounterparty const& c = v.counterparties[2];
    EXPECT_EQ(c.id, "021e0e3f-e329-11db-95d9-505054503030");
    EXPECT_EQ(c.name, "ТД Уют");
    EXPECT_EQ(c.role, "Покупатель");
    EXPECT_EQ(c.inn, "181620360057");
    EXPECT_EQ(c.kpp, "");
    ASSERT_EQ(c.bank_accounts.size(), 1u);
    EXPECT_EQ(c.bank_accounts[0].account_number, "798321");
    EXPECT_EQ(c.bank_accounts[0].bik, "190701310");
    EXPECT_EQ(c.bank_accounts[0].correspondent_account, "21847800");
    EXPECT_EQ(c.bank_accounts[0].bank_name, "Филиал ОАО Банк ТуранАлем");
    EXPECT_EQ(c.bank_accounts[0].bank_address, "Алматы, ул. Пролетарская 159");
    EXPECT_EQ(c.registration_address.presentation,
              "005897, Города Республиканского значения: Алматы, Тохтарова, дом № 18");
    ASSERT_EQ(c.registration_address.fields.size(), 5u);
    EXPECT_EQ(c.registration_address.fields[4].type, "Дом");
    EXPECT_EQ(c.registration_address.fields[4].value, "18");
    ASSERT_EQ(c.contacts.size(), 2u);
    EXPECT_EQ(c.contacts[0].value, "Uyt@komp.kz");
    ASSERT_EQ(c.representatives.size(), 1u);
    EXPECT_EQ(c.representatives[0].name, "Коновалов Александр Зиновьевич");
    EXPECT_EQ(c.representatives[0].relation, "Контактное лицо");
    EXPECT_EQ(v.counterparties[3].inn, "600520144856");
    ASSERT_EQ(v.headers.size(), 2u);
    EXPECT_EQ(v.headers[1].section, CmlSectionKind::kCounterparties);
    EXPECT_EQ(v.headers[1].only_changes, true);
}

TEST(CmlFixtures, ArgentcrusadeDocumentsFrom1C) {
    CollectingVisitor v;
    auto summary = ReadFixture("argentcrusade/documents-example.xml", v);
    ASSERT_TRUE(summary) << summary.error().message;
    ASSERT_EQ(v.documents.size(), 2u);
    CmlDocument const& d = v.documents[0];
    EXPECT_EQ(d.id, "142");
    EXPECT_EQ(d.number_1c, "ТДЦУ-000001");
    ASSERT_TRUE(d.date_1c);
    EXPECT_EQ(FormatIso8601(*d.date_1c), "2015-06-29T00:00:00+03:00");
    EXPECT_EQ(FormatIso8601(d.date.value()), "2015-06-29T15:39:10+03:00");
    EXPECT_EQ(d.deletion_mark, false);
    EXPECT_EQ(d.posted, true);
    EXPECT_EQ(d.payment_number_1c, "ТДЦУ-000001");
    EXPECT_EQ(FormatIso8601(d.payment_date_1c.value()), "2015-06-29T15:39:10+03:00");
    EXPECT_EQ(d.shipment_number_1c, "ТДЦУ-000003");
    EXPECT_EQ(FormatIso8601(d.shipment_date_1c.value()), "2015-06-29T17:32:27+03:00");
    EXPECT_EQ(d.order_status_id, "P");
    EXPECT_EQ(d.sum, D("8186.84"));
    EXPECT_EQ(d.rate, D("1"));
    ASSERT_EQ(d.counterparties.size(), 1u);
    EXPECT_EQ(d.counterparties[0].bank_accounts.size(), 2u);
    EXPECT_EQ(d.counterparties[0].bank_accounts[1].bik, "044579555");
    ASSERT_FALSE(d.lines.empty());
    EXPECT_EQ(d.lines[0].price, D("3338"));  // from <Цена>, not ЦенаЗаЕдиницу
    EXPECT_EQ(d.lines[0].unit_code, "796");
    EXPECT_EQ(d.lines[0].unit_name, "шт");
    EXPECT_EQ(d.lines[0].coefficient, D("1"));
    EXPECT_EQ(d.lines[0].sum, D("3338"));
    CmlDocument const& d2 = v.documents[1];
    EXPECT_EQ(d2.sum, D("4100"));
    auto variant = std::find_if(d2.lines.begin(), d2.lines.end(), [](auto const& l) { return l.ref.variant; });
    ASSERT_NE(variant, d2.lines.end());
    EXPECT_EQ(variant->ref.product.value(), "bd72d913-55bc-11d9-848a-00112f43529a");
    EXPECT_EQ(variant->ref.variant->value(), "b02e2814-720f-11df-b436-0015e92f2802");
}

TEST(CmlFixtures, CaronoOrders203) {
    CollectingVisitor from;
    auto s1 = ReadFixture("carono-yii2/from.xml", from);
    ASSERT_TRUE(s1) << s1.error().message;
    ASSERT_EQ(from.documents.size(), 1u);
    CmlDocument const& d = from.documents[0];
    EXPECT_EQ(d.id, "36");
    EXPECT_EQ(FormatIso8601(d.date.value()), "2007-10-30T15:19:27+03:00");
    EXPECT_EQ(d.sum, D("6734.47"));
    ASSERT_EQ(d.counterparties.size(), 1u);
    EXPECT_EQ(d.counterparties[0].id, "1#admin# admin");
    EXPECT_EQ(d.counterparties[0].last_name, "Иванов");
    EXPECT_EQ(d.counterparties[0].registration_address.fields.size(), 2u);
    ASSERT_EQ(d.counterparties[0].representatives.size(), 1u);
    EXPECT_EQ(d.counterparties[0].representatives[0].id, "b342955a9185c40132d4c1df6b30af2f");
    ASSERT_GE(d.lines.size(), 2u);
    EXPECT_EQ(d.lines[0].id, "ORDER_DELIVERY");
    EXPECT_EQ(d.lines[0].price, D("340"));
    EXPECT_EQ(d.lines[1].name, "Телевизор &quot;JVC&quot;");  // double-escaped in the source file
    EXPECT_EQ(d.lines[1].quantity, D("1"));
    EXPECT_EQ(d.order_status, "[N] Принят");

    CollectingVisitor to;
    auto s2 = ReadFixture("carono-yii2/to.xml", to);
    ASSERT_TRUE(s2) << s2.error().message;
    ASSERT_EQ(to.documents.size(), 1u);
    EXPECT_EQ(to.documents[0].final_status, true);
    EXPECT_EQ(to.documents[0].order_status, "[F] Доставлен");
    EXPECT_EQ(to.documents[0].sum, D("9683.42"));
    EXPECT_EQ(to.documents[0].counterparties[0].first_name, "Петр");
}

}  // namespace
}  // namespace b2b::onec::test
