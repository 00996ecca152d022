#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <thread>

#include "core/util/error.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace b2b::store {

struct Migration;

/// Settings for opening the state store (from the `store:` config section).
struct DatabaseOptions {
    /// How long SQLite waits for a lock held by another process (e.g. `b2bsync jobs retry`
    /// while the daemon runs) before the statement fails with a transient "database is locked".
    std::chrono::milliseconds busy_timeout{5000};
    /// Upper bound of SQLite's page cache for the connection, in KiB (0: SQLite's default, 2 MiB).
    /// Landing a large catalog touches pages all over the prices/stock B-trees (1C Ид are random
    /// GUIDs); a cache that holds a transaction's dirty pages keeps SQLite from spilling them to the
    /// WAL and reading them back (commerceml_bench: offers landing -20% CPU at 32 MiB). Memory is
    /// taken only as the database grows.
    std::size_t cache_size_kib = 32 * 1024;
};

/// Maps an SQLite result code to our error classes (style.md §9.4): SQLITE_BUSY/LOCKED are
/// transient; misuse of the API is a bug; everything else (constraint, I/O, corrupt, full) is
/// permanent. The message reads `store: <purpose>: <sqlite message>`.
Error SqliteError(int code, std::string_view purpose, std::string_view detail);

class Database;

/// One prepared statement in use: bind parameters (1-based), step rows, read columns (0-based).
/// Obtained from Database::Prepare inside a Transaction; resets the cached statement when
/// destroyed so it can be reused. Not thread-safe (the transaction's mutex covers it).
class Statement {
public:
    Statement(Statement&& other) noexcept;
    Statement& operator=(Statement&&) = delete;
    Statement(Statement const&) = delete;
    ~Statement();

    Statement& Bind(int index, std::int64_t value);
    Statement& Bind(int index, int value) { return Bind(index, static_cast<std::int64_t>(value)); }
    Statement& Bind(int index, std::string_view value);
    /// Binds `value` without copying it (SQLITE_STATIC): the bytes must stay valid and unchanged
    /// until this Statement is destroyed or rebound. For hot loops that bind fields of a row the
    /// caller holds for the whole statement; everything else uses Bind.
    Statement& BindStatic(int index, std::string_view value);
    Statement& Bind(int index, char const* value) { return Bind(index, std::string_view(value)); }
    Statement& BindOptional(int index, std::optional<std::string_view> value);  ///< nullopt binds NULL
    Statement& BindNull(int index);

    /// Advances to the next row: true when a row is available, false when done.
    /// Errors: transient on SQLITE_BUSY/LOCKED, permanent on constraint/I/O, bug on misuse
    /// (including a failed Bind earlier).
    Result<bool> Step();
    /// Steps until done, ignoring rows (for INSERT/UPDATE/DELETE). Same errors as Step.
    Status Run();

    std::int64_t ColumnInt64(int index) const;
    std::string ColumnText(int index) const;
    std::optional<std::string> ColumnOptionalText(int index) const;
    bool ColumnIsNull(int index) const;

    /// Rows changed by the last Run() of this statement (INSERT/UPDATE/DELETE).
    int Changes() const;

private:
    friend class Database;
    Statement(sqlite3* db, sqlite3_stmt* stmt, std::string_view purpose);

    void ResetIfStepped();

    sqlite3* db_;
    sqlite3_stmt* stmt_;
    std::string_view purpose_;
    int bind_error_ = 0;
    bool stepped_ = false;
};

/// The SQLite state store: one writer connection in WAL mode with synchronous=FULL and foreign
/// keys on. All access goes through a Transaction, which holds the connection's mutex, so the
/// connection is shared safely by all threads. A Database is neither copyable nor movable
/// (transactions and statements point at it).
class Database {
public:
    /// Opens (creating if needed) the database file, applies pragmas and then every embedded
    /// migration the file does not have yet, each in its own transaction.
    /// Errors: permanent when the file cannot be opened, a migration fails, or the file's schema
    /// is newer than this binary ("... version 3 is newer than this binary knows (2) ...").
    static Result<std::unique_ptr<Database>> Open(std::filesystem::path const& path, DatabaseOptions options = {});

