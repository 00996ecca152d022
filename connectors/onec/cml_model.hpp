#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/domain/decimal.hpp"
#include "core/domain/ids.hpp"
#include "core/domain/zoned_time.hpp"

namespace b2b::onec {

/// The record elements the splitter hands out one at a time (commerceml.md §3).
enum class CmlRecordKind {
    kGroup,         ///< Классификатор/Группы/Группа (top level; nested groups travel inside)
    kProperty,      ///< Классификатор/Свойства/Свойство
    kPriceType,     ///< Классификатор|ПакетПредложений/ТипыЦен/ТипЦены
    kWarehouse,     ///< Классификатор|ПакетПредложений/Склады/Склад
    kUnit,          ///< Классификатор/ЕдиницыИзмерения/ЕдиницаИзмерения
    kProduct,       ///< Каталог/Товары/Товар
    kOffer,         ///< ПакетПредложений|ИзмененияПакетаПредложений/Предложения/Предложение
    kCounterparty,  ///< Контрагенты/Контрагент (root level)
    kDocument,      ///< Документ, Контейнер/Документ
};
inline constexpr int kCmlRecordKindCount = 9;

/// "group", "property", ... for logs and summaries.
char const* ToString(CmlRecordKind kind) noexcept;

/// The containers whose header facts are surfaced (commerceml.md §3.1–3.4, §3.7).
/// kOfferPackage covers ПакетПредложений and ИзмененияПакетаПредложений (see element_path).
enum class CmlSectionKind { kRoot, kClassifier, kCatalog, kOfferPackage, kCounterparties };

/// Header facts of the root or of one root-level section. Values are verbatim text (trimmed);
/// `only_changes` reads СодержитТолькоИзменения from the attribute or a child element.
struct CmlHeader {
    CmlSectionKind section = CmlSectionKind::kRoot;
    std::string element_path;    ///< e.g. "КоммерческаяИнформация/ПакетПредложений"
    std::uint64_t line = 0;      ///< start tag position, 1-based
    std::uint64_t column = 0;
    std::string schema_version;  ///< root ВерсияСхемы (repeated in every section header)
    std::string generated_at;    ///< root ДатаФормирования, raw (may be date only or single-digit hour)
    std::string id;              ///< Ид (sections)
    std::string catalog_id;      ///< ИдКаталога
    std::string classifier_id;   ///< ИдКлассификатора
    std::string name;            ///< Наименование
    std::optional<bool> only_changes;  ///< СодержитТолькоИзменения; nullopt = absent
};

struct CmlRequisite {
    std::string name;   ///< verbatim: requisite names are free text (commerceml.md §6 quirk 23)
    std::string value;
    friend bool operator==(CmlRequisite const&, CmlRequisite const&) = default;
};

struct CmlGroup {
    OneCId id;
    std::string name;
    std::optional<OneCId> parent;  ///< nullopt for a top-level group
    bool deleted = false;
};

struct CmlPropertyOption {
    std::string value_id;  ///< ИдЗначения
    std::string value;
};

struct CmlProperty {
    OneCId id;
    std::string name;
    std::string value_type;  ///< ТипЗначений: Строка | Число | Время | Справочник (verbatim)
    std::vector<CmlPropertyOption> options;  ///< ВариантыЗначений/Справочник
    bool deleted = false;
};

struct CmlPriceType {
    OneCId id;
    std::string name;
    std::string currency;
    std::string tax_name;                ///< Налог/Наименование, empty if absent
    std::optional<bool> tax_included;    ///< Налог/УчтеноВСумме
    bool deleted = false;
};

struct CmlWarehouse {
    OneCId id;
    std::string name;
    bool deleted = false;
};

struct CmlUnit {
    std::string id;          ///< Ид (may be empty in older files)
    std::string code;        ///< Код, trimmed ("796 " -> "796")
    std::string short_name;  ///< НаименованиеКраткое
    std::string full_name;   ///< НаименованиеПолное
    std::string international;  ///< МеждународноеСокращение
    bool deleted = false;
};

struct CmlPropertyValue {
    std::string property_id;
    std::string value;  ///< for Справочник properties the ИдЗначения
};

struct CmlTaxRate {
    std::string name;
    std::string rate;  ///< verbatim: "20", "Без налога"
};

struct CmlCharacteristic {
    std::string name;
    std::string value;
};

struct CmlProduct {
    OneCId id;               ///< the full Ид as written
    OneCVariantRef ref;      ///< Ид split on the first '#'
    std::string article;
    std::string barcode;
    std::string name;
    std::string description;
    std::string base_unit_code;  ///< БазоваяЕдиница@Код trimmed, else its text when numeric
    std::string base_unit_name;  ///< @НаименованиеПолное, else the element text
    std::vector<OneCId> group_ids;
    std::string manufacturer_id;
    std::string manufacturer_name;
    std::vector<CmlPropertyValue> property_values;
    std::vector<CmlTaxRate> tax_rates;
    std::vector<CmlRequisite> requisites;
    std::vector<CmlCharacteristic> characteristics;
    std::vector<std::string> pictures;
    bool deleted = false;  ///< Статус="Удален", <Статус>Удален</Статус> or <ПометкаУдаления>true
};

struct CmlPrice {
    std::string price_type_id;       ///< ИдТипаЦены
    Decimal per_unit;                ///< ЦенаЗаЕдиницу
    std::string currency;
    std::string unit;
    std::optional<Decimal> coefficient;
    std::string presentation;        ///< Представление, verbatim
};

struct CmlStock {
    std::string warehouse_id;
    Decimal quantity;
    friend bool operator==(CmlStock const&, CmlStock const&) = default;
};

struct CmlOffer {
    OneCId id;
    OneCVariantRef ref;
    std::string name;
    std::string article;
    std::string barcode;
    std::string base_unit_code;
    std::vector<CmlPrice> prices;
    std::optional<Decimal> quantity;   ///< Количество on the offer (total)
    /// Per warehouse, summed over all three shapes (commerceml.md §3.4), in first-seen order.
    std::vector<CmlStock> stock;
    std::vector<CmlCharacteristic> characteristics;
    std::vector<CmlPropertyValue> property_values;
    bool deleted = false;
};

struct CmlAddressField {
    std::string type;   ///< Почтовый индекс, Страна, Регион, Город, Улица, Дом...
    std::string value;
};

struct CmlAddress {
    std::string presentation;
    std::vector<CmlAddressField> fields;
    bool empty() const { return presentation.empty() && fields.empty(); }
};

struct CmlContact {
    std::string type;
    std::string value;
};

struct CmlBankAccount {
    std::string account_number;
    std::string bank_name;
    std::string bik;
    std::string correspondent_account;
    std::string bank_address;
};

struct CmlRepresentative {
    std::string relation;  ///< Отношение ("Контактное лицо")
    std::string id;
    std::string name;
};

struct CmlCounterparty {
    std::string id;  ///< 1C GUID or Bitrix "userId#login#name": kept verbatim
    std::string name;
    std::string full_name;      ///< ПолноеНаименование
    std::string official_name;  ///< ОфициальноеНаименование
    std::string first_name;     ///< Имя (individuals from Bitrix)
    std::string last_name;      ///< Фамилия
    std::string role;
    std::string inn;
    std::string kpp;
    std::string okpo;           ///< КодПоОКПО or ОКПО
    CmlAddress legal_address;         ///< ЮридическийАдрес
    CmlAddress registration_address;  ///< АдресРегистрации
    CmlAddress address;               ///< Адрес
    std::vector<CmlContact> contacts;
    std::vector<CmlBankAccount> bank_accounts;
    std::vector<CmlRepresentative> representatives;
    bool deleted = false;
};

struct CmlDocumentLine {
    std::string id;
    OneCVariantRef ref;  ///< Ид split on the first #; site ids such as ORDER_DELIVERY stay whole in `product`
    std::string name;
    std::string unit_code;  ///< БазоваяЕдиница@Код or Единица/Код, trimmed
    std::string unit_name;  ///< НаименованиеПолное / НаименованиеКраткое / element text
    std::optional<Decimal> price;        ///< ЦенаЗаЕдиницу or Цена
    std::optional<Decimal> quantity;
    std::optional<Decimal> sum;
    std::optional<Decimal> coefficient;
    std::vector<CmlRequisite> requisites;
};

struct CmlDocument {
    std::string id;
    std::string number;
    std::optional<ZonedTime> date;  ///< Дата + Время at the caller's default offset
    std::string operation;          ///< ХозОперация
    std::string role;
    std::string currency;
    std::optional<Decimal> rate;
    std::optional<Decimal> sum;
    std::string comment;
    std::vector<CmlCounterparty> counterparties;
    std::vector<CmlDocumentLine> lines;
    std::vector<CmlRequisite> requisites;  ///< in document order, names verbatim

    // Well-known requisites lifted into fields (commerceml.md §3.8); absent = nullopt / empty.
    std::string number_1c;                  ///< Номер1С element or "Номер по 1С"
    std::optional<ZonedTime> date_1c;       ///< Дата1С element or "Дата по 1С"
    std::optional<bool> posted;             ///< Проведен
    std::optional<bool> cancelled;          ///< Отменен
    std::optional<bool> deletion_mark;      ///< ПометкаУдаления (element or requisite)
    std::optional<bool> paid;               ///< Заказ оплачен
    std::string payment_number_1c;          ///< Номер оплаты по 1С
    std::optional<ZonedTime> payment_date_1c;   ///< Дата оплаты по 1С
    std::string shipment_number_1c;         ///< Номер отгрузки по 1С
    std::optional<ZonedTime> shipment_date_1c;  ///< Дата отгрузки по 1С
    std::string order_status;               ///< Статус заказа
    std::string order_status_id;            ///< Статуса заказа ИД (sic)
    std::optional<bool> final_status;       ///< Финальный статус
    std::optional<bool> delivery_allowed;   ///< Доставка разрешена
};

}  // namespace b2b::onec
