#include "connectors/onec/exchange_store.hpp"

#include <functional>
#include <utility>

namespace b2b::onec {
namespace {

using store::Statement;
using store::Transaction;

// Runs `body(tx)` in one write transaction and commits when it succeeded.
template <class Body>
auto InTransaction(store::Database& db, std::string_view purpose, Body body) -> decltype(body(std::declval<Transaction&>())) {
    auto tx = Transaction::Begin(db, purpose);
    if (!tx) {
        return tx.error();
    }
    auto result = body(**tx);
    if (!result) {
        return result;
    }
    if (auto st = (*tx)->Commit(); !st) {
        return st.error();
    }
    return result;
}


ExchangeSession ReadSession(Statement const& s) {
    return ExchangeSession{s.ColumnText(0),  s.ColumnText(1),  s.ColumnText(2), s.ColumnText(3),
                           s.ColumnInt64(4), s.ColumnInt64(5), s.ColumnText(6), s.ColumnOptionalText(7)};
}

Result<std::optional<ExchangeSession>> OneSession(Statement& s) {
    auto row = s.Step();
    if (!row) {
        return row.error();
    }
    if (!*row) {
        return std::optional<ExchangeSession>();
    }
    return std::optional<ExchangeSession>(ReadSession(s));
}

Status RunStatement(Transaction& tx, std::string_view purpose, char const* sql,
                    std::function<void(Statement&)> const& bind) {
    auto s = tx.Prepare(purpose, sql);
    if (!s) {
        return s.error();
    }
    bind(*s);
    return s->Run();
}

}  // namespace

Status ExchangeStore::CreateSession(ExchangeSession const& session) {
    return InTransaction(db_, "create exchange session", [&](Transaction& tx) -> Status {
        return RunStatement(tx, "create exchange session",
                            "INSERT INTO exchange_sessions (id, exchange_type, cookie, sessid, created_at, last_seen,"
                            " state) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                            [&](Statement& s) {
                                s.Bind(1, session.id)
                                    .Bind(2, session.exchange_type)
                                    .Bind(3, session.cookie)
                                    .Bind(4, session.sessid)
                                    .Bind(5, session.created_at)
                                    .Bind(6, session.last_seen)
                                    .Bind(7, session.state);
                            });
    });
}

Result<std::optional<ExchangeSession>> ExchangeStore::FindByCookie(std::string_view exchange_type,
                                                                   std::string_view cookie) {
    return InTransaction(db_, "find exchange session", [&](Transaction& tx) -> Result<std::optional<ExchangeSession>> {
        auto s = tx.Prepare("find exchange session by cookie",
                            "SELECT id, exchange_type, cookie, sessid, created_at, last_seen, state, client_version"
                            " FROM exchange_sessions WHERE cookie = ?1 AND exchange_type = ?2");
        if (!s) {
            return s.error();
        }
        s->Bind(1, cookie).Bind(2, exchange_type);
        return OneSession(*s);
    });
}

Result<std::optional<ExchangeSession>> ExchangeStore::FindBySessid(std::string_view exchange_type,
                                                                   std::string_view sessid) {
    return InTransaction(db_, "find exchange session", [&](Transaction& tx) -> Result<std::optional<ExchangeSession>> {
        auto s = tx.Prepare("find exchange session by sessid",
                            "SELECT id, exchange_type, cookie, sessid, created_at, last_seen, state, client_version"
                            " FROM exchange_sessions WHERE sessid = ?1 AND exchange_type = ?2");
        if (!s) {
            return s.error();
        }
        s->Bind(1, sessid).Bind(2, exchange_type);
        return OneSession(*s);
    });
}

Result<std::optional<ExchangeSession>> ExchangeStore::Latest(std::string_view exchange_type) {
    return InTransaction(db_, "find exchange session", [&](Transaction& tx) -> Result<std::optional<ExchangeSession>> {
        auto s = tx.Prepare("find latest exchange session",
                            "SELECT id, exchange_type, cookie, sessid, created_at, last_seen, state, client_version"
                            " FROM exchange_sessions WHERE exchange_type = ?1 ORDER BY last_seen DESC, created_at DESC"
                            " LIMIT 1");
        if (!s) {
            return s.error();
        }
        s->Bind(1, exchange_type);
        return OneSession(*s);
    });
}

