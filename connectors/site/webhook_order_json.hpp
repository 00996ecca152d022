#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "connectors/onec/cml_model.hpp"
#include "connectors/site/status_document.hpp"
#include "core/util/error.hpp"

namespace b2b::site {

/// Decodes one order POSTed by a non-Bitrix store (schema: docs/site-webhook.md) into the same
/// CmlDocument shape the exchange mode yields for a Bitrix order: Ид, Номер, Дата (with the
/// offset given, else `default_offset`), ХозОперация "Заказ товара", Роль "Продавец", the buyer as a
/// Контрагент with Роль "Покупатель", lines with decimal price/quantity/sum, Сумма, and the Bitrix
/// requisites ("Заказ оплачен", "Доставка разрешена", "Отменен", "Статуса заказа ИД") plus the
/// lifted fields. Money and quantities must be JSON strings: a JSON number would have passed
/// through a double somewhere. Errors (Permanent): `webhook order: <field>: <reason>`.
Result<onec::CmlDocument> DecodeWebhookOrder(std::string_view json, std::chrono::minutes default_offset);

/// The body b2bsync POSTs to the store's callback URL for a status change:
/// {"id":…,"number":…,"status":…,"paid":…,"shipped":…,"cancelled":…,"number_1c":…}
/// (absent optionals are left out).
std::string EncodeWebhookUpdate(SiteOrderUpdate const& update);

}  // namespace b2b::site
