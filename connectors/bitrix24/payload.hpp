#pragma once

#include <string_view>

#include "connectors/bitrix24/activities.hpp"
#include "connectors/bitrix24/entities.hpp"
#include "core/util/error.hpp"

namespace b2b::bitrix24 {

/// Job payloads of the Bitrix24 deliverer (JSON; unknown members are ignored).
///
/// kind "upsert_company":
///   {"id":"cp-42","name":"ООО Ромашка","inn":"7701234567","kpp":"770101001",
///    "legal_form":"legal_entity"|"sole_proprietor"|"person",   (optional: derived from the INN)
///    "assigned_by_id":7,                                         (optional)
///    "bank_accounts":[{"account":"40702810900000000001","bik":"044525225",     (optional, at most 10;
///                      "bank_name":"ПАО Сбербанк","correspondent":"30101810400000000225"}],  correspondent optional)
///    "address":{"address_1":"ул. Ленина, 1","city":"Москва","postal_code":"101000",  (optional: the legal
///               "region":"Москва","country":"Россия"}}                     address; only address_1 required)
///   Bank accounts and the address are written only with a requisite b2bsync creates (in the same
///   batch chain), so a retry never adds them twice; a requisite already on the portal keeps its own.
/// kind "upsert_deal":
///   {"id":"order-1001","title":"Заказ 1001","counterparty":{ ...as above... },
///    "assigned_by_id":7,"currency":"RUB","stage":"manager_check",   (stage optional: a bitrix24.stages key)
///    "lines":[{"name":"Болт М8","product_id":0,"price":"899.10","quantity":"2","measure_code":796}],
///    "fields":{"UF_CRM_ONEC_NUMBER":"УТ-15",...},          (optional: more fields for crm.deal.add)
///    "update_fields":{"UF_CRM_PAYMENT":"Оплачен",...}}      (optional: written to an existing deal)
/// kind "upsert_contact":
///   {"id":"ct-5","name":"Иван","last_name":"Петров",              (last_name optional)
///    "phones":["+74951234567"],"emails":["ivan@example.ru"],        (optional; WORK multi-fields)
///    "company_id":12 | "counterparty_id":"cp-42",                   (optional: the company to bind to;
///    "assigned_by_id":7}                                             the counterparty's by ORIGIN_ID)
///   Idempotent: looked up by ORIGINATOR_ID + ORIGIN_ID first, created only when missing; an existing
///   contact is not changed. Transient while the counterparty's company is not in the portal yet.
/// kind "add_comment":
///   {"deal_id":57 | "order_id":"order-1001",     (the deal; an order's deal found by ORIGIN_ID)
///    "text":"Счёт выставлен",
///    "file":{"name":"invoice.pdf","base64":"JVBERi0..."}}   (optional attachment)
/// kind "add_task":
///   {"title":"Позвонить клиенту","description":"...","responsible_id":7,
///    "deadline":"2026-12-01T18:00:00+03:00",      (optional)
///    "deal_id":57 | "order_id":"order-1001"}       (optional: binds the task to the deal)
///   Comments and tasks have no external key on the portal: b2bsync appends the marker
///   `[b2bsync:<job idempotency key>]` to the text, but does NOT look it up before writing (the
///   emulator implements neither crm.timeline.comment.list nor tasks.task.list), so a reply lost
///   after the portal applied the write makes the retry add a second comment / task.
/// kind "notify":
///   {"user_id":7,"message":"Заказ 1001 оплачен"}
///   Sent with im.notify.system.add and TAG `b2bsync:<job idempotency key>`: a retry after a lost
///   reply replaces the first notification instead of adding a second.
/// Money and quantities are decimal strings (never JSON floats).
///
/// Errors: permanent, naming the bad member (`payload: "inn" must be 10 or 12 digits`).
Result<Counterparty> ParseCounterparty(std::string_view json_text);
Result<Order> ParseOrder(std::string_view json_text);
Result<Contact> ParseContact(std::string_view json_text);
Result<Comment> ParseComment(std::string_view json_text);
Result<Task> ParseTask(std::string_view json_text);
Result<Notification> ParseNotification(std::string_view json_text);

}  // namespace b2b::bitrix24
