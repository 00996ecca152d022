// Decoder behaviour not covered by the fixtures: the three deletion encodings, the three stock
// shapes together, Контейнер/Документ, older requisite names and date forms, bad dates.
#include <gmock/gmock.h>

#include "core/domain/decimal_parse.hpp"
#include "tests/unit/onec/collecting_visitor.hpp"

namespace b2b::onec::test {
namespace {

Decimal D(std::string_view text) { return ParseDecimal(text).value(); }

std::string Wrap(std::string const& body) {
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<КоммерческаяИнформация ВерсияСхемы=\"3.1\">\n" + body +
           "\n</КоммерческаяИнформация>\n";
}

TEST(CmlDecoders, ProductDeletionInAllThreeEncodings) {
    CollectingVisitor v;
    auto r = ReadText(Wrap("<Каталог><Товары>"
                           "<Товар Статус=\"Удален\"><Ид>a</Ид></Товар>"
                           "<Товар><Ид>b</Ид><Статус>Удален</Статус></Товар>"
                           "<Товар><Ид>c</Ид><ПометкаУдаления>true</ПометкаУдаления></Товар>"
                           "<Товар><Ид>d</Ид><ПометкаУдаления>false</ПометкаУдаления><Статус>Изменен</Статус></Товар>"
                           "<Товар><Ид>e#</Ид><БазоваяЕдиница>796</БазоваяЕдиница></Товар>"
                           "<Товар><Ид>f</Ид><БазоваяЕдиница>шт</БазоваяЕдиница></Товар>"
                           "</Товары></Каталог>"),
                      v);
    ASSERT_TRUE(r) << r.error().message;
    ASSERT_EQ(v.products.size(), 6u);
    EXPECT_TRUE(v.products[0].deleted);
    EXPECT_TRUE(v.products[1].deleted);
    EXPECT_TRUE(v.products[2].deleted);
    EXPECT_FALSE(v.products[3].deleted);
    EXPECT_EQ(v.products[4].ref.product.value(), "e");  // trailing '#': no variant
    EXPECT_FALSE(v.products[4].ref.variant);
    EXPECT_EQ(v.products[4].base_unit_code, "796");    // text = code
    EXPECT_EQ(v.products[4].base_unit_name, "");
    EXPECT_EQ(v.products[5].base_unit_code, "");       // text = name
    EXPECT_EQ(v.products[5].base_unit_name, "шт");
}

TEST(CmlDecoders, OfferStockShapesSumPerWarehouse) {
    CollectingVisitor v;
    auto r = ReadText(Wrap("<ПакетПредложений><Предложения><Предложение><Ид>p#v</Ид>"
                           "<Статус>Удален</Статус>"
                           "<Количество>7,5</Количество>"
                           "<Склад ИдСклада=\"w1\" КоличествоНаСкладе=\"1.5\"/>"
                           "<Склад ИдСклада=\"w2\" КоличествоНаСкладе=\"2\"/>"
                           "<Склад ИдСклада=\"w1\" КоличествоНаСкладе=\"1\"/>"
                           "<Остатки><Остаток><Склад><Ид>w3</Ид><Количество>3</Количество></Склад></Остаток>"
                           "<Остаток><Склад><Ид>w2</Ид><Количество>0.25</Количество></Склад></Остаток></Остатки>"
                           "<Цены><Цена><Представление>1 234,50 руб. за шт</Представление><ИдТипаЦены>t</ИдТипаЦены>"
                           "<ЦенаЗаЕдиницу>1\xC2\xA0""234.50</ЦенаЗаЕдиницу><Валюта>руб</Валюта>"
                           "<Коэффициент>1</Коэффициент></Цена></Цены>"
                           "</Предложение></Предложения></ПакетПредложений>"),
                      v);
    ASSERT_TRUE(r) << r.error().message;
    ASSERT_EQ(v.offers.size(), 1u);
    CmlOffer const& o = v.offers[0];
    EXPECT_TRUE(o.deleted);
    EXPECT_EQ(o.ref.variant->value(), "v");
    EXPECT_EQ(o.quantity, D("7.5"));
    ASSERT_EQ(o.stock.size(), 3u);
    EXPECT_EQ(o.stock[0], (CmlStock{"w1", D("2.5")}));
    EXPECT_EQ(o.stock[1], (CmlStock{"w2", D("2.25")}));
    EXPECT_EQ(o.stock[2], (CmlStock{"w3", D("3")}));
    EXPECT_EQ(o.prices[0].per_unit, D("1234.5"));  // NBSP thousands separator
    EXPECT_EQ(o.prices[0].currency, "руб");
}

// Name matching and text reading take shortcuts (whole-name compare before the prefix search, views
// instead of copies, stopping once every field is found): prefixed names, a repeated field, text
// split by a comment or CDATA, and text nodes between elements must read as before.
TEST(CmlDecoders, PrefixedNamesRepeatedFieldsAndSplitText) {
    CollectingVisitor v;
    auto r = ReadText(Wrap("<Каталог><Товары>"
                           "<c:Товар xmlns:c=\"urn:x\">text<c:Ид> p1 </c:Ид>"
                           "<c:Наименование>A<!-- c -->B </c:Наименование><Наименование>second</Наименование>"
                           "<c:ЗначенияСвойств>"
                           "<c:ЗначенияСвойства><c:Ид>v1</c:Ид><c:Значение> x<![CDATA[ y]]> </c:Значение>"
                           "</c:ЗначенияСвойства>"
                           "<Другое/>"
                           "<ЗначенияСвойства><Значение>z</Значение><Ид>v2</Ид><Значение>later</Значение>"
                           "</ЗначенияСвойства>"
                           "</c:ЗначенияСвойств>"
                           "<c:БазоваяЕдиница c:Код=\" 796 \">шт</c:БазоваяЕдиница>"
                           "<ПометкаУдаления> true<!-- c --></ПометкаУдаления></c:Товар>"
                           "</Товары></Каталог>"
                           "<ПакетПредложений><Предложения><Предложение><Ид>o1</Ид>"
                           "<c:Цены xmlns:c=\"urn:x\"><c:Цена><c:ИдТипаЦены>t</c:ИдТипаЦены>"
                           "<c:ЦенаЗаЕдиницу> 1<!-- c -->2,5 </c:ЦенаЗаЕдиницу></c:Цена></c:Цены>"
                           "<Остатки><Остаток><Склад><Ид>w1</Ид><Количество><![CDATA[3]]></Количество></Склад>"
                           "</Остаток></Остатки>"
                           "</Предложение></Предложения></ПакетПредложений>"),
                      v);
    ASSERT_TRUE(r) << r.error().message;
    ASSERT_EQ(v.products.size(), 1u);
    CmlProduct const& p = v.products[0];
    EXPECT_EQ(p.id.value(), "p1");
    EXPECT_EQ(p.name, "AB");  // the first Наименование, prefixed
    ASSERT_EQ(p.property_values.size(), 2u);
    EXPECT_EQ(p.property_values[0].property_id, "v1");
    EXPECT_EQ(p.property_values[0].value, "x y");
    EXPECT_EQ(p.property_values[1].property_id, "v2");
    EXPECT_EQ(p.property_values[1].value, "z");  // first Значение, before Ид
    EXPECT_EQ(p.base_unit_code, "796");          // prefixed attribute, trimmed
    EXPECT_EQ(p.base_unit_name, "шт");
    EXPECT_TRUE(p.deleted);
    ASSERT_EQ(v.offers.size(), 1u);
    ASSERT_EQ(v.offers[0].prices.size(), 1u);
    EXPECT_EQ(v.offers[0].prices[0].price_type_id, "t");
    EXPECT_EQ(v.offers[0].prices[0].per_unit, D("12.5"));
    ASSERT_EQ(v.offers[0].stock.size(), 1u);
    EXPECT_EQ(v.offers[0].stock[0], (CmlStock{"w1", D("3")}));
}

TEST(CmlDecoders, ContainerDocumentWithOlderRequisiteNames) {
    CollectingVisitor v;
    auto r = ReadText(Wrap("<Контейнер><Документ><Ид>7</Ид><Номер>7</Номер><Дата>2024-12-02</Дата>"
                           "<Время>9:05:00</Время><Сумма>23 000</Сумма>"
                           "<ЗначенияРеквизитов>"
                           "<ЗначениеРеквизита><Наименование>Номер по 1С</Наименование><Значение>УТ-1</Значение></ЗначениеРеквизита>"
                           "<ЗначениеРеквизита><Наименование>Дата по 1С</Наименование><Значение>02.12.2024 10:11:12</Значение></ЗначениеРеквизита>"
                           "<ЗначениеРеквизита><Наименование>ПометкаУдаления</Наименование><Значение>true</Значение></ЗначениеРеквизита>"
                           "<ЗначениеРеквизита><Наименование>Отменен</Наименование><Значение>true</Значение></ЗначениеРеквизита>"
                           "<ЗначениеРеквизита><Наименование>Доставка разрешена</Наименование><Значение>да</Значение></ЗначениеРеквизита>"
                           "<ЗначениеРеквизита><Наименование>Произвольный реквизит</Наименование><Значение> x y </Значение></ЗначениеРеквизита>"
                           "</ЗначенияРеквизитов></Документ></Контейнер>"),
                      v);
    ASSERT_TRUE(r) << r.error().message;
    ASSERT_EQ(v.documents.size(), 1u);
    CmlDocument const& d = v.documents[0];
    EXPECT_EQ(FormatIso8601(d.date.value()), "2024-12-02T09:05:00+03:00");
    EXPECT_EQ(d.sum, D("23000"));
    EXPECT_EQ(d.number_1c, "УТ-1");
    EXPECT_EQ(FormatIso8601(d.date_1c.value()), "2024-12-02T10:11:12+03:00");
    EXPECT_EQ(d.deletion_mark, true);
    EXPECT_EQ(d.cancelled, true);
    EXPECT_FALSE(d.delivery_allowed.has_value());  // "да" is not a boolean 1C writes
    EXPECT_FALSE(d.posted.has_value());
    ASSERT_EQ(d.requisites.size(), 6u);
    EXPECT_EQ(d.requisites[5], (CmlRequisite{"Произвольный реквизит", "x y"}));
}

TEST(CmlDecoders, BadDateSkipsTheDocumentWithPosition) {
    CollectingVisitor v;
    auto r = ReadText(Wrap("<Документ><Ид>1</Ид><Дата>2024-02-30</Дата></Документ>\n"
                           "<Документ><Ид>2</Ид><Дата>2024-02-29</Дата></Документ>"),
                      v, "docs.xml");
    ASSERT_TRUE(r) << r.error().message;
    ASSERT_EQ(v.documents.size(), 1u);
    EXPECT_EQ(v.documents[0].id, "2");
    ASSERT_EQ(r->problems.size(), 1u);
    EXPECT_EQ(r->problems[0].kind, CmlRecordKind::kDocument);
    EXPECT_EQ(r->problems[0].message,
              "docs.xml:3:21: invalid date-time \"2024-02-30\": day 30 does not exist in 2024-02 (element path "
              "КоммерческаяИнформация/Документ/Дата)");
}

TEST(CmlDecoders, MissingIdIsAProblemNotAFatalError) {
    CollectingVisitor v;
    auto r = ReadText(Wrap("<Классификатор><Группы><Группа><Ид>g1</Ид><Группы><Группа><Наименование>x</Наименование>"
                           "</Группа></Группы></Группа><Группа><Ид>g2</Ид></Группа></Группы></Классификатор>"),
                      v, "cls.xml");
    ASSERT_TRUE(r) << r.error().message;
    ASSERT_EQ(v.groups.size(), 1u);
    EXPECT_EQ(v.groups[0].id.value(), "g2");
    ASSERT_EQ(r->problems.size(), 1u);
    EXPECT_EQ(r->problems[0].message,
              "cls.xml:3:51: missing or empty <Ид> (element path КоммерческаяИнформация/Классификатор/Группы/Группа/"
              "Группы/Группа)");
}

TEST(CmlDecoders, OfferPackageChangesAreReadAsOffers) {
    CollectingVisitor v;
    auto r = ReadText(Wrap("<ИзмененияПакетаПредложений СодержитТолькоИзменения=\"true\"><Ид>c#</Ид><Предложения>"
                           "<Предложение><Ид>p</Ид><Количество>4</Количество></Предложение>"
                           "</Предложения></ИзмененияПакетаПредложений>"),
                      v);
    ASSERT_TRUE(r) << r.error().message;
    ASSERT_EQ(v.offers.size(), 1u);
    EXPECT_EQ(v.offers[0].quantity, D("4"));
    ASSERT_EQ(v.headers.size(), 2u);
    EXPECT_EQ(v.headers[1].section, CmlSectionKind::kOfferPackage);
    EXPECT_EQ(v.headers[1].element_path, "КоммерческаяИнформация/ИзмененияПакетаПредложений");
    EXPECT_EQ(v.headers[1].id, "c#");
}

TEST(CmlDecoders, PriceNumbersAsAttributesAndFromPresentationWhenPerUnitIsMissing) {
    // 1C always writes Представление; hand-made and old documents drop ЦенаЗаЕдиницу or write the
    // numbers as attributes (commerceml.md §3.4, §6 quirk 19). Fixture forms: " 100 RUB за PCE",
    // "1 234 RUB за шт", "12 356 руб. за шт".
    CollectingVisitor v;
    auto r = ReadText(Wrap("<ПакетПредложений><Предложения>"
                           "<Предложение Количество=\"1 000,5\"><Ид>a</Ид><Цены>"
                           "<Цена ИдТипаЦены=\"t1\" ЦенаЗаЕдиницу=\"23 000\" Валюта=\"руб\" Коэффициент=\"1\"/>"
                           "<Цена><ИдТипаЦены>t2</ИдТипаЦены><Представление>1 234,50 руб. за шт</Представление></Цена>"
                           "<Цена><ИдТипаЦены>t3</ИдТипаЦены><Представление> 100 RUB за PCE</Представление></Цена>"
                           "<Цена><ИдТипаЦены>t4</ИдТипаЦены><Представление>96\xC2\xA0""287 руб. за шт</Представление></Цена>"
                           "<Цена><ИдТипаЦены>t5</ИдТипаЦены><Представление>9 999 руб.</Представление>"
                           "<ЦенаЗаЕдиницу>10000.00</ЦенаЗаЕдиницу></Цена>"
                           "</Цены></Предложение>"
                           "</Предложения></ПакетПредложений>"),
                      v);
    ASSERT_TRUE(r) << r.error().message;
    ASSERT_EQ(v.offers.size(), 1u);
    CmlOffer const& o = v.offers[0];
    EXPECT_EQ(o.quantity, D("1000.5"));
    ASSERT_EQ(o.prices.size(), 5u);
    EXPECT_EQ(o.prices[0].price_type_id, "t1");
    EXPECT_EQ(o.prices[0].per_unit, D("23000"));
    EXPECT_EQ(o.prices[0].currency, "руб");
    EXPECT_EQ(o.prices[0].coefficient, D("1"));
    EXPECT_EQ(o.prices[1].per_unit, D("1234.5"));
    EXPECT_EQ(o.prices[1].presentation, "1 234,50 руб. за шт");
    EXPECT_EQ(o.prices[2].per_unit, D("100"));
    EXPECT_EQ(o.prices[3].per_unit, D("96287"));
    EXPECT_EQ(o.prices[4].per_unit, D("10000")) << "ЦенаЗаЕдиницу wins over Представление";
}

TEST(CmlDecoders, PriceWithoutAnyNumberIsAProblemWithItsPosition) {
    CollectingVisitor v;
    auto r = ReadText(Wrap("<ПакетПредложений><Предложения>"
                           "<Предложение><Ид>a</Ид><Цены><Цена><ИдТипаЦены>t</ИдТипаЦены>"
                           "<Представление>договорная</Представление></Цена></Цены></Предложение>\n"
                           "<Предложение><Ид>b</Ид><Цены><Цена><ИдТипаЦены>t</ИдТипаЦены></Цена></Цены></Предложение>\n"
                           "<Предложение><Ид>c</Ид><Цены><Цена ИдТипаЦены=\"t\" ЦенаЗаЕдиницу=\"12,5 руб\"/></Цены>"
                           "</Предложение>\n"
                           "<Предложение><Ид>d</Ид></Предложение>"
                           "</Предложения></ПакетПредложений>"),
                      v, "offers.xml");
    ASSERT_TRUE(r) << r.error().message;
    ASSERT_EQ(v.offers.size(), 1u);
    EXPECT_EQ(v.offers[0].id.value(), "d");
    ASSERT_EQ(r->problems.size(), 3u);
    EXPECT_EQ(r->problems[0].message,
              "offers.xml:3:61: price without <ЦенаЗаЕдиницу> and no number in <Представление>: invalid decimal "
              "\"договорная\": not a number (element path КоммерческаяИнформация/ПакетПредложений/Предложения/"
              "Предложение/Цены/Цена)");
    EXPECT_THAT(r->problems[1].message, ::testing::HasSubstr("price without <ЦенаЗаЕдиницу> or <Представление>"));
    EXPECT_THAT(r->problems[2].message, ::testing::HasSubstr("attribute ЦенаЗаЕдиницу: invalid decimal \"12,5 руб\""));
}

TEST(CmlDecoders, HandMadeDocumentWithSumsAsAttributes) {
    // BX-FORUM's 2.03 document: Сумма="23 000" as an attribute (commerceml.md §6 quirk 19).
    CollectingVisitor v;
    auto r = ReadText(Wrap("<Документ Сумма=\"23 000\" Курс=\"1\"><Ид>9</Ид><Товары>"
                           "<Товар Цена=\"11 500\" Количество=\"2.0000\" Сумма=\"23 000,00\"><Ид>p</Ид></Товар>"
                           "<Товар ЦенаЗаЕдиницу=\"1,5\" Количество=\"1\"><Ид>q</Ид><Сумма>1.5</Сумма></Товар>"
                           "</Товары></Документ>"),
                      v);
    ASSERT_TRUE(r) << r.error().message;
    ASSERT_EQ(v.documents.size(), 1u);
    CmlDocument const& d = v.documents[0];
    EXPECT_EQ(d.sum, D("23000"));
    EXPECT_EQ(d.rate, D("1"));
    ASSERT_EQ(d.lines.size(), 2u);
    EXPECT_EQ(d.lines[0].price, D("11500"));
    EXPECT_EQ(d.lines[0].quantity, D("2"));
    EXPECT_EQ(d.lines[0].sum, D("23000"));
    EXPECT_EQ(d.lines[1].price, D("1.5"));
    EXPECT_EQ(d.lines[1].sum, D("1.5"));
}

}  // namespace
}  // namespace b2b::onec::test
