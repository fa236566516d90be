// Finding rows from the findings table, with their call's Call-ID and the endpoint they are about.
#include "store/detail/finding_queries.hpp"

#include "store/detail/filter_sql.hpp"
#include "store/detail/statement.hpp"

namespace sipscope::store::detail {

namespace {

constexpr const char* FindingColumns =
    "f.id, coalesce(f.call_key, 0), coalesce(c.call_id, ''), f.ts_us, f.kind, f.severity, coalesce(f.message_id, 0), "
    "coalesce(f.message_ids, ''), f.source_id, f.explanation, f.rfc";

// The source is joined twice, as s and d, so that --host reads as it does for messages (s.text or d.text).
constexpr const char* FindingFrom =
    " FROM findings f LEFT JOIN calls c ON c.id = f.call_key LEFT JOIN endpoints s ON s.id = f.source_id"
    " LEFT JOIN endpoints d ON d.id = f.source_id";

std::vector<FindingRow> run(Statement& stmt, EndpointCache& endpoints) {
    std::vector<FindingRow> rows;
    while (stmt.step()) {
        FindingRow& row = rows.emplace_back();
        int c = 0;
        row.id = stmt.columnInt(c++);
        row.callKey = stmt.columnInt(c++);
        row.callId = stmt.columnText(c++);
        row.timestampUs = stmt.columnInt(c++);
        row.kind = stmt.columnText(c++);
        row.severity = decode::findingSeverityOf(stmt.columnText(c++)).value_or(decode::FindingSeverity::Info);
        row.messageId = stmt.columnInt(c++);
        const std::string ids = stmt.columnText(c++);
        for (std::size_t at = 0; at < ids.size();) {
            const std::size_t comma = std::min(ids.find(',', at), ids.size());
            row.messageIds.push_back(std::stoll(ids.substr(at, comma - at)));
            at = comma + 1;
        }
        if (!stmt.columnIsNull(c))
            row.source = endpoints.get(stmt.columnInt(c));
        ++c;
        row.explanation = stmt.columnText(c++);
        row.rfc = stmt.columnText(c++);
    }
    return rows;
}

}  // namespace

std::vector<FindingRow> readFindings(Connection& db, EndpointCache& endpoints, const Filter& filter,
                                     const FindingFilter& only) {
    Where where;
    Filter calls = filter;  // the call filters; since, until and host are the finding's own
    calls.sinceUs.reset();
    calls.untilUs.reset();
    calls.host.reset();
    addCallFilters(calls, where, false);
    if (filter.sinceUs)
        where.add("f.ts_us >= ?", {*filter.sinceUs});
    if (filter.untilUs)
        where.add("f.ts_us <= ?", {*filter.untilUs});
    if (filter.host) {
        Where host;
        Filter hostOnly;
        hostOnly.host = filter.host;
        addMessageFilters(hostOnly, host);
        where.add(host.sql.substr(std::string(" WHERE ").size()), host.values);
    }
    if (only.severity)
        where.add("f.severity = ?", {std::string(decode::findingSeverityName(*only.severity))});
    if (!only.kinds.empty()) {
        std::string clause = "f.kind IN (";
        std::vector<BindValue> values;
        for (const std::string& kind : only.kinds) {
            clause += values.empty() ? "?" : ", ?";
            values.emplace_back(kind);
        }
        where.add(clause + ")", std::move(values));
    }
    Statement stmt(db, std::string("SELECT ") + FindingColumns + FindingFrom + where.sql + " ORDER BY f.ts_us, f.id" +
                           limitClause(filter));
    int index = 1;
    where.bind(stmt, index);
    return run(stmt, endpoints);
}

std::vector<FindingRow> readCallFindings(Connection& db, EndpointCache& endpoints, std::int64_t callKey) {
    Statement stmt(db, std::string("SELECT ") + FindingColumns + FindingFrom +
                           " WHERE f.call_key = ? ORDER BY f.ts_us, f.id");
    stmt.bindInt(1, callKey);
    return run(stmt, endpoints);
}

}  // namespace sipscope::store::detail
