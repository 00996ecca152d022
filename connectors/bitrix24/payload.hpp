#pragma once

#include <string_view>

#include "connectors/bitrix24/entities.hpp"
#include "core/util/error.hpp"

namespace b2b::bitrix24 {

/// Job payloads of the Bitrix24 deliverer (JSON; unknown members are ignored).
///
/// kind "upsert_company":
///   {"id":"cp-42","name":"ООО Ромашка","inn":"7701234567","kpp":"770101001",
///    "legal_form":"legal_entity"|"sole_proprietor"|"person",   (optional: derived from the INN)
///    "assigned_by_id":7}                                         (optional)
/// kind "upsert_deal":
///   {"id":"order-1001","title":"Заказ 1001","counterparty":{ ...as above... },
///    "assigned_by_id":7,"currency":"RUB","stage":"manager_check",   (stage optional: a bitrix24.stages key)
///    "lines":[{"name":"Болт М8","product_id":0,"price":"899.10","quantity":"2","measure_code":796}],
///    "fields":{"UF_CRM_ONEC_NUMBER":"УТ-15",...},          (optional: more fields for crm.deal.add)
///    "update_fields":{"UF_CRM_PAYMENT":"Оплачен",...}}      (optional: written to an existing deal)
/// Money and quantities are decimal strings (never JSON floats).
///
/// Errors: permanent, naming the bad member (`payload: "inn" must be 10 or 12 digits`).
Result<Counterparty> ParseCounterparty(std::string_view json_text);
Result<Order> ParseOrder(std::string_view json_text);

}  // namespace b2b::bitrix24
