#include "core/store/database.hpp"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <stdexcept>
#include <string>

#include "core/store/migrations.hpp"
#include "core/util/log.hpp"

namespace b2b::store {
namespace {

std::string Message(std::string_view purpose, std::string_view detail) {
    std::string out = "store: ";
    out += purpose;
    out += ": ";
    out += detail;
    return out;
}

}  // namespace

Error SqliteError(int code, std::string_view purpose, std::string_view detail) {
    switch (code & 0xff) {
        case SQLITE_BUSY:
        case SQLITE_LOCKED:
            return Error::Transient(Message(purpose, detail));
        case SQLITE_MISUSE:
        case SQLITE_RANGE:
            return Error::Bug(Message(purpose, detail));
        default:
            return Error::Permanent(Message(purpose, detail));
    }
}

// Statement ----------------------------------------------------------------------------------

Statement::Statement(sqlite3* db, sqlite3_stmt* stmt, std::string_view purpose)
    : db_(db), stmt_(stmt), purpose_(purpose) {}

Statement::Statement(Statement&& other) noexcept
    : db_(other.db_),
      stmt_(other.stmt_),
      purpose_(other.purpose_),
      bind_error_(other.bind_error_),
      stepped_(other.stepped_) {
    other.stmt_ = nullptr;
}

Statement::~Statement() {
    if (stmt_ != nullptr) {
        sqlite3_reset(stmt_);
        sqlite3_clear_bindings(stmt_);
    }
}

void Statement::ResetIfStepped() {
    // Rebinding a statement in a loop: sqlite3_bind_* refuses a statement that was stepped.
    if (stepped_) {
        sqlite3_reset(stmt_);
        stepped_ = false;
        bind_error_ = 0;
    }
}

Statement& Statement::Bind(int index, std::int64_t value) {
    ResetIfStepped();
    if (int rc = sqlite3_bind_int64(stmt_, index, value); rc != SQLITE_OK && bind_error_ == 0) {
        bind_error_ = rc;
    }
    return *this;
}

Statement& Statement::Bind(int index, std::string_view value) {
    ResetIfStepped();
    // SQLITE_TRANSIENT copies the bytes: callers often pass temporaries.
    if (int rc = sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
        rc != SQLITE_OK && bind_error_ == 0) {
        bind_error_ = rc;
    }
    return *this;
}

Statement& Statement::BindStatic(int index, std::string_view value) {
    ResetIfStepped();
    // The destructor's sqlite3_clear_bindings drops the pointer before the caller's bytes can go.
    if (int rc = sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_STATIC, SQLITE_UTF8);
        rc != SQLITE_OK && bind_error_ == 0) {
        bind_error_ = rc;
    }
    return *this;
}

Statement& Statement::BindOptional(int index, std::optional<std::string_view> value) {
    if (value) {
        return Bind(index, *value);
    }
    return BindNull(index);
}

Statement& Statement::BindNull(int index) {
    ResetIfStepped();
    if (int rc = sqlite3_bind_null(stmt_, index); rc != SQLITE_OK && bind_error_ == 0) {
        bind_error_ = rc;
    }
    return *this;
}

Result<bool> Statement::Step() {
    if (bind_error_ != 0) {
        return Error::Bug(Message(purpose_, std::string("bind failed: ") + sqlite3_errstr(bind_error_)));
    }
    stepped_ = true;
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) {
        return true;
    }
    if (rc == SQLITE_DONE) {
        return false;
    }
    return SqliteError(rc, purpose_, sqlite3_errmsg(db_));
}

Status Statement::Run() {
    for (;;) {
        auto row = Step();
        if (!row) {
            return row.error();
        }
        if (!*row) {
            return {};
        }
    }
}

std::int64_t Statement::ColumnInt64(int index) const { return sqlite3_column_int64(stmt_, index); }

std::string Statement::ColumnText(int index) const {
    auto const* text = reinterpret_cast<char const*>(sqlite3_column_text(stmt_, index));
    if (text == nullptr) {
        return {};
    }
    return std::string(text, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, index)));
}

std::optional<std::string> Statement::ColumnOptionalText(int index) const {
    if (ColumnIsNull(index)) {
        return std::nullopt;
    }
    return ColumnText(index);
}