Status ExchangeStore::Touch(std::string_view session_id) {
    // Relaxed: losing a last_seen update on power failure only makes the session expire earlier.
    auto tx = Transaction::Begin(db_, "touch exchange session", Transaction::Mode::kWrite,
                                 Transaction::Durability::kRelaxed);
    if (!tx) {
        return tx.error();
    }
    if (auto st = RunStatement(**tx, "touch exchange session", "UPDATE exchange_sessions SET last_seen = ?2 WHERE id = ?1",
                               [&](Statement& s) { s.Bind(1, session_id).Bind(2, clock_.NowMillis()); });
        !st) {
        return st;
    }
    return (*tx)->Commit();
}

Status ExchangeStore::SetState(std::string_view session_id, std::string_view state) {
    return InTransaction(db_, "set exchange session state", [&](Transaction& tx) -> Status {
        return RunStatement(tx, "set exchange session state",
                            "UPDATE exchange_sessions SET state = ?2, last_seen = ?3 WHERE id = ?1",
                            [&](Statement& s) { s.Bind(1, session_id).Bind(2, state).Bind(3, clock_.NowMillis()); });
    });
}

Status ExchangeStore::SetClientVersion(std::string_view session_id, std::optional<std::string_view> version) {
    return InTransaction(db_, "set exchange client version", [&](Transaction& tx) -> Status {
        return RunStatement(tx, "set exchange client version",
                            "UPDATE exchange_sessions SET client_version = ?2 WHERE id = ?1",
                            [&](Statement& s) { s.Bind(1, session_id).BindOptional(2, version); });
    });
}

Result<std::vector<std::string>> ExchangeStore::DeleteIdleSince(UnixMillis before) {
    return InTransaction(db_, "expire exchange sessions", [&](Transaction& tx) -> Result<std::vector<std::string>> {
        std::vector<std::string> ids;
        {
            auto s = tx.Prepare("list idle exchange sessions", "SELECT id FROM exchange_sessions WHERE last_seen < ?1");
            if (!s) {
                return s.error();
            }
            s->Bind(1, before);
            for (;;) {
                auto row = s->Step();
                if (!row) {
                    return row.error();
                }
                if (!*row) {
                    break;
                }
                ids.push_back(s->ColumnText(0));
            }
        }
        for (auto const& id : ids) {
            if (auto st = RunStatement(tx, "delete exchange files", "DELETE FROM exchange_files WHERE session_id = ?1",
                                       [&](Statement& s) { s.Bind(1, id); });
                !st) {
                return st.error();
            }
            if (auto st = RunStatement(tx, "delete exchange session", "DELETE FROM exchange_sessions WHERE id = ?1",
                                       [&](Statement& s) { s.Bind(1, id); });
                !st) {
                return st.error();
            }
        }
        return ids;
    });
}

Status ExchangeStore::ClearFiles(std::string_view session_id) {
    return InTransaction(db_, "clear exchange files", [&](Transaction& tx) -> Status {
        return RunStatement(tx, "clear exchange files", "DELETE FROM exchange_files WHERE session_id = ?1",
                            [&](Statement& s) { s.Bind(1, session_id); });
    });
}

Result<std::optional<ExchangeFile>> ExchangeStore::GetFile(std::string_view session_id, std::string_view name) {
    return InTransaction(db_, "get exchange file", [&](Transaction& tx) -> Result<std::optional<ExchangeFile>> {
        auto s = tx.Prepare("get exchange file",
                            "SELECT name, size, checkpoint, done, failure FROM exchange_files"
                            " WHERE session_id = ?1 AND name = ?2");
        if (!s) {
            return s.error();
        }
        s->Bind(1, session_id).Bind(2, name);
        auto row = s->Step();
        if (!row) {
            return row.error();
        }
        if (!*row) {
            return std::optional<ExchangeFile>();
        }
        return std::optional<ExchangeFile>(ExchangeFile{s->ColumnText(0), static_cast<std::uint64_t>(s->ColumnInt64(1)),
                                                        s->ColumnOptionalText(2), s->ColumnInt64(3) != 0,
                                                        s->ColumnOptionalText(4)});
    });
}

