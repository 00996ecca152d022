#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "connectors/onec/cml_writer.hpp"
#include "connectors/onec/encoding.hpp"
#include "connectors/onec/exchange_store.hpp"
#include "connectors/onec/order_feed.hpp"
#include "core/domain/decimal_parse.hpp"
#include "tests/unit/onec/collecting_visitor.hpp"
#include "tests/unit/onec/exchange_test_support.hpp"

namespace b2b::onec::test {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::StartsWith;

Decimal D(std::string_view text) { return ParseDecimal(text).value(); }
ZonedTime T(std::string_view text) { return ParseIso8601(text, std::chrono::minutes(0)).value(); }

std::string Cp1251(std::string_view utf8) { return Utf8ToCp1251(utf8).value(); }

std::string ReadAll(std::filesystem::path const& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

std::string DocumentsFixture() {
    return ReadAll(std::filesystem::path(B2B_SHARED_DIR) / "fixtures/commerceml/argentcrusade/documents-example.xml");
}

// An order as the flows would queue it (commerceml.md §2.2).
CmlDocument Order(std::string id, std::string_view sum, std::string buyer = "Иван Иванов") {
    CmlDocument d;
    d.id = id;
    d.number = id;
    d.date = T("2024-12-02T11:45:21");
    d.currency = "руб";
    d.rate = D("1");
    d.sum = D(sum);
    CmlCounterparty c;
    c.id = "38#ivanov#" + buyer;
    c.name = std::move(buyer);
    c.role = "Покупатель";
    d.counterparties.push_back(std::move(c));
    CmlDocumentLine line;
    line.id = "910e89e5#7c63329c";
    line.ref = OneCId(line.id).SplitVariant().value();
    line.name = "Чайник";
    line.unit_code = "796";
    line.unit_name = "Штука";
    line.price = D(sum);
    line.quantity = D("1");
    line.sum = D(sum);
    line.requisites = {{"ВидНоменклатуры", "Товар"}, {"ТипНоменклатуры", "Товар"}};
    d.lines.push_back(std::move(line));
    d.requisites = {{"Заказ оплачен", "false"}, {"Статус заказа", "[N] Принят"}};
    return d;
}

class ExchangeSaleTest : public ExchangeFixture {
protected:
    void SetUp() override {
        ExchangeFixture::SetUp();
        type_ = "sale";
        options_.file_limit = 1 << 20;  // old 1C sends a document in one request
    }

    void Queue(std::vector<CmlDocument> const& orders) {
        OrderFeed feed(*db_, clock_);
        auto tx = store::Transaction::Begin(*db_, "test queue");
        ASSERT_TRUE(tx);
        for (auto const& order : orders) {
            ASSERT_TRUE(feed.Queue(**tx, order)) << order.id;
        }
        ASSERT_TRUE((*tx)->Commit());
    }

    std::string Expected(std::vector<CmlDocument> const& orders) const {
        WriterOptions writer;
        writer.schema_version = options_.sale_schema_version;
        writer.encoding = options_.sale_encoding;
        writer.generated_at = ZonedTime{std::chrono::sys_time<std::chrono::milliseconds>(std::chrono::milliseconds(kStart)),
                                        std::chrono::minutes(0)};
        return WriteOrders(orders, writer).value();
    }

    void NewOneC() {
        CheckAuth();
        ASSERT_THAT(Get("type=sale&mode=init&sessid=" + sessid_ + "&version=2.08", Cookie()).body,
                    StartsWith("zip=no\n"));
    }

    b2b::test::HttpResponse Query() { return Get("type=sale&mode=query&sessid=" + sessid_, Cookie()); }
    std::string Success() { return Get("type=sale&mode=success&sessid=" + sessid_, Cookie()).body; }
};

TEST_F(ExchangeSaleTest, TranscriptOfSection2_2) {
    options_.import_slice_records = 1;
    StartServer();
    auto const auth = Get("type=sale&mode=checkauth", {{"Authorization", kBasic}});
    auto const lines = Lines(auth.body);
    ASSERT_EQ(lines.size(), 4u) << auth.body;
    EXPECT_EQ(lines[0], "success");
    EXPECT_EQ(lines[1], "PHPSESSID");
    EXPECT_THAT(lines[2], MatchesRegex("[0-9a-f]{32}"));
    EXPECT_THAT(lines[3], MatchesRegex("sessid=[0-9a-f]{32}"));
    cookie_ = "PHPSESSID=" + lines[2];
    sessid_ = lines[3].substr(7);

    EXPECT_EQ(Get("type=sale&mode=init&sessid=" + sessid_ + "&version=2.08", Cookie()).body,
              "zip=no\nfile_limit=1048576\nsessid=" + sessid_ + "\nversion=2.08");

    std::vector<CmlDocument> const orders{Order("132", "231.74"), Order("133", "1000.5", "Пётр Петров")};
    Queue(orders);
    auto const query = Query();
    EXPECT_EQ(query.status, 200);
    EXPECT_EQ(query.Header("Content-Type"), "application/xml; charset=windows-1251");
    EXPECT_EQ(query.Header("Content-Length"), std::to_string(query.body.size()));
    EXPECT_EQ(query.body, Expected(orders));
    EXPECT_THAT(query.body, StartsWith("<?xml version=\"1.0\" encoding=\"windows-1251\"?>"));
    // What 1C receives reads back as the queued documents.
    CollectingVisitor visitor;
    std::istringstream in(query.body);
    ASSERT_TRUE(ReadCommerceMl(in, "query", ReaderOptions{}, visitor));
    ASSERT_EQ(visitor.documents.size(), 2u);
    EXPECT_EQ(visitor.documents[0].id, "132");
    EXPECT_EQ(visitor.documents[0].sum, D("231.74"));
    EXPECT_EQ(visitor.documents[0].date, T("2024-12-02T11:45:21"));
    EXPECT_EQ(visitor.documents[0].lines.at(0).name, "Чайник");
    EXPECT_EQ(visitor.documents[1].id, "133");
    EXPECT_EQ(visitor.documents[1].counterparties.at(0).name, "Пётр Петров");
    EXPECT_EQ(visitor.documents[1].requisites, orders[1].requisites);

    // Not confirmed yet: the same orders again.
    EXPECT_EQ(Query().body, Expected(orders));
    EXPECT_EQ(Success(), "success");
    EXPECT_EQ(Query().body, Expected({}));
    EXPECT_THAT(Expected({}), HasSubstr(Cp1251("<КоммерческаяИнформация ВерсияСхемы=\"2.08\"")));

    // 1C's changes: file only stores, import processes in slices and lands through the sink.
    std::string const name = "documents___83869b57-89bf-468b-acc3-e1b306b68ad4.xml";
    EXPECT_EQ(Post("type=sale&mode=file&filename=" + name + "&sessid=" + sessid_, DocumentsFixture(), Cookie()).body,
              "success");
    EXPECT_TRUE(log_->documents.empty());
    auto const answers = ImportAll(name);
    ASSERT_GE(answers.size(), 2u);
    EXPECT_THAT(answers.front(), MatchesRegex("progress\n1 records of file documents___.*\\.xml, [0-9]+%"));
    EXPECT_EQ(answers.back(), "success\n" + name + ": 2 records imported");
    ASSERT_EQ(log_->documents.size(), 2u);
    EXPECT_EQ(log_->documents[0].id, "142");
    EXPECT_EQ(log_->documents[0].number_1c, "ТДЦУ-000001");
    EXPECT_EQ(log_->documents[1].id, "235");
    ASSERT_FALSE(log_->contexts.empty());
    EXPECT_EQ(log_->contexts.back().exchange_type, "sale");
    EXPECT_EQ(log_->contexts.back().file_name, name);

    auto const metrics = registry_.Render();
    EXPECT_THAT(metrics, HasSubstr("b2b_onec_requests_total{type=\"sale\",mode=\"query\",result=\"data\"} 3"));
    EXPECT_THAT(metrics, HasSubstr("b2b_onec_requests_total{type=\"sale\",mode=\"success\",result=\"success\"} 1"));
}

TEST_F(ExchangeSaleTest, OldOneCFileImportsInTheSameRequest) {
    options_.import_slice_records = 1;  // several slices, all inside the one request
    StartServer();
    CheckAuth();
    EXPECT_EQ(Get("type=sale&mode=init", Cookie()).body, "zip=no\nfile_limit=1048576");
    auto const r = Post("type=sale&mode=file&filename=C:%5Cv8_8789_c.xml", DocumentsFixture(), Cookie());
    EXPECT_EQ(r.body, "success");
    ASSERT_EQ(log_->documents.size(), 2u);
    EXPECT_EQ(log_->documents[0].id, "142");
    EXPECT_EQ(log_->documents[0].number_1c, "ТДЦУ-000001");
    EXPECT_EQ(log_->documents[1].id, "235");
    EXPECT_EQ(log_->finishes, 1);
    ASSERT_FALSE(log_->contexts.empty());
    EXPECT_EQ(log_->contexts.front().exchange_type, "sale");
    EXPECT_EQ(log_->contexts.front().file_name, "v8_8789_c.xml");
}

TEST_F(ExchangeSaleTest, OldOneCBrokenFileAnswersFailure) {
    StartServer();
    CheckAuth();
    EXPECT_EQ(Get("type=sale&mode=init", Cookie()).body, "zip=no\nfile_limit=1048576");
    auto const r = Post("type=sale&mode=file&filename=orders.xml",
                        "<?xml version=\"1.0\"?>\n<КоммерческаяИнформация><Документ></КоммерческаяИнформация>", Cookie());
    EXPECT_THAT(r.body, StartsWith("failure\n" + Cp1251("orders.xml:2:")));
    EXPECT_TRUE(log_->documents.empty());
}

TEST_F(ExchangeSaleTest, OldOneCChunkedFileImportsWhenTheLastChunkArrives) {
    // УТ 10.3 style: no version at init, the document in file_limit chunks with the same filename
    // (appended), then possibly an import call (commerceml.md §1.4, §1.7).
    options_.file_limit = 700;
    StartServer();
    CheckAuth();
    EXPECT_EQ(Get("type=sale&mode=init", Cookie()).body, "zip=no\nfile_limit=700");
    std::string const document = DocumentsFixture();
    ASSERT_GT(document.size(), 3 * options_.file_limit);
    std::string const query = "type=sale&mode=file&filename=orders.xml";
    for (std::size_t at = 0; at < document.size(); at += options_.file_limit) {
        bool const last = at + options_.file_limit >= document.size();
        auto const r = Post(query, document.substr(at, options_.file_limit), Cookie());
        ASSERT_EQ(r.body, "success") << "chunk at " << at;
        if (!last) {
            ASSERT_TRUE(log_->documents.empty()) << "imported before the document was whole, at " << at;
        }
    }
    ASSERT_EQ(log_->documents.size(), 2u);
    EXPECT_EQ(log_->documents[0].id, "142");
    EXPECT_EQ(log_->documents[1].id, "235");
    EXPECT_EQ(log_->finishes, 1);
    EXPECT_EQ(Get("type=sale&mode=import&filename=orders.xml", Cookie()).body,
              "success\norders.xml: already processed in this session");
    EXPECT_EQ(log_->documents.size(), 2u);
}

TEST_F(ExchangeSaleTest, OldOneCTruncatedUploadWaitsAndItsImportNamesTheCut) {
    StartServer();
    CheckAuth();
    EXPECT_EQ(Get("type=sale&mode=init", Cookie()).body, "zip=no\nfile_limit=1048576");
    std::string const document = DocumentsFixture();
    auto const cut = document.substr(0, document.size() / 2);
    EXPECT_EQ(Post("type=sale&mode=file&filename=orders.xml", cut, Cookie()).body, "success");
    EXPECT_TRUE(log_->documents.empty());
    auto const answer = Get("type=sale&mode=import&filename=orders.xml", Cookie()).body;
    EXPECT_THAT(answer, StartsWith("failure\n" + Cp1251("orders.xml:")));
    EXPECT_THAT(answer, HasSubstr(Cp1251("КоммерческаяИнформация")));
}

TEST_F(ExchangeSaleTest, InfoListsStatusesAndPaymentSystemsAsBitrixDoes) {
    options_.sale_info.statuses = {{"N", "Принят"}, {"F", "Выполнен & закрыт"}};
    options_.sale_info.payment_systems = {{"1", "Наличные"}};
    StartServer();
    NewOneC();
    auto const r = Get("type=sale&mode=info&sessid=" + sessid_, Cookie());
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.Header("Content-Type"), "application/xml; charset=windows-1251");
    EXPECT_EQ(r.Header("Content-Length"), std::to_string(r.body.size()));
    // "Cтатусы" begins with a Latin C ("C" "татусы" below), as in Bitrix's sale.export.1c language file.
    EXPECT_EQ(r.body, Cp1251("<?xml version=\"1.0\" encoding=\"windows-1251\"?>\n<Справочник>\n"
                             "\t<C" "татусы>\n"
                             "\t\t<Элемент>\n\t\t\t<Ид>N</Ид>\n\t\t\t<Название>Принят</Название>\n\t\t</Элемент>\n"
                             "\t\t<Элемент>\n\t\t\t<Ид>F</Ид>\n\t\t\t<Название>Выполнен &amp; закрыт</Название>\n"
                             "\t\t</Элемент>\n"
                             "\t</C" "татусы>\n"
                             "\t<ПлатежныеСистемы>\n"
                             "\t\t<Элемент>\n\t\t\t<Ид>1</Ид>\n\t\t\t<Название>Наличные</Название>\n\t\t</Элемент>\n"
                             "\t</ПлатежныеСистемы>\n"
                             "</Справочник>\n"));
    EXPECT_THAT(r.body, HasSubstr("<C\xf2\xe0\xf2\xf3\xf1\xfb>")) << "Latin C, then cp1251 татусы";
    // Bitrix's catalog component has no info mode: 1C gets the unknown-command failure there.
    EXPECT_EQ(Get("type=catalog&mode=info", {{"Authorization", kBasic}}).body, "failure\nunknown mode info");

    options_.sale_encoding = CmlOutputEncoding::kUtf8Bom;
    StopServer();
    StartServer();
    NewOneC();
    auto const utf8 = Get("type=sale&mode=info&sessid=" + sessid_, Cookie());
    EXPECT_EQ(utf8.Header("Content-Type"), "application/xml; charset=utf-8");
    EXPECT_THAT(utf8.body, StartsWith("\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Справочник>"));
    EXPECT_THAT(utf8.body, HasSubstr("<Название>Выполнен &amp; закрыт</Название>"));
}

TEST_F(ExchangeSaleTest, OldOneCEmptyFileAnswersBitrixText) {
    StartServer();
    CheckAuth();
    EXPECT_EQ(Get("type=sale&mode=init", Cookie()).body, "zip=no\nfile_limit=1048576");
    auto const r = Post("type=sale&mode=file&filename=orders.xml", "", Cookie());
    EXPECT_EQ(r.Header("Content-Type"), "text/plain; charset=windows-1251");
    EXPECT_EQ(r.body, "failure\n" + Cp1251("Файл для импорта пуст."));
}

TEST_F(ExchangeSaleTest, OrderChangedAfterQueryIsOfferedAgainAfterSuccess) {
    StartServer();
    NewOneC();
    Queue({Order("1", "10"), Order("2", "20")});
    EXPECT_EQ(Query().body, Expected({Order("1", "10"), Order("2", "20")}));
    clock_.Set(kStart + 1000);  // queued later than order 2
    Queue({Order("1", "11")});
    clock_.Set(kStart);
    EXPECT_EQ(Success(), "success");
    EXPECT_EQ(Query().body, Expected({Order("1", "11")}));
    EXPECT_EQ(Success(), "success");
    EXPECT_EQ(Query().body, Expected({}));
    // Re-queueing an unchanged order does not send it again.
    Queue({Order("1", "11")});
    EXPECT_EQ(Query().body, Expected({}));
}

TEST_F(ExchangeSaleTest, SuccessWithAWrongCookieAnswersErrorAndConfirmsNothing) {
    StartServer();
    NewOneC();
    Queue({Order("1", "10")});
    EXPECT_EQ(Query().body, Expected({Order("1", "10")}));
    auto const wrong = Get("type=sale&mode=success", {{"Cookie", "PHPSESSID=0123456789abcdef0123456789abcdef"},
                                                      {"Authorization", kBasic}});
    EXPECT_EQ(wrong.status, 200);
    EXPECT_EQ(wrong.body, "error");
    EXPECT_EQ(Get("type=sale&mode=success", {{"Authorization", kBasic}}).body, "error");
    EXPECT_EQ(Get("type=sale&mode=success").status, 401);
    EXPECT_EQ(Query().body, Expected({Order("1", "10")}));
    EXPECT_EQ(Success(), "success");
    EXPECT_EQ(Query().body, Expected({}));
}

TEST_F(ExchangeSaleTest, Schema31WrapsDocumentsInContainer) {
    options_.sale_schema_version = CmlSchemaVersion::k31;
    StartServer();
    CheckAuth();
    EXPECT_EQ(Get("type=sale&mode=init&sessid=" + sessid_ + "&version=3.1", Cookie()).body,
              "zip=no\nfile_limit=1048576\nsessid=" + sessid_ + "\nversion=3.1");
    Queue({Order("1", "10")});
    auto const body = Query().body;
    EXPECT_EQ(body, Expected({Order("1", "10")}));
    EXPECT_THAT(body, HasSubstr(Cp1251("<Контейнер>")));
    EXPECT_THAT(body, HasSubstr(Cp1251("ВерсияСхемы=\"3.1\"")));
}

TEST_F(ExchangeSaleTest, Utf8WithBomOption) {
    options_.sale_encoding = CmlOutputEncoding::kUtf8Bom;
    StartServer();
    NewOneC();
    Queue({Order("1", "10")});
    auto const r = Query();
    EXPECT_EQ(r.Header("Content-Type"), "application/xml; charset=utf-8");
    EXPECT_THAT(r.body, StartsWith("\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"UTF-8\"?>"));
    EXPECT_THAT(r.body, HasSubstr("<Наименование>Чайник</Наименование>"));
    EXPECT_EQ(r.body, Expected({Order("1", "10")}));
}

TEST_F(ExchangeSaleTest, UnwritableOrderStaysQueuedWithoutBlockingOthers) {
    StartServer();
    NewOneC();
    auto bad = Order("bad", "1");
    bad.comment = "\xFF\xFE";  // invalid UTF-8 cannot be written in any encoding
    Queue({bad, Order("good", "2")});
    EXPECT_EQ(Query().body, Expected({Order("good", "2")}));
    EXPECT_EQ(Success(), "success");
    EXPECT_EQ(Query().body, Expected({}));
    EXPECT_THAT(registry_.Render(), HasSubstr("b2b_onec_sale_unwritable_orders_total 2"));
}

TEST_F(ExchangeSaleTest, SaleDisabledAnswersFailure) {
    options_.sale_enabled = false;
    StartServer();
    EXPECT_EQ(Get("type=sale&mode=checkauth", {{"Authorization", kBasic}}).body,
              "failure\nsale exchange is disabled in b2bsync");
}

// ---- the feed itself

TEST_F(ExchangeSaleTest, ConfirmCoversOnlyWhatThatSessionWasOffered) {
    StartServer();
    ExchangeStore sessions(*db_, clock_);
    ASSERT_TRUE(sessions.CreateSession({"x", "sale", "cx", "sx", kStart, kStart, "open"}));
    ASSERT_TRUE(sessions.CreateSession({"y", "sale", "cy", "sy", kStart, kStart, "open"}));
    store::OrderFeedRepository repo(*db_, clock_);
    OrderFeed feed(*db_, clock_);
    Queue({Order("a", "1")});
    std::vector<store::OfferedOrder> const v1{{"a", 1}};
    ASSERT_TRUE(repo.MarkOffered("x", v1));
    Queue({Order("a", "2")});
    std::vector<store::OfferedOrder> const v2{{"a", 2}};
    ASSERT_TRUE(repo.MarkOffered("y", v2));
    EXPECT_EQ(repo.OfferedTo("x").value(), v1);
    EXPECT_EQ(repo.ConfirmOffered("y").value(), 1u);
    EXPECT_TRUE(feed.PendingForQuery().value().empty());
    // The older session confirms late: version 2 stays confirmed.
    EXPECT_EQ(repo.ConfirmOffered("x").value(), 0u);
    EXPECT_TRUE(feed.PendingForQuery().value().empty());
    EXPECT_TRUE(repo.OfferedTo("x").value().empty());
    Queue({Order("a", "3")});
    auto const pending = feed.PendingForQuery().value();
    ASSERT_EQ(pending.size(), 1u);
    EXPECT_EQ(pending[0].version, 3);
    EXPECT_EQ(pending[0].document.sum, D("3"));
    EXPECT_EQ(pending[0].queued_at, kStart);
}

TEST(OrderDocumentJson, RoundTripsEveryField) {
    CmlDocument d = Order("132", "231.74");
    d.date = ParseIso8601("2024-12-02T11:45:21.120+03:00", std::chrono::minutes(0)).value();
    d.operation = "Заказ товара";
    d.role = "Продавец";
    d.comment = "позвонить \"до\" 18:00";
    auto& c = d.counterparties[0];
    c.full_name = "Иванов Иван";
    c.official_name = "ИП Иванов";
    c.first_name = "Иван";
    c.last_name = "Иванов";
    c.inn = "7707083893";
    c.kpp = "773601001";
    c.okpo = "12345678";
    c.legal_address = {"Москва", {{"Город", "Москва"}}};
    c.registration_address = {"Тверь", {}};
    c.address = {"", {{"Улица", "Ленина"}, {"Дом", "1"}}};
    c.contacts = {{"Почта", "a@b.ru"}};
    c.bank_accounts = {{"40702810900000000001", "Сбербанк", "044525225", "30101810400000000225", "Москва"}};
    c.representatives = {{"Контактное лицо", "r1", "Пётр"}};
    c.deleted = true;
    d.lines[0].coefficient = D("-0.0001");
    d.lines.push_back(d.lines[0]);
    d.lines[1].id = "ORDER_DELIVERY";
    d.lines[1].ref = OneCVariantRef{OneCId("ORDER_DELIVERY"), std::nullopt};
    d.lines[1].price.reset();
    d.number_1c = "ТДЦУ-000001";
    d.date_1c = T("2015-06-29T00:00:00Z");
    d.posted = true;
    d.cancelled = false;
    d.deletion_mark = false;
    d.paid = true;
    d.payment_number_1c = "П-1";
    d.payment_date_1c = T("2015-06-30T10:00:00+05:00");
    d.shipment_number_1c = "О-1";
    d.shipment_date_1c = T("2015-07-01T10:00:00");
    d.order_status = "Принят";
    d.order_status_id = "N";
    d.final_status = false;
    d.delivery_allowed = true;

    std::string const json = EncodeOrderDocument(d);
    EXPECT_THAT(json, HasSubstr("\"sum\":\"231.74\""));
    auto const back = DecodeOrderDocument(json);
    ASSERT_TRUE(back) << back.error().message;
    EXPECT_EQ(EncodeOrderDocument(*back), json);
    EXPECT_EQ(back->id, d.id);
    EXPECT_EQ(back->date, d.date);
    EXPECT_EQ(back->rate, d.rate);
    EXPECT_EQ(back->sum, d.sum);
    EXPECT_EQ(back->comment, d.comment);
    EXPECT_EQ(back->operation, d.operation);
    EXPECT_EQ(back->requisites, d.requisites);
    auto const& bc = back->counterparties.at(0);
    EXPECT_EQ(bc.id, c.id);
    EXPECT_EQ(bc.okpo, c.okpo);
    EXPECT_EQ(bc.address.fields.at(1).value, "1");
    EXPECT_EQ(bc.registration_address.presentation, "Тверь");
    EXPECT_EQ(bc.bank_accounts.at(0).bank_address, "Москва");
    EXPECT_EQ(bc.representatives.at(0).name, "Пётр");
    EXPECT_TRUE(bc.deleted);
    ASSERT_EQ(back->lines.size(), 2u);
    EXPECT_EQ(back->lines[0].ref, d.lines[0].ref);
    EXPECT_EQ(back->lines[0].coefficient, D("-0.0001"));
    EXPECT_EQ(back->lines[0].requisites, d.lines[0].requisites);
    EXPECT_EQ(back->lines[1].ref, d.lines[1].ref);
    EXPECT_FALSE(back->lines[1].price);
    EXPECT_EQ(back->number_1c, d.number_1c);
    EXPECT_EQ(back->date_1c, d.date_1c);
    EXPECT_EQ(back->posted, true);
    EXPECT_EQ(back->cancelled, false);
    EXPECT_EQ(back->deletion_mark, false);
    EXPECT_EQ(back->paid, true);
    EXPECT_EQ(back->payment_date_1c, d.payment_date_1c);
    EXPECT_EQ(back->shipment_number_1c, d.shipment_number_1c);
    EXPECT_EQ(back->shipment_date_1c, d.shipment_date_1c);
    EXPECT_EQ(back->order_status_id, "N");
    EXPECT_EQ(back->final_status, false);
    EXPECT_EQ(back->delivery_allowed, true);
    // And it is written to the same bytes.
    WriterOptions writer;
    std::vector<CmlDocument> const a{d};
    std::vector<CmlDocument> const b{*back};
    EXPECT_EQ(WriteOrders(a, writer).value(), WriteOrders(b, writer).value());
}

TEST(OrderDocumentJson, CorruptRowsAreErrors) {
    EXPECT_EQ(DecodeOrderDocument("[1]").error().message, "corrupt order document in the store: not a JSON object");
    EXPECT_EQ(DecodeOrderDocument(R"({"format":2})").error().message,
              "corrupt order document in the store: unknown format 2");
    EXPECT_THAT(DecodeOrderDocument(R"({"format":1,"sum":"12abc","counterparties":[],"lines":[],"requisites":[]})")
                    .error()
                    .message,
                StartsWith("corrupt order document in the store: sum: "));
}

}  // namespace
}  // namespace b2b::onec::test
