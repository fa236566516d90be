// The PostgreSQL side of the backend seam (connection.hpp), through libpq: the shared store of many capture points.
// Statements are prepared on the server once; SQLite's "?" and "?N" parameters become "$N". Values travel as text
// (integers, doubles) or binary (blobs); results come back as text and are converted here, so the callers read
// integers, doubles and bytes exactly as they do from SQLite.
#include "common/error.hpp"
#include "store/detail/connection.hpp"

#include <libpq-fe.h>

#include <algorithm>
#include <cassert>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <vector>

namespace sipscope::store::detail {

namespace {

constexpr Oid ByteaOid = 17;
constexpr Oid BoolOid = 16;

// SQLite's parameters as PostgreSQL's: "?" is the next number after the largest so far, "?N" is N; quoted text and
// identifiers are left alone. `count` receives the largest number.
std::string postgresParameters(std::string_view sql, int& count) {
    std::string out;
    out.reserve(sql.size() + 16);
    count = 0;
    char quote = 0;
    for (std::size_t i = 0; i < sql.size(); ++i) {
        const char c = sql[i];
        if (quote) {
            out += c;
            if (c == quote)
                quote = 0;
            continue;
        }
        if (c == '\'' || c == '"') {
            quote = c;
            out += c;
            continue;
        }
        if (c != '?') {
            out += c;
            continue;
        }
        int number = 0;
        std::size_t j = i + 1;
        while (j < sql.size() && sql[j] >= '0' && sql[j] <= '9')
            number = number * 10 + (sql[j++] - '0');
        if (j == i + 1)
            number = count + 1;
        i = j - 1;
        count = std::max(count, number);
        out += '$';
        out += std::to_string(number);
    }
    return out;
}

struct ResultDeleter {
    void operator()(PGresult* result) const { PQclear(result); }
};
using Result = std::unique_ptr<PGresult, ResultDeleter>;

std::string errorText(PGconn* conn, const PGresult* result) {
    // The server's message on one line: "ERROR:  x\nLINE 1: ...\nHINT: y" as "x; LINE 1: ...; HINT: y".
    std::string why = result ? PQresultErrorMessage(result) : PQerrorMessage(conn);
    if (why.rfind("ERROR:  ", 0) == 0)
        why.erase(0, 8);
    while (!why.empty() && (why.back() == '\n' || why.back() == ' '))
        why.pop_back();
    for (std::size_t at = why.find('\n'); at != std::string::npos; at = why.find('\n', at))
        why.replace(at,
                    why.find_first_not_of("\n\t ", at) == std::string::npos ? why.size() - at
                                                                            : why.find_first_not_of("\n\t ", at) - at,
                    "; ");
    return why;
}

// The connection as the statements share it. A COPY is sent without waiting for its answer, so that the writer
// builds its next rows while the server stores these; the answer (and its error) is read before anything else goes
// to the server.
struct Session {
    PGconn* conn = nullptr;
    std::string name;         // the URL without its password
    std::string pendingCopy;  // the table of a COPY whose answer is not read yet

    void drain() {
        if (pendingCopy.empty())
            return;
        const std::string table = std::move(pendingCopy);
        pendingCopy.clear();
        std::string why;
        while (PGresult* result = PQgetResult(conn)) {
            if (PQresultStatus(result) != PGRES_COMMAND_OK && why.empty())
                why = errorText(conn, result);
            PQclear(result);
        }
        if (!why.empty())
            throw Error(name + ": database error writing " + table + ": " + why);
    }
};

class PostgresStatement final : public StatementImpl {
public:
    // Nothing is sent yet: a statement run once (most of the reader's) goes as one unnamed round trip; one run
    // again is prepared on the server at its second run, and reused from then on.
    PostgresStatement(Session& session, const std::string& name, std::string_view sql)
        : m_session(session), m_conn(session.conn), m_name(name), m_dbName(session.name),
          m_sql(postgresParameters(sql, m_parameters)) {
        m_values.resize(static_cast<std::size_t>(m_parameters));
        m_isNull.assign(static_cast<std::size_t>(m_parameters), true);
        m_isBinary.assign(static_cast<std::size_t>(m_parameters), 0);
        m_pointers.resize(static_cast<std::size_t>(m_parameters));
        m_lengths.resize(static_cast<std::size_t>(m_parameters));
    }
    ~PostgresStatement() override {
        if (!m_isPrepared)
            return;
        try {
            m_session.drain();
        } catch (const Error&) {
            // reported by whoever runs the next statement or COMMIT: this one only goes
        }
        const std::string deallocate = "DEALLOCATE " + m_name;
        PQclear(PQexec(m_conn, deallocate.c_str()));
    }
    PostgresStatement(const PostgresStatement&) = delete;
    PostgresStatement& operator=(const PostgresStatement&) = delete;

