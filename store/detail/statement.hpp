// A prepared statement (SQLite or PostgreSQL, connection.hpp) with RAII and binding helpers; every SQL value from
// packets goes through bind(). Debug builds assert that every parameter and column index is one the statement has.
#pragma once

#include "common/error.hpp"

#include "store/detail/connection.hpp"

#include <cassert>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace sipscope::store::detail {

class Statement {
public:
    Statement(Connection& db, std::string_view sql) : m_impl(db.prepare(sql)) {}

    // Text bound without copying: the bytes must stay valid until the step that uses them.
    void bindView(int index, std::string_view text) {
        assertParameter(index);
        m_impl->bindText(index, text, false);
    }
    void bindText(int index, const std::string& text) {
        assertParameter(index);
        m_impl->bindText(index, text, true);
    }
    void bindBlob(int index, std::string_view bytes) {
        assertParameter(index);
        m_impl->bindBlob(index, bytes);
    }
    void bindInt(int index, std::int64_t value) {
        assertParameter(index);
        m_impl->bindInt(index, value);
    }
    void bindDouble(int index, double value) {
        assertParameter(index);
        m_impl->bindDouble(index, value);
    }
    void bindNull(int index) {
        assertParameter(index);
        m_impl->bindNull(index);
    }
    template <typename T>
    void bindOptional(int index, const std::optional<T>& value) {
        if (value)
            bindInt(index, *value);
        else
            bindNull(index);
    }

    // Returns true while there is a row.
    bool step() { return m_impl->step(); }
    void reset() { m_impl->reset(true); }
    // For a statement whose every parameter is bound again before each step (the bulk inserts): no need to clear.
    void resetKeepingBindings() { m_impl->reset(false); }

    int parameterCount() const { return m_impl->parameterCount(); }
    int columnCount() const { return m_impl->columnCount(); }

    std::int64_t columnInt(int column) const {
        assertColumn(column);
        return m_impl->columnInt(column);
    }
    double columnDouble(int column) const {
        assertColumn(column);
        return m_impl->columnDouble(column);
    }
    bool columnIsNull(int column) const {
        assertColumn(column);
        return m_impl->columnIsNull(column);
    }
    std::string columnText(int column) const {
        assertColumn(column);
        return std::string(m_impl->columnText(column));
    }
    // The bytes of a BLOB (or text) column, valid until the next step or reset.
    std::string_view columnBlob(int column) const {
        assertColumn(column);
        return m_impl->columnBlob(column);
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
        assert(index >= 1 && index <= m_impl->parameterCount() && "bind: no such parameter in the SQL");
    }
    void assertColumn([[maybe_unused]] int column) const {
        assert(column >= 0 && column < m_impl->columnCount() && "column index past the SELECT's columns");
    }

    std::unique_ptr<StatementImpl> m_impl;
};

// Runs a query that returns one integer (or `fallback` when it returns no row or NULL).
inline std::int64_t queryInt(Connection& db, std::string_view sql, std::int64_t fallback = 0) {
    Statement stmt(db, sql);
    if (stmt.step() && !stmt.columnIsNull(0))
        return stmt.columnInt(0);
    return fallback;
}

}  // namespace sipscope::store::detail
