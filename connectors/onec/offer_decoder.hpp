#pragma once

#include "connectors/onec/cml_model.hpp"
#include "connectors/onec/decode_support.hpp"
#include "connectors/onec/record_splitter.hpp"

namespace b2b::onec {

/// ПакетПредложений/Предложения/Предложение (commerceml.md §3.4). Prices come from Цены/Цена;
/// stock from all three shapes — <Количество> (total), <Склад ИдСклада КоличествоНаСкладе/>, and
/// <Остатки><Остаток><Склад><Ид/><Количество/></Склад></Остаток></Остатки> — summed per warehouse
/// (a warehouse listed twice adds up; §6 quirk 21). An Остаток without Склад gives the total when
/// <Количество> is absent. Errors (Permanent, with file:line:col and element path): malformed XML,
/// missing Ид, a Цена without ИдТипаЦены or ЦенаЗаЕдиницу, any number ParseDecimal rejects, a stock
/// sum overflowing Decimal.
Result<CmlOffer> DecodeOffer(RawRecord const& record, DecodeContext const& ctx, RecordParser& parser);

}  // namespace b2b::onec
