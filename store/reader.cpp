// Read-only queries. Every filter value is a bound parameter; SQL text is built only from fixed fragments.
#include "store/reader.hpp"

#include "capture/error.hpp"
#include "store/database.hpp"
#include "store/detail/statement.hpp"
#include "store/detail/text_blocks.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <random>
#include <set>
#include <unordered_map>
#include <variant>

namespace sipscope::store {

namespace {

using detail::Statement;
using BindValue = std::variant<std::int64_t, std::string>;

constexpr std::string_view TransportNames[] = {"udp", "tcp", "tls", "ws", "wss", "sctp"};

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

std::string lowerCase(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

// WHERE clauses and their values, in order.
struct Where {
    std::string sql;
    std::vector<BindValue> values;

    void add(const std::string& clause, std::vector<BindValue> clauseValues) {
        sql += sql.empty() ? " WHERE " : " AND ";
        sql += clause;
        for (auto& value : clauseValues)
            values.push_back(std::move(value));
    }
    void bind(Statement& stmt, int& index) const {
        for (const BindValue& value : values) {
            if (const auto* number = std::get_if<std::int64_t>(&value))
                stmt.bindInt(index++, *number);
            else
                stmt.bindText(index++, std::get<std::string>(value));
        }
    }
};

// "ip", "ip:port", "[v6]:port" or bare "v6": matches an endpoints.text column aliased as `column`.
std::string hostClause(const std::string& column) {
    return "(" + column + " = ? OR " + column + " LIKE ? ESCAPE '\\' OR " + column + " LIKE ? ESCAPE '\\')";
}
std::vector<BindValue> hostValues(const std::string& host) {
    std::string escaped;
    for (char c : host) {
        if (c == '%' || c == '_' || c == '\\')
            escaped += '\\';
        escaped += c;
    }
    return {host, escaped + ":%", "[" + escaped + "]:%"};
}

// --host on a listing of calls (aliased c): the calls with a message from or to that host.
void addCallHostFilter(const std::string& host, Where& where) {
    auto values = hostValues(host);
    auto both = values;
    both.insert(both.end(), values.begin(), values.end());
    where.add("c.id IN (SELECT call_key FROM messages WHERE src_id IN (SELECT id FROM endpoints e WHERE " +
                  hostClause("e.text") + ") OR dst_id IN (SELECT id FROM endpoints e WHERE " + hostClause("e.text") +
                  "))",
              std::move(both));
}

// --status: one code, or a class (5xx) as a range the column's index can use.
void addStatusFilter(const Filter& filter, const std::string& column, Where& where) {
    if (filter.status)
        where.add(column + " = ?", {std::int64_t{*filter.status}});
    if (filter.statusClass)
        where.add(column + " BETWEEN ? AND ?",
                  {std::int64_t{*filter.statusClass} * 100, std::int64_t{*filter.statusClass} * 100 + 99});
}

// Filters that apply to calls (aliased c) — shared by calls(), messages() and stats().
// `fromPairs`: when given, the (from_uri, from_user) pairs that --from matches, as a JSON array of pairs
// (Reader::Impl::fromPairs), tested through the calls_from index instead of a scan of every call.
void addCallFilters(const Filter& filter, Where& where, bool forMessages,
                    const std::optional<std::string>& fromPairs = std::nullopt) {
    if (filter.from && fromPairs)
        where.add("(c.from_uri, c.from_user) IN (SELECT value ->> 0, value ->> 1 FROM json_each(?))", {*fromPairs});
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
        auto values = hostValues(*filter.host);
        auto both = values;
        both.insert(both.end(), values.begin(), values.end());
        where.add("(" + hostClause("s.text") + " OR " + hostClause("d.text") + ")", std::move(both));
    }
}

// BEGIN ... COMMIT around several statements of a read-only connection (ended at scope exit, also on errors).
class ReadTransaction {
public:
    explicit ReadTransaction(sqlite3* db) : m_db(db) {
        m_open = sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr) == SQLITE_OK;
    }
    ~ReadTransaction() {
        if (m_open)
            sqlite3_exec(m_db, "COMMIT", nullptr, nullptr, nullptr);
    }
    ReadTransaction(const ReadTransaction&) = delete;
    ReadTransaction& operator=(const ReadTransaction&) = delete;

private:
    sqlite3* m_db;
    bool m_open = false;
};

std::string limitClause(const Filter& filter) {
    return filter.limit ? " LIMIT " + std::to_string(filter.limit) : std::string();
}

constexpr const char* CallColumns =
    "SELECT c.id, c.call_id, c.start_us, c.end_us, c.from_uri, c.from_user, c.to_uri, c.to_user, "
    "mt.text, c.state, c.status, c.messages, c.dialogs, c.retransmissions, s.text, d.text, c.attempt_us, "
    "c.first_provisional_us, c.final_us, c.answered_us, c.bye_us, c.bye_answered_us, c.ended_by, c.reason, "
    "c.early_media, c.reinvites, c.holds, c.resumes, c.glare, c.kind FROM calls c "
    "LEFT JOIN strings mt ON mt.id = c.method_id LEFT JOIN endpoints s ON s.id = c.src_id "
    "LEFT JOIN endpoints d ON d.id = c.dst_id";

CallRow readCall(const Statement& stmt) {
    CallRow row;
    row.key = stmt.columnInt(0);
    row.callId = stmt.columnText(1);
    row.startUs = stmt.columnInt(2);
    row.endUs = stmt.columnInt(3);
    row.fromUri = stmt.columnText(4);
    row.fromUser = stmt.columnText(5);
    row.toUri = stmt.columnText(6);
    row.toUser = stmt.columnText(7);
    row.method = stmt.columnText(8);
    row.state = stmt.columnText(9);
    row.status = stmt.columnOptionalInt(10);
    row.messages = static_cast<std::uint32_t>(stmt.columnInt(11));
    row.dialogs = static_cast<std::uint32_t>(stmt.columnInt(12));
    row.retransmissions = static_cast<std::uint32_t>(stmt.columnInt(13));
    row.src = stmt.columnText(14);
    row.dst = stmt.columnText(15);
    row.attemptUs = stmt.columnInt(16);
    row.firstProvisionalUs = stmt.columnInt(17);
    row.finalUs = stmt.columnInt(18);
    row.answeredUs = stmt.columnInt(19);
    row.byeUs = stmt.columnInt(20);
    row.byeAnsweredUs = stmt.columnInt(21);
    row.endedBy = stmt.columnText(22);
    row.reason = stmt.columnText(23);
    row.hasEarlyMedia = stmt.columnInt(24) != 0;
    row.reinvites = static_cast<std::uint32_t>(stmt.columnInt(25));
    row.holds = static_cast<std::uint32_t>(stmt.columnInt(26));
    row.resumes = static_cast<std::uint32_t>(stmt.columnInt(27));
    row.hasGlare = stmt.columnInt(28) != 0;
    row.kind = stmt.columnText(29);
    return row;
}

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
DelayStats readDelay(sqlite3* db, const std::string& expression, const std::string& from, const Where& where,
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

// Calls by state, outcome and who ended them, and RFC 6076 over the calls `where` selects ("INVITE calls": the
// first request is an INVITE), in one pass over the calls (each breakdown as its own query read the table ten times).
void callStats(sqlite3* db, const Where& where, Stats& stats) {
    Statement stmt(db, "SELECT c.state, c.status, c.ended_by, "
                       "coalesce(c.method_id = (SELECT id FROM strings WHERE text = 'INVITE'), 0), c.attempt_us, "
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
void messageStatsFromCounts(sqlite3* db, Stats& stats) {
    {
        Statement stmt(
            db, "SELECT coalesce(sum(messages), 0), coalesce(sum(CASE WHEN (flags & 1) = 0 THEN messages END), 0), "
                "coalesce(sum(CASE WHEN (flags & 4) != 0 THEN messages END), 0) FROM message_counts");
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
        Statement stmt(db, "SELECT status, (SELECT text FROM strings WHERE id = reason), n FROM (SELECT status, "
                           "min(nullif(reason_id, 0)) AS reason, sum(messages) AS n FROM message_counts WHERE status "
                           "BETWEEN 400 AND 699 AND status NOT IN (401, 407) AND (flags & 68) = 0 GROUP BY status) "
                           "ORDER BY n DESC, status");
        while (stmt.step())
            stats.failures.push_back({static_cast<int>(stmt.columnInt(0)), stmt.columnText(1),
                                      static_cast<std::uint64_t>(stmt.columnInt(2))});
    }
    Statement stmt(db, "SELECT e.text, h.sent, h.received, h.requests_sent, h.responses_sent, h.failures_sent "
                       "FROM host_counts h JOIN endpoints e ON e.id = h.host_id "
                       "ORDER BY h.sent + h.received DESC, e.text");
    while (stmt.step()) {
        HostStats host;
        host.host = stmt.columnText(0);
        host.sent = static_cast<std::uint64_t>(stmt.columnInt(1));
        host.received = static_cast<std::uint64_t>(stmt.columnInt(2));
        host.requestsSent = static_cast<std::uint64_t>(stmt.columnInt(3));
        host.responsesSent = static_cast<std::uint64_t>(stmt.columnInt(4));
        host.failuresSent = static_cast<std::uint64_t>(stmt.columnInt(5));
        stats.hosts.push_back(std::move(host));
    }
}

// A failure response: 4xx-6xx other than the 401/407 challenges, not a retransmission.
constexpr const char* FailureCondition =
    "m.status BETWEEN 400 AND 699 AND m.status NOT IN (401, 407) AND (m.flags & 4) = 0";
// The same, counted once per call however many hops it crossed: not the copies a proxy forwarded (flag 64, set at
// import: a failure of the same call, CSeq and status seen before on another hop). Hosts count every hop's copy.
constexpr const char* CallFailureCondition =
    "m.status BETWEEN 400 AND 699 AND m.status NOT IN (401, 407) AND (m.flags & 68) = 0";

constexpr const char* MessageColumns =
    "SELECT m.id, m.ts_us, s.text, d.text, m.transport, c.call_id, mt.text, m.status, r.text, m.cseq, cm.text, "
    "m.flags, e.text, m.error_offset, m.frame, m.block_id, m.block_offset, m.length, m.transaction_key "
    "FROM messages m "
    "JOIN endpoints s ON s.id = m.src_id JOIN endpoints d ON d.id = m.dst_id "
    "LEFT JOIN calls c ON c.id = m.call_key LEFT JOIN strings mt ON mt.id = m.method_id "
    "LEFT JOIN strings r ON r.id = m.reason_id LEFT JOIN strings cm ON cm.id = m.cseq_method_id "
    "LEFT JOIN strings e ON e.id = m.error_id";

// Every listing of messages is in time order, ties in capture order: a capture's packets need not be in time order
// (several files imported apart, a TCP segment sent again after a gap), and a ladder, a listing or an exported pcap
// drawn in storage order shows replies before their requests and negative deltas. messages_time (ts_us) gives every
// message in this order without a sort; a call's few messages are found by messages_call and sorted.
constexpr const char* MessageOrder = " ORDER BY m.ts_us, m.id";

}  // namespace

struct Reader::Impl {
    explicit Impl(const std::string& path) : db(path, Database::Mode::ReadOnly) {}

    // The size of each call's group of linked calls: a union-find over call_links (read only when it has rows).
    void fillLegs(std::vector<CallRow>& rows) {
        if (rows.empty() ||
            detail::queryInt(db.handle(), "SELECT count(*) FROM (SELECT 1 FROM call_links LIMIT 1)") == 0)
            return;
        std::unordered_map<std::int64_t, std::int64_t> parent;
        auto find = [&parent](std::int64_t key) {
            std::int64_t root = key;
            while (parent[root] != root)
                root = parent[root];
            while (parent[key] != root) {  // path compression
                const std::int64_t next = parent[key];
                parent[key] = root;
                key = next;
            }
            return root;
        };
        Statement links(db.handle(), "SELECT call_key, linked_call_key FROM call_links");
        while (links.step()) {
            const std::int64_t a = links.columnInt(0);
            const std::int64_t b = links.columnInt(1);
            parent.try_emplace(a, a);
            parent.try_emplace(b, b);
            const std::int64_t rootA = find(a);
            const std::int64_t rootB = find(b);
            if (rootA != rootB)
                parent[rootA] = rootB;
        }
        std::unordered_map<std::int64_t, std::uint32_t> sizes;
        for (const auto& entry : parent)
            ++sizes[find(entry.first)];
        for (CallRow& row : rows)
            if (parent.count(row.key))
                row.legs = sizes[find(row.key)];
    }
    // Each call's capture: the one of its first message in time (one lookup per call, unless the database holds
    // one capture).
    void fillCaptures(std::vector<CallRow>& rows) {
        if (rows.empty())
            return;
        std::unordered_map<std::int64_t, std::string> paths;
        {
            Statement stmt(db.handle(), "SELECT id, path FROM captures");
            while (stmt.step())
                paths[stmt.columnInt(0)] = stmt.columnText(1);
        }
        if (paths.size() == 1) {
            for (CallRow& row : rows) {
                row.captureId = paths.begin()->first;
                row.capture = paths.begin()->second;
            }
            return;
        }
        Statement stmt(db.handle(), "SELECT capture_id FROM messages WHERE call_key = ? ORDER BY ts_us, id LIMIT 1");
        for (CallRow& row : rows) {
            stmt.reset();
            stmt.bindInt(1, row.key);
            if (!stmt.step())
                continue;
            row.captureId = stmt.columnInt(0);
            if (const auto it = paths.find(row.captureId); it != paths.end())
                row.capture = it->second;
        }
    }
    Database db;
    detail::TextBlockReader texts;  // keeps the last block read: a call's messages are usually in one

    // --from as a contains-match (ASCII case-insensitive, as instr(lower(...)) matches) over the distinct
    // (from_uri, from_user) pairs of call_froms (store/database.cpp): the matching pairs as a JSON array for
    // addCallFilters, whose calls the calls_from index finds. nullopt (scan every call instead) without them.
    std::optional<std::string> fromPairs(const std::string& text) {
        sqlite3* handle = db.handle();
        if (detail::queryInt(handle, "SELECT count(*) FROM sqlite_master WHERE name IN ('calls_from', 'call_froms')") !=
            2)
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
        return pairs + "]";
    }

    std::string readText(std::int64_t blockId, std::int64_t offset, std::int64_t length) {
        return texts.read(db.handle(), blockId, offset, length);
    }

    MessageRow readMessage(const Statement& stmt, bool withText) {
        MessageRow row;
        row.id = stmt.columnInt(0);
        row.timestampUs = stmt.columnInt(1);
        row.src = stmt.columnText(2);
        row.dst = stmt.columnText(3);
        const auto transport = static_cast<std::size_t>(stmt.columnInt(4));
        row.transport = transport < std::size(TransportNames) ? TransportNames[transport] : "unknown";
        row.callId = stmt.columnOptionalText(5);
        row.method = stmt.columnOptionalText(6);
        row.status = stmt.columnOptionalInt(7);
        row.reason = stmt.columnText(8);
        row.cseq = static_cast<std::uint32_t>(stmt.columnInt(9));
        row.cseqMethod = stmt.columnText(10);
        const auto flags = stmt.columnInt(11);
        row.valid = flags & 1;
        row.retransmission = flags & 4;
        row.hasSdp = flags & 8;
        row.sdpRole = (flags & 16) ? "offer" : (flags & 32) ? "answer" : "";
        row.error = stmt.columnOptionalText(12);
        row.frame = static_cast<std::uint64_t>(stmt.columnInt(14));
        row.transactionKey = stmt.columnInt(18);
        if (withText)
            row.text = readText(stmt.columnInt(15), stmt.columnInt(16), stmt.columnInt(17));
        return row;
    }
};

Reader::Reader(const std::string& dbPath) : m_impl(std::make_unique<Impl>(dbPath)) {}
Reader::~Reader() = default;

std::vector<CallRow> Reader::calls(const Filter& filter) const {
    // One read transaction: the query sees the calls the --from pairs were taken from.
    ReadTransaction transaction(m_impl->db.handle());
    Where where;
    addCallFilters(filter, where, false, filter.from ? m_impl->fromPairs(*filter.from) : std::nullopt);
    Statement stmt(m_impl->db.handle(),
                   std::string(CallColumns) + where.sql + " ORDER BY c.start_us, c.id" + limitClause(filter));
    int index = 1;
    where.bind(stmt, index);
    std::vector<CallRow> rows;
    while (stmt.step())
        rows.push_back(readCall(stmt));
    m_impl->fillLegs(rows);
    m_impl->fillCaptures(rows);
    return rows;
}

namespace {

// The ORDER BY expression of a callPage sort field (the joins of CallColumns in scope).
std::string callSortExpression(const std::string& field) {
    static const std::map<std::string, std::string> expressions{
        {"start", "c.start_us"},  {"duration", "c.end_us - c.start_us"},
        {"from", "c.from_uri"},   {"to", "c.to_uri"},
        {"src", "s.text"},        {"dst", "d.text"},
        {"method", "mt.text"},    {"state", "c.state"},
        {"status", "c.status"},   {"messages", "c.messages"},
        {"call_id", "c.call_id"}, {"kind", "c.kind"}};
    const auto found = expressions.find(field);
    return found == expressions.end() ? "c.start_us" : found->second;
}

}  // namespace

std::vector<CallRow> Reader::callPage(const Filter& filter, const std::string& sortField, bool descending,
                                      std::size_t offset, std::size_t count) const {
    ReadTransaction transaction(m_impl->db.handle());
    Where where;
    addCallFilters(filter, where, false, filter.from ? m_impl->fromPairs(*filter.from) : std::nullopt);
    const char* direction = descending ? " DESC" : "";
    Statement stmt(m_impl->db.handle(), std::string(CallColumns) + where.sql + " ORDER BY " +
                                            callSortExpression(sortField) + direction + ", c.start_us" + direction +
                                            ", c.id" + direction + " LIMIT ? OFFSET ?");
    int index = 1;
    where.bind(stmt, index);
    stmt.bindInt(index++, static_cast<std::int64_t>(count));
    stmt.bindInt(index, static_cast<std::int64_t>(offset));
    std::vector<CallRow> rows;
    while (stmt.step())
        rows.push_back(readCall(stmt));
    m_impl->fillLegs(rows);
    return rows;
}

std::uint64_t Reader::countCalls(const Filter& filter) const {
    ReadTransaction transaction(m_impl->db.handle());
    Where where;
    addCallFilters(filter, where, false, filter.from ? m_impl->fromPairs(*filter.from) : std::nullopt);
    Statement stmt(m_impl->db.handle(), "SELECT count(*) FROM calls c" + where.sql);
    int index = 1;
    where.bind(stmt, index);
    return stmt.step() ? static_cast<std::uint64_t>(stmt.columnInt(0)) : 0;
}

std::vector<MessageRow> Reader::messages(const Filter& filter, bool withText) const {
    Where where;
    addMessageFilters(filter, where);
    Statement stmt(m_impl->db.handle(), std::string(MessageColumns) + where.sql + MessageOrder + limitClause(filter));
    int index = 1;
    where.bind(stmt, index);
    std::vector<MessageRow> rows;
    while (stmt.step())
        rows.push_back(m_impl->readMessage(stmt, withText));
    return rows;
}

void Reader::forEachMessage(const Filter& filter, bool withText, const std::function<bool(MessageRow&)>& visit) const {
    Where where;
    addMessageFilters(filter, where);
    Statement stmt(m_impl->db.handle(), std::string(MessageColumns) + where.sql + MessageOrder + limitClause(filter));
    int index = 1;
    where.bind(stmt, index);
    while (stmt.step()) {
        MessageRow row = m_impl->readMessage(stmt, withText);
        if (!visit(row))
            return;
    }
}

void Reader::forEachCallMessage(const std::vector<std::int64_t>& callKeys, bool withText,
                                const std::function<bool(MessageRow&)>& visit) const {
    if (callKeys.empty())
        return;
    // The keys as one bound JSON array, so any number of them is one query (json_each is built into SQLite).
    std::string keys = "[";
    for (const std::int64_t key : callKeys)
        keys += (keys.size() > 1 ? "," : "") + std::to_string(key);
    keys += "]";
    Statement stmt(m_impl->db.handle(), std::string(MessageColumns) +
                                            " WHERE m.call_key IN (SELECT value FROM json_each(?))" + MessageOrder);
    stmt.bindText(1, keys);
    while (stmt.step()) {
        MessageRow row = m_impl->readMessage(stmt, withText);
        if (!visit(row))
            return;
    }
}

std::optional<CallRow> Reader::findCall(const std::string& idOrKey) const {
    std::optional<CallRow> call = findCallRow(idOrKey);
    if (call) {
        std::vector<CallRow> one{std::move(*call)};
        m_impl->fillLegs(one);
        m_impl->fillCaptures(one);
        call = std::move(one.front());
    }
    return call;
}

std::vector<CallRow> Reader::findCalls(const std::string& text, std::size_t maxMatches) const {
    std::vector<CallRow> rows;
    auto readAll = [&rows](Statement& stmt) {
        while (stmt.step())
            rows.push_back(readCall(stmt));
    };
    if (text.empty())
        return rows;
    {
        Statement stmt(m_impl->db.handle(), std::string(CallColumns) + " WHERE c.call_id = ? ORDER BY c.id");
        stmt.bindText(1, text);
        readAll(stmt);
    }
    const bool isNumber = rows.empty() && text.size() < 19 && std::all_of(text.begin(), text.end(), ::isdigit);
    if (isNumber) {
        Statement stmt(m_impl->db.handle(), std::string(CallColumns) + " WHERE c.id = ?");
        stmt.bindInt(1, std::stoll(text));
        readAll(stmt);
    }
    if (rows.empty()) {
        // A prefix as a range of the calls_call_id index: [text, text with its last byte raised) in byte order.
        std::string upper = text;
        while (!upper.empty() && static_cast<unsigned char>(upper.back()) == 0xff)
            upper.pop_back();
        if (!upper.empty())
            upper.back() = static_cast<char>(static_cast<unsigned char>(upper.back()) + 1);
        Statement stmt(m_impl->db.handle(), std::string(CallColumns) + " WHERE c.call_id >= ?" +
                                                (upper.empty() ? "" : " AND c.call_id < ?") +
                                                " ORDER BY c.call_id, c.id LIMIT " + std::to_string(maxMatches));
        stmt.bindText(1, text);
        if (!upper.empty())
            stmt.bindText(2, upper);
        readAll(stmt);
    }
    m_impl->fillLegs(rows);
    m_impl->fillCaptures(rows);
    return rows;
}

std::optional<CallRow> Reader::findCallRow(const std::string& idOrKey) const {
    {
        Statement stmt(m_impl->db.handle(), std::string(CallColumns) + " WHERE c.call_id = ? ORDER BY c.id LIMIT 1");
        stmt.bindText(1, idOrKey);
        if (stmt.step())
            return readCall(stmt);
    }
    const bool isNumber =
        !idOrKey.empty() && idOrKey.size() < 19 && std::all_of(idOrKey.begin(), idOrKey.end(), ::isdigit);
    if (isNumber) {
        Statement stmt(m_impl->db.handle(), std::string(CallColumns) + " WHERE c.id = ?");
        stmt.bindInt(1, std::stoll(idOrKey));
        if (stmt.step())
            return readCall(stmt);
    }
    return std::nullopt;
}

std::vector<MessageRow> Reader::callMessages(std::int64_t callKey, bool withText) const {
    Statement stmt(m_impl->db.handle(), std::string(MessageColumns) + " WHERE m.call_key = ?" + MessageOrder);
    stmt.bindInt(1, callKey);
    std::vector<MessageRow> rows;
    while (stmt.step())
        rows.push_back(m_impl->readMessage(stmt, withText));
    return rows;
}

Stats Reader::stats(const Filter& filter) const {
    Stats stats;
    sqlite3* db = m_impl->db.handle();
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
    if (!narrows && detail::queryInt(db, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND "
                                         "name IN ('message_counts', 'host_counts')") == 2) {
        messageStatsFromCounts(db, stats);
        return stats;
    }
    Where where;
    addMessageFilters(filter, where);
    const std::string from = " FROM messages m JOIN endpoints s ON s.id = m.src_id JOIN endpoints d ON d.id = m.dst_id "
                             "LEFT JOIN calls c ON c.id = m.call_key" +
                             where.sql;
    {
        Statement stmt(
            db, "SELECT count(*), coalesce(sum((m.flags & 1) = 0), 0), coalesce(sum((m.flags & 4) != 0), 0)" + from);
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
        Statement stmt(db, "SELECT status, (SELECT text FROM strings WHERE id = reason), n FROM (SELECT m.status AS "
                           "status, min(m.reason_id) AS reason, count(*) AS n" +
                               from + (where.sql.empty() ? " WHERE " : " AND ") + CallFailureCondition +
                               " GROUP BY m.status) ORDER BY n DESC, status");
        int index = 1;
        where.bind(stmt, index);
        while (stmt.step())
            stats.failures.push_back({static_cast<int>(stmt.columnInt(0)), stmt.columnText(1),
                                      static_cast<std::uint64_t>(stmt.columnInt(2))});
    }
    stats.hosts = hostStats(filter);
    for (HostStats& host : stats.hosts)
        host.calls = 0;  // as from the counts: the same Stats whichever way it was computed
    return stats;
}

std::vector<HostStats> Reader::hostStats(const Filter& filter) const {
    Where where;
    addMessageFilters(filter, where);
    const std::string from = " FROM messages m JOIN endpoints s ON s.id = m.src_id JOIN endpoints d ON d.id = m.dst_id "
                             "LEFT JOIN calls c ON c.id = m.call_key" +
                             where.sql;
    // Each message counts once for its sender and once for its receiver.
    Statement stmt(m_impl->db.handle(),
                   std::string("SELECT e.text, sum(sent), sum(received), sum(request), sum(response), sum(failure), "
                               "count(DISTINCT call_key) FROM (SELECT m.src_id AS host, 1 AS sent, 0 AS received, "
                               "m.method_id IS NOT NULL AS request, m.status IS NOT NULL AS response, (") +
                       FailureCondition + ") AS failure, m.call_key AS call_key" + from +
                       " UNION ALL SELECT m.dst_id, 0, 1, 0, 0, 0, m.call_key" + from +
                       ") JOIN endpoints e ON e.id = host GROUP BY host ORDER BY count(*) DESC, e.text");
    int index = 1;
    where.bind(stmt, index);
    where.bind(stmt, index);
    std::vector<HostStats> rows;
    while (stmt.step()) {
        HostStats host;
        host.host = stmt.columnText(0);
        host.sent = static_cast<std::uint64_t>(stmt.columnInt(1));
        host.received = static_cast<std::uint64_t>(stmt.columnInt(2));
        host.requestsSent = static_cast<std::uint64_t>(stmt.columnInt(3));
        host.responsesSent = static_cast<std::uint64_t>(stmt.columnInt(4));
        host.failuresSent = static_cast<std::uint64_t>(stmt.columnInt(5));
        host.calls = static_cast<std::uint64_t>(stmt.columnInt(6));
        rows.push_back(std::move(host));
    }
    return rows;
}

std::vector<IntervalStats> Reader::intervalStats(const Filter& filter, std::int64_t intervalUs) const {
    if (intervalUs <= 0)
        throw Error("an interval must be longer than zero");
    sqlite3* db = m_impl->db.handle();
    std::map<std::int64_t, IntervalStats> buckets;
    const std::string interval = std::to_string(intervalUs);
    auto bucketOf = [&interval](const std::string& column) {
        // Floor division, so times before 1970 fall in the right bucket too.
        return "(" + column + " - ((" + column + " % " + interval + ") + " + interval + ") % " + interval + ")";
    };
    {
        Where where;
        addMessageFilters(filter, where);
        Statement stmt(db, "SELECT " + bucketOf("m.ts_us") +
                               " AS bucket, count(*), "
                               "coalesce(sum(m.method_id IS NOT NULL), 0), coalesce(sum(m.status IS NOT NULL), 0), "
                               "coalesce(sum(" +
                               CallFailureCondition +
                               "), 0) FROM messages m "
                               "JOIN endpoints s ON s.id = m.src_id JOIN endpoints d ON d.id = m.dst_id "
                               "LEFT JOIN calls c ON c.id = m.call_key" +
                               where.sql + " GROUP BY bucket");
        int index = 1;
        where.bind(stmt, index);
        while (stmt.step()) {
            IntervalStats& bucket = buckets[stmt.columnInt(0)];
            bucket.messages = static_cast<std::uint64_t>(stmt.columnInt(1));
            bucket.requests = static_cast<std::uint64_t>(stmt.columnInt(2));
            bucket.responses = static_cast<std::uint64_t>(stmt.columnInt(3));
            bucket.failures = static_cast<std::uint64_t>(stmt.columnInt(4));
        }
    }
    {
        Where where;
        addCallFilters(filter, where, false);
        Statement stmt(db, "SELECT " + bucketOf("c.start_us") +
                               " AS bucket, count(*), "
                               "coalesce(sum(c.status BETWEEN 200 AND 299), 0), coalesce(sum(c.status >= 300), 0) "
                               "FROM calls c" +
                               where.sql + " GROUP BY bucket");
        int index = 1;
        where.bind(stmt, index);
        while (stmt.step()) {
            IntervalStats& bucket = buckets[stmt.columnInt(0)];
            bucket.calls = static_cast<std::uint64_t>(stmt.columnInt(1));
            bucket.answeredCalls = static_cast<std::uint64_t>(stmt.columnInt(2));
            bucket.failedCalls = static_cast<std::uint64_t>(stmt.columnInt(3));
        }
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

std::vector<DialogRow> Reader::callDialogs(std::int64_t callKey) const {
    Statement stmt(m_impl->db.handle(), "SELECT id, from_tag, to_tag, state, created_us, confirmed_us, terminated_us "
                                        "FROM dialogs WHERE call_key = ? ORDER BY id");
    stmt.bindInt(1, callKey);
    std::vector<DialogRow> rows;
    while (stmt.step())
        rows.push_back({stmt.columnInt(0), stmt.columnText(1), stmt.columnText(2), stmt.columnText(3),
                        stmt.columnInt(4), stmt.columnInt(5), stmt.columnInt(6)});
    return rows;
}

std::vector<TransactionRow> Reader::callTransactions(std::int64_t callKey) const {
    Statement stmt(m_impl->db.handle(),
                   "SELECT t.id, s.text, t.start_us, t.first_provisional_us, t.final_us, t.final_status, t.requests, "
                   "t.responses, t.orphan FROM transactions t LEFT JOIN strings s ON s.id = t.method_id "
                   "WHERE t.call_key = ? ORDER BY t.id");
    stmt.bindInt(1, callKey);
    std::vector<TransactionRow> rows;
    while (stmt.step())
        rows.push_back({stmt.columnInt(0), stmt.columnText(1), stmt.columnInt(2), stmt.columnInt(3), stmt.columnInt(4),
                        stmt.columnOptionalInt(5), static_cast<std::uint32_t>(stmt.columnInt(6)),
                        static_cast<std::uint32_t>(stmt.columnInt(7)), stmt.columnInt(8) != 0});
    return rows;
}

std::vector<RegistrationRow> Reader::registrations(const Filter& filter) const {
    Where where;
    addCallFilters(filter, where, true);
    if (filter.method)
        where.add("c.method_id = (SELECT id FROM strings WHERE text = upper(?))", {*filter.method});
    if (filter.host)
        addCallHostFilter(*filter.host, where);
    addStatusFilter(filter, "r.status", where);
    if (filter.sinceUs)
        where.add("r.request_us >= ?", {*filter.sinceUs});
    if (filter.untilUs)
        where.add("r.request_us <= ?", {*filter.untilUs});
    Statement stmt(m_impl->db.handle(),
                   "SELECT c.call_id, r.aor, r.contact, r.expires, r.granted_expires, r.status, r.request_us, "
                   "r.response_us, s.text, d.text, r.bindings FROM registrations r JOIN calls c ON c.id = r.call_key "
                   "LEFT JOIN endpoints s ON s.id = c.src_id LEFT JOIN endpoints d ON d.id = c.dst_id" +
                       where.sql + " ORDER BY r.request_us, r.transaction_key" + limitClause(filter));
    int index = 1;
    where.bind(stmt, index);
    std::vector<RegistrationRow> rows;
    while (stmt.step())
        rows.push_back({stmt.columnText(0), stmt.columnText(1), stmt.columnText(2), stmt.columnOptionalInt(3),
                        stmt.columnOptionalInt(4), static_cast<int>(stmt.columnInt(5)), stmt.columnInt(6),
                        stmt.columnInt(7), stmt.columnText(8), stmt.columnText(9), stmt.columnText(10)});
    return rows;
}

std::vector<SubscriptionRow> Reader::subscriptions(const Filter& filter) const {
    Where where;
    if (filter.from)
        where.add("instr(lower(sb.subscriber), ?) > 0", {lowerCase(*filter.from)});
    if (filter.to)
        where.add("instr(lower(sb.resource), ?) > 0", {lowerCase(*filter.to)});
    if (filter.callId)
        where.add("c.call_id = ?", {*filter.callId});
    if (filter.callKey)
        where.add("c.id = ?", {*filter.callKey});
    if (filter.method)
        where.add("sb.method = upper(?)", {*filter.method});
    if (filter.state)
        where.add("sb.state = ?", {lowerCase(*filter.state)});
    if (filter.event)
        where.add("sb.event = ?", {*filter.event});
    addStatusFilter(filter, "sb.status", where);
    if (filter.sinceUs)
        where.add("sb.start_us >= ?", {*filter.sinceUs});
    if (filter.untilUs)
        where.add("sb.start_us <= ?", {*filter.untilUs});
    if (filter.host)
        addCallHostFilter(*filter.host, where);
    Statement stmt(m_impl->db.handle(),
                   "SELECT sb.id, c.call_id, sb.method, sb.event, sb.event_id, sb.resource, sb.subscriber, sb.state, "
                   "sb.reason, sb.expires, sb.granted_expires, sb.state_expires, sb.status, sb.requests, sb.notifies, "
                   "sb.etag, sb.if_match, sb.start_us, sb.last_us, sb.terminated_us, sb.dialog_key, s.text, d.text "
                   "FROM subscriptions sb JOIN calls c ON c.id = sb.call_key "
                   "LEFT JOIN endpoints s ON s.id = c.src_id LEFT JOIN endpoints d ON d.id = c.dst_id" +
                       where.sql + " ORDER BY sb.start_us, sb.id" + limitClause(filter));
    int index = 1;
    where.bind(stmt, index);
    std::vector<SubscriptionRow> rows;
    while (stmt.step()) {
        SubscriptionRow row;
        row.key = stmt.columnInt(0);
        row.callId = stmt.columnText(1);
        row.method = stmt.columnText(2);
        row.event = stmt.columnText(3);
        row.eventId = stmt.columnText(4);
        row.resource = stmt.columnText(5);
        row.subscriber = stmt.columnText(6);
        row.state = stmt.columnText(7);
        row.reason = stmt.columnText(8);
        row.expires = stmt.columnOptionalInt(9);
        row.grantedExpires = stmt.columnOptionalInt(10);
        row.stateExpires = stmt.columnOptionalInt(11);
        row.status = stmt.columnOptionalInt(12);
        row.requests = static_cast<std::uint32_t>(stmt.columnInt(13));
        row.notifies = static_cast<std::uint32_t>(stmt.columnInt(14));
        row.etag = stmt.columnText(15);
        row.ifMatch = stmt.columnText(16);
        row.startUs = stmt.columnInt(17);
        row.lastUs = stmt.columnInt(18);
        row.terminatedUs = stmt.columnInt(19);
        row.dialogKey = stmt.columnInt(20);
        row.src = stmt.columnText(21);
        row.dst = stmt.columnText(22);
        rows.push_back(std::move(row));
    }
    return rows;
}

std::vector<LinkedCallRow> Reader::linkedCalls(std::int64_t callKey) const {
    constexpr std::size_t MaxLinked = 1000;
    sqlite3* db = m_impl->db.handle();
    Statement edges(db, "SELECT linked_call_key, kind, detail FROM call_links WHERE call_key = ?1 "
                        "UNION ALL SELECT call_key, kind, detail FROM call_links WHERE linked_call_key = ?1");
    Statement info(db, "SELECT call_id, state, status, from_uri, to_uri FROM calls WHERE id = ?");
    std::vector<LinkedCallRow> rows;
    std::set<std::int64_t> seen{callKey};
    std::vector<std::int64_t> queue{callKey};
    // Breadth first, so the calls linked directly come before those linked through them.
    for (std::size_t next = 0; next < queue.size() && rows.size() < MaxLinked; ++next) {
        edges.bindInt(1, queue[next]);
        while (edges.step() && rows.size() < MaxLinked) {
            const std::int64_t other = edges.columnInt(0);
            if (!seen.insert(other).second)
                continue;
            queue.push_back(other);
            LinkedCallRow row;
            row.key = other;
            row.kind = edges.columnText(1);
            row.detail = edges.columnText(2);
            row.viaKey = queue[next];
            info.bindInt(1, other);
            if (info.step()) {
                row.callId = info.columnText(0);
                row.state = info.columnText(1);
                row.status = info.columnOptionalInt(2);
                row.fromUri = info.columnText(3);
                row.toUri = info.columnText(4);
            }
            info.reset();
            rows.push_back(std::move(row));
        }
        edges.reset();
    }
    return rows;
}

std::vector<MediaRow> Reader::callMedia(std::int64_t callKey) const {
    // Each message's SDP with what identifies it across hops: a proxy forwards the same request or response (method
    // or status, CSeq) with the same SDP, and that SDP is listed once, as the call's first hop carried it (the hop of
    // its first request: calls.src_id and dst_id, either way).
    Statement stmt(m_impl->db.handle(),
                   "SELECT md.message_id, m.ts_us, md.media_index, md.role, md.type, md.port, md.proto, md.address, "
                   "md.direction, md.codecs, md.ptime, s.text, d.text, coalesce(m.method_id, -m.status), m.cseq, "
                   "m.cseq_method_id, ((m.src_id = c.src_id AND m.dst_id = c.dst_id) OR "
                   "(m.src_id = c.dst_id AND m.dst_id = c.src_id)) FROM media md "
                   "JOIN messages m ON m.id = md.message_id JOIN endpoints s ON s.id = m.src_id "
                   "JOIN endpoints d ON d.id = m.dst_id JOIN calls c ON c.id = md.call_key WHERE md.call_key = ? "
                   "ORDER BY m.ts_us, md.message_id, md.media_index");
    stmt.bindInt(1, callKey);
    struct Sdp {
        std::string identity;  // the message's kind and CSeq, then its m= lines
        bool isFirstHop = false;
        std::vector<MediaRow> rows;
    };
    std::vector<Sdp> sdps;
    std::int64_t messageId = -1;
    constexpr std::size_t MaxSdps = 10000;  // a call's SDP bodies (each the media rows of one message)
    while (stmt.step()) {
        MediaRow row;
        row.messageId = stmt.columnInt(0);
        row.timestampUs = stmt.columnInt(1);
        row.mediaIndex = static_cast<std::uint32_t>(stmt.columnInt(2));
        row.role = stmt.columnText(3);
        row.type = stmt.columnText(4);
        row.port = static_cast<int>(stmt.columnInt(5));
        row.proto = stmt.columnText(6);
        row.address = stmt.columnText(7);
        row.direction = stmt.columnText(8);
        row.codecs = stmt.columnText(9);
        row.ptimeMs = stmt.columnOptionalInt(10);
        row.src = stmt.columnText(11);
        row.dst = stmt.columnText(12);
        if (row.messageId != messageId) {
            if (sdps.size() == MaxSdps)
                break;
            messageId = row.messageId;
            sdps.push_back({std::to_string(stmt.columnInt(13)) + " " + std::to_string(stmt.columnInt(14)) + " " +
                                std::to_string(stmt.columnInt(15)),
                            stmt.columnInt(16) != 0,
                            {}});
        }
        Sdp& sdp = sdps.back();
        sdp.identity += '\n' + row.role + ' ' + row.type + ' ' + std::to_string(row.port) + ' ' + row.proto + ' ' +
                        row.address + ' ' + row.direction + ' ' + row.codecs + ' ' +
                        (row.ptimeMs ? std::to_string(*row.ptimeMs) : std::string());
        sdp.rows.push_back(std::move(row));
    }
    // Of the copies of one SDP, the first hop's (else the earliest) stands for them, at its own place in time.
    std::unordered_map<std::string, std::size_t> chosen;  // identity -> index in sdps
    for (std::size_t i = 0; i < sdps.size(); ++i) {
        const auto [it, isNew] = chosen.emplace(sdps[i].identity, i);
        if (!isNew && sdps[i].isFirstHop && !sdps[it->second].isFirstHop)
            it->second = i;
    }
    std::vector<MediaRow> rows;
    for (std::size_t i = 0; i < sdps.size(); ++i)
        if (chosen.at(sdps[i].identity) == i)
            for (MediaRow& row : sdps[i].rows)
                rows.push_back(std::move(row));
    return rows;
}

}  // namespace sipscope::store
