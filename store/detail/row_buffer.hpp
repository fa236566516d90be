// Rows of one table gathered during a batch and written with multi-row INSERTs (RowsPerStatement rows a step):
// SQLite's cost per statement step (the VM start, reset, bindings cleared) is paid once per many rows. Values
// are kept as they are given (text as views), so whatever they point into must live until flush().
#pragma once

#include "store/detail/statement.hpp"

#include <algorithm>
#include <cassert>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace sipscope::store::detail {

// "head (?,?,?),(?,?,?)": the VALUES of a multi-row INSERT, `rows` rows of `columns` parameters.
inline std::string valuesSql(std::string_view head, std::size_t columns, std::size_t rows) {
    std::string out(head);
    for (std::size_t r = 0; r < rows; ++r) {
        out += r ? ",(" : " (";
        for (std::size_t c = 0; c < columns; ++c)
            out += c ? ",?" : "?";
        out += ')';
    }
    return out;
}

// How many columns the column list of an INSERT head names ("INSERT INTO t(a, b) VALUES": 2), for the assertions.
inline std::size_t insertColumnCount(std::string_view head) {
    const std::size_t open = head.find('(');
    const std::size_t close = head.find(')', open);
    if (open == std::string_view::npos || close == std::string_view::npos)
        return 0;
    const std::string_view list = head.substr(open, close - open);
    return static_cast<std::size_t>(std::count(list.begin(), list.end(), ',')) + 1;
}

// A value of RowBuffer::row() written as NULL when it is 0 or empty: the "none" of most optional fields.
template <typename T>
struct OrNull {
    const T& value;
};
template <typename T>
OrNull<T> orNull(const T& value) {
    return {value};
}
// A text value of RowBuffer::row() that may be NULL whatever it holds (an empty text is not NULL).
struct NullableText {
    std::string_view text;
    bool isNull = false;
};

class RowBuffer {
public:
    static constexpr std::size_t RowsPerStatement = 32;

    // `head` is the statement up to VALUES ("INSERT INTO t(a, b) VALUES"); `columns` the values per row.
    RowBuffer(sqlite3* db, std::string_view head, std::size_t columns)
        : m_columns(columns), m_many(db, valuesSql(head, columns, RowsPerStatement)),
          m_one(db, valuesSql(head, columns, 1)) {
        assert(insertColumnCount(head) == columns && "RowBuffer: `columns` differs from the INSERT's column list");
        assert(static_cast<int>(columns * RowsPerStatement) <= sqlite3_limit(db, SQLITE_LIMIT_VARIABLE_NUMBER, -1) &&
               "RowBuffer: a multi-row INSERT would pass SQLite's limit of bound parameters");
        m_values.reserve(columns * RowsPerStatement * 16);
    }

    // One whole row, its values in the order of the INSERT's columns: integers (bools too), text (std::string,
    // std::string_view, NullableText), nullptr for NULL, orNull(value).
    template <typename... Values>
    void row(const Values&... values) {
        assert(sizeof...(Values) == m_columns && "RowBuffer::row: one value per column of the INSERT");
        (add(values), ...);
    }

    void integer(std::int64_t value) { m_values.push_back({Kind::Integer, value, {}}); }
    void text(std::string_view value) { m_values.push_back({Kind::Text, 0, value}); }
    void null() { m_values.push_back({Kind::Null, 0, {}}); }
    // NULL when the value is 0 (the "none" of most optional fields).
    void integerOrNull(std::int64_t value) { value ? integer(value) : null(); }
    void textOrNull(std::string_view value) { value.empty() ? null() : text(value); }

    // Writes every row given since the last flush.
    void flush() {
        assert(m_values.size() % m_columns == 0 && "RowBuffer: a row was given more or fewer values than columns");
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

    template <typename T, typename = std::enable_if_t<std::is_integral_v<T>>>
    void add(T value) {
        integer(static_cast<std::int64_t>(value));
    }
    void add(std::string_view value) { text(value); }
    void add(const std::string& value) { text(value); }
    void add(const NullableText& value) { value.isNull ? null() : text(value.text); }
    void add(std::nullptr_t) { null(); }
    template <typename T>
    void add(OrNull<T> value) {
        if constexpr (std::is_integral_v<T>)
            integerOrNull(static_cast<std::int64_t>(value.value));
        else
            textOrNull(value.value);
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
