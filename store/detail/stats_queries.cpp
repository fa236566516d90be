// The statistics queries (stats_queries.hpp).
#include "store/detail/stats_queries.hpp"

#include "store/detail/row_values.hpp"

#include "common/error.hpp"
#include "store/detail/filter_sql.hpp"
#include "store/detail/message_flags.hpp"
#include "store/detail/statement.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <map>
#include <random>
#include <type_traits>

namespace sipscope::store::detail {

namespace {

// One delay of RFC 6076, summed as SQLite's avg() does (a double sum of the integer µs), reported in ms, with its
// median and 95th percentile by nearest rank (the value at rank ceil(p × n) of the sorted values). The values are
// kept for the percentiles up to MaxKeptValues; past that a uniform sample of that many (reservoir sampling, fixed
// seed: the same database gives the same figures) stands for them, so memory stays bounded on any database.
struct DelaySum {
    static constexpr std::size_t MaxKeptValues = 1'000'000;
    std::uint64_t rows = 0, values = 0;
    double sum = 0;
    std::int64_t min = 0, max = 0;
    std::vector<std::int64_t> kept;
    std::mt19937_64 random{6076};

    void add(bool selected, std::optional<std::int64_t> value) {
        if (!selected)
            return;
        ++rows;
        if (!value)
            return;
        min = values == 0 ? *value : std::min(min, *value);
        max = values == 0 ? *value : std::max(max, *value);
        ++values;
        sum += static_cast<double>(*value);
        if (kept.size() < MaxKeptValues) {
            kept.push_back(*value);
        } else {
            const std::uint64_t slot = std::uniform_int_distribution<std::uint64_t>(0, values - 1)(random);
            if (slot < MaxKeptValues)
                kept[slot] = *value;
        }
    }
    // Nearest rank over the kept values; reorders them.
    double percentileMs(double fraction) {
        const auto n = static_cast<double>(kept.size());
        std::size_t rank = static_cast<std::size_t>(std::ceil(fraction * n));
        rank = std::clamp<std::size_t>(rank, 1, kept.size());
        std::nth_element(kept.begin(), kept.begin() + static_cast<std::ptrdiff_t>(rank - 1), kept.end());
        return static_cast<double>(kept[rank - 1]) / 1000.0;
    }
    DelayStats result() {
        DelayStats delay;
        delay.count = rows;
        if (rows > 0 && values > 0) {
            delay.meanMs = sum / static_cast<double>(values) / 1000.0;
            delay.minMs = static_cast<double>(min) / 1000.0;
            delay.maxMs = static_cast<double>(max) / 1000.0;
            delay.p50Ms = percentileMs(0.50);
            delay.p95Ms = percentileMs(0.95);
        }
        return delay;
    }
};

// A delay read row by row: `expression` (µs) over the rows `from` and `where` select that meet `condition`.
DelayStats readDelay(Connection& db, const std::string& expression, const std::string& from, const Where& where,
                     const std::string& condition) {
    Statement stmt(db,
                   "SELECT " + expression + from + (where.sql.empty() ? " WHERE " : where.sql + " AND ") + condition);
    int index = 1;
    where.bind(stmt, index);
    DelaySum delay;
    while (stmt.step())
        delay.add(true, stmt.columnIsNull(0) ? std::nullopt : std::optional<std::int64_t>(stmt.columnInt(0)));
    return delay.result();
}

// Failure responses by status from rows of (status, reason phrase or NULL, messages), one per status and reason:
// each status with its most frequent reason phrase (the first in byte order among as frequent ones; none only when
// no message of it had one), the most frequent status first. The same whichever backend numbered the phrases.
std::vector<FailureCount> failuresByStatus(Statement& stmt) {
    struct Tally {
        std::uint64_t messages = 0, reasonMessages = 0;
        std::optional<std::string> reason;
    };
    std::map<int, Tally> byStatus;
    while (stmt.step()) {
        Tally& tally = byStatus[static_cast<int>(stmt.columnInt(0))];
        const auto count = static_cast<std::uint64_t>(stmt.columnInt(2));
        tally.messages += count;
        std::optional<std::string> reason = stmt.columnOptionalText(1);
        if (!reason || reason->empty())
            continue;
        if (!tally.reason || count > tally.reasonMessages ||
            (count == tally.reasonMessages && *reason < *tally.reason)) {
            tally.reason = std::move(reason);
            tally.reasonMessages = count;
        }
    }
    std::vector<FailureCount> failures;
    for (auto& [status, tally] : byStatus)
        failures.push_back({status, tally.reason.value_or(""), tally.messages});
    std::stable_sort(failures.begin(), failures.end(),
                     [](const FailureCount& a, const FailureCount& b) { return a.count > b.count; });
    return failures;
}

// Calls by state, outcome and who ended them, and RFC 6076 over the calls `where` selects ("INVITE calls": the
// first request is an INVITE), in one pass over the calls (each breakdown as its own query read the table ten times).
void callStats(Connection& db, const Where& where, Stats& stats) {
    Statement stmt(
        db, "SELECT c.state, c.status, c.ended_by, "
            "CASE WHEN c.method_id = (SELECT id FROM strings WHERE text = 'INVITE') THEN 1 ELSE 0 END, c.attempt_us, "
            "c.first_provisional_us, c.final_us, c.answered_us, c.bye_us, c.bye_answered_us FROM calls c" +
                where.sql);
    int index = 1;
    where.bind(stmt, index);
    DelaySum srdSuccessful, srdFailed, setupSuccessful, sdd, sdt;
    std::uint64_t invites = 0, answered = 0, redirected = 0, effective = 0, ineffective = 0, completed = 0;
    auto optional = [&stmt](int column) -> std::optional<std::int64_t> {
        if (stmt.columnIsNull(column))
            return std::nullopt;
        return stmt.columnInt(column);
    };
    auto minus = [](std::optional<std::int64_t> a, std::optional<std::int64_t> b) -> std::optional<std::int64_t> {
        if (!a || !b)
            return std::nullopt;
        return *a - *b;
    };
    while (stmt.step()) {
        const std::string state = stmt.columnText(0);
        ++stats.callStates[state];
        ++stats.calls;
        const std::optional<std::int64_t> status = optional(1);
        ++stats.callOutcomes[status && *status >= 100 && *status <= 699 ? std::to_string(*status / 100) + "xx"
                                                                        : std::string("none")];
        if (std::string endedBy = stmt.columnText(2); !endedBy.empty())
            ++stats.endedBy[endedBy];
        if (stmt.columnInt(3) == 0)
            continue;
        const auto attempt = optional(4), provisional = optional(5), final = optional(6), answer = optional(7),
                   bye = optional(8), byeAnswered = optional(9);
        const std::optional<std::int64_t> srd = minus(provisional ? provisional : final, attempt);
        const bool is2xx = status && *status >= 200 && *status <= 299;
        const bool is3xx = status && *status >= 300 && *status <= 399;
        srdSuccessful.add(is2xx, srd);
        srdFailed.add(status && *status >= 300, srd);
        setupSuccessful.add(answer.has_value(), minus(answer, attempt));
        sdd.add(byeAnswered.has_value(), minus(byeAnswered, bye));
        sdt.add(bye && answer, minus(bye, answer));
        ++invites;
        answered += is2xx;
        redirected += is3xx;
        // RFC 6076 §4.7: an effort is effective when the far end answered it, even to say busy or decline: 2xx
        // (§4.6 counts 200 as answered; every 2xx here), 480, 486, 600 or 603.
        effective += is2xx || (status && (*status == 480 || *status == 486 || *status == 600 || *status == 603));
        // §4.8: the attempts a proxy or agent released for a failure or an overload of its own. An INVITE that
        // timed out (failed, no status: Timer B passed with no response) is the 408 its sender's transaction makes
        // of it (RFC 3261 §17.1.1.2), and counts with them.
        ineffective +=
            status ? (*status == 408 || *status == 500 || *status == 503 || *status == 504) : state == "failed";
        completed += state == "completed";
    }
    Rfc6076& m = stats.rfc6076;
    m.srdSuccessful = srdSuccessful.result();
    m.srdFailed = srdFailed.result();
    m.setupSuccessful = setupSuccessful.result();
    m.sdd = sdd.result();
    m.sdt = sdt.result();
    m.invites = invites;
    auto percent = [](double part, double whole) -> std::optional<double> {
        if (whole <= 0)
            return std::nullopt;
        return 100.0 * part / whole;
    };
    const auto total = static_cast<double>(invites);
    // §4.6 and §4.7 share their denominator: the INVITEs not redirected (3xx).
    m.ser = percent(static_cast<double>(answered), total - static_cast<double>(redirected));
    m.seer = percent(static_cast<double>(effective), total - static_cast<double>(redirected));
    m.isa = percent(static_cast<double>(ineffective), total);
    m.scr = percent(static_cast<double>(completed), total);
}

// The message figures of stats() over every message, from message_counts and host_counts (store/database.cpp):
// the same numbers as the scans of Reader::stats() without a filter. HostStats::calls is left 0.
// A row of a host query: the endpoint's text, then messages sent and received, requests, responses and failures
// sent, and (when the query has a seventh column) the calls the host took part in.
HostStats hostStatsOf(const Statement& stmt) {
    auto count = [&stmt](int column) { return static_cast<std::uint64_t>(stmt.columnInt(column)); };
    HostStats host;
    host.host = endpointOf(stmt.columnText(0));  // each row a distinct endpoint: parsed once
    host.sent = count(1);
    host.received = count(2);
    host.requestsSent = count(3);
    host.responsesSent = count(4);
    host.failuresSent = count(5);
    if (stmt.columnCount() > 6)
        host.calls = count(6);
    return host;
}

void messageStatsFromCounts(Connection& db, Stats& stats) {
    {
        Statement stmt(
            db, "SELECT coalesce(sum(messages), 0), coalesce(sum(CASE WHEN " + flagBitsSql("flags", FlagValid) +
                    " = 0 THEN messages END), 0), coalesce(sum(CASE WHEN " + flagBitsSql("flags", FlagRetransmission) +
                    " != 0 THEN messages END), 0) FROM message_counts");
        if (stmt.step()) {
            stats.messages = static_cast<std::uint64_t>(stmt.columnInt(0));
            stats.invalidMessages = static_cast<std::uint64_t>(stmt.columnInt(1));
            stats.retransmissions = static_cast<std::uint64_t>(stmt.columnInt(2));
        }
    }
    {
        Statement stmt(db, "SELECT (SELECT text FROM strings WHERE id = method_id), sum(messages) FROM message_counts "
                           "WHERE method_id != 0 GROUP BY method_id");
        while (stmt.step())
            stats.requests[stmt.columnText(0)] = static_cast<std::uint64_t>(stmt.columnInt(1));
    }
    {
        Statement stmt(db, "SELECT status, sum(messages) FROM message_counts WHERE status != 0 GROUP BY status");
        while (stmt.step())
            stats.responses[static_cast<int>(stmt.columnInt(0))] = static_cast<std::uint64_t>(stmt.columnInt(1));
    }
    {
        Statement stmt(db, "SELECT status, (SELECT text FROM strings WHERE id = reason_id), sum(messages) "
                           "FROM message_counts WHERE " +
                               failureSql("", FlagRetransmission | FlagRepeatedFailure) +
                               " GROUP BY status, reason_id");
        stats.failures = failuresByStatus(stmt);
    }
    Statement stmt(db, "SELECT e.text, h.sent, h.received, h.requests_sent, h.responses_sent, h.failures_sent "
                       "FROM host_counts h JOIN endpoints e ON e.id = h.host_id "
                       "ORDER BY h.sent + h.received DESC, e.text");
    while (stmt.step())
        stats.hosts.push_back(hostStatsOf(stmt));
}

// A failure response (isFailureStatus), not a retransmission.
const std::string FailureCondition = failureSql("m.", FlagRetransmission);
// The same, counted once per call however many hops it crossed: not the copies a proxy forwarded
// (FlagRepeatedFailure, set at import: a failure of the same call, CSeq and status seen before on another hop).
// Hosts count every hop's copy.
const std::string CallFailureCondition = failureSql("m.", FlagRetransmission | FlagRepeatedFailure);

// Runs a per-interval query (`sql`, with `where`'s values): its first column a bucket's start, each other column a
// count, set into the field of that bucket that `counts` names in the same order.
template <typename... Counts>
void addBucketCounts(Connection& db, const std::string& sql, const Where& where,
                     std::map<std::int64_t, IntervalStats>& buckets, Counts... counts) {
    static_assert((std::is_same_v<Counts, std::uint64_t IntervalStats::*> && ...), "counts are IntervalStats fields");
    Statement stmt(db, sql);
    assert(stmt.columnCount() == 1 + static_cast<int>(sizeof...(Counts)) && "one field per count column");
    int index = 1;
    where.bind(stmt, index);
    while (stmt.step()) {
        IntervalStats& bucket = buckets[stmt.columnInt(0)];
        int column = 1;
        ((bucket.*counts = static_cast<std::uint64_t>(stmt.columnInt(column++))), ...);
    }
}

}  // namespace

Stats readStats(Connection& db, const Filter& filter) {
    Stats stats;
    {
        Where callWhere;
        addCallFilters(filter, callWhere, false);
        callStats(db, callWhere, stats);
        stats.rfc6076.rrd =
            readDelay(db, "r.response_us - r.request_us", " FROM registrations r JOIN calls c ON c.id = r.call_key",
                      callWhere, "r.status BETWEEN 200 AND 299");
    }
    // No filter: the message figures come from the counts the writer keeps (a few hundred rows, not every message).
    const bool narrows = filter.from || filter.to || filter.callId || filter.callKey || filter.method ||
                         filter.status || filter.statusClass || filter.state || filter.sinceUs || filter.untilUs ||
                         filter.host || filter.kind || filter.event || !filter.text.empty();
    if (!narrows && db.hasTable("message_counts") && db.hasTable("host_counts")) {
        messageStatsFromCounts(db, stats);
        return stats;
    }
    Where where;
    addMessageFilters(filter, where);
    const std::string from = " FROM messages m JOIN endpoints s ON s.id = m.src_id JOIN endpoints d ON d.id = m.dst_id "
                             "LEFT JOIN calls c ON c.id = m.call_key" +
                             where.sql;
    {
        Statement stmt(db, "SELECT count(*), " + countWhereSql(flagBitsSql("m.flags", FlagValid) + " = 0") + ", " +
                               countWhereSql(flagBitsSql("m.flags", FlagRetransmission) + " != 0") + from);
        int index = 1;
        where.bind(stmt, index);
        if (stmt.step()) {
            stats.messages = static_cast<std::uint64_t>(stmt.columnInt(0));
            stats.invalidMessages = static_cast<std::uint64_t>(stmt.columnInt(1));
            stats.retransmissions = static_cast<std::uint64_t>(stmt.columnInt(2));
        }
    }
    {
        Statement stmt(db, "SELECT (SELECT text FROM strings WHERE id = m.method_id), count(*)" + from +
                               (where.sql.empty() ? " WHERE" : " AND") +
                               " m.method_id IS NOT NULL GROUP BY m.method_id");
        int index = 1;
        where.bind(stmt, index);
        while (stmt.step())
            stats.requests[stmt.columnText(0)] = static_cast<std::uint64_t>(stmt.columnInt(1));
    }
    {
        Statement stmt(db, "SELECT m.status, count(*)" + from + (where.sql.empty() ? " WHERE" : " AND") +
                               " m.status IS NOT NULL GROUP BY m.status");
        int index = 1;
        where.bind(stmt, index);
        while (stmt.step())
            stats.responses[static_cast<int>(stmt.columnInt(0))] = static_cast<std::uint64_t>(stmt.columnInt(1));
    }
    {
        Statement stmt(db, "SELECT m.status, (SELECT text FROM strings WHERE id = m.reason_id), count(*)" + from +
                               (where.sql.empty() ? " WHERE " : " AND ") + CallFailureCondition +
                               " GROUP BY m.status, m.reason_id");
        int index = 1;
        where.bind(stmt, index);
        stats.failures = failuresByStatus(stmt);
    }
    stats.hosts = readHostStats(db, filter);
    for (HostStats& host : stats.hosts)
        host.calls = 0;  // as from the counts: the same Stats whichever way it was computed
    return stats;
}

std::vector<HostStats> readHostStats(Connection& db, const Filter& filter) {
    Where where;
    addMessageFilters(filter, where);
    const std::string from = " FROM messages m JOIN endpoints s ON s.id = m.src_id JOIN endpoints d ON d.id = m.dst_id "
                             "LEFT JOIN calls c ON c.id = m.call_key" +
                             where.sql;
    // Each message counts once for its sender and once for its receiver.
    Statement stmt(
        db, std::string("SELECT e.text, sum(sent), sum(received), sum(request), sum(response), sum(failure), "
                        "count(DISTINCT call_key) FROM (SELECT m.src_id AS host, 1 AS sent, 0 AS received, "
                        "CASE WHEN m.method_id IS NOT NULL THEN 1 ELSE 0 END AS request, "
                        "CASE WHEN m.status IS NOT NULL THEN 1 ELSE 0 END AS response, CASE WHEN ") +
                FailureCondition + " THEN 1 ELSE 0 END AS failure, m.call_key AS call_key" + from +
                " UNION ALL SELECT m.dst_id, 0, 1, 0, 0, 0, m.call_key" + from +
                ") AS sides JOIN endpoints e ON e.id = host GROUP BY host, e.text ORDER BY count(*) DESC, e.text");
    int index = 1;
    where.bind(stmt, index);
    where.bind(stmt, index);
    std::vector<HostStats> rows;
    while (stmt.step())
        rows.push_back(hostStatsOf(stmt));
    return rows;
}

std::vector<IntervalStats> readIntervalStats(Connection& db, const Filter& filter, std::int64_t intervalUs,
                                             bool withMessages) {
    if (intervalUs <= 0)
        throw Error("an interval must be longer than zero");
    std::map<std::int64_t, IntervalStats> buckets;
    const std::string interval = std::to_string(intervalUs);
    auto bucketOf = [&interval](const std::string& column) {
        // Floor division, so times before 1970 fall in the right bucket too.
        return "(" + column + " - ((" + column + " % " + interval + ") + " + interval + ") % " + interval + ")";
    };
    if (withMessages) {
        Where where;
        addMessageFilters(filter, where);
        addBucketCounts(db,
                        "SELECT " + bucketOf("m.ts_us") + " AS bucket, count(*), " +
                            countWhereSql("m.method_id IS NOT NULL") + ", " + countWhereSql("m.status IS NOT NULL") +
                            ", " + countWhereSql(CallFailureCondition) +
                            " FROM messages m "
                            "JOIN endpoints s ON s.id = m.src_id JOIN endpoints d ON d.id = m.dst_id "
                            "LEFT JOIN calls c ON c.id = m.call_key" +
                            where.sql + " GROUP BY bucket",
                        where, buckets, &IntervalStats::messages, &IntervalStats::requests, &IntervalStats::responses,
                        &IntervalStats::failures);
    }
    {
        Where where;
        addCallFilters(filter, where, false);
        addBucketCounts(db,
                        "SELECT " + bucketOf("c.start_us") + " AS bucket, count(*), " +
                            countWhereSql("c.status BETWEEN 200 AND 299") + ", " + countWhereSql("c.status >= 300") +
                            " FROM calls c" + where.sql + " GROUP BY bucket",
                        where, buckets, &IntervalStats::calls, &IntervalStats::answeredCalls,
                        &IntervalStats::failedCalls);
    }
    std::vector<IntervalStats> rows;
    if (buckets.empty())
        return rows;
    constexpr std::int64_t MaxBuckets = 100000;
    const std::int64_t first = buckets.begin()->first;
    const std::int64_t last = buckets.rbegin()->first;
    const bool fill = (last - first) / intervalUs < MaxBuckets;
    for (auto& [start, bucket] : buckets) {
        if (fill && !rows.empty())
            for (std::int64_t gap = rows.back().startUs + intervalUs; gap < start; gap += intervalUs)
                rows.push_back(IntervalStats{gap});
        bucket.startUs = start;
        rows.push_back(bucket);
    }
    return rows;
}

}  // namespace sipscope::store::detail
