#include "connectors/onec/cml_writer.hpp"

#include <array>
#include <chrono>

#include <fmt/format.h>

#include "connectors/onec/okei_units.hpp"
#include "connectors/onec/xml_out.hpp"

namespace b2b::onec {
namespace {

constexpr std::string_view kRoot = "КоммерческаяИнформация";
constexpr std::string_view kNamespace31 = "urn:1C.ru:commerceml_3";
constexpr std::string_view kDefaultOperation = "Заказ товара";
constexpr std::string_view kDefaultDocumentRole = "Продавец";
constexpr std::string_view kDefaultBuyerRole = "Покупатель";

// Representative fields: Bitrix nests them in Контрагент, 1C УТ writes them directly.
enum class CounterpartyShape { kInOrder, kRootLevel };

struct LocalParts {
    std::string date;  // yyyy-mm-dd
    std::string time;  // hh:mm:ss
};

LocalParts SplitLocal(ZonedTime const& t) {
    auto const local = std::chrono::floor<std::chrono::seconds>(t.Local());
    auto const day = std::chrono::floor<std::chrono::days>(local);
    std::chrono::year_month_day const ymd{day};
    std::chrono::hh_mm_ss const hms{local - day};
    return LocalParts{fmt::format("{:04}-{:02}-{:02}", static_cast<int>(ymd.year()),
                                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day())),
                      fmt::format("{:02}:{:02}:{:02}", hms.hours().count(), hms.minutes().count(),
                                  hms.seconds().count())};
}

std::string FormatDateTime(ZonedTime const& t) {
    auto parts = SplitLocal(t);
    return parts.date + "T" + parts.time;
}

XmlOut MakeOut(WriterOptions const& options) {
    bool const cp1251 = options.encoding == CmlOutputEncoding::kWindows1251;
    return XmlOut(cp1251 ? XmlCharset::kWindows1251 : XmlCharset::kUtf8,
                  options.replace_unmappable ? UnmappablePolicy::kQuestionMark : UnmappablePolicy::kFail);
}

void LeafIfSet(XmlOut& out, std::string_view name, std::string_view value) {
    if (!value.empty()) {
        out.Leaf(name, value);
    }
}

void LeafIfSet(XmlOut& out, std::string_view name, std::optional<Decimal> const& value, bool money) {
    if (value) {
        out.Leaf(name, money ? value->ToString(2) : value->ToString());
    }
}

void WriteRequisites(XmlOut& out, std::vector<CmlRequisite> const& requisites) {
    if (requisites.empty()) {
        return;
    }
    out.Open("ЗначенияРеквизитов");
    for (auto const& r : requisites) {
        out.Open("ЗначениеРеквизита");
        out.Leaf("Наименование", r.name);
        out.Leaf("Значение", r.value);
        out.Close();
    }
    out.Close();
}

void WriteAddress(XmlOut& out, std::string_view name, CmlAddress const& address) {
    if (address.empty()) {
        return;
    }
    out.Open(name);
    out.Leaf("Представление", address.presentation);
    for (auto const& f : address.fields) {
        out.Open("АдресноеПоле");
        out.Leaf("Тип", f.type);
        out.Leaf("Значение", f.value);
        out.Close();
    }
    out.Close();
}

void WriteBankAccounts(XmlOut& out, std::vector<CmlBankAccount> const& accounts) {
    if (accounts.empty()) {
        return;
    }
    out.Open("РасчетныеСчета");
    for (auto const& a : accounts) {
        out.Open("РасчетныйСчет");
        out.Leaf("НомерСчета", a.account_number);
        out.Open("Банк");
        LeafIfSet(out, "СчетКорреспондентский", a.correspondent_account);
        out.Leaf("Наименование", a.bank_name);
        if (!a.bank_address.empty()) {
            out.Open("Адрес");
            out.Leaf("Представление", a.bank_address);
            out.Close();
        }
        LeafIfSet(out, "БИК", a.bik);
        out.Close();
        out.Close();
    }
    out.Close();
}

void WriteRepresentatives(XmlOut& out, std::vector<CmlRepresentative> const& representatives,
                          CounterpartyShape shape) {
    if (representatives.empty()) {
        return;
    }
    out.Open("Представители");
    for (auto const& r : representatives) {
        out.Open("Представитель");
        if (shape == CounterpartyShape::kInOrder) {
            out.Open("Контрагент");
        }
        out.Leaf("Отношение", r.relation);
        out.Leaf("Ид", r.id);
        out.Leaf("Наименование", r.name);
        if (shape == CounterpartyShape::kInOrder) {
            out.Close();
        }
        out.Close();
    }
    out.Close();
}

void WriteCounterparty(XmlOut& out, CmlCounterparty const& c, CounterpartyShape shape) {
    out.Open("Контрагент");
    out.Leaf("Ид", c.id);
    if (shape == CounterpartyShape::kRootLevel || c.deleted) {
        out.Leaf("ПометкаУдаления", c.deleted ? "true" : "false");
    }
    out.Leaf("Наименование", c.name);
    LeafIfSet(out, "ПолноеНаименование", c.full_name);
    LeafIfSet(out, "ОфициальноеНаименование", c.official_name);
    LeafIfSet(out, "Фамилия", c.last_name);
    LeafIfSet(out, "Имя", c.first_name);
    bool const root_level = shape == CounterpartyShape::kRootLevel;
    // 1C УТ's own order (argentcrusade/contractors-example.xml): Роль after the names and the bank
    // accounts before the addresses; Bitrix puts Роль last.
    if (root_level) {
        LeafIfSet(out, "Роль", c.role);
    }
    LeafIfSet(out, "ИНН", c.inn);
    LeafIfSet(out, "КПП", c.kpp);
    LeafIfSet(out, "КодПоОКПО", c.okpo);
    if (root_level) {
        WriteBankAccounts(out, c.bank_accounts);
    }
    WriteAddress(out, "ЮридическийАдрес", c.legal_address);
    WriteAddress(out, "АдресРегистрации", c.registration_address);
    WriteAddress(out, "Адрес", c.address);
    if (!c.contacts.empty()) {
        out.Open("Контакты");
        for (auto const& contact : c.contacts) {
            out.Open("Контакт");
            out.Leaf("Тип", contact.type);
            out.Leaf("Значение", contact.value);
            out.Close();
        }
        out.Close();
    }
    if (!root_level) {
        WriteBankAccounts(out, c.bank_accounts);
    }
    WriteRepresentatives(out, c.representatives, shape);
    if (!root_level) {
        out.Leaf("Роль", c.role.empty() ? kDefaultBuyerRole : std::string_view(c.role));
    }
    out.Close();
}

void WriteBaseUnit(XmlOut& out, CmlDocumentLine const& line) {
    if (line.unit_code.empty() && line.unit_name.empty()) {
        return;
    }
    auto const okei = line.unit_code.empty() ? std::nullopt : FindOkeiUnit(line.unit_code);
    // The short name goes into the text only next to a full name: alone, a reader would take the
    // text for the unit's name (commerceml.md §6 quirk 24).
    std::string_view const text = okei && !line.unit_name.empty() ? okei->short_name : std::string_view{};
    std::array<XmlAttribute, 3> attributes;
    std::size_t count = 0;
    if (!line.unit_code.empty()) {
        attributes[count++] = {"Код", line.unit_code};
    }
    if (!line.unit_name.empty()) {
        attributes[count++] = {"НаименованиеПолное", line.unit_name};
    }
    if (okei) {
        attributes[count++] = {"МеждународноеСокращение", okei->international};
    }
    out.Leaf("БазоваяЕдиница", text, std::span<XmlAttribute const>(attributes.data(), count));
}

void WriteLine(XmlOut& out, CmlDocumentLine const& line) {
    out.Open("Товар");
    out.Leaf("Ид", line.id);
    out.Leaf("Наименование", line.name);
    WriteBaseUnit(out, line);
    LeafIfSet(out, "ЦенаЗаЕдиницу", line.price, true);
    LeafIfSet(out, "Количество", line.quantity, false);
    LeafIfSet(out, "Сумма", line.sum, true);
    LeafIfSet(out, "Коэффициент", line.coefficient, false);
    WriteRequisites(out, line.requisites);
    out.Close();
}

void WriteDocument(XmlOut& out, CmlDocument const& doc) {
    out.Open("Документ");
    out.Leaf("Ид", doc.id);
    out.Leaf("Номер", doc.number);
    std::optional<LocalParts> const when = doc.date ? std::optional(SplitLocal(*doc.date)) : std::nullopt;
    if (when) {
        out.Leaf("Дата", when->date);
    }
    out.Leaf("ХозОперация", doc.operation.empty() ? kDefaultOperation : std::string_view(doc.operation));
    out.Leaf("Роль", doc.role.empty() ? kDefaultDocumentRole : std::string_view(doc.role));
    LeafIfSet(out, "Валюта", doc.currency);
    LeafIfSet(out, "Курс", doc.rate, false);
    LeafIfSet(out, "Сумма", doc.sum, true);
    if (!doc.counterparties.empty()) {
        out.Open("Контрагенты");
        for (auto const& c : doc.counterparties) {
            WriteCounterparty(out, c, CounterpartyShape::kInOrder);
        }
        out.Close();
    }
    // Время follows Контрагенты in the XSD sequence and in Bitrix's output.
    if (when) {
        out.Leaf("Время", when->time);
    }
    out.Leaf("Комментарий", doc.comment);
    if (!doc.lines.empty()) {
        out.Open("Товары");
        for (auto const& line : doc.lines) {
            WriteLine(out, line);
        }
        out.Close();
    }
    WriteRequisites(out, doc.requisites);
    out.Close();
}

void OpenRoot(XmlOut& out, WriterOptions const& options, bool format_attributes) {
    out.Declaration(options.encoding == CmlOutputEncoding::kUtf8Bom);
    std::string const version = ToString(options.schema_version);
    std::string const generated = FormatDateTime(options.generated_at);
    std::vector<XmlAttribute> attributes;
    if (options.schema_version == CmlSchemaVersion::k31) {
        attributes.push_back({"xmlns", kNamespace31});
    }
    attributes.push_back({"ВерсияСхемы", version});
    attributes.push_back({"ДатаФормирования", generated});
    if (format_attributes) {
        // Bitrix's format attributes, verbatim: they describe exactly the formats written below.
        attributes.insert(attributes.end(), {{"ФорматДаты", "ДФ=yyyy-MM-dd; ДЛФ=DT"},
                                             {"ФорматВремени", "ДФ=ЧЧ:мм:сс; ДЛФ=T"},
                                             {"РазделительДатаВремя", "T"},
                                             {"ФорматСуммы", "ЧЦ=18; ЧДЦ=2; ЧРД=."},
                                             {"ФорматКоличества", "ЧЦ=18; ЧДЦ=2; ЧРД=."}});
    }
    out.Open(kRoot, attributes);
}

}  // namespace

