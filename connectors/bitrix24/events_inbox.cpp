#include "connectors/bitrix24/events_inbox.hpp"

namespace b2b::bitrix24 {
namespace {

using store::Transaction;

constexpr char const* kSelectColumns =
    "SELECT id, event, entity_type, entity_id, ts, source, received_at, attempts FROM bitrix24_event_inbox ";

InboxEntry ReadEntry(store::Statement const& st) {
    InboxEntry entry;
    entry.id = st.ColumnInt64(0);
    entry.record.event = st.ColumnText(1);
    entry.record.entity_type = st.ColumnText(2);
    entry.record.entity_id = st.ColumnInt64(3);
    entry.record.ts = st.ColumnInt64(4);
    entry.record.source = st.ColumnText(5);
    entry.received_at = st.ColumnInt64(6);
    entry.attempts = static_cast<int>(st.ColumnInt64(7));
    return entry;
}

Result<std::vector<InboxEntry>> Select(store::Database& db, std::string_view purpose, char const* sql,
                                       std::optional<std::int64_t> limit) {
    auto tx = Transaction::Begin(db, purpose, Transaction::Mode::kRead);
    if (!tx) {
        return tx.error();
    }
    auto st = (*tx)->Prepare(purpose, sql);
    if (!st) {
        return st.error();
    }
    if (limit) {
        st->Bind(1, *limit);
    }
    std::vector<InboxEntry> out;
    for (;;) {
        auto row = st->Step();
        if (!row) {
            return row.error();
        }
        if (!*row) {
            break;
        }
        out.push_back(ReadEntry(*st));
    }
    return out;
}

Status RunOne(store::Database& db, std::string_view purpose, char const* sql,
              std::initializer_list<std::string_view> texts, std::optional<std::int64_t> number = {}) {
    auto tx = Transaction::Begin(db, purpose);
    if (!tx) {
        return tx.error();
    }
    auto st = (*tx)->Prepare(purpose, sql);
    if (!st) {
        return st.error();
    }
    int index = 1;
    for (auto text : texts) {
        st->Bind(index++, text);
    }
    if (number) {
        st->Bind(index, *number);
    }
    if (auto run = st->Run(); !run) {
        return run.error();
    }
    return (*tx)->Commit();
}

}  // namespace

EventInbox::EventInbox(store::Database& db, Clock const& clock) : db_(db), clock_(clock) {}

Result<InboxAdd> EventInbox::AddIn(Transaction& tx, EventRecord const& record) {
    auto insert = tx.Prepare("store bitrix24 event",
                             "INSERT INTO bitrix24_event_inbox (event, entity_type, entity_id, ts, source, received_at) "
                             "VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
                             "ON CONFLICT (event, entity_type, entity_id, ts) DO NOTHING");
    if (!insert) {
        return insert.error();
    }
    insert->Bind(1, record.event)
        .Bind(2, record.entity_type)
        .Bind(3, record.entity_id)
        .Bind(4, record.ts)
        .Bind(5, record.source)
        .Bind(6, clock_.NowMillis());
    if (auto run = insert->Run(); !run) {
        return run.error();
    }
    if (insert->Changes() > 0) {
        return InboxAdd::kAccepted;
    }
    auto reopen = tx.Prepare("reopen bitrix24 event",
                             "UPDATE bitrix24_event_inbox SET processed_at = NULL, outcome = NULL, attempts = 0 "
                             "WHERE event = ?1 AND entity_type = ?2 AND entity_id = ?3 AND ts = ?4 "
                             "AND processed_at IS NOT NULL");
    if (!reopen) {
        return reopen.error();
    }
    reopen->Bind(1, record.event).Bind(2, record.entity_type).Bind(3, record.entity_id).Bind(4, record.ts);
    if (auto run = reopen->Run(); !run) {
        return run.error();
    }
    return InboxAdd::kDuplicate;
}

Result<InboxAdd> EventInbox::Add(EventRecord const& record) {
    auto added = AddAll(std::span<EventRecord const>(&record, 1));
    if (!added) {
        return added.error();
    }
    return added->front();
}

Result<std::vector<InboxAdd>> EventInbox::AddAll(std::span<EventRecord const> records) {
    auto tx = Transaction::Begin(db_, "store bitrix24 events");
    if (!tx) {
        return tx.error();
    }
    std::vector<InboxAdd> out;
    out.reserve(records.size());
    for (auto const& record : records) {
        auto added = AddIn(**tx, record);
        if (!added) {
            return added.error();
        }
        out.push_back(*added);
    }
    if (auto commit = (*tx)->Commit(); !commit) {
        return commit.error();
    }
    return out;
}

Result<std::vector<InboxEntry>> EventInbox::Pending(std::size_t limit) {
    static std::string const sql = std::string(kSelectColumns) + "WHERE processed_at IS NULL ORDER BY id LIMIT ?1";
    return Select(db_, "read pending bitrix24 events", sql.c_str(), static_cast<std::int64_t>(limit));
}

Result<std::vector<InboxEntry>> EventInbox::All() {
    static std::string const sql = std::string(kSelectColumns) + "ORDER BY id";
    return Select(db_, "read bitrix24 events", sql.c_str(), std::nullopt);
}

Status EventInbox::Close(Transaction& tx, std::int64_t id, std::string_view outcome) {
    auto st = tx.Prepare("close bitrix24 event",
                         "UPDATE bitrix24_event_inbox SET processed_at = ?1, outcome = ?2 WHERE id = ?3");
    if (!st) {
        return st.error();
    }
    st->Bind(1, clock_.NowMillis()).Bind(2, outcome).Bind(3, id);
    return st->Run();
}

Status EventInbox::Close(std::int64_t id, std::string_view outcome) {
    auto tx = Transaction::Begin(db_, "close bitrix24 event");
    if (!tx) {
        return tx.error();
    }
    if (auto closed = Close(**tx, id, outcome); !closed) {
        return closed.error();
    }
    return (*tx)->Commit();
}

Status EventInbox::RecordFailure(std::int64_t id, std::string_view error) {
    return RunOne(db_, "record bitrix24 event failure",
                  "UPDATE bitrix24_event_inbox SET attempts = attempts + 1, outcome = ?1 WHERE id = ?2", {error}, id);
}

Result<std::optional<std::string>> EventInbox::OpenOfflineProcess() {
    auto tx = Transaction::Begin(db_, "read offline process", Transaction::Mode::kRead);
    if (!tx) {
        return tx.error();
    }
    auto st = (*tx)->Prepare("read offline process",
                             "SELECT process_id FROM bitrix24_offline_process ORDER BY started_at LIMIT 1");
    if (!st) {
        return st.error();
    }
    auto row = st->Step();
    if (!row) {
        return row.error();
    }
    if (!*row) {
        return std::optional<std::string>{};
    }
    return std::optional<std::string>(st->ColumnText(0));
}

Status EventInbox::BeginOfflineProcess(std::string_view process_id) {
    return RunOne(db_, "begin offline process",
                  "INSERT INTO bitrix24_offline_process (process_id, started_at) VALUES (?1, ?2) "
                  "ON CONFLICT (process_id) DO NOTHING",
                  {process_id}, clock_.NowMillis());
}

Status EventInbox::EndOfflineProcess(std::string_view process_id) {
    return RunOne(db_, "end offline process", "DELETE FROM bitrix24_offline_process WHERE process_id = ?1",
                  {process_id});
}

}  // namespace b2b::bitrix24
