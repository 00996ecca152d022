#pragma once

#include <span>
#include <string>

#include "connectors/onec/cml_model.hpp"
#include "core/domain/zoned_time.hpp"
#include "core/util/error.hpp"

namespace b2b::onec {

/// The ВерсияСхемы values we emit. 2.x documents go directly under the root without a namespace
/// (as Bitrix's `mode=query` answer); 3.1 wraps each Документ in a Контейнер and declares
/// `xmlns="urn:1C.ru:commerceml_3"` — the 1C-Bitrix module for CML 3.x sees nothing otherwise
/// (commerceml.md §1.7, §6 quirk 12).
enum class CmlSchemaVersion { k205, k208, k209, k210, k31 };

/// "2.05", "2.08", "2.09", "2.10", "3.1".
char const* ToString(CmlSchemaVersion version) noexcept;

/// Bytes on the wire (commerceml.md §1.10, §6 quirk 12).
enum class CmlOutputEncoding {
    kWindows1251,  ///< `encoding="windows-1251"` and cp1251 bytes: what Bitrix sends, the safest choice
    kUtf8Bom,      ///< `encoding="UTF-8"` preceded by the EF BB BF BOM (1C УТ rejects UTF-8 without it)
};

struct WriterOptions {
    CmlSchemaVersion schema_version = CmlSchemaVersion::k205;
    /// ДатаФормирования, written as wall-clock time at its own offset without the offset
    /// ("2024-12-02T12:00:00", as Bitrix). A parameter, not the clock, so output is reproducible.
    ZonedTime generated_at;
    CmlOutputEncoding encoding = CmlOutputEncoding::kWindows1251;
    /// windows-1251 only: write a character cp1251 lacks as '?' instead of failing.
    bool replace_unmappable = false;
};

/// The body of the answer to `type=sale&mode=query` (commerceml.md §1.7, §3.8): root
/// КоммерческаяИнформация (ВерсияСхемы, ДатаФормирования and Bitrix's format attributes) with one
/// Документ per order, in the given order. No orders → the root element without children.
///
/// Per Документ, in Bitrix's element order: Ид, Номер, Дата + Время (wall-clock at the date's own
/// offset, no offset written; milliseconds dropped), ХозОперация ("Заказ товара" when empty),
/// Роль ("Продавец" when empty), Валюта, Курс, Сумма, Контрагенты, Комментарий (always, possibly
/// empty), Товары, ЗначенияРеквизитов. Optional values that are absent/empty are left out, except
/// Комментарий and Контрагент/Наименование, which Bitrix always writes.
/// - Контрагент: Ид, Наименование, ПолноеНаименование, ОфициальноеНаименование, Фамилия, Имя, ИНН,
///   КПП, КодПоОКПО, ЮридическийАдрес, АдресРегистрации, Адрес, Контакты, РасчетныеСчета,
///   Представители (Bitrix's nested Представитель/Контрагент form), Роль ("Покупатель" when
///   empty); ПометкаУдаления only when `deleted`.
/// - Товар: Ид, Наименование, БазоваяЕдиница (attributes Код, НаименованиеПолное and, for common
///   ОКЕИ codes, МеждународноеСокращение with the short name as text), ЦенаЗаЕдиницу, Количество,
///   Сумма, Коэффициент, ЗначенияРеквизитов verbatim — the caller supplies ВидНоменклатуры /
///   ТипНоменклатуры ("Услуга" for ORDER_DELIVERY). `ref` is not written (it is derived from `id`).
/// - ЗначенияРеквизитов of the order: `requisites` in the given order, names verbatim (§6 quirk
///   23). The lifted fields (number_1c … delivery_allowed) are NOT written: they are what the
///   reader derives from the requisites, so put them into `requisites` to send them.
/// Numbers use '.' and no grouping: money (Сумма, ЦенаЗаЕдиницу) with at least 2 decimals,
/// Курс, Количество and Коэффициент as given.
/// Text: see XmlOut — forbidden control characters are dropped, markup characters escaped.
///
/// Errors (Permanent), prefixed with the order: `order <Ид>: <Документ/Товары/Товар/Наименование>:
/// character U+00A5 ("¥") at byte offset 3 (character 4) cannot be written in windows-1251`
/// (kWindows1251 without replace_unmappable; offsets within that value), and
/// `order <Ид>: <path>: invalid UTF-8 at byte offset N`.
Result<std::string> WriteOrders(std::span<CmlDocument const> orders, WriterOptions const& options);

/// Root-level `Контрагенты` (the form 1C УТ exchanges, commerceml.md §3.7,
/// argentcrusade/contractors-example.xml) with СодержитТолькоИзменения="true" — the set is a
/// delta, not the full list. Each Контрагент as in WriteOrders but in 1C's own shape:
/// ПометкаУдаления always, Роль (only when set) after the names, РасчетныеСчета before the
/// addresses, Представитель fields directly inside.
/// No counterparties → the root element without children.
/// Errors as WriteOrders, prefixed `counterparty <Ид>: `.
Result<std::string> WriteCounterparties(std::span<CmlCounterparty const> counterparties,
                                        WriterOptions const& options);

}  // namespace b2b::onec
