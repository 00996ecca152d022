#include "connectors/onec/cml_writer.hpp"

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "connectors/onec/encoding.hpp"
#include "core/domain/decimal_parse.hpp"
#include "tests/unit/onec/collecting_visitor.hpp"

namespace b2b::onec::test {
namespace {

// ---------------------------------------------------------------- sample data

Decimal D(std::string_view text) { return ParseDecimal(text).value(); }

ZonedTime T(std::string_view text) { return ParseIso8601(text, std::chrono::minutes(0)).value(); }

CmlDocumentLine Line(std::string id, std::string name, std::string unit_code, std::string unit_name,
                     std::string_view price, std::string_view quantity, std::string_view sum,
                     std::vector<CmlRequisite> requisites) {
    CmlDocumentLine line;
    line.ref = OneCId(id).SplitVariant().value();
    line.id = std::move(id);
    line.name = std::move(name);
    line.unit_code = std::move(unit_code);
    line.unit_name = std::move(unit_name);
    line.price = D(price);
    line.quantity = D(quantity);
    line.sum = D(sum);
    line.requisites = std::move(requisites);
    return line;
}

std::vector<CmlRequisite> Goods(std::vector<CmlRequisite> more = {}) {
    std::vector<CmlRequisite> r{{"ВидНоменклатуры", "Товар"}, {"ТипНоменклатуры", "Товар"}};
    r.insert(r.end(), more.begin(), more.end());
    return r;
}

CmlCounterparty LegalEntity() {
    CmlCounterparty c;
    c.id = "7#romashka#ООО Ромашка";
    c.name = "ООО \"Ромашка\"";
    c.official_name = "Общество с ограниченной ответственностью \"Ромашка\"";
    c.inn = "7707083893";
    c.kpp = "773601001";
    c.okpo = "12345678";
    c.legal_address.presentation = "115035, Москва, ул. Садовническая, д. 82";
    c.legal_address.fields = {{"Почтовый индекс", "115035"},
                              {"Город", "Москва"},
                              {"Улица", "Садовническая"},
                              {"Дом", "82"}};
    c.contacts = {{"Почта", "info@romashka.ru"}, {"Телефон рабочий", "+7 (495) 123-45-67"}};
    c.bank_accounts = {{"40702810900000000001", "ПАО Сбербанк", "044525225", "30101810400000000225", "Москва"}};
    c.representatives = {{"Контактное лицо", "0f6e1c2a9b8d7e6f5a4b3c2d1e0f9a8b", "Пётр Петров"}};
    c.role = "Покупатель";
    return c;
}

CmlCounterparty Individual() {
    CmlCounterparty c;
    c.id = "38#ivanova#Анна Иванова";
    c.name = "Анна Иванова";
    c.full_name = "Иванова Анна Сергеевна";
    c.last_name = "Иванова";
    c.first_name = "Анна";
    c.registration_address.presentation = "620014, Екатеринбург, ул. Вайнера, д. 10, кв. 5";
    c.registration_address.fields = {{"Почтовый индекс", "620014"},
                                     {"Город", "Екатеринбург"},
                                     {"Улица", "Вайнера"},
                                     {"Дом", "10"},
                                     {"Квартира", "5"}};
    c.contacts = {{"Почта", "anna@example.ru"}, {"Телефон мобильный", "+7 912 000-00-00"}};
    c.representatives = {{"Контактное лицо", "b342955a9185c40132d4c1df6b30af2f", "Анна Иванова"}};
    c.role = "Покупатель";
    return c;
}

// Two orders as a Bitrix site sends them: a legal entity with INN/KPP and a delivery line, and an
// individual buying by weight.
std::vector<CmlDocument> SampleOrders() {
    CmlDocument a;
    a.id = "132";
    a.number = "132";
    a.date = T("2024-12-02T11:45:21+03:00");
    a.operation = "Заказ товара";
    a.role = "Продавец";
    a.currency = "руб";
    a.rate = D("1");
    a.sum = D("4772.48");
    a.comment = "Позвонить за час до доставки; въезд с ул. Ленина";
    a.counterparties = {LegalEntity()};
    a.lines = {
        Line("910e89e5-205e-4d95-872a-0a0255c42f02#7c63329c-1d0f-4b8e-9a53-6f1f0c6b5a11",
             "Краска фасадная «Белая», база A", "112", "Литр", "1250.5", "2.5", "3126.25",
             Goods({{"НомерПозицииКорзины", "437"},
                    {"СвойствоКорзины#CATALOG.XML_ID", "42475bb5-958f-40dc-a99f-9ad996a27af1"},
                    {"СвойствоКорзины#PRODUCT.XML_ID", "910e89e5-205e-4d95-872a-0a0255c42f02"}})),
        Line("7c1bded0-8a29-40c9-a4f6-f63c6a30d3e9", "Кабель ВВГнг-LS 3x2,5 (бухта 100 м)", "006", "Метр", "89.9",
             "12.75", "1146.23", Goods({{"НомерПозицииКорзины", "438"}})),
        Line("ORDER_DELIVERY", "Доставка заказа", "796", "Штука", "500", "1", "500",
             {{"ВидНоменклатуры", "Услуга"}, {"ТипНоменклатуры", "Услуга"}}),
    };
    a.requisites = {{"Метод оплаты", "Безналичный расчёт"},
                    {"Метод оплаты ИД", "3"},
                    {"Заказ оплачен", "false"},
                    {"Доставка разрешена", "true"},
                    {"Отменен", "false"},
                    {"Финальный статус", "false"},
                    {"Статус заказа", "[N] Принят, ожидается оплата"},
                    {"Статуса заказа ИД", "N"},
                    {"Дата изменения статуса", "02.12.2024 11:45:21"},
                    {"Сайт", "[s1] Интернет-магазин"}};

    CmlDocument b;
    b.id = "133";
    b.number = "133";
    b.date = T("2024-12-03T09:05:07+03:00");
    b.operation = "Заказ товара";
    b.role = "Продавец";
    b.currency = "руб";
    b.rate = D("1");
    b.sum = D("2396.98");
    b.counterparties = {Individual()};
    b.lines = {
        Line("decdb692-0ea0-4925-906b-fec25bd1e29b", "Кофе молотый O'Coffee 250 г", "796", "Штука", "459.9", "3",
             "1379.7", Goods({{"НомерПозицииКорзины", "440"}})),
        Line("a5e1f0c2-3b4d-4e6f-8a9b-0c1d2e3f4a5b", "Сыр пармезан (весовой)", "166", "Килограмм", "2890",
             "0.352", "1017.28", Goods({{"НомерПозицииКорзины", "441"}, {"СвойствоКорзины#WEIGHT", "352"}})),
    };
    b.requisites = {{"Метод оплаты", "Картой онлайн"},
                    {"Заказ оплачен", "true"},
                    {"Дата оплаты", "03.12.2024 09:06:00"},
                    {"Доставка разрешена", "false"},
                    {"Отменен", "false"},
                    {"Финальный статус", "false"},
                    {"Статус заказа", "[P] Оплачен, формируется к отправке"},
                    {"Статуса заказа ИД", "P"}};
    return {a, b};
}

std::vector<CmlCounterparty> SampleCounterparties() {
    CmlCounterparty gone;
    gone.id = "d9510b52-e154-11db-80b9-00c09f6bedaa";
    gone.name = "Удаленный отдел \"Уют\"";
    gone.official_name = "Удаленный отдел \"Уют\"";
    gone.role = "Покупатель";
    gone.deleted = true;
    return {LegalEntity(), Individual(), gone};
}

// ---------------------------------------------------------------- options per golden case

struct Case {
    CmlSchemaVersion version;
    CmlOutputEncoding encoding;
};

std::string CaseName(Case const& c) {
    std::string version = ToString(c.version);
    std::replace(version.begin(), version.end(), '.', '_');
    return "v" + version + (c.encoding == CmlOutputEncoding::kWindows1251 ? "_cp1251" : "_utf8bom");
}

void PrintTo(Case const& c, std::ostream* os) { *os << CaseName(c); }

std::vector<Case> AllCases() {
    std::vector<Case> out;
    for (auto v : {CmlSchemaVersion::k205, CmlSchemaVersion::k208, CmlSchemaVersion::k209, CmlSchemaVersion::k210,
                   CmlSchemaVersion::k31}) {
        for (auto e : {CmlOutputEncoding::kWindows1251, CmlOutputEncoding::kUtf8Bom}) {
            out.push_back(Case{v, e});
        }
    }
    return out;
}

WriterOptions Options(Case const& c) {
    WriterOptions o;
    o.schema_version = c.version;
    o.encoding = c.encoding;
    o.generated_at = T("2024-12-03T12:00:00+03:00");
    return o;
}

WriterOptions Cp1251(CmlSchemaVersion version = CmlSchemaVersion::k205) {
    return Options(Case{version, CmlOutputEncoding::kWindows1251});
}

WriterOptions Utf8(CmlSchemaVersion version = CmlSchemaVersion::k205) {
    return Options(Case{version, CmlOutputEncoding::kUtf8Bom});
}

// Output as UTF-8 text without BOM, for substring assertions.
std::string AsUtf8(std::string const& bytes, CmlOutputEncoding encoding) {
    if (encoding == CmlOutputEncoding::kUtf8Bom) {
        return bytes.substr(bytes.rfind("\xEF\xBB\xBF", 0) == 0 ? 3 : 0);
    }
    std::string out;
    AppendCp1251AsUtf8(bytes, out);
    return out;
}

// ---------------------------------------------------------------- golden files

std::filesystem::path GoldenPath(std::string const& name) {
    return std::filesystem::path(B2B_SOURCE_DIR) / "tests" / "unit" / "onec" / "golden" / name;
}

void ExpectGolden(std::string const& name, std::string const& actual) {
    auto const path = GoldenPath(name);
    char const* update = std::getenv("B2B_UPDATE_GOLDEN");
    if (update != nullptr && std::string_view(update) == "1") {
        std::filesystem::create_directories(path.parent_path());
        std::ofstream(path, std::ios::binary) << actual;
        std::cout << "rewrote " << path.string() << "\n";
        return;
    }
    ASSERT_TRUE(std::filesystem::exists(path))
        << path.string() << " is missing; run the test with B2B_UPDATE_GOLDEN=1 to create it, then review it";
    std::string const expected = ReadBytes(path);
    if (expected == actual) {
        return;
    }
    std::size_t at = 0;
    while (at < expected.size() && at < actual.size() && expected[at] == actual[at]) {
        ++at;
    }
    std::size_t const line = 1 + static_cast<std::size_t>(std::count(actual.begin(), actual.begin() + at, '\n'));
    ADD_FAILURE() << "output differs from " << path.string() << " at byte " << at << " (line " << line
                  << "; expected " << expected.size() << " bytes, got " << actual.size() << ").\n"
                  << "If the change is intended: B2B_UPDATE_GOLDEN=1 ./unit_onec --gtest_filter='*CmlWriterGolden*' "
                     "and review `git diff tests/unit/onec/golden`.";
}

class CmlWriterGolden : public ::testing::TestWithParam<Case> {};

TEST_P(CmlWriterGolden, OrdersMatchGoldenFile) {
    auto const orders = SampleOrders();
    auto written = WriteOrders(orders, Options(GetParam()));
    ASSERT_TRUE(written) << written.error().message;
    ExpectGolden("orders_" + CaseName(GetParam()) + ".xml", *written);
}

TEST_P(CmlWriterGolden, CounterpartiesMatchGoldenFile) {
    auto const counterparties = SampleCounterparties();
    auto written = WriteCounterparties(counterparties, Options(GetParam()));
    ASSERT_TRUE(written) << written.error().message;
    ExpectGolden("counterparties_" + CaseName(GetParam()) + ".xml", *written);
}

INSTANTIATE_TEST_SUITE_P(AllVersions, CmlWriterGolden, ::testing::ValuesIn(AllCases()),
                         [](auto const& info) { return CaseName(info.param); });

// ---------------------------------------------------------------- equality naming the first difference

std::string Show(std::string const& s) { return "\"" + s + "\""; }
std::string Show(bool b) { return b ? "true" : "false"; }
std::string Show(std::optional<Decimal> const& d) { return d ? d->ToString() : "(absent)"; }
std::string Show(std::optional<ZonedTime> const& t) { return t ? FormatIso8601(*t) : "(absent)"; }
std::string Show(OneCVariantRef const& r) {
    return r.product.value() + (r.variant ? "#" + r.variant->value() : std::string(" (no variant)"));
}
std::string Show(std::size_t n) { return std::to_string(n); }

class Diff {
public:
    template <class T>
    void Field(std::string const& path, T const& written, T const& read) {
        if (first_.empty() && !(written == read)) {
            first_ = path + ": written " + Show(written) + ", read back " + Show(read);
        }
    }
    template <class T, class F>
    void List(std::string const& path, std::vector<T> const& written, std::vector<T> const& read, F each) {
        Field(path + ".size()", written.size(), read.size());
        for (std::size_t i = 0; first_.empty() && i < written.size(); ++i) {
            each(fmt::format("{}[{}]", path, i), written[i], read[i]);
        }
    }
    std::string const& First() const { return first_; }

private:
    std::string first_;
};

void Compare(Diff& d, std::string const& p, CmlAddress const& a, CmlAddress const& b) {
    d.Field(p + ".presentation", a.presentation, b.presentation);
    d.List(p + ".fields", a.fields, b.fields, [&](std::string const& q, auto const& x, auto const& y) {
        d.Field(q + ".type", x.type, y.type);
        d.Field(q + ".value", x.value, y.value);
    });
}

void Compare(Diff& d, std::string const& p, CmlCounterparty const& a, CmlCounterparty const& b) {
    d.Field(p + ".id", a.id, b.id);
    d.Field(p + ".name", a.name, b.name);
    d.Field(p + ".full_name", a.full_name, b.full_name);
    d.Field(p + ".official_name", a.official_name, b.official_name);
    d.Field(p + ".first_name", a.first_name, b.first_name);
    d.Field(p + ".last_name", a.last_name, b.last_name);
    d.Field(p + ".role", a.role, b.role);
    d.Field(p + ".inn", a.inn, b.inn);
    d.Field(p + ".kpp", a.kpp, b.kpp);
    d.Field(p + ".okpo", a.okpo, b.okpo);
    Compare(d, p + ".legal_address", a.legal_address, b.legal_address);
    Compare(d, p + ".registration_address", a.registration_address, b.registration_address);
    Compare(d, p + ".address", a.address, b.address);
    d.List(p + ".contacts", a.contacts, b.contacts, [&](std::string const& q, auto const& x, auto const& y) {
        d.Field(q + ".type", x.type, y.type);
        d.Field(q + ".value", x.value, y.value);
    });
    d.List(p + ".bank_accounts", a.bank_accounts, b.bank_accounts,
           [&](std::string const& q, auto const& x, auto const& y) {
               d.Field(q + ".account_number", x.account_number, y.account_number);
               d.Field(q + ".bank_name", x.bank_name, y.bank_name);
               d.Field(q + ".bik", x.bik, y.bik);
               d.Field(q + ".correspondent_account", x.correspondent_account, y.correspondent_account);
               d.Field(q + ".bank_address", x.bank_address, y.bank_address);
           });
    d.List(p + ".representatives", a.representatives, b.representatives,
           [&](std::string const& q, auto const& x, auto const& y) {
               d.Field(q + ".relation", x.relation, y.relation);
               d.Field(q + ".id", x.id, y.id);
               d.Field(q + ".name", x.name, y.name);
           });
    d.Field(p + ".deleted", a.deleted, b.deleted);
}

void CompareRequisites(Diff& d, std::string const& p, std::vector<CmlRequisite> const& a,
                       std::vector<CmlRequisite> const& b) {
    d.List(p, a, b, [&](std::string const& q, auto const& x, auto const& y) {
        d.Field(q + ".name", x.name, y.name);
        d.Field(q + ".value", x.value, y.value);
    });
}

/// Every field WriteOrders emits; the lifted requisite fields are the reader's derivation and are
/// checked separately.
std::string FirstDifference(CmlDocument const& a, CmlDocument const& b) {
    Diff d;
    std::string const p = "order " + a.id;
    d.Field(p + ".id", a.id, b.id);
    d.Field(p + ".number", a.number, b.number);
    d.Field(p + ".date", a.date, b.date);
    d.Field(p + ".operation", a.operation, b.operation);
    d.Field(p + ".role", a.role, b.role);
    d.Field(p + ".currency", a.currency, b.currency);
    d.Field(p + ".rate", a.rate, b.rate);
    d.Field(p + ".sum", a.sum, b.sum);
    d.Field(p + ".comment", a.comment, b.comment);
    d.List(p + ".counterparties", a.counterparties, b.counterparties,
           [&](std::string const& q, auto const& x, auto const& y) { Compare(d, q, x, y); });
    d.List(p + ".lines", a.lines, b.lines, [&](std::string const& q, auto const& x, auto const& y) {
        d.Field(q + ".id", x.id, y.id);
        d.Field(q + ".ref", x.ref, y.ref);
        d.Field(q + ".name", x.name, y.name);
        d.Field(q + ".unit_code", x.unit_code, y.unit_code);
        d.Field(q + ".unit_name", x.unit_name, y.unit_name);
        d.Field(q + ".price", x.price, y.price);
        d.Field(q + ".quantity", x.quantity, y.quantity);
        d.Field(q + ".sum", x.sum, y.sum);
        d.Field(q + ".coefficient", x.coefficient, y.coefficient);
        CompareRequisites(d, q + ".requisites", x.requisites, y.requisites);
    });
    CompareRequisites(d, p + ".requisites", a.requisites, b.requisites);
    return d.First();
}

std::string FirstDifference(CmlCounterparty const& a, CmlCounterparty const& b) {
    Diff d;
    Compare(d, "counterparty " + a.id, a, b);
    return d.First();
}

TEST(CmlWriterDiff, NamesTheFirstDifferingField) {
    auto const orders = SampleOrders();
    auto changed = orders[0];
    EXPECT_EQ(FirstDifference(orders[0], changed), "");
    changed.lines[1].quantity = D("12.7");
    changed.counterparties[0].kpp = "x";
    EXPECT_EQ(FirstDifference(orders[0], changed),
              "order 132.counterparties[0].kpp: written \"773601001\", read back \"x\"");
    changed.counterparties[0].kpp = orders[0].counterparties[0].kpp;
    EXPECT_EQ(FirstDifference(orders[0], changed), "order 132.lines[1].quantity: written 12.75, read back 12.7");
}

// ---------------------------------------------------------------- round trip

class CmlWriterRoundTrip : public ::testing::TestWithParam<Case> {};

TEST_P(CmlWriterRoundTrip, OrdersReadBackEqual) {
    auto const orders = SampleOrders();
    auto written = WriteOrders(orders, Options(GetParam()));
    ASSERT_TRUE(written) << written.error().message;
    CollectingVisitor v;
    auto summary = ReadText(*written, v);  // the reader's default offset is +03:00, as the sample
    ASSERT_TRUE(summary) << summary.error().message;
    EXPECT_EQ(summary->skipped, 0u);
    EXPECT_EQ(summary->headers.at(0).schema_version, ToString(GetParam().version));
    EXPECT_EQ(summary->headers.at(0).generated_at, "2024-12-03T12:00:00");
    ASSERT_EQ(v.documents.size(), orders.size());
    for (std::size_t i = 0; i < orders.size(); ++i) {
        EXPECT_EQ(FirstDifference(orders[i], v.documents[i]), "");
    }
    // The requisites travel verbatim, so the reader lifts the well-known ones as from Bitrix.
    EXPECT_EQ(v.documents[0].order_status_id, "N");
    EXPECT_EQ(v.documents[0].delivery_allowed, true);
    EXPECT_EQ(v.documents[1].paid, true);
    EXPECT_EQ(v.documents[1].order_status, "[P] Оплачен, формируется к отправке");
}

TEST_P(CmlWriterRoundTrip, CounterpartiesReadBackEqual) {
    auto const counterparties = SampleCounterparties();
    auto written = WriteCounterparties(counterparties, Options(GetParam()));
    ASSERT_TRUE(written) << written.error().message;
    CollectingVisitor v;
    auto summary = ReadText(*written, v);
    ASSERT_TRUE(summary) << summary.error().message;
    ASSERT_EQ(v.counterparties.size(), counterparties.size());
    for (std::size_t i = 0; i < counterparties.size(); ++i) {
        EXPECT_EQ(FirstDifference(counterparties[i], v.counterparties[i]), "");
    }
}

INSTANTIATE_TEST_SUITE_P(AllVersions, CmlWriterRoundTrip, ::testing::ValuesIn(AllCases()),
                         [](auto const& info) { return CaseName(info.param); });

// ---------------------------------------------------------------- edge cases

CmlDocument OneLineOrder(std::string id, std::string line_name) {
    CmlDocument doc;
    doc.id = std::move(id);
    doc.number = doc.id;
    doc.lines = {Line("p1", std::move(line_name), "796", "Штука", "1", "1", "1", {})};
    return doc;
}

TEST(CmlWriterEdge, EmptyOrderListIsTheBareRoot) {
    auto cp1251 = WriteOrders({}, Cp1251());
    ASSERT_TRUE(cp1251) << cp1251.error().message;
    EXPECT_EQ(*cp1251, Utf8ToCp1251("<?xml version=\"1.0\" encoding=\"windows-1251\"?>\n"
                                    "<КоммерческаяИнформация ВерсияСхемы=\"2.05\" "
                                    "ДатаФормирования=\"2024-12-03T12:00:00\" ФорматДаты=\"ДФ=yyyy-MM-dd; ДЛФ=DT\" "
                                    "ФорматВремени=\"ДФ=ЧЧ:мм:сс; ДЛФ=T\" РазделительДатаВремя=\"T\" "
                                    "ФорматСуммы=\"ЧЦ=18; ЧДЦ=2; ЧРД=.\" ФорматКоличества=\"ЧЦ=18; ЧДЦ=2; ЧРД=.\">\n"
                                    "</КоммерческаяИнформация>\n")
                            .value());

    auto utf8 = WriteOrders({}, Utf8(CmlSchemaVersion::k31));
    ASSERT_TRUE(utf8) << utf8.error().message;
    EXPECT_EQ(*utf8,
              "\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
              "<КоммерческаяИнформация xmlns=\"urn:1C.ru:commerceml_3\" ВерсияСхемы=\"3.1\" "
              "ДатаФормирования=\"2024-12-03T12:00:00\" ФорматДаты=\"ДФ=yyyy-MM-dd; ДЛФ=DT\" "
              "ФорматВремени=\"ДФ=ЧЧ:мм:сс; ДЛФ=T\" РазделительДатаВремя=\"T\" "
              "ФорматСуммы=\"ЧЦ=18; ЧДЦ=2; ЧРД=.\" ФорматКоличества=\"ЧЦ=18; ЧДЦ=2; ЧРД=.\">\n"
              "</КоммерческаяИнформация>\n");

    auto none = WriteCounterparties({}, Utf8(CmlSchemaVersion::k210));
    ASSERT_TRUE(none) << none.error().message;
    EXPECT_EQ(*none,
              "\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
              "<КоммерческаяИнформация ВерсияСхемы=\"2.10\" ДатаФормирования=\"2024-12-03T12:00:00\">\n"
              "</КоммерческаяИнформация>\n");

    CollectingVisitor v;
    auto summary = ReadText(*cp1251, v);
    ASSERT_TRUE(summary) << summary.error().message;
    EXPECT_EQ(summary->raw_records, 0u);
}

TEST(CmlWriterEdge, UnmappableCharacterInCp1251NamesOrderElementAndCharacter) {
    std::vector<CmlDocument> const orders{OneLineOrder("140", "Yen ¥ coin")};
    auto r = WriteOrders(orders, Cp1251());
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().error_class, ErrorClass::kPermanent);
    EXPECT_EQ(r.error().message,
              "order 140: <Документ/Товары/Товар/Наименование>: character U+00A5 (\"¥\") at byte offset 4 "
              "(character 5) cannot be written in windows-1251");