    /// As Open, but behaves as a binary that knows only migrations 1..max_version. Used by tests
    /// to build an old-schema database and to check the "newer schema" refusal.
    static Result<std::unique_ptr<Database>> OpenWithMigrationsUpToForTest(std::filesystem::path const& path,
                                                                           DatabaseOptions options,
                                                                           int max_version);

    ~Database();
    Database(Database const&) = delete;
    Database& operator=(Database const&) = delete;

    /// Returns the cached prepared statement for `sql` (prepared on first use). `purpose` names
    /// what the statement does for error messages ("claim jobs"); it must be a string literal or
    /// otherwise outlive the database. Must be called inside a Transaction on this thread.
    /// Errors: bug when the SQL does not compile against the schema.
    Result<Statement> Prepare(std::string_view purpose, char const* sql);

    /// Runs one or more statements without results (DDL in migrations). Inside a Transaction.
    Status Execute(std::string_view purpose, char const* sql);

    /// The highest applied migration version (0 for a fresh file). Inside a Transaction.
    Result<int> SchemaVersion();

    /// Makes every commit so far durable, Durability::kRelaxed ones included: fdatasync of the WAL
    /// file (checkpoints already synced what they copied into the database file). For bulk work
    /// that commits relaxed and needs durability only at its own commit point. Outside a
    /// Transaction; any thread. Errors: permanent on I/O failure.
    Status SyncWal();

    std::filesystem::path const& path() const { return path_; }

private:
    friend class Transaction;
    Database(sqlite3* db, std::filesystem::path path);
    static Result<std::unique_ptr<Database>> OpenImpl(std::filesystem::path const& path, DatabaseOptions options,
                                                      std::span<Migration const> known);

    sqlite3* db_;
    std::filesystem::path path_;
    std::mutex mutex_;
    // Who holds mutex_, so a nested Transaction on the same thread fails loudly instead of
    // deadlocking.
    std::atomic<std::thread::id> owner_{};
    std::map<char const*, sqlite3_stmt*> statements_;
};

/// A transaction on the writer connection: holds the database mutex for its whole life, so keep
/// it short and never do network I/O inside. Rolls back in the destructor unless committed.
/// Transactions do not nest: beginning a second one on the same thread throws std::logic_error.
class Transaction {
public:
    enum class Mode {
        kWrite,  ///< BEGIN IMMEDIATE: takes SQLite's write lock up front, so no upgrade deadlock
        kRead,   ///< BEGIN DEFERRED: for reads only
    };

    enum class Durability {
        kFull,     ///< the commit is fsynced (synchronous=FULL): survives power loss
        /// The commit reaches the OS but is not fsynced (synchronous=NORMAL for this transaction);
        /// the next kFull commit makes it durable too. Only for changes whose loss on power failure
        /// is harmless, e.g. claiming jobs (a lost claim just makes the job pending again).
        kRelaxed,
    };

    /// Errors: transient when another process holds the lock past busy_timeout.
    static Result<std::unique_ptr<Transaction>> Begin(Database& db, std::string_view purpose, Mode mode = Mode::kWrite,
                                                      Durability durability = Durability::kFull);

    ~Transaction();
    Transaction(Transaction const&) = delete;
    Transaction& operator=(Transaction const&) = delete;

    /// Commits and releases the connection. Errors: transient on lock contention, permanent on I/O failure (the transaction
    /// is rolled back in both cases). Calling anything after Commit is a programming error.
    Status Commit();

    Database& db() { return db_; }
    Result<Statement> Prepare(std::string_view purpose, char const* sql) { return db_.Prepare(purpose, sql); }

private:
    Transaction(Database& db, std::unique_lock<std::mutex> lock, std::string_view purpose, bool relaxed);
    void Release();

    Database& db_;
    std::unique_lock<std::mutex> lock_;
    std::string_view purpose_;
    bool relaxed_;
    bool finished_ = false;
};

}  // namespace b2b::store
