#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "connectors/bitrix24/rest_client.hpp"
#include "core/util/error.hpp"

namespace b2b::bitrix24 {

/// A contact person (job kind "upsert_contact"), keyed like companies and deals by
/// ORIGINATOR_ID = b2bsync + ORIGIN_ID = `id`.
struct Contact {
    std::string id;  ///< canonical id -> ORIGIN_ID
    std::string name;
    std::string last_name;
    std::vector<std::string> phones;  ///< PHONE multi-field, VALUE_TYPE WORK
    std::vector<std::string> emails;  ///< EMAIL multi-field, VALUE_TYPE WORK
    std::int64_t company_id = 0;      ///< bind to this company, or
    std::string counterparty_id;      ///< to the company of this counterparty (looked up by ORIGIN_ID)
    std::optional<std::int64_t> assigned_by_id;
};

/// A deal given by its portal id or by the canonical id of its order (looked up by ORIGIN_ID).
struct DealTarget {
    std::int64_t deal_id = 0;
    std::string order_id;
};

/// A timeline comment on a deal (job kind "add_comment"), optionally with one file.
struct Comment {
    DealTarget deal;
    std::string text;
    std::string file_name;    ///< empty: no attachment
    std::string file_base64;  ///< the file content, base64 without a `data:` prefix
};

/// A task (job kind "add_task"), optionally bound to a deal (UF_CRM_TASK D_<id>).
struct Task {
    std::string title;
    std::string description;
    std::int64_t responsible_id = 0;
    std::string deadline;  ///< ISO 8601; empty: none
    std::optional<DealTarget> deal;
};

/// A system notification to a portal user (job kind "notify").
struct Notification {
    std::int64_t user_id = 0;
    std::string message;
};

/// The marker we put into texts that have no external key on the portal: `[b2bsync:<key>]`.
std::string Marker(std::string_view job_key);

/// Finds the contact by ORIGINATOR_ID/ORIGIN_ID and creates it only when missing (so a retry
/// after a lost reply finds the first one). An existing contact is left as it is (a manager may
/// have edited it; re-sending the multi-fields would append duplicates, bitrix24.md §6.2).
/// Errors: transient when the counterparty's company is not in the portal yet (its
/// upsert_company job may still be queued); the classified REST errors otherwise.
Result<std::int64_t> EnsureContact(RestClient& client, Contact const& contact);

/// The portal id of the deal: `deal_id`, or the deal found by ORIGIN_ID = `order_id`.
/// Errors: transient when no such deal exists yet (its upsert_deal job may still be queued).
Result<std::int64_t> ResolveDeal(RestClient& client, DealTarget const& deal);

/// crm.timeline.comment.add with Marker(job_key) appended to the text. Not idempotent: the
/// portal offers no lookup by text that the emulator implements, so a lost reply repeats it.
Result<std::int64_t> AddComment(RestClient& client, Comment const& comment, std::string_view job_key);

/// tasks.task.add with Marker(job_key) appended to the description. Not idempotent (as above).
Result<std::int64_t> AddTask(RestClient& client, Task const& task, std::string_view job_key);

/// im.notify.system.add with TAG = `b2bsync:<job_key>`: a repeat after a lost reply replaces the
/// first notification instead of adding a second (bitrix24.md §6.6).
Result<std::int64_t> Notify(RestClient& client, Notification const& notification, std::string_view job_key);

}  // namespace b2b::bitrix24