bool Statement::ColumnIsNull(int index) const { return sqlite3_column_type(stmt_, index) == SQLITE_NULL; }

int Statement::Changes() const { return sqlite3_changes(db_); }

// Database -----------------------------------------------------------------------------------

Database::Database(sqlite3* db, std::filesystem::path path) : db_(db), path_(std::move(path)) {}

Database::~Database() {
    for (auto& [sql, stmt] : statements_) {
        sqlite3_finalize(stmt);
    }
    sqlite3_close_v2(db_);
}

Result<std::unique_ptr<Database>> Database::Open(std::filesystem::path const& path, DatabaseOptions options) {
    return OpenImpl(path, options, EmbeddedMigrations());
}

Result<std::unique_ptr<Database>> Database::OpenWithMigrationsUpToForTest(std::filesystem::path const& path,
                                                                          DatabaseOptions options, int max_version) {
    auto all = EmbeddedMigrations();
    std::size_t n = 0;
    while (n < all.size() && all[n].version <= max_version) {
        ++n;
    }
    return OpenImpl(path, options, all.first(n));
}

Result<std::unique_ptr<Database>> Database::OpenImpl(std::filesystem::path const& path, DatabaseOptions options,
                                                     std::span<Migration const> known) {
    sqlite3* raw = nullptr;
    int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                             nullptr);
    if (rc != SQLITE_OK) {
        std::string detail = raw != nullptr ? sqlite3_errmsg(raw) : sqlite3_errstr(rc);
        sqlite3_close_v2(raw);
        return Error::Permanent(Message("open " + path.string(), detail));
    }
    std::unique_ptr<Database> db(new Database(raw, path));
    sqlite3_extended_result_codes(raw, 1);
    sqlite3_busy_timeout(raw, static_cast<int>(options.busy_timeout.count()));

    // WAL: readers never block the writer. synchronous=FULL: a committed job survives power loss,
    // which is the queue's whole promise (design.md §4).
    struct Pragma {
        char const* sql;
        char const* purpose;
    };
    static constexpr Pragma kPragmas[] = {
        {"PRAGMA journal_mode=WAL", "set journal_mode=WAL"},
        {"PRAGMA synchronous=FULL", "set synchronous=FULL"},
        {"PRAGMA foreign_keys=ON", "enable foreign keys"},
    };
    for (auto const& p : kPragmas) {
        char* err = nullptr;
        rc = sqlite3_exec(raw, p.sql, nullptr, nullptr, &err);
        if (rc != SQLITE_OK) {
            std::string detail = err != nullptr ? err : sqlite3_errstr(rc);
            sqlite3_free(err);
            return SqliteError(rc, p.purpose, detail).WithContext(path.string());
        }
    }
    if (options.cache_size_kib > 0) {
        // A negative cache_size is in KiB (a positive one would be pages).
        std::string const sql = "PRAGMA cache_size=-" + std::to_string(options.cache_size_kib);
        if (rc = sqlite3_exec(raw, sql.c_str(), nullptr, nullptr, nullptr); rc != SQLITE_OK) {
            return SqliteError(rc, "set cache_size", sqlite3_errmsg(raw)).WithContext(path.string());
        }
    }
    if (auto st = ApplyMigrations(*db, known); !st) {
        return st.error();
    }
    return db;
}

Result<Statement> Database::Prepare(std::string_view purpose, char const* sql) {
    if (owner_.load() != std::this_thread::get_id()) {
        throw std::logic_error("store: Prepare outside a transaction: " + std::string(purpose));
    }
    auto it = statements_.find(sql);
    if (it == statements_.end()) {
        sqlite3_stmt* stmt = nullptr;
        int rc = sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
        if (rc != SQLITE_OK) {
            // Our SQL not compiling against our own schema is a programming error.
            Error e = SqliteError(rc, purpose, sqlite3_errmsg(db_));
            if (!e.IsTransient()) {
                e.error_class = ErrorClass::kBug;
            }
            return e;
        }
        it = statements_.emplace(sql, stmt).first;
    }
    return Statement(db_, it->second, purpose);
}

