#pragma once

#include "connectors/onec/cml_model.hpp"
#include "connectors/onec/decode_support.hpp"
#include "connectors/onec/record_splitter.hpp"

namespace b2b::onec {

/// Документ, bare or inside Контейнер (commerceml.md §3.8). Дата+Время are combined at
/// ctx.default_utc_offset unless they carry an offset. Numbers go through ParseDecimal, dates
/// through ParseIso8601 / ParseDateAndTime. Line prices come from ЦенаЗаЕдиницу or Цена, units
/// from БазоваяЕдиница or Единица (§6 quirk 24). Requisites are kept verbatim and in order; the
/// well-known ones (Номер1С / "Номер по 1С", Дата1С / "Дата по 1С", Проведен, Отменен,
/// ПометкаУдаления, "Заказ оплачен", "Номер|Дата оплаты по 1С", "Номер|Дата отгрузки по 1С",
/// "Статус заказа", "Статуса заказа ИД", "Финальный статус", "Доставка разрешена") are also lifted
/// into fields; a boolean requisite that is not true/false stays nullopt.
/// Errors (Permanent, file:line:col + element path): malformed XML, missing Ид, a bad number or
/// date in a field read into a typed value, a line Ид with an empty product part.
Result<CmlDocument> DecodeDocument(RawRecord const& record, DecodeContext const& ctx, RecordParser& parser);

}  // namespace b2b::onec
