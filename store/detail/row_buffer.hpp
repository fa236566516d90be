// Rows of one table gathered during a batch and written with multi-row INSERTs (RowsPerStatement rows a step):
// SQLite's cost per statement step (the VM start, reset, bindings cleared) is paid once per many rows. Values
// are kept as they are given (text as views), so whatever they point into must live until flush().
#pragma once

#include "store/detail/statement.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sipscope::store::detail {

class RowBuffer {
public:
    static constexpr std::size_t RowsPerStatement = 32;

    // `head` is the statement up to VALUES ("INSERT INTO t(a, b) VALUES"); `columns` the values per row.
    RowBuffer(sqlite3* db, std::string_view head, std::size_t columns)
        : m_columns(columns), m_many(db, sql(head, columns, RowsPerStatement)), m_one(db, sql(head, columns, 1)) {
        m_values.reserve(columns * RowsPerStatement * 16);
    }

    void integer(std::int64_t value) { m_values.push_back({Kind::Integer, value, {}}); }
    void text(std::string_view value) { m_values.push_back({Kind::Text, 0, value}); }
    void null() { m_values.push_back({Kind::Null, 0, {}}); }
    // NULL when the value is 0 (the "none" of most optional fields).
    void integerOrNull(std::int64_t value) { value ? integer(value) : null(); }
    void textOrNull(std::string_view value) { value.empty() ? null() : text(value); }

    // Writes every row given since the last flush.
    void flush() {
        const std::size_t rows = m_values.size() / m_columns;
        std::size_t row = 0;
        for (; rows - row >= RowsPerStatement; row += RowsPerStatement)
            run(m_many, row, RowsPerStatement);
        for (; row < rows; ++row)
            run(m_one, row, 1);
        m_values.clear();
    }

private:
    enum class Kind : std::uint8_t { Null, Integer, Text };
    struct Value {
        Kind kind;
        std::int64_t integer;
        std::string_view text;
    };

    static std::string sql(std::string_view head, std::size_t columns, std::size_t rows) {
        std::string out(head);
        for (std::size_t r = 0; r < rows; ++r) {
            out += r ? ",(" : " (";
            for (std::size_t c = 0; c < columns; ++c)
                out += c ? ",?" : "?";
            out += ')';
        }
        return out;
    }

    void run(Statement& statement, std::size_t firstRow, std::size_t rows) {
        const Value* value = m_values.data() + firstRow * m_columns;
        const int count = static_cast<int>(rows * m_columns);
        for (int p = 1; p <= count; ++p, ++value) {
            switch (value->kind) {
            case Kind::Null: statement.bindNull(p); break;
            case Kind::Integer: statement.bindInt(p, value->integer); break;
            case Kind::Text: statement.bindView(p, value->text); break;
            }
        }
        statement.step();
        statement.resetKeepingBindings();
    }

    std::size_t m_columns;
    Statement m_many;
    Statement m_one;
    std::vector<Value> m_values;
};

}  // namespace sipscope::store::detail
