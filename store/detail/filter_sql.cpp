// store::Filter as SQL (filter_sql.hpp).
#include "store/detail/filter_sql.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>

namespace sipscope::store::detail {

namespace {

// A JSON string literal of arbitrary bytes: quotes, backslashes and control characters escaped; other bytes as
// they are (SQLite's JSON functions take the text as it is, so non-UTF-8 bytes come back unchanged).
std::string jsonString(const std::string& text) {
    std::string json = "\"";
    for (const char c : text) {
        if (c == '"' || c == '\\') {
            json += '\\';
            json += c;
        } else if (static_cast<unsigned char>(c) < 0x20) {
            char escaped[8];
            std::snprintf(escaped, sizeof escaped, "\\u%04x", static_cast<unsigned char>(c));
            json += escaped;
        } else {
            json += c;
        }
    }
    return json + "\"";
}

// "ip", "ip:port", "[v6]:port" or bare "v6": matches an endpoints.text column aliased as `column`.
std::string hostClause(const std::string& column) {
    return "(" + column + " = ? OR " + column + " LIKE ? ESCAPE '\\' OR " + column + " LIKE ? ESCAPE '\\')";
}
// The values of hostClause() for `host`, once for each of `clauses` clauses.
std::vector<BindValue> hostValues(const std::string& host, int clauses) {
    std::string escaped;
    for (char c : host) {
        if (c == '%' || c == '_' || c == '\\')
            escaped += '\\';
        escaped += c;
    }
    std::vector<BindValue> values;
    for (int i = 0; i < clauses; ++i)
        values.insert(values.end(), {host, escaped + ":%", "[" + escaped + "]:%"});
    return values;
}

}  // namespace

std::string lowerCase(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

void Where::add(const std::string& clause, std::vector<BindValue> clauseValues) {
    sql += sql.empty() ? " WHERE " : " AND ";
    sql += clause;
    for (auto& value : clauseValues)
        values.push_back(std::move(value));
}

void Where::bind(Statement& stmt, int& index) const {
    for (const BindValue& value : values) {
        if (const auto* number = std::get_if<std::int64_t>(&value))
            stmt.bindInt(index++, *number);
        else
            stmt.bindText(index++, std::get<std::string>(value));
    }
}

void addCallHostFilter(const std::string& host, Where& where) {
    where.add("c.id IN (SELECT call_key FROM messages WHERE src_id IN (SELECT id FROM endpoints e WHERE " +
                  hostClause("e.text") + ") OR dst_id IN (SELECT id FROM endpoints e WHERE " + hostClause("e.text") +
                  "))",
              hostValues(host, 2));
}

void addStatusFilter(const Filter& filter, const std::string& column, Where& where) {
    if (filter.status)
        where.add(column + " = ?", {std::int64_t{*filter.status}});
    if (filter.statusClass)
        where.add(column + " BETWEEN ? AND ?",
                  {std::int64_t{*filter.statusClass} * 100, std::int64_t{*filter.statusClass} * 100 + 99});
}

void addCallFilters(const Filter& filter, Where& where, bool forMessages, const std::optional<FromPairs>& fromPairs) {
    if (filter.from && fromPairs)
        where.add(fromPairs->sql, {fromPairs->json});
    else if (filter.from)
        where.add("(instr(lower(c.from_user), ?) > 0 OR instr(lower(c.from_uri), ?) > 0)",
                  {lowerCase(*filter.from), lowerCase(*filter.from)});
    if (filter.to)
        where.add("(instr(lower(c.to_user), ?) > 0 OR instr(lower(c.to_uri), ?) > 0)",
                  {lowerCase(*filter.to), lowerCase(*filter.to)});
    if (filter.callId)
        where.add("c.call_id = ?", {*filter.callId});
    if (filter.callKey)
        where.add("c.id = ?", {*filter.callKey});
    for (const std::string& word : filter.text)
        where.add(
            "(instr(lower(c.call_id), ?) > 0 OR instr(lower(c.from_uri), ?) > 0 OR instr(lower(c.to_uri), ?) > 0)",
            {lowerCase(word), lowerCase(word), lowerCase(word)});
    if (filter.state)
        where.add("c.state = ?", {lowerCase(*filter.state)});
    if (filter.kind)
        where.add("c.kind = ?", {lowerCase(*filter.kind)});
    if (!forMessages) {
        if (filter.method)
            where.add("c.method_id = (SELECT id FROM strings WHERE text = upper(?))", {*filter.method});
        addStatusFilter(filter, "c.status", where);
        if (filter.sinceUs)
            where.add("c.start_us >= ?", {*filter.sinceUs});
        if (filter.untilUs)
            where.add("c.start_us <= ?", {*filter.untilUs});
        if (filter.host)
            addCallHostFilter(*filter.host, where);
    }
}

void addMessageFilters(const Filter& filter, Where& where) {
    addCallFilters(filter, where, true);
    if (filter.method)
        where.add("(m.method_id = (SELECT id FROM strings WHERE text = upper(?)) OR "
                  "(m.method_id IS NULL AND m.cseq_method_id = (SELECT id FROM strings WHERE text = upper(?))))",
                  {*filter.method, *filter.method});
    addStatusFilter(filter, "m.status", where);
    if (filter.sinceUs)
        where.add("m.ts_us >= ?", {*filter.sinceUs});
    if (filter.untilUs)
        where.add("m.ts_us <= ?", {*filter.untilUs});
    if (filter.host) {
        std::string clause = "(";  // appended, not `"(" + ...`: GCC 12 warns falsely (-Wrestrict) on that
        clause += hostClause("s.text");
        clause += " OR ";
        clause += hostClause("d.text");
        clause += ")";
        where.add(clause, hostValues(*filter.host, 2));
    }
}

std::string limitClause(const Filter& filter) {
    return filter.limit ? " LIMIT " + std::to_string(filter.limit) : std::string();
}

std::optional<FromPairs> fromPairs(Connection& handle, const std::string& text) {
    if (!handle.hasIndex("calls_from") || !handle.hasTable("call_froms"))
        return std::nullopt;
    Statement stmt(handle, "SELECT from_uri, from_user FROM call_froms "
                           "WHERE instr(lower(from_user), ?1) > 0 OR instr(lower(from_uri), ?1) > 0");
    stmt.bindText(1, lowerCase(text));
    std::string pairs = "[";
    for (int count = 0; stmt.step(); ++count) {
        if (count == 1000)
            return std::nullopt;  // so many calls match that the scan in time order soon finds a page of them
        const std::string uri = stmt.columnText(0);
        const std::string user = stmt.columnText(1);
        if (uri.find('\0') != std::string::npos || user.find('\0') != std::string::npos)
            return std::nullopt;  // SQLite's JSON functions would cut the text at the NUL
        pairs += pairs.size() > 1 ? ",[" : "[";
        pairs += jsonString(uri) + "," + jsonString(user) + "]";
    }
    return FromPairs{"(c.from_uri, c.from_user) IN (" + jsonTextPairsSql(handle.backend()) + ")", pairs + "]"};
}

}  // namespace sipscope::store::detail
