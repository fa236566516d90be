// store::Filter as SQL: the WHERE clauses of the listings and statistics, every filter value a bound parameter, the
// SQL text built only from fixed fragments. Internal to store/ (the Reader and its statistics queries).
#pragma once

#include "store/detail/statement.hpp"
#include "store/reader.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace sipscope::store::detail {

class Connection;

using BindValue = std::variant<std::int64_t, std::string>;

// WHERE clauses and their values, in order.
struct Where {
    std::string sql;
    std::vector<BindValue> values;

    void add(const std::string& clause, std::vector<BindValue> clauseValues);
    // Binds the values from parameter `index` on, leaving `index` after the last.
    void bind(Statement& stmt, int& index) const;
};

// ASCII lower case, as SQLite's lower() folds the columns the text filters compare with.
std::string lowerCase(std::string text);

// The (from_uri, from_user) pairs a --from matches, as a clause over a bound JSON array of them.
struct FromPairs {
    std::string sql;
    std::string json;
};

// --host on a listing of calls (aliased c): the calls with a message from or to that host.
void addCallHostFilter(const std::string& host, Where& where);
// --status: one code, or a class (5xx) as a range the column's index can use.
void addStatusFilter(const Filter& filter, const std::string& column, Where& where);
// Filters that apply to calls (aliased c), shared by the calls, messages and statistics queries. `forMessages`
// leaves out method, status, since/until and host, which the messages filter by their own columns.
// `fromPairs`: when given, the (from_uri, from_user) pairs that --from matches (fromPairs() below), tested through
// the calls_from index instead of a scan of every call.
void addCallFilters(const Filter& filter, Where& where, bool forMessages,
                    const std::optional<FromPairs>& fromPairs = std::nullopt);
// Filters that apply to messages (aliased m, with their endpoints s and d and their call c).
void addMessageFilters(const Filter& filter, Where& where);
// " LIMIT n" when the filter has a limit.
std::string limitClause(const Filter& filter);

// --from as a contains-match (ASCII case-insensitive, as instr(lower(...)) matches) over the distinct
// (from_uri, from_user) pairs of call_froms (store/database.cpp): the matching pairs as a JSON array for
// addCallFilters, whose calls the calls_from index finds. nullopt (scan every call instead) without them.
std::optional<FromPairs> fromPairs(Connection& db, const std::string& text);

}  // namespace sipscope::store::detail
