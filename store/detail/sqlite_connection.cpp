// The SQLite side of the backend seam (connection.hpp): the embedded default.
#include "common/error.hpp"
#include "store/detail/connection.hpp"

#include <sqlite3.h>

#include <cassert>

namespace sipscope::store::detail {

namespace {

class SqliteStatement final : public StatementImpl {
public:
    SqliteStatement(sqlite3* db, std::string_view sql) : m_db(db) {
        if (sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &m_stmt,
                               nullptr) != SQLITE_OK)
            throw Error(std::string("database error preparing a query: ") + sqlite3_errmsg(db) +
                        " in: " + std::string(sql.substr(0, 120)));
    }
    ~SqliteStatement() override { sqlite3_finalize(m_stmt); }
    SqliteStatement(const SqliteStatement&) = delete;
    SqliteStatement& operator=(const SqliteStatement&) = delete;

    void bindNull(int index) override { check(sqlite3_bind_null(m_stmt, index)); }
    void bindInt(int index, std::int64_t value) override { check(sqlite3_bind_int64(m_stmt, index, value)); }
    void bindDouble(int index, double value) override { check(sqlite3_bind_double(m_stmt, index, value)); }
    void bindText(int index, std::string_view text, bool copy) override {
        check(sqlite3_bind_text(m_stmt, index, text.data(), static_cast<int>(text.size()),
                                copy ? SQLITE_TRANSIENT : SQLITE_STATIC));
    }
    void bindBlob(int index, std::string_view bytes) override {
        check(sqlite3_bind_blob(m_stmt, index, bytes.data(), static_cast<int>(bytes.size()), SQLITE_STATIC));
    }
    bool step() override {
        const int rc = sqlite3_step(m_stmt);
        if (rc == SQLITE_ROW)
            return true;
        if (rc == SQLITE_DONE)
            return false;
        throw Error(std::string("database error: ") + sqlite3_errmsg(m_db));
    }
    void reset(bool clearBindings) override {
        sqlite3_reset(m_stmt);
        if (clearBindings)
            sqlite3_clear_bindings(m_stmt);
    }
    int parameterCount() const override { return sqlite3_bind_parameter_count(m_stmt); }
    int columnCount() const override { return sqlite3_column_count(m_stmt); }
    bool columnIsNull(int column) const override { return sqlite3_column_type(m_stmt, column) == SQLITE_NULL; }
    std::int64_t columnInt(int column) const override { return sqlite3_column_int64(m_stmt, column); }
    double columnDouble(int column) const override { return sqlite3_column_double(m_stmt, column); }
    std::string_view columnText(int column) const override {
        const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(m_stmt, column));
        return text ? std::string_view(text, static_cast<std::size_t>(sqlite3_column_bytes(m_stmt, column)))
                    : std::string_view();
    }
    std::string_view columnBlob(int column) const override {
        const void* bytes = sqlite3_column_blob(m_stmt, column);
        return bytes ? std::string_view(static_cast<const char*>(bytes),
                                        static_cast<std::size_t>(sqlite3_column_bytes(m_stmt, column)))
                     : std::string_view();
    }

private:
    void check(int rc) {
        if (rc != SQLITE_OK)
            throw Error(std::string("database error binding a value: ") + sqlite3_errmsg(m_db));
    }

    sqlite3* m_db;
    sqlite3_stmt* m_stmt = nullptr;
};

class SqliteConnection final : public Connection {
public:
    SqliteConnection(const std::string& path, bool readOnly) : m_path(path) {
        const int flags = readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
        if (sqlite3_open_v2(path.c_str(), &m_db, flags | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK) {
            std::string why = m_db ? sqlite3_errmsg(m_db) : "out of memory";
            sqlite3_close(m_db);
            m_db = nullptr;
            if (readOnly)
                throw Error(path + ": cannot open database: " + why +
                            " (import a capture first: sipscope import FILE --db " + path + ")");
            throw Error(path + ": cannot open database: " + why);
        }
        sqlite3_busy_timeout(m_db, 5000);
        if (!readOnly) {
            // WAL lets readers (the cli, the viewer) query while an import or capture writes; synchronous=NORMAL
            // still keeps every committed batch through a SIGKILL.
            exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;");
        }
    }
    ~SqliteConnection() override { sqlite3_close(m_db); }
    SqliteConnection(const SqliteConnection&) = delete;
    SqliteConnection& operator=(const SqliteConnection&) = delete;

    Backend backend() const override { return Backend::Sqlite; }
    const std::string& name() const override { return m_path; }
    std::unique_ptr<StatementImpl> prepare(std::string_view sql) override {
        return std::make_unique<SqliteStatement>(m_db, sql);
    }
    void exec(const std::string& sql) override {
        char* message = nullptr;
        if (sqlite3_exec(m_db, sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
            std::string why = message ? message : sqlite3_errmsg(m_db);
            sqlite3_free(message);
            m_systemErrno = sqlite3_system_errno(m_db);
            throw Error(m_path + ": database error: " + why);
        }
    }
    void rollbackQuietly() override {
        if (!m_systemErrno)
            m_systemErrno = sqlite3_system_errno(m_db);
        sqlite3_exec(m_db, "ROLLBACK", nullptr, nullptr, nullptr);
    }
    void beginWrite() override {
        m_systemErrno = 0;
        exec("BEGIN IMMEDIATE");
    }
    void beginRead() override { exec("BEGIN"); }
    bool hasTable(std::string_view name) override { return hasObject("table", name); }
    bool hasIndex(std::string_view name) override { return hasObject("index", name); }
    std::int64_t dataVersion() override {
        SqliteStatement stmt(m_db, "PRAGMA data_version");
        return stmt.step() ? stmt.columnInt(0) : 0;
    }
    int systemErrno() const override { return m_systemErrno ? m_systemErrno : sqlite3_system_errno(m_db); }
    void copyRows(const CopyRows&) override { assert(false && "SQLite has no COPY: RowBuffer uses INSERTs"); }

private:
    bool hasObject(const char* type, std::string_view name) {
        SqliteStatement stmt(m_db, "SELECT 1 FROM sqlite_master WHERE type = ? AND name = ?");
        stmt.bindText(1, type, false);
        stmt.bindText(2, name, false);
        return stmt.step();
    }

    sqlite3* m_db = nullptr;
    std::string m_path;
    int m_systemErrno = 0;
};

}  // namespace

std::unique_ptr<Connection> openSqlite(const std::string& path, bool readOnly) {
    return std::make_unique<SqliteConnection>(path, readOnly);
}

}  // namespace sipscope::store::detail
