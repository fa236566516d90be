// A prepared SQLite statement with RAII and binding helpers; every SQL value from packets goes through bind().
// Debug builds assert that every parameter and column index is one the statement has.
#pragma once

#include "common/error.hpp"

#include <sqlite3.h>

#include <cassert>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sipscope::store::detail {

class Statement {
public:
    Statement(sqlite3* db, std::string_view sql) : m_db(db) {
        if (sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &m_stmt,
                               nullptr) != SQLITE_OK)
            throw Error(std::string("database error preparing a query: ") + sqlite3_errmsg(db) +
                        " in: " + std::string(sql.substr(0, 120)));
    }
    ~Statement() { sqlite3_finalize(m_stmt); }
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    // Text bound without copying: the bytes must stay valid until the step that uses them (SQLITE_STATIC).
    void bindView(int index, std::string_view text) {
        assertParameter(index);
        check(sqlite3_bind_text(m_stmt, index, text.data(), static_cast<int>(text.size()), SQLITE_STATIC));
    }
    void bindText(int index, const std::string& text) {
        assertParameter(index);
        check(sqlite3_bind_text(m_stmt, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT));
    }
    void bindBlob(int index, std::string_view bytes) {
        assertParameter(index);
        check(sqlite3_bind_blob(m_stmt, index, bytes.data(), static_cast<int>(bytes.size()), SQLITE_STATIC));
    }
    void bindInt(int index, std::int64_t value) {
        assertParameter(index);
        check(sqlite3_bind_int64(m_stmt, index, value));
    }
    void bindDouble(int index, double value) {
        assertParameter(index);
        check(sqlite3_bind_double(m_stmt, index, value));
    }
    void bindNull(int index) {
        assertParameter(index);
        check(sqlite3_bind_null(m_stmt, index));
    }
    template <typename T>
    void bindOptional(int index, const std::optional<T>& value) {
        if (value)
            bindInt(index, *value);
        else
            bindNull(index);
    }

    // Returns true while there is a row.
    bool step() {
        const int rc = sqlite3_step(m_stmt);
        if (rc == SQLITE_ROW)
            return true;
        if (rc == SQLITE_DONE)
            return false;
        throw Error(std::string("database error: ") + sqlite3_errmsg(m_db));
    }
    void reset() {
        sqlite3_reset(m_stmt);
        sqlite3_clear_bindings(m_stmt);
    }
    // For a statement whose every parameter is bound again before each step (the bulk inserts): no need to clear.
    void resetKeepingBindings() { sqlite3_reset(m_stmt); }

    int parameterCount() const { return sqlite3_bind_parameter_count(m_stmt); }
    int columnCount() const { return sqlite3_column_count(m_stmt); }

    std::int64_t columnInt(int column) const {
        assertColumn(column);
        return sqlite3_column_int64(m_stmt, column);
    }
    double columnDouble(int column) const {
        assertColumn(column);
        return sqlite3_column_double(m_stmt, column);
    }
    bool columnIsNull(int column) const {
        assertColumn(column);
        return sqlite3_column_type(m_stmt, column) == SQLITE_NULL;
    }
    std::string columnText(int column) const {
        assertColumn(column);
        const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(m_stmt, column));
        return text ? std::string(text, static_cast<std::size_t>(sqlite3_column_bytes(m_stmt, column))) : std::string();
    }
    // The bytes of a BLOB (or text) column, valid until the next step or reset.
    std::string_view columnBlob(int column) const {
        assertColumn(column);
        const void* bytes = sqlite3_column_blob(m_stmt, column);
        return bytes ? std::string_view(static_cast<const char*>(bytes),
                                        static_cast<std::size_t>(sqlite3_column_bytes(m_stmt, column)))
                     : std::string_view();
    }
    std::optional<std::string> columnOptionalText(int column) const {
        if (columnIsNull(column))
            return std::nullopt;
        return columnText(column);
    }
    std::optional<int> columnOptionalInt(int column) const {
        if (columnIsNull(column))
            return std::nullopt;
        return static_cast<int>(columnInt(column));
    }

    // Reads the row's columns into `fields`, the first column into the first field and so on: one list says which
    // column goes where, in the order of the SELECT. Every column must have its field (asserted).
    template <typename... Fields>
    void readRow(Fields&... fields) const {
        assert(static_cast<int>(sizeof...(Fields)) == columnCount() && "readRow: one field per column of the SELECT");
        int column = 0;
        (readColumn(column++, fields), ...);
    }

private:
    void readColumn(int column, std::int64_t& field) const { field = columnInt(column); }
    void readColumn(int column, int& field) const { field = static_cast<int>(columnInt(column)); }
    void readColumn(int column, std::uint32_t& field) const { field = static_cast<std::uint32_t>(columnInt(column)); }
    void readColumn(int column, bool& field) const { field = columnInt(column) != 0; }
    void readColumn(int column, std::string& field) const { field = columnText(column); }
    void readColumn(int column, std::optional<int>& field) const { field = columnOptionalInt(column); }
    void readColumn(int column, std::optional<std::int64_t>& field) const {
        field = columnIsNull(column) ? std::nullopt : std::optional(columnInt(column));
    }
    void readColumn(int column, std::optional<std::string>& field) const { field = columnOptionalText(column); }

    void assertParameter([[maybe_unused]] int index) const {
        assert(index >= 1 && index <= sqlite3_bind_parameter_count(m_stmt) && "bind: no such parameter in the SQL");
    }
    void assertColumn([[maybe_unused]] int column) const {
        assert(column >= 0 && column < sqlite3_column_count(m_stmt) && "column index past the SELECT's columns");
    }
    void check(int rc) {
        if (rc != SQLITE_OK)
            throw Error(std::string("database error binding a value: ") + sqlite3_errmsg(m_db));
    }

    sqlite3* m_db;
    sqlite3_stmt* m_stmt = nullptr;
};

// Runs a query that returns one integer (or `fallback` when it returns no row or NULL).
inline std::int64_t queryInt(sqlite3* db, std::string_view sql, std::int64_t fallback = 0) {
    Statement stmt(db, sql);
    if (stmt.step() && !stmt.columnIsNull(0))
        return stmt.columnInt(0);
    return fallback;
}

}  // namespace sipscope::store::detail
