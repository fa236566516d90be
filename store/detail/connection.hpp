// The backend seam: one database connection, SQLite's or PostgreSQL's, behind the few operations the store uses
// (prepared statements, plain SQL, transactions, bulk rows). Everything above it -- the schema, the writer, the
// reader's queries -- is one code path; what differs between the two lives in sqlite_connection.cpp and
// postgres_connection.cpp.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace sipscope::store::detail {

enum class Backend : std::uint8_t { Sqlite, Postgres };

// A prepared statement of one connection. Parameters are numbered from 1 ("?" or "?N" in the SQL, whichever the
// backend), columns from 0. Text bound with copy=false must stay valid until the step that uses it.
class StatementImpl {
public:
    virtual ~StatementImpl() = default;
    virtual void bindNull(int index) = 0;
    virtual void bindInt(int index, std::int64_t value) = 0;
    virtual void bindDouble(int index, double value) = 0;
    virtual void bindText(int index, std::string_view text, bool copy) = 0;
    virtual void bindBlob(int index, std::string_view bytes) = 0;
    virtual bool step() = 0;  // true while there is a row
    virtual void reset(bool clearBindings) = 0;
    virtual int parameterCount() const = 0;
    virtual int columnCount() const = 0;
    virtual bool columnIsNull(int column) const = 0;
    virtual std::int64_t columnInt(int column) const = 0;
    virtual double columnDouble(int column) const = 0;
    virtual std::string_view columnText(int column) const = 0;  // valid until the next step or reset
    virtual std::string_view columnBlob(int column) const = 0;  // valid until the next step or reset
};

// The values of many rows of one table in PostgreSQL's binary COPY form, built by RowBuffer and written by
// Connection::copyRows.
struct CopyRows {
    std::string table;  // "messages(capture_id, frame, ...)"
    std::string data;
};

class Connection {
public:
    virtual ~Connection() = default;
    virtual Backend backend() const = 0;
    // What the user named: a file path, or the connection URL with any password left out.
    virtual const std::string& name() const = 0;
    virtual std::unique_ptr<StatementImpl> prepare(std::string_view sql) = 0;
    // Runs one or more statements without results; throws sipscope::Error with the database's message.
    virtual void exec(const std::string& sql) = 0;
    // Rolls back an open transaction without throwing (for destructors and error paths).
    virtual void rollbackQuietly() = 0;
    virtual void beginWrite() = 0;  // a transaction that will write (SQLite: takes the write lock at once)
    virtual void beginRead() = 0;   // a transaction whose queries all see one snapshot
    virtual bool hasTable(std::string_view name) = 0;
    virtual bool hasIndex(std::string_view name) = 0;
    // A number that changes whenever another connection commits a change (the viewer's live refresh).
    virtual std::int64_t dataVersion() = 0;
    // The system error (errno) of the last failure, when the backend knows it; 0 otherwise.
    virtual int systemErrno() const { return 0; }
    // Bulk rows (PostgreSQL's COPY); only called when backend() is Postgres.
    virtual void copyRows(const CopyRows& rows) = 0;
};

// The two queries whose SQL differs between the backends, each a subquery over a JSON array bound as its one
// parameter: its integers, and its [text, text] pairs. (SQLite's json_each; PostgreSQL's json functions.)
inline std::string jsonIntegersSql(Backend backend) {
    return backend == Backend::Sqlite ? "SELECT value FROM json_each(?)"
                                      : "SELECT value::bigint FROM json_array_elements_text(?::json)";
}
inline std::string jsonTextPairsSql(Backend backend) {
    return backend == Backend::Sqlite ? "SELECT value ->> 0, value ->> 1 FROM json_each(?)"
                                      : "SELECT value ->> 0, value ->> 1 FROM json_array_elements(?::json)";
}

// "postgresql://..." or "postgres://..." (a libpq URL), or a libpq keyword string ("host=... dbname=...").
bool isPostgresName(std::string_view name);

// A PostgreSQL URL or keyword string as it may be shown: a password in it replaced by "***".
std::string withoutPassword(const std::string& url);

std::unique_ptr<Connection> openSqlite(const std::string& path, bool readOnly);
std::unique_ptr<Connection> openPostgres(const std::string& url, bool readOnly);

}  // namespace sipscope::store::detail
