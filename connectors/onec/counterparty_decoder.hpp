#pragma once

#include "connectors/onec/cml_model.hpp"
#include "connectors/onec/decode_support.hpp"
#include "connectors/onec/record_splitter.hpp"

namespace b2b::onec {

/// Root-level Контрагенты/Контрагент (commerceml.md §3.7): legal entities from 1C (ИНН, КПП,
/// КодПоОКПО, РасчетныеСчета, АдресРегистрации/ЮридическийАдрес, Контакты, Представители) and
/// individuals from Bitrix (Фамилия, Имя, ПолноеНаименование, `userId#login#name` ids kept verbatim).
/// Errors (Permanent, file:line:col + element path): malformed XML, missing Ид.
Result<CmlCounterparty> DecodeCounterparty(RawRecord const& record, DecodeContext const& ctx, RecordParser& parser);

/// The same mapping for a Контрагент element inside a Документ. Never fails: fields are optional.
CmlCounterparty ReadCounterparty(pugi::xml_node node);

}  // namespace b2b::onec
