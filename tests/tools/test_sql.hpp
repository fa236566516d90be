// Plain SQL on a test's database, whichever backend it is (test::TempDir::database()): for the changes and checks
// the store's API does not make -- an older schema made by hand, a damaged value, a row counted.
#pragma once

#include "store/database.hpp"
#include "store/detail/connection.hpp"
#include "store/detail/statement.hpp"

#include <memory>
#include <string>

namespace sipscope::test {

// A connection without the schema checks and upgrades a store::Database makes when it opens.
inline std::unique_ptr<store::detail::Connection> connectTo(const std::string& database, bool readOnly = false) {
    return store::isPostgresDatabase(database) ? store::detail::openPostgres(database, readOnly)
                                               : store::detail::openSqlite(database, readOnly);
}

inline void execSql(const std::string& database, const std::string& sql) { connectTo(database)->exec(sql); }

// The first row of `sql`, its columns joined by "|" (NULL as "NULL"); "" when there is none.
inline std::string queryRow(const std::string& database, const std::string& sql) {
    const auto connection = connectTo(database);
    store::detail::Statement statement(*connection, sql);
    std::string text;
    if (statement.step())
        for (int column = 0; column < statement.columnCount(); ++column)
            text += (column ? "|" : "") + (statement.columnIsNull(column) ? "NULL" : statement.columnText(column));
    return text;
}

}  // namespace sipscope::test