Status ExchangeStore::RecordUpload(std::string_view session_id, std::string_view name, std::uint64_t size) {
    return InTransaction(db_, "record exchange upload", [&](Transaction& tx) -> Status {
        return RunStatement(tx, "record exchange upload",
                            "INSERT INTO exchange_files (session_id, name, size, checkpoint, done, failure, updated_at)"
                            " VALUES (?1, ?2, ?3, NULL, 0, NULL, ?4) ON CONFLICT (session_id, name) DO UPDATE SET"
                            " size = excluded.size, checkpoint = NULL, done = 0, failure = NULL,"
                            " updated_at = excluded.updated_at",
                            [&](Statement& s) {
                                s.Bind(1, session_id)
                                    .Bind(2, name)
                                    .Bind(3, static_cast<std::int64_t>(size))
                                    .Bind(4, clock_.NowMillis());
                            });
    });
}

Result<std::uint64_t> ExchangeStore::SessionBytes(std::string_view session_id) {
    return InTransaction(db_, "sum exchange files", [&](Transaction& tx) -> Result<std::uint64_t> {
        auto s = tx.Prepare("sum exchange files",
                            "SELECT COALESCE(SUM(size), 0) FROM exchange_files WHERE session_id = ?1");
        if (!s) {
            return s.error();
        }
        s->Bind(1, session_id);
        auto row = s->Step();
        if (!row) {
            return row.error();
        }
        return static_cast<std::uint64_t>(*row ? s->ColumnInt64(0) : 0);
    });
}

Status ExchangeStore::SaveCheckpoint(std::string_view session_id, std::string_view name, std::string_view checkpoint) {
    return InTransaction(db_, "save import checkpoint", [&](Transaction& tx) -> Status {
        return RunStatement(tx, "save import checkpoint",
                            "UPDATE exchange_files SET checkpoint = ?3, updated_at = ?4"
                            " WHERE session_id = ?1 AND name = ?2",
                            [&](Statement& s) {
                                s.Bind(1, session_id).Bind(2, name).Bind(3, checkpoint).Bind(4, clock_.NowMillis());
                            });
    });
}

Status ExchangeStore::MarkDone(std::string_view session_id, std::string_view name,
                               std::optional<std::string_view> checkpoint) {
    return InTransaction(db_, "mark exchange file done", [&](Transaction& tx) -> Status {
        return RunStatement(tx, "mark exchange file done",
                            "UPDATE exchange_files SET done = 1, checkpoint = ?3, failure = NULL, updated_at = ?4"
                            " WHERE session_id = ?1 AND name = ?2",
                            [&](Statement& s) {
                                s.Bind(1, session_id).Bind(2, name).BindOptional(3, checkpoint).Bind(4,
                                                                                                     clock_.NowMillis());
                            });
    });
}

Status ExchangeStore::MarkFailed(std::string_view session_id, std::string_view name, std::string_view failure) {
    return InTransaction(db_, "mark exchange file failed", [&](Transaction& tx) -> Status {
        return RunStatement(tx, "mark exchange file failed",
                            "UPDATE exchange_files SET failure = ?3, updated_at = ?4 WHERE session_id = ?1 AND name = ?2",
                            [&](Statement& s) {
                                s.Bind(1, session_id).Bind(2, name).Bind(3, failure).Bind(4, clock_.NowMillis());
                            });
    });
}

Result<std::vector<std::string>> ExchangeStore::PendingArchives(std::string_view session_id) {
    return InTransaction(db_, "list pending archives", [&](Transaction& tx) -> Result<std::vector<std::string>> {
        auto s = tx.Prepare("list pending archives",
                            "SELECT name FROM exchange_files WHERE session_id = ?1 AND done = 0 AND failure IS NULL"
                            " AND lower(name) LIKE '%.zip' ORDER BY name");
        if (!s) {
            return s.error();
        }
        s->Bind(1, session_id);
        std::vector<std::string> names;
        for (;;) {
            auto row = s->Step();
            if (!row) {
                return row.error();
            }
            if (!*row) {
                break;
            }
            names.push_back(s->ColumnText(0));
        }
        return names;
    });
}

}  // namespace b2b::onec