char const* ToString(CmlSchemaVersion version) noexcept {
    switch (version) {
        case CmlSchemaVersion::k205:
            return "2.05";
        case CmlSchemaVersion::k208:
            return "2.08";
        case CmlSchemaVersion::k209:
            return "2.09";
        case CmlSchemaVersion::k210:
            return "2.10";
        case CmlSchemaVersion::k31:
            return "3.1";
    }
    return "?";
}

Result<std::string> WriteOrders(std::span<CmlDocument const> orders, WriterOptions const& options) {
    XmlOut out = MakeOut(options);
    OpenRoot(out, options, true);
    bool const container = options.schema_version == CmlSchemaVersion::k31;
    for (auto const& doc : orders) {
        if (container) {
            out.Open("Контейнер");
        }
        WriteDocument(out, doc);
        if (container) {
            out.Close();
        }
        if (out.Failure()) {
            return out.Failure()->WithContext("order " + doc.id);
        }
    }
    out.Close();
    if (out.Failure()) {
        return *out.Failure();
    }
    return out.Take();
}

Result<std::string> WriteCounterparties(std::span<CmlCounterparty const> counterparties,
                                        WriterOptions const& options) {
    XmlOut out = MakeOut(options);
    OpenRoot(out, options, false);
    if (!counterparties.empty()) {
        out.Open("Контрагенты", {{"СодержитТолькоИзменения", "true"}});
        for (auto const& c : counterparties) {
            WriteCounterparty(out, c, CounterpartyShape::kRootLevel);
            if (out.Failure()) {
                return out.Failure()->WithContext("counterparty " + c.id);
            }
        }
        out.Close();
    }
    out.Close();
    if (out.Failure()) {
        return *out.Failure();
    }
    return out.Take();
}

}  // namespace b2b::onec
