// Rows of one table gathered during a batch and written together. On SQLite, with multi-row INSERTs (many rows a
// step): SQLite's cost per statement step (the VM start, reset, bindings cleared) is paid once per many rows. On
// PostgreSQL, plain inserts go as one COPY, and inserts with an ON CONFLICT tail as multi-row INSERTs, one round
// trip per many rows. Values are kept as they are given (text as views), so whatever they point into must live
// until flush().
#pragma once

#include "store/detail/statement.hpp"

#include <algorithm>
#include <atomic>
#include <cassert>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace sipscope::store::detail {

class Connection;

// "head (?,?,?),(?,?,?) tail": a multi-row INSERT, `rows` rows of `columns` parameters.
inline std::string valuesSql(std::string_view head, std::size_t columns, std::size_t rows, std::string_view tail = {}) {
    std::string out(head);
    for (std::size_t r = 0; r < rows; ++r) {
        out += r ? ",(" : " (";
        for (std::size_t c = 0; c < columns; ++c)
            out += c ? ",?" : "?";
        out += ')';
    }
    return out.append(tail);
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

// The columns of an INSERT head: "INSERT INTO t(a, b) VALUES" gives "t(a, b)".
inline std::string_view insertTarget(std::string_view head) {
    const std::size_t into = head.find("INTO ");
    const std::size_t close = head.find(')');
    return into == std::string_view::npos || close == std::string_view::npos
               ? std::string_view()
               : head.substr(into + 5, close + 1 - (into + 5));
}

// The tail that makes an INSERT an upsert: " ON CONFLICT(k) DO UPDATE SET a = excluded.a, ...", the key being the
// first `keyColumns` columns of the head's list and every other column taking the new row's value. The same SQL on
// SQLite and PostgreSQL (SQLite's INSERT OR REPLACE is its own).
inline std::string replaceTail(std::string_view head, std::size_t keyColumns) {
    std::string_view list = insertTarget(head);
    list = list.substr(list.find('(') + 1);
    list.remove_suffix(1);
    std::string keys;
    std::string sets;
    for (std::size_t column = 0; !list.empty(); ++column) {
        const std::size_t comma = list.find(',');
        std::string_view name = list.substr(0, comma);
        while (!name.empty() && name.front() == ' ')
            name.remove_prefix(1);
        if (column < keyColumns)
            keys.append(keys.empty() ? "" : ", ").append(name);
        else
            sets.append(sets.empty() ? "" : ", ").append(name).append(" = excluded.").append(name);
        list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
    }
    return " ON CONFLICT(" + keys + ") DO UPDATE SET " + sets;
}
inline constexpr std::string_view IgnoreTail = " ON CONFLICT DO NOTHING";

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
// Bytes of a RowBuffer::row() written as a BLOB (bytea).
struct Blob {
    std::string_view bytes;
};

class RowBuffer {
public:
    static constexpr std::size_t RowsPerStatement = 32;

    // `head` is the statement up to VALUES ("INSERT INTO t(a, b) VALUES"); `columns` the values per row; `tail`
    // what follows the values (replaceTail, IgnoreTail), empty for a plain insert.
    RowBuffer(Connection& db, std::string_view head, std::size_t columns, std::string_view tail = {},
              std::size_t rowsPerStatement = RowsPerStatement)
        : m_db(db), m_columns(columns), m_rowsPerStatement(rowsPerStatement),
          m_many(db, valuesSql(head, columns, rowsPerStatement, tail)), m_one(db, valuesSql(head, columns, 1, tail)) {
        assert(insertColumnCount(head) == columns && "RowBuffer: `columns` differs from the INSERT's column list");
        if (db.backend() == Backend::Postgres)
            prepareCopy(std::string(insertTarget(head)), tail);
        assert(columns * rowsPerStatement <= 32766 &&
               "RowBuffer: a multi-row INSERT would pass SQLite's default limit of bound parameters");
        m_values.reserve(columns * rowsPerStatement * 16);
    }

    // One whole row, its values in the order of the INSERT's columns: integers (bools too), text (std::string,
    // std::string_view, NullableText), Blob, nullptr for NULL, orNull(value).
    template <typename... Values>
    void row(const Values&... values) {
        assert(sizeof...(Values) == m_columns && "RowBuffer::row: one value per column of the INSERT");
        (add(values), ...);
    }

    void integer(std::int64_t value) { m_values.push_back({Kind::Integer, value, {}}); }
    void text(std::string_view value) { m_values.push_back({Kind::Text, 0, value}); }
    void blob(std::string_view value) { m_values.push_back({Kind::Blob, 0, value}); }
    void null() { m_values.push_back({Kind::Null, 0, {}}); }
    // NULL when the value is 0 (the "none" of most optional fields).
    void integerOrNull(std::int64_t value) { value ? integer(value) : null(); }
    void textOrNull(std::string_view value) { value.empty() ? null() : text(value); }
    std::size_t rows() const { return m_values.size() / m_columns; }

    // Writes every row given since the last flush.
    void flush() {
        assert(m_values.size() % m_columns == 0 && "RowBuffer: a row was given more or fewer values than columns");
        if (!m_copyTarget.empty()) {
            if (!m_values.empty()) {
                copy();
                if (!m_afterCopy.empty())
                    m_db.exec(m_afterCopy);
            }
            m_values.clear();
            return;
        }
        const std::size_t rows = m_values.size() / m_columns;
        std::size_t row = 0;
        for (; rows - row >= m_rowsPerStatement; row += m_rowsPerStatement)
            run(m_many, row, m_rowsPerStatement);
        for (; row < rows; ++row)
            run(m_one, row, 1);
        m_values.clear();
    }

private:
    enum class Kind : std::uint8_t { Null, Integer, Text, Blob };
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
    void add(const Blob& value) { blob(value.bytes); }
    template <typename T>
    void add(const std::optional<T>& value) {
        value ? add(*value) : null();
    }
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
            case Kind::Blob: statement.bindBlob(p, value->text); break;
            }
        }
        statement.step();
        statement.resetKeepingBindings();
    }

    // PostgreSQL: every row goes by COPY. A plain insert copies into its table; an upsert (a tail) into a temporary
    // table of the same columns, whose rows then go in with one INSERT .. SELECT and the tail: the last row given of
    // each key, as SQLite's multi-row upsert leaves it.
    void prepareCopy(const std::string& target, std::string_view tail) {
        if (tail.empty()) {
            m_copyTarget = target;
            return;
        }
        static std::atomic<int> stages{0};
        const std::string table = target.substr(0, target.find('('));
        const std::string columns = target.substr(target.find('('));
        const std::string list = columns.substr(1, columns.size() - 2);
        const std::string stage = "sipscope_stage_" + table + "_" + std::to_string(++stages);
        m_db.exec("CREATE TEMP TABLE IF NOT EXISTS " + stage + " AS SELECT " + list + " FROM " + table +
                  " WITH NO DATA; ALTER TABLE " + stage + " ADD COLUMN IF NOT EXISTS sipscope_seq bigserial");
        m_copyTarget = stage + columns;
        std::string keys;
        if (const std::size_t on = tail.find("ON CONFLICT("); on != std::string_view::npos) {
            const std::size_t open = on + 12;
            keys = std::string(tail.substr(open, tail.find(')', open) - open));
        }
        m_afterCopy = "INSERT INTO " + target + " SELECT " + (keys.empty() ? "" : "DISTINCT ON (" + keys + ") ") +
                      list + " FROM " + stage + (keys.empty() ? "" : " ORDER BY " + keys + ", sipscope_seq DESC") +
                      std::string(tail) + "; TRUNCATE " + stage;
    }

    // The rows in COPY's binary form: a header, then per row its field count and each value as a 32-bit length
    // (-1 for NULL) and its bytes: an integer as 8 bytes, most significant first (every integer column is a BIGINT
    // there), text and blobs as they are -- nothing for the server to parse. A NUL in text becomes the four
    // characters \x00, as PostgresStatement::bindText stores it.
    void copy() {
        std::string& out = m_copy.data;
        out.assign("PGCOPY\n\377\r\n\0", 11);
        appendBigEndian(out, std::uint32_t{0}, 4);  // flags
        appendBigEndian(out, std::uint32_t{0}, 4);  // header extension length
        m_copy.table.assign(m_copyTarget);
        for (std::size_t i = 0; i < m_values.size(); ++i) {
            if (i % m_columns == 0)
                appendBigEndian(out, m_columns, 2);
            const Value& value = m_values[i];
            switch (value.kind) {
            case Kind::Null: appendBigEndian(out, 0xffffffffu, 4); break;
            case Kind::Integer:
                appendBigEndian(out, 8u, 4);
                appendBigEndian(out, static_cast<std::uint64_t>(value.integer), 8);
                break;
            case Kind::Text:
                if (value.text.find('\0') != std::string_view::npos) {
                    std::string text;
                    for (const char c : value.text) {
                        if (c)
                            text.push_back(c);
                        else
                            text.append("\\x00");
                    }
                    appendBigEndian(out, text.size(), 4);
                    out += text;
                    break;
                }
                [[fallthrough]];
            case Kind::Blob:
                appendBigEndian(out, value.text.size(), 4);
                out += value.text;
                break;
            }
        }
        appendBigEndian(out, 0xffffu, 2);  // the end
        m_db.copyRows(m_copy);
    }
    template <typename T>
    static void appendBigEndian(std::string& out, T value, int bytes) {
        const auto bits = static_cast<std::uint64_t>(value);
        for (int shift = (bytes - 1) * 8; shift >= 0; shift -= 8)
            out.push_back(static_cast<char>((bits >> shift) & 0xff));
    }

    Connection& m_db;
    std::size_t m_columns;
    std::size_t m_rowsPerStatement;
    Statement m_many;
    Statement m_one;
    std::string m_copyTarget;  // PostgreSQL: "t(a, b)", where the rows go by COPY
    std::string m_afterCopy;   // PostgreSQL: the upsert from the temporary table, for an INSERT with a tail
    CopyRows m_copy;
    std::vector<Value> m_values;
};

}  // namespace sipscope::store::detail