    void bindNull(int index) override { slot(index, true, 0).clear(); }
    void bindInt(int index, std::int64_t value) override {
        char digits[24];
        const auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
        slot(index, false, 0).assign(digits, end);
    }
    void bindDouble(int index, double value) override {
        char digits[32];
        const int size = std::snprintf(digits, sizeof digits, "%.17g", value);
        slot(index, false, 0).assign(digits, static_cast<std::size_t>(size));
    }
    void bindText(int index, std::string_view text, bool) override {
        // PostgreSQL's text cannot hold a NUL byte: one in SIP text (rare, malformed) is stored as the four
        // characters \x00 rather than failing the batch.
        std::string& value = slot(index, false, 0);
        if (text.find('\0') == std::string_view::npos) {
            value.assign(text);
            return;
        }
        value.clear();
        for (const char c : text) {
            if (c)
                value.push_back(c);
            else
                value.append("\\x00");
        }
    }
    void bindBlob(int index, std::string_view bytes) override { slot(index, false, 1).assign(bytes); }

    bool step() override {
        if (!m_result) {
            m_session.drain();
            for (std::size_t i = 0; i < m_values.size(); ++i) {
                m_pointers[i] = m_isNull[i] ? nullptr : m_values[i].data();
                m_lengths[i] = static_cast<int>(m_values[i].size());
            }
            if (m_runs++ == 1) {
                Result prepared(PQprepare(m_conn, m_name.c_str(), m_sql.c_str(), 0, nullptr));
                if (PQresultStatus(prepared.get()) != PGRES_COMMAND_OK)
                    throw Error(m_dbName + ": database error preparing a query: " + errorText(m_conn, prepared.get()) +
                                " in: " + m_sql.substr(0, 160));
                m_isPrepared = true;
            }
            if (m_isPrepared)
                m_result.reset(PQexecPrepared(m_conn, m_name.c_str(), m_parameters, m_pointers.data(), m_lengths.data(),
                                              m_isBinary.data(), 0));
            else
                m_result.reset(PQexecParams(m_conn, m_sql.c_str(), m_parameters, nullptr, m_pointers.data(),
                                            m_lengths.data(), m_isBinary.data(), 0));
            const ExecStatusType status = PQresultStatus(m_result.get());
            if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
                const std::string why = errorText(m_conn, m_result.get());
                m_result.reset();
                throw Error(m_dbName + ": database error: " + why + " in: " + m_sql.substr(0, 160));
            }
            m_rows = PQntuples(m_result.get());
            m_columns = PQnfields(m_result.get());
            m_decoded.resize(static_cast<std::size_t>(m_columns));
            m_row = -1;
        }
        if (m_row + 1 >= m_rows) {
            m_row = m_rows;
            return false;
        }
        ++m_row;
        for (auto& decoded : m_decoded)
            decoded.valid = false;
        return true;
    }
    void reset(bool clearBindings) override {
        m_result.reset();
        m_rows = 0;
        m_row = -1;
        if (clearBindings)
            m_isNull.assign(m_isNull.size(), true);
    }
    int parameterCount() const override { return m_parameters; }
    int columnCount() const override {
        if (m_runs == 0 && m_columns < 0) {  // asked before the first run: the server describes the statement
            m_session.drain();
            Result prepared(PQprepare(m_conn, "", m_sql.c_str(), 0, nullptr));
            Result described(PQdescribePrepared(m_conn, ""));
            m_columns = PQresultStatus(described.get()) == PGRES_COMMAND_OK ? PQnfields(described.get()) : 0;
        }
        return std::max(m_columns, 0);
    }
    bool columnIsNull(int column) const override { return PQgetisnull(m_result.get(), m_row, column) != 0; }
    std::int64_t columnInt(int column) const override {
        const char* text = PQgetvalue(m_result.get(), m_row, column);
        if (PQftype(m_result.get(), column) == BoolOid)
            return text[0] == 't' ? 1 : 0;
        std::int64_t value = 0;
        const std::size_t size = static_cast<std::size_t>(PQgetlength(m_result.get(), m_row, column));
        const auto [end, error] = std::from_chars(text, text + size, value);
        if (error == std::errc() && end == text + size)
            return value;
        return static_cast<std::int64_t>(std::strtod(text, nullptr));  // a numeric or double: truncated, as SQLite
    }
    double columnDouble(int column) const override {
        const char* text = PQgetvalue(m_result.get(), m_row, column);
        if (PQftype(m_result.get(), column) == BoolOid)
            return text[0] == 't' ? 1 : 0;
        return std::strtod(text, nullptr);
    }
    std::string_view columnText(int column) const override {
        const Oid type = PQftype(m_result.get(), column);
        if (type == ByteaOid)
            return columnBlob(column);
        if (type == BoolOid)  // as SQLite gives a comparison: 1 or 0
            return columnInt(column) ? "1" : "0";
        return {PQgetvalue(m_result.get(), m_row, column),
                static_cast<std::size_t>(PQgetlength(m_result.get(), m_row, column))};
    }
    std::string_view columnBlob(int column) const override {
        if (PQftype(m_result.get(), column) != ByteaOid || columnIsNull(column))
            return {PQgetvalue(m_result.get(), m_row, column),
                    static_cast<std::size_t>(PQgetlength(m_result.get(), m_row, column))};
        Decoded& decoded = m_decoded[static_cast<std::size_t>(column)];
        if (!decoded.valid) {
            // bytea in its hex text form: "\x" and two digits a byte.
            const char* text = PQgetvalue(m_result.get(), m_row, column);
            const auto size = static_cast<std::size_t>(PQgetlength(m_result.get(), m_row, column));
            decoded.bytes.clear();
            auto nibble = [](char c) { return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10; };
            for (std::size_t i = 2; i + 1 < size; i += 2)
                decoded.bytes.push_back(static_cast<char>(nibble(text[i]) << 4 | nibble(text[i + 1])));
            decoded.valid = true;
        }
        return decoded.bytes;
    }

private:
    struct Decoded {
        std::string bytes;
        bool valid = false;
    };

