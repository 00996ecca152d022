#pragma once

#include <string>

#include "connectors/onec/cml_model.hpp"
#include "core/domain/counterparty.hpp"
#include "core/domain/order.hpp"
#include "core/util/error.hpp"

namespace b2b::flows {

/// Canonical id of the counterparty with this INN and KPP ("cp-7701234567-770101001"; a person or
/// sole proprietor without KPP: "cp-500100732259"). INN+KPP is the match key in all three systems.
std::string CounterpartyIdFor(std::string_view inn, std::string_view kpp);

/// A CommerceML counterparty (from a site order, 1C's Контрагенты or a 1C document) as the
/// canonical counterparty: kind from the INN length (12 digits: sole proprietor, or a person when
/// there is no name of an organisation), contacts typed by their CommerceML Тип, addresses and
/// bank accounts kept. Permanent error `counterparty <Ид or name>: no INN` when the INN is empty:
/// b2bsync matches legal entities by INN+KPP and will not guess.
Result<Counterparty> CounterpartyFromCml(onec::CmlCounterparty const& c);

/// A CommerceML order document (Документ, ХозОперация "Заказ товара") as the canonical order.
/// `canonical_id` is b2bsync's id of the order. The buyer is the counterparty with Роль Покупатель
/// (or the only one); the site's delivery line (Ид ORDER_DELIVERY) becomes the delivery price;
/// Метод оплаты, Способ доставки, Адрес доставки, Заказ оплачен, Отгружен / Номер отгрузки по 1С,
/// Отменен, Статус заказа and Номер1С are read from the lifted fields and requisites. The stage is
/// left empty: the caller resolves it through the mappings' statuses table. Permanent errors name
/// the document and what is missing (no buyer, no date, a line without quantity or price).
Result<Order> OrderFromCml(onec::CmlDocument const& document, std::string const& canonical_id);

/// The value of the first requisite named `name` ("" when absent).
std::string RequisiteValue(std::vector<onec::CmlRequisite> const& requisites, std::string_view name);

/// The site's status letter of an order document: "Статуса заказа ИД", else the "[N]" prefix of
/// "Статус заказа" (`[N] Принят`), else "".
std::string SiteStatusLetter(onec::CmlDocument const& document);

}  // namespace b2b::flows