Status Database::Execute(std::string_view purpose, char const* sql) {
    if (owner_.load() != std::this_thread::get_id()) {
        throw std::logic_error("store: Execute outside a transaction: " + std::string(purpose));
    }
    char* err = nullptr;
    int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &err);
    if (rc != SQLITE_OK) {
        std::string detail = err != nullptr ? err : sqlite3_errstr(rc);
        sqlite3_free(err);
        return SqliteError(rc, purpose, detail);
    }
    return {};
}

Result<int> Database::SchemaVersion() {
    auto stmt = Prepare("read schema version", "SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
    if (!stmt) {
        return stmt.error();
    }
    auto row = stmt->Step();
    if (!row) {
        return row.error();
    }
    return static_cast<int>(stmt->ColumnInt64(0));
}

Status Database::SyncWal() {
    std::string const wal = path_.string() + "-wal";
    int fd = ::open(wal.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT) {
            return {};  // no WAL: everything is in the database file, synced by its checkpoint
        }
        return Error::Permanent(Message("sync " + wal, std::strerror(errno)));
    }
    // fdatasync flushes the file's data whichever descriptor wrote it (SQLite's own one here).
    int rc = ::fdatasync(fd);
    int const err = errno;
    ::close(fd);
    if (rc != 0) {
        return Error::Permanent(Message("sync " + wal, std::strerror(err)));
    }
    return {};
}

// Transaction --------------------------------------------------------------------------------

Result<std::unique_ptr<Transaction>> Transaction::Begin(Database& db, std::string_view purpose, Mode mode,
                                                        Durability durability) {
    if (db.owner_.load() == std::this_thread::get_id()) {
        throw std::logic_error("store: nested transaction: " + std::string(purpose));
    }
    std::unique_lock lock(db.mutex_);
    db.owner_.store(std::this_thread::get_id());
    bool const relaxed = durability == Durability::kRelaxed;
    // Constructed before BEGIN so that every exit path below restores synchronous and the owner.
    std::unique_ptr<Transaction> tx(new Transaction(db, std::move(lock), purpose, relaxed));
    if (relaxed) {
        if (int rc = sqlite3_exec(db.db_, "PRAGMA synchronous=NORMAL", nullptr, nullptr, nullptr); rc != SQLITE_OK) {
            Error e = SqliteError(rc, purpose, sqlite3_errmsg(db.db_));
            tx->finished_ = true;
            tx->Release();
            return e;
        }
    }
    char const* begin = mode == Mode::kWrite ? "BEGIN IMMEDIATE" : "BEGIN DEFERRED";
    if (int rc = sqlite3_exec(db.db_, begin, nullptr, nullptr, nullptr); rc != SQLITE_OK) {
        Error e = SqliteError(rc, purpose, sqlite3_errmsg(db.db_));
        tx->finished_ = true;
        tx->Release();
        return e;
    }
    return tx;
}

Transaction::Transaction(Database& db, std::unique_lock<std::mutex> lock, std::string_view purpose, bool relaxed)
    : db_(db), lock_(std::move(lock)), purpose_(purpose), relaxed_(relaxed) {}

Transaction::~Transaction() {
    if (!finished_) {
        int rc = sqlite3_exec(db_.db_, "ROLLBACK", nullptr, nullptr, nullptr);
        if (rc != SQLITE_OK && sqlite3_get_autocommit(db_.db_) == 0) {
            log::Error("store", "rollback failed", {{"purpose", purpose_}, {"error", sqlite3_errmsg(db_.db_)}});
        }
        Release();
    }
}

void Transaction::Release() {
    if (!lock_.owns_lock()) {
        return;
    }
    if (relaxed_) {
        // Back to the default for everyone else; cannot fail outside a transaction.
        sqlite3_exec(db_.db_, "PRAGMA synchronous=FULL", nullptr, nullptr, nullptr);
    }
    db_.owner_.store(std::thread::id{});
    lock_.unlock();
}

Status Transaction::Commit() {
    if (finished_) {
        throw std::logic_error("store: transaction committed twice: " + std::string(purpose_));
    }
    int rc = sqlite3_exec(db_.db_, "COMMIT", nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) {
        Error e = SqliteError(rc, purpose_, sqlite3_errmsg(db_.db_));
        // A failed COMMIT may leave the transaction open (SQLITE_BUSY); the destructor rolls back.
        return e;
    }
    finished_ = true;
    // Release the connection right away; the object may live on until the end of the scope.
    Release();
    return {};
}

}  // namespace b2b::store