    std::string& slot(int index, bool isNull, int format) {
        assert(index >= 1 && index <= m_parameters && "bind: no such parameter in the SQL");
        const auto i = static_cast<std::size_t>(index - 1);
        m_isNull[i] = isNull;
        m_isBinary[i] = format;
        return m_values[i];
    }

    Session& m_session;
    PGconn* m_conn;
    std::string m_name;
    const std::string& m_dbName;
    int m_parameters = 0;
    std::string m_sql;  // with $N parameters
    int m_runs = 0;
    bool m_isPrepared = false;
    mutable int m_columns = -1;  // -1 until run or described
    std::vector<std::string> m_values;
    std::vector<bool> m_isNull;
    std::vector<int> m_isBinary;
    std::vector<const char*> m_pointers;
    std::vector<int> m_lengths;
    Result m_result;
    int m_rows = 0;
    int m_row = -1;
    mutable std::vector<Decoded> m_decoded;
};

class PostgresConnection final : public Connection {
public:
    PostgresConnection(const std::string& url, bool readOnly) : m_name(withoutPassword(url)) {
        m_conn = PQconnectdb(url.c_str());
        m_session.conn = m_conn;
        m_session.name = m_name;
        if (!m_conn || PQstatus(m_conn) != CONNECTION_OK) {
            std::string why = m_conn ? errorText(m_conn, nullptr) : "out of memory";
            PQfinish(m_conn);
            throw Error(m_name + ": cannot connect to the PostgreSQL server: " + why +
                        " (check the URL, that the server runs, and that the role may log in)");
        }
        PQsetNoticeProcessor(
            m_conn, [](void*, const char*) {}, nullptr);
        exec("SET client_min_messages = warning");
        if (readOnly)
            exec("SET default_transaction_read_only = on");
    }
    ~PostgresConnection() override { PQfinish(m_conn); }
    PostgresConnection(const PostgresConnection&) = delete;
    PostgresConnection& operator=(const PostgresConnection&) = delete;

