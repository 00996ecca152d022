#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/store/database.hpp"
#include "core/util/clock.hpp"
#include "core/util/error.hpp"

namespace b2b::onec {

/// A row of exchange_sessions (migration 0004). `cookie` and `sessid` are secrets: never log them.
struct ExchangeSession {
    std::string id;
    std::string exchange_type;
    std::string cookie;
    std::string sessid;
    UnixMillis created_at = 0;
    UnixMillis last_seen = 0;
    std::string state = "open";
    /// The CommerceML version 1C sent with mode=init (migration 0005); nullopt for "old" 1C or
    /// before init. Decides how sale uploads are processed (commerceml.md §1.7).
    std::optional<std::string> client_version;
};

/// A row of exchange_files.
struct ExchangeFile {
    std::string name;
    std::uint64_t size = 0;
    std::optional<std::string> checkpoint;  ///< import cursor, nullopt before the first slice
    bool done = false;
    std::optional<std::string> failure;
};

/// Persistence of exchange sessions and their files. Each call is one short transaction; errors
/// are the store's (transient on lock contention, permanent otherwise). Thread-safe (the Database is).
class ExchangeStore {
public:
    ExchangeStore(store::Database& db, Clock const& clock) : db_(db), clock_(clock) {}

    Status CreateSession(ExchangeSession const& session);
    Result<std::optional<ExchangeSession>> FindByCookie(std::string_view exchange_type, std::string_view cookie);
    Result<std::optional<ExchangeSession>> FindBySessid(std::string_view exchange_type, std::string_view sessid);
    /// The session of this type seen last (for follow-up calls that carry only Basic auth).
    Result<std::optional<ExchangeSession>> Latest(std::string_view exchange_type);
    Status Touch(std::string_view session_id);
    Status SetState(std::string_view session_id, std::string_view state);
    /// Remembers what mode=init said about 1C's version (nullopt: it sent none).
    Status SetClientVersion(std::string_view session_id, std::optional<std::string_view> version);
    /// Deletes sessions (and their file rows) not seen since `before`; returns their ids.
    Result<std::vector<std::string>> DeleteIdleSince(UnixMillis before);

    /// Forgets every file of the session (mode=init).
    Status ClearFiles(std::string_view session_id);
    Result<std::optional<ExchangeFile>> GetFile(std::string_view session_id, std::string_view name);
    /// Records a file's new size after an upload (or unpack); resets its cursor, done and failure.
    Status RecordUpload(std::string_view session_id, std::string_view name, std::uint64_t size);
    /// Sum of the sizes of the session's files.
    Result<std::uint64_t> SessionBytes(std::string_view session_id);
    Status SaveCheckpoint(std::string_view session_id, std::string_view name, std::string_view checkpoint);
    Status MarkDone(std::string_view session_id, std::string_view name, std::optional<std::string_view> checkpoint);
    Status MarkFailed(std::string_view session_id, std::string_view name, std::string_view failure);
    /// Archives (*.zip) uploaded in the session and not yet unpacked or failed, by name.
    Result<std::vector<std::string>> PendingArchives(std::string_view session_id);

private:
    store::Database& db_;
    Clock const& clock_;
};

}  // namespace b2b::onec