    auto v31 = WriteOrders(orders, Cp1251(CmlSchemaVersion::k31));
    ASSERT_FALSE(v31);
    EXPECT_EQ(v31.error().message,
              "order 140: <Контейнер/Документ/Товары/Товар/Наименование>: character U+00A5 (\"¥\") at byte offset 4 "
              "(character 5) cannot be written in windows-1251");

    auto in_attribute = orders;
    in_attribute[0].lines[0].name = "ok";
    in_attribute[0].lines[0].unit_name = "€ unit ✓";  // € is in cp1251 (0x88), ✓ is not
    auto attr = WriteOrders(in_attribute, Cp1251());
    ASSERT_FALSE(attr);
    EXPECT_EQ(attr.error().message,
              "order 140: <Документ/Товары/Товар/БазоваяЕдиница@НаименованиеПолное>: character U+2713 (\"✓\") at "
              "byte offset 9 (character 8) cannot be written in windows-1251");

    std::vector<CmlCounterparty> const people{CmlCounterparty{.id = "9#zoe#Zoë", .name = "Zoë"}};
    auto cp = WriteCounterparties(people, Cp1251());
    ASSERT_FALSE(cp);
    EXPECT_EQ(cp.error().message,
              "counterparty 9#zoe#Zoë: <Контрагенты/Контрагент/Ид>: character U+00EB (\"ë\") at byte offset 8 "
              "(character 9) cannot be written in windows-1251");
}

TEST(CmlWriterEdge, UnmappableCharacterReplacedOnRequestOrKeptInUtf8) {
    std::vector<CmlDocument> const orders{OneLineOrder("140", "Yen ¥ coin")};
    auto options = Cp1251();
    options.replace_unmappable = true;
    auto replaced = WriteOrders(orders, options);
    ASSERT_TRUE(replaced) << replaced.error().message;
    EXPECT_NE(AsUtf8(*replaced, CmlOutputEncoding::kWindows1251).find("\t\t\t\t<Наименование>Yen ? coin</Наименование>\n"),
              std::string::npos);

    auto utf8 = WriteOrders(orders, Utf8());
    ASSERT_TRUE(utf8) << utf8.error().message;
    EXPECT_NE(utf8->find("<Наименование>Yen ¥ coin</Наименование>"), std::string::npos);
}

TEST(CmlWriterEdge, EscapesMarkupCharactersInTextAndAttributes) {
    auto doc = OneLineOrder("141", "Болт M8 <DIN 933> & гайка");
    doc.comment = "a & b < c > d \"e\" 'f'";
    doc.lines[0].unit_name = "Штука \"шт\" & <x>\tтаб\nстрока";
    doc.requisites = {{"СвойствоКорзины#A&B", "x<y>'z'"}};
    std::vector<CmlDocument> const orders{doc};
    for (auto const& c : AllCases()) {
        SCOPED_TRACE(CaseName(c));
        auto written = WriteOrders(orders, Options(c));
        ASSERT_TRUE(written) << written.error().message;
        std::string const text = AsUtf8(*written, c.encoding);
        EXPECT_NE(text.find("<Комментарий>a &amp; b &lt; c &gt; d &quot;e&quot; &apos;f&apos;</Комментарий>"),
                  std::string::npos);
        EXPECT_NE(text.find("<Наименование>Болт M8 &lt;DIN 933&gt; &amp; гайка</Наименование>"), std::string::npos);
        EXPECT_NE(text.find("<БазоваяЕдиница Код=\"796\" НаименованиеПолное=\"Штука &quot;шт&quot; &amp; "
                            "&lt;x&gt;&#9;таб&#10;строка\" МеждународноеСокращение=\"PCE\">шт</БазоваяЕдиница>"),
                  std::string::npos);
        EXPECT_NE(text.find("<Наименование>СвойствоКорзины#A&amp;B</Наименование>"), std::string::npos);
        EXPECT_NE(text.find("<Значение>x&lt;y&gt;&apos;z&apos;</Значение>"), std::string::npos);

        CollectingVisitor v;
        auto summary = ReadText(*written, v);
        ASSERT_TRUE(summary) << summary.error().message;
        ASSERT_EQ(v.documents.size(), 1u);
        EXPECT_EQ(v.documents[0].comment, doc.comment);
        EXPECT_EQ(v.documents[0].lines[0].name, doc.lines[0].name);
        EXPECT_EQ(v.documents[0].lines[0].unit_name, doc.lines[0].unit_name);
        EXPECT_EQ(v.documents[0].requisites, doc.requisites);
    }
}

TEST(CmlWriterEdge, DropsCharactersXmlForbidsAndKeepsTabNewlineCarriageReturn) {
    auto doc = OneLineOrder("142", "A\x01" "B\x0B" "C\x1F" "D\xEF\xBF\xBF" "E\xEF\xBF\xBE" "F");
    doc.comment = "line1\r\nline2\tend\x7F";
    std::vector<CmlDocument> const orders{doc};
    auto written = WriteOrders(orders, Utf8());
    ASSERT_TRUE(written) << written.error().message;
    EXPECT_NE(written->find("<Наименование>ABCDEF</Наименование>"), std::string::npos);
    // CR as a reference: a literal one would come back as LF. DEL is allowed in XML 1.0.
    EXPECT_NE(written->find("<Комментарий>line1&#13;\nline2\tend\x7F</Комментарий>"), std::string::npos);

    CollectingVisitor v;
    auto summary = ReadText(*written, v);
    ASSERT_TRUE(summary) << summary.error().message;
    ASSERT_EQ(v.documents.size(), 1u);
    EXPECT_EQ(v.documents[0].lines[0].name, "ABCDEF");
    EXPECT_EQ(v.documents[0].comment, doc.comment);

    auto cp1251 = WriteOrders(orders, Cp1251());
    ASSERT_TRUE(cp1251) << cp1251.error().message;
    EXPECT_NE(AsUtf8(*cp1251, CmlOutputEncoding::kWindows1251).find("<Наименование>ABCDEF</Наименование>"),
              std::string::npos);
}

TEST(CmlWriterEdge, InvalidUtf8IsAnErrorNamingTheOrder) {
    std::vector<CmlDocument> const orders{OneLineOrder("143", "ok \xC3( broken")};
    for (auto const& options : {Cp1251(), Utf8()}) {
        auto r = WriteOrders(orders, options);
        ASSERT_FALSE(r);
        EXPECT_EQ(r.error().message, "order 143: <Документ/Товары/Товар/Наименование>: invalid UTF-8 at byte offset 3");
    }
}

TEST(CmlWriterEdge, DefaultsAndOptionalFields) {
    CmlDocument doc;
    doc.id = "144";
    doc.number = "144";
    doc.date = T("2024-01-05T23:59:58.750+05:00");
    doc.counterparties = {CmlCounterparty{.id = "1#x#", .name = ""}};
    doc.lines = {Line("p2", "Без единицы", "", "", "0.1", "1", "0.1", {}),
                 Line("p3", "Код без названия", "999", "", "1", "1", "1", {}),
                 Line("p4", "Код ОКЕИ без названия", "796", "", "1", "1", "1", {})};
    doc.lines[0].unit_code.clear();
    std::vector<CmlDocument> const orders{doc};
    auto written = WriteOrders(orders, Utf8());
    ASSERT_TRUE(written) << written.error().message;
    std::string const expected =
        "\t<Документ>\n"
        "\t\t<Ид>144</Ид>\n"
        "\t\t<Номер>144</Номер>\n"
        "\t\t<Дата>2024-01-05</Дата>\n"
        "\t\t<ХозОперация>Заказ товара</ХозОперация>\n"
        "\t\t<Роль>Продавец</Роль>\n"
        "\t\t<Контрагенты>\n"
        "\t\t\t<Контрагент>\n"
        "\t\t\t\t<Ид>1#x#</Ид>\n"
        "\t\t\t\t<Наименование></Наименование>\n"
        "\t\t\t\t<Роль>Покупатель</Роль>\n"
        "\t\t\t</Контрагент>\n"
        "\t\t</Контрагенты>\n"
        "\t\t<Время>23:59:58</Время>\n"
        "\t\t<Комментарий></Комментарий>\n"
        "\t\t<Товары>\n"
        "\t\t\t<Товар>\n"
        "\t\t\t\t<Ид>p2</Ид>\n"
        "\t\t\t\t<Наименование>Без единицы</Наименование>\n"
        "\t\t\t\t<ЦенаЗаЕдиницу>0.10</ЦенаЗаЕдиницу>\n"
        "\t\t\t\t<Количество>1</Количество>\n"
        "\t\t\t\t<Сумма>0.10</Сумма>\n"
        "\t\t\t</Товар>\n"
        "\t\t\t<Товар>\n"
        "\t\t\t\t<Ид>p3</Ид>\n"
        "\t\t\t\t<Наименование>Код без названия</Наименование>\n"
        "\t\t\t\t<БазоваяЕдиница Код=\"999\"></БазоваяЕдиница>\n"
        "\t\t\t\t<ЦенаЗаЕдиницу>1.00</ЦенаЗаЕдиницу>\n"
        "\t\t\t\t<Количество>1</Количество>\n"
        "\t\t\t\t<Сумма>1.00</Сумма>\n"
        "\t\t\t</Товар>\n"
        "\t\t\t<Товар>\n"
        "\t\t\t\t<Ид>p4</Ид>\n"
        "\t\t\t\t<Наименование>Код ОКЕИ без названия</Наименование>\n"
        "\t\t\t\t<БазоваяЕдиница Код=\"796\" МеждународноеСокращение=\"PCE\"></БазоваяЕдиница>\n"
        "\t\t\t\t<ЦенаЗаЕдиницу>1.00</ЦенаЗаЕдиницу>\n"
        "\t\t\t\t<Количество>1</Количество>\n"
        "\t\t\t\t<Сумма>1.00</Сумма>\n"
        "\t\t\t</Товар>\n"
        "\t\t</Товары>\n"
        "\t</Документ>\n"
        "</КоммерческаяИнформация>\n";
    ASSERT_GE(written->size(), expected.size());
    EXPECT_EQ(written->substr(written->size() - expected.size()), expected);

    CollectingVisitor v;
    std::istringstream in(*written);
    ReaderOptions reader_options;
    reader_options.default_utc_offset = std::chrono::minutes(300);
    auto summary = ReadCommerceMl(in, "defaults.xml", reader_options, v);
    ASSERT_TRUE(summary) << summary.error().message;
    ASSERT_EQ(v.documents.size(), 1u);
    // Milliseconds are not part of Время.
    EXPECT_EQ(v.documents[0].date, T("2024-01-05T23:59:58+05:00"));
    EXPECT_EQ(v.documents[0].lines[1].unit_code, "999");
    EXPECT_EQ(v.documents[0].lines[2].unit_name, "");
}

}  // namespace
}  // namespace b2b::onec::test