    Backend backend() const override { return Backend::Postgres; }
    const std::string& name() const override { return m_name; }
    std::unique_ptr<StatementImpl> prepare(std::string_view sql) override {
        return std::make_unique<PostgresStatement>(m_session, nextStatementName(), sql);
    }
    void exec(const std::string& sql) override {
        m_session.drain();
        Result result(PQexec(m_conn, sql.c_str()));
        const ExecStatusType status = PQresultStatus(result.get());
        if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
            throw Error(m_name + ": database error: " + errorText(m_conn, result.get()));
    }
    void rollbackQuietly() override {
        try {
            m_session.drain();
        } catch (const Error&) {
            // the batch that failed is what is rolled back
        }
        PQclear(PQexec(m_conn, "ROLLBACK"));
    }
    void beginWrite() override { exec("BEGIN"); }
    void beginRead() override { exec("BEGIN ISOLATION LEVEL REPEATABLE READ"); }
    bool hasTable(std::string_view name) override { return hasObject("r", name); }
    bool hasIndex(std::string_view name) override { return hasObject("i", name); }
    std::int64_t dataVersion() override {
        // Where the server's write-ahead log ends: it moves with every change committed to any table.
        PostgresStatement stmt(m_session, "data_version", "SELECT pg_wal_lsn_diff(pg_current_wal_insert_lsn(), '0/0')");
        return stmt.step() ? stmt.columnInt(0) : 0;
    }
    void copyRows(const CopyRows& rows) override {
        m_session.drain();
        const std::string sql = "COPY " + rows.table + " FROM STDIN WITH (FORMAT binary)";
        Result started(PQexec(m_conn, sql.c_str()));
        if (PQresultStatus(started.get()) != PGRES_COPY_IN)
            throw Error(m_name + ": database error starting " + sql + ": " + errorText(m_conn, started.get()));
        if (PQputCopyData(m_conn, rows.data.data(), static_cast<int>(rows.data.size())) != 1 ||
            PQputCopyEnd(m_conn, nullptr) != 1)
            throw Error(m_name + ": database error sending rows: " + errorText(m_conn, nullptr));
        m_session.pendingCopy = rows.table.substr(0, rows.table.find('('));  // answered before the next command
    }

private:
    std::string nextStatementName() {
        std::string name = "s";  // appended, not "s" + ...: GCC 12 warns falsely (-Wrestrict) on that
        name += std::to_string(++m_statements);
        return name;
    }
    bool hasObject(const char* kind, std::string_view name) {
        PostgresStatement stmt(m_session, nextStatementName(),
                               "SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                               "WHERE c.relkind = ? AND c.relname = ? AND n.nspname = current_schema()");
        stmt.bindText(1, kind, false);
        stmt.bindText(2, name, false);
        return stmt.step();
    }

    PGconn* m_conn = nullptr;
    std::string m_name;
    Session m_session;
    std::uint64_t m_statements = 0;
};

}  // namespace

std::string withoutPassword(const std::string& url) {
    std::string shown = url;
    if (const std::size_t scheme = shown.find("://"); scheme != std::string::npos) {
        const std::size_t at = shown.find('@', scheme + 3);
        const std::size_t colon = shown.find(':', scheme + 3);
        if (at != std::string::npos && colon != std::string::npos && colon < at)
            shown.replace(colon + 1, at - colon - 1, "***");
    }
    if (const std::size_t key = shown.find("password="); key != std::string::npos) {
        const std::size_t end = shown.find_first_of(" &", key);
        shown.replace(key + 9, (end == std::string::npos ? shown.size() : end) - key - 9, "***");
    }
    return shown;
}

bool isPostgresName(std::string_view name) {
    return name.rfind("postgresql://", 0) == 0 || name.rfind("postgres://", 0) == 0 ||
           name.find("dbname=") != std::string_view::npos;
}

std::unique_ptr<Connection> openPostgres(const std::string& url, bool readOnly) {
    return std::make_unique<PostgresConnection>(url, readOnly);
}

}  // namespace sipscope::store::detail
