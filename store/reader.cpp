// Read-only queries: the facade over the call, message and relation listings. The filters as SQL are in
// detail/filter_sql (every filter value a bound parameter; SQL text built only from fixed fragments), the statistics
// in detail/stats_queries, the linked-call graph in detail/call_graph.
#include "store/reader.hpp"

#include "common/concat.hpp"
#include "common/error.hpp"
#include "store/database.hpp"
#include "store/detail/call_graph.hpp"
#include "store/detail/filter_sql.hpp"
#include "store/detail/finding_queries.hpp"
#include "store/detail/message_flags.hpp"
#include "store/detail/row_values.hpp"
#include "store/detail/statement.hpp"
#include "store/detail/stats_queries.hpp"
#include "store/detail/stream_queries.hpp"
#include "store/detail/stream_series.hpp"
#include "store/detail/text_blocks.hpp"

#include <algorithm>
#include <cassert>
#include <cctype>
#include <unordered_map>

namespace sipscope::store {

namespace {

using detail::Statement;
using detail::Where;

// BEGIN ... COMMIT around several statements of a read-only connection (ended at scope exit, also on errors).
class ReadTransaction {
public:
    explicit ReadTransaction(detail::Connection& db) : m_db(db) {
        try {
            db.beginRead();
            m_open = true;
        } catch (const Error&) {
            // Already in one (a nested read): its snapshot holds.
        }
    }
    ~ReadTransaction() {
        if (m_open)
            m_db.rollbackQuietly();  // nothing was written: ending it either way releases the snapshot
    }
    ReadTransaction(const ReadTransaction&) = delete;
    ReadTransaction& operator=(const ReadTransaction&) = delete;

private:
    detail::Connection& m_db;
    bool m_open = false;
};

constexpr const char* CallColumns =
    "SELECT c.id, c.call_id, c.start_us, c.end_us, c.from_uri, c.from_user, c.to_uri, c.to_user, "
    "mt.text, c.state, c.status, c.messages, c.dialogs, c.retransmissions, c.src_id, c.dst_id, c.attempt_us, "
    "c.first_provisional_us, c.final_us, c.answered_us, c.bye_us, c.bye_answered_us, c.ended_by, c.reason, "
    "c.early_media, c.reinvites, c.holds, c.resumes, c.glare, c.kind FROM calls c "
    "LEFT JOIN strings mt ON mt.id = c.method_id LEFT JOIN endpoints s ON s.id = c.src_id "
    "LEFT JOIN endpoints d ON d.id = c.dst_id";

// A row of CallColumns, its fields in the order of the SELECT.
CallRow readCall(const Statement& stmt, detail::EndpointCache& endpoints) {
    CallRow row;
    std::string state, kind;                   // as stored; the row holds their enums
    std::optional<std::int64_t> srcId, dstId;  // endpoints.id; the row holds the endpoints
    stmt.readRow(row.key, row.callId, row.startUs, row.endUs, row.fromUri, row.fromUser, row.toUri, row.toUser,
                 row.method, state, row.status, row.messages, row.dialogs, row.retransmissions, srcId, dstId,
                 row.attemptUs, row.firstProvisionalUs, row.finalUs, row.answeredUs, row.byeUs, row.byeAnsweredUs,
                 row.endedBy, row.reason, row.hasEarlyMedia, row.reinvites, row.holds, row.resumes, row.hasGlare, kind);
    row.state = detail::callStateOf(state);
    row.kind = detail::callKindOf(kind);
    row.src = endpoints.getOptional(srcId);
    row.dst = endpoints.getOptional(dstId);
    return row;
}

constexpr const char* MessageColumns =
    "SELECT m.id, m.ts_us, m.src_id, m.dst_id, m.transport, c.call_id, mt.text, m.status, r.text, m.cseq, cm.text, "
    "m.flags, e.text, m.error_offset, m.frame, m.block_id, m.block_offset, m.length, m.transaction_key "
    "FROM messages m "
    "JOIN endpoints s ON s.id = m.src_id JOIN endpoints d ON d.id = m.dst_id "
    "LEFT JOIN calls c ON c.id = m.call_key LEFT JOIN strings mt ON mt.id = m.method_id "
    "LEFT JOIN strings r ON r.id = m.reason_id LEFT JOIN strings cm ON cm.id = m.cseq_method_id "
    "LEFT JOIN strings e ON e.id = m.error_id";
[[maybe_unused]] constexpr int MessageColumnCount = 19;  // the columns of MessageColumns, as readMessage reads them

// Every listing of messages is in time order, ties in capture order: a capture's packets need not be in time order
// (several files imported apart, a TCP segment sent again after a gap), and a ladder, a listing or an exported pcap
// drawn in storage order shows replies before their requests and negative deltas. messages_time (ts_us) gives every
// message in this order without a sort; a call's few messages are found by messages_call and sorted.
constexpr const char* MessageOrder = " ORDER BY m.ts_us, m.id";
// A call's transactions and dialogs (table alias r) by their ids, (call key << 16) + n: a range of the rowid, so
// neither table needs an index on call_key. ?1 is the call key.
constexpr const char* CallRecordIds = "r.id >= (?1 << 16) AND r.id < ((?1 + 1) << 16)";

}  // namespace

struct Reader::Impl {
    explicit Impl(const std::string& path) : db(path, Database::Mode::ReadOnly), endpoints(db.handle()) {}

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
    detail::EndpointCache endpoints;  // every row's endpoints, by endpoints.id
    detail::TextBlockReader texts;    // keeps the last block read: a call's messages are usually in one

    std::string readText(std::int64_t blockId, std::int64_t offset, std::int64_t length) {
        return texts.read(db.handle(), blockId, offset, length);
    }

    // The rows of a listing of a call's records (registrations, subscriptions): `sql` run with `where`'s values,
    // `read` filling a row from each result and the ids of its call's two endpoints, which become the row's src and
    // dst.
    template <typename Row, typename Read>
    std::vector<Row> callRecordRows(const std::string& sql, const Where& where, Read read) {
        Statement stmt(db.handle(), sql);
        int index = 1;
        where.bind(stmt, index);
        std::vector<Row> rows;
        while (stmt.step()) {
            Row row;
            std::optional<std::int64_t> srcId, dstId;
            read(stmt, row, srcId, dstId);
            row.src = endpoints.getOptional(srcId);
            row.dst = endpoints.getOptional(dstId);
            rows.push_back(std::move(row));
        }
        return rows;
    }

    MessageRow readMessage(const Statement& stmt, bool withText) {
        assert(stmt.columnCount() == MessageColumnCount && "readMessage: the columns of MessageColumns");
        MessageRow row;
        row.id = stmt.columnInt(0);
        row.timestampUs = stmt.columnInt(1);
        row.src = endpoints.get(stmt.columnInt(2));
        row.dst = endpoints.get(stmt.columnInt(3));
        row.transport = detail::transportOf(stmt.columnInt(4));
        row.callId = stmt.columnOptionalText(5);
        row.method = stmt.columnOptionalText(6);
        row.status = stmt.columnOptionalInt(7);
        row.reason = stmt.columnText(8);
        row.cseq = static_cast<std::uint32_t>(stmt.columnInt(9));
        row.cseqMethod = stmt.columnText(10);
        const auto flags = stmt.columnInt(11);
        row.valid = flags & detail::FlagValid;
        row.retransmission = flags & detail::FlagRetransmission;
        row.hasSdp = flags & detail::FlagHasSdp;
        row.sdpRole = (flags & detail::FlagSdpOffer)    ? decode::SdpRole::Offer
                      : (flags & detail::FlagSdpAnswer) ? decode::SdpRole::Answer
                                                        : decode::SdpRole::None;
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
    detail::addCallFilters(filter, where, false,
                           filter.from ? detail::fromPairs(m_impl->db.handle(), *filter.from) : std::nullopt);
    Statement stmt(m_impl->db.handle(),
                   std::string(CallColumns) + where.sql + " ORDER BY c.start_us, c.id" + detail::limitClause(filter));
    int index = 1;
    where.bind(stmt, index);
    std::vector<CallRow> rows;
    while (stmt.step())
        rows.push_back(readCall(stmt, m_impl->endpoints));
    detail::fillLegs(m_impl->db.handle(), rows);
    m_impl->fillCaptures(rows);
    return rows;
}

namespace {

// The ORDER BY expression of a callPage sort field (the joins of CallColumns in scope). NULL reads as '' or -1,
// which sort where SQLite puts NULL (first), so that keyset pages can compare keys with < and >.
std::string callSortExpression(const std::string& field) {
    static const std::map<std::string, std::string> expressions{{"start", "c.start_us"},
                                                                {"duration", "c.end_us - c.start_us"},
                                                                {"from", "c.from_uri"},
                                                                {"to", "c.to_uri"},
                                                                {"src", "coalesce(s.text, '')"},
                                                                {"dst", "coalesce(d.text, '')"},
                                                                {"method", "coalesce(mt.text, '')"},
                                                                {"state", "c.state"},
                                                                {"status", "coalesce(c.status, -1)"},
                                                                {"messages", "c.messages"},
                                                                {"call_id", "c.call_id"},
                                                                {"kind", "c.kind"}};
    const auto found = expressions.find(field);
    return found == expressions.end() ? "c.start_us" : found->second;
}

}  // namespace

std::vector<CallRow> Reader::callPage(const Filter& filter, const std::string& sortField, bool descending,
                                      std::size_t offset, std::size_t count) const {
    // The keyset page without an anchor is the offset page: one query for both.
    return callPageFrom(filter, sortField, descending, std::nullopt, false, offset, count);
}

namespace {

constexpr const char* CallJoins = " LEFT JOIN strings mt ON mt.id = c.method_id LEFT JOIN endpoints s ON s.id = "
                                  "c.src_id LEFT JOIN endpoints d ON d.id = c.dst_id";

// callPage's order as a list of terms: the field, then start and id, which make it total.
std::string callSortTerms(const std::string& field) {
    const std::string expression = callSortExpression(field);
    return (expression == "c.start_us" ? std::string() : expression + ", ") + "c.start_us, c.id";
}

// "(key of the row) < (key of call ?)" for `comparison` "<" (or ">"), in callPage's order by `field`.
std::string keysetClause(const std::string& field, const char* comparison) {
    const std::string terms = callSortTerms(field);
    return concat("(", terms, ") ", comparison, " (SELECT ", terms, " FROM calls c", CallJoins, " WHERE c.id = ?)");
}

}  // namespace

std::vector<CallRow> Reader::callPageFrom(const Filter& filter, const std::string& sortField, bool descending,
                                          std::optional<std::int64_t> anchor, bool isBackward, std::size_t skip,
                                          std::size_t count) const {
    ReadTransaction transaction(m_impl->db.handle());
    Where where;
    detail::addCallFilters(filter, where, false,
                           filter.from ? detail::fromPairs(m_impl->db.handle(), *filter.from) : std::nullopt);
    // Backward reads the order reversed from the anchor, then turns the rows round.
    const bool isReversed = descending != isBackward;
    if (anchor)
        where.add(keysetClause(sortField, isReversed ? "<" : ">"), {*anchor});
    const char* direction = isReversed ? " DESC" : "";
    const std::string expression = callSortExpression(sortField);
    std::string order = " ORDER BY ";
    if (expression != "c.start_us")
        order += expression + direction + ", ";
    order += std::string("c.start_us") + direction + ", c.id" + direction;
    Statement stmt(m_impl->db.handle(), std::string(CallColumns) + where.sql + order + " LIMIT ? OFFSET ?");
    int index = 1;
    where.bind(stmt, index);
    stmt.bindInt(index++, static_cast<std::int64_t>(count));
    stmt.bindInt(index, static_cast<std::int64_t>(skip));
    std::vector<CallRow> rows;
    while (stmt.step())
        rows.push_back(readCall(stmt, m_impl->endpoints));
    if (isBackward)
        std::reverse(rows.begin(), rows.end());
    detail::fillLegs(m_impl->db.handle(), rows);
    m_impl->fillCaptures(rows);  // every field of `sipscope calls`: the viewer's CSV of the list is the CLI's
    return rows;
}

std::optional<std::uint64_t> Reader::callPosition(const Filter& filter, const std::string& sortField, bool descending,
                                                  std::int64_t key) const {
    ReadTransaction transaction(m_impl->db.handle());
    Where where;
    detail::addCallFilters(filter, where, false,
                           filter.from ? detail::fromPairs(m_impl->db.handle(), *filter.from) : std::nullopt);
    auto count = [&](const std::string& clause) {
        Where with = where;
        with.add(clause, {key});
        Statement stmt(m_impl->db.handle(), std::string("SELECT count(*) FROM calls c") + CallJoins + with.sql);
        int index = 1;
        with.bind(stmt, index);
        return stmt.step() ? static_cast<std::uint64_t>(stmt.columnInt(0)) : 0;
    };
    if (count("c.id = ?") == 0)
        return std::nullopt;
    return count(keysetClause(sortField, descending ? ">" : "<"));
}

std::int64_t Reader::dataVersion() const { return m_impl->db.handle().dataVersion(); }

std::uint64_t Reader::countCalls(const Filter& filter) const {
    ReadTransaction transaction(m_impl->db.handle());
    Where where;
    detail::addCallFilters(filter, where, false,
                           filter.from ? detail::fromPairs(m_impl->db.handle(), *filter.from) : std::nullopt);
    Statement stmt(m_impl->db.handle(), "SELECT count(*) FROM calls c" + where.sql);
    int index = 1;
    where.bind(stmt, index);
    return stmt.step() ? static_cast<std::uint64_t>(stmt.columnInt(0)) : 0;
}

std::vector<MessageRow> Reader::messages(const Filter& filter, bool withText) const {
    Where where;
    detail::addMessageFilters(filter, where);
    Statement stmt(m_impl->db.handle(),
                   std::string(MessageColumns) + where.sql + MessageOrder + detail::limitClause(filter));
    int index = 1;
    where.bind(stmt, index);
    std::vector<MessageRow> rows;
    while (stmt.step())
        rows.push_back(m_impl->readMessage(stmt, withText));
    return rows;
}

void Reader::forEachMessage(const Filter& filter, bool withText, const std::function<bool(MessageRow&)>& visit) const {
    Where where;
    detail::addMessageFilters(filter, where);
    Statement stmt(m_impl->db.handle(),
                   std::string(MessageColumns) + where.sql + MessageOrder + detail::limitClause(filter));
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
    // The keys as one bound JSON array, so any number of them is one query.
    std::string keys = "[";
    for (const std::int64_t key : callKeys)
        keys.append(keys.size() > 1 ? "," : "").append(std::to_string(key));
    keys += "]";
    Statement stmt(m_impl->db.handle(), std::string(MessageColumns) + " WHERE m.call_key IN (" +
                                            detail::jsonIntegersSql(m_impl->db.handle().backend()) + ")" +
                                            MessageOrder);
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
        detail::fillLegs(m_impl->db.handle(), one);
        m_impl->fillCaptures(one);
        call = std::move(one.front());
    }
    return call;
}

std::vector<CallRow> Reader::findCalls(const std::string& text, std::size_t maxMatches) const {
    std::vector<CallRow> rows;
    auto readAll = [&rows, this](Statement& stmt) {
        while (stmt.step())
            rows.push_back(readCall(stmt, m_impl->endpoints));
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
    detail::fillLegs(m_impl->db.handle(), rows);
    m_impl->fillCaptures(rows);
    return rows;
}

std::optional<CallRow> Reader::findCallRow(const std::string& idOrKey) const {
    {
        Statement stmt(m_impl->db.handle(), std::string(CallColumns) + " WHERE c.call_id = ? ORDER BY c.id LIMIT 1");
        stmt.bindText(1, idOrKey);
        if (stmt.step())
            return readCall(stmt, m_impl->endpoints);
    }
    const bool isNumber =
        !idOrKey.empty() && idOrKey.size() < 19 && std::all_of(idOrKey.begin(), idOrKey.end(), ::isdigit);
    if (isNumber) {
        Statement stmt(m_impl->db.handle(), std::string(CallColumns) + " WHERE c.id = ?");
        stmt.bindInt(1, std::stoll(idOrKey));
        if (stmt.step())
            return readCall(stmt, m_impl->endpoints);
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

Stats Reader::stats(const Filter& filter) const { return detail::readStats(m_impl->db.handle(), filter); }

std::vector<HostStats> Reader::hostStats(const Filter& filter) const {
    return detail::readHostStats(m_impl->db.handle(), filter);
}

std::vector<IntervalStats> Reader::intervalStats(const Filter& filter, std::int64_t intervalUs,
                                                 bool withMessages) const {
    return detail::readIntervalStats(m_impl->db.handle(), filter, intervalUs, withMessages);
}

std::vector<DialogRow> Reader::callDialogs(std::int64_t callKey) const {
    Statement stmt(m_impl->db.handle(), std::string("SELECT r.id, r.from_tag, r.to_tag, r.state, r.created_us, "
                                                    "r.confirmed_us, r.terminated_us FROM dialogs r WHERE ") +
                                            CallRecordIds + " ORDER BY r.id");
    stmt.bindInt(1, callKey);
    std::vector<DialogRow> rows;
    while (stmt.step())
        rows.push_back({stmt.columnInt(0), stmt.columnText(1), stmt.columnText(2),
                        detail::dialogStateOf(stmt.columnText(3)), stmt.columnInt(4), stmt.columnInt(5),
                        stmt.columnInt(6)});
    return rows;
}

std::vector<TransactionRow> Reader::callTransactions(std::int64_t callKey) const {
    Statement stmt(m_impl->db.handle(),
                   std::string("SELECT r.id, s.text, r.start_us, r.first_provisional_us, r.final_us, r.final_status, "
                               "r.requests, r.responses, r.orphan FROM transactions r "
                               "LEFT JOIN strings s ON s.id = r.method_id WHERE ") +
                       CallRecordIds + " ORDER BY r.id");
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
    detail::addCallFilters(filter, where, true);
    if (filter.method)
        where.add("c.method_id = (SELECT id FROM strings WHERE text = upper(?))", {*filter.method});
    if (filter.host)
        detail::addCallHostFilter(*filter.host, where);
    detail::addStatusFilter(filter, "r.status", where);
    if (filter.sinceUs)
        where.add("r.request_us >= ?", {*filter.sinceUs});
    if (filter.untilUs)
        where.add("r.request_us <= ?", {*filter.untilUs});
    return m_impl->callRecordRows<RegistrationRow>(
        "SELECT c.call_id, r.aor, r.contact, r.expires, r.granted_expires, r.status, r.request_us, "
        "r.response_us, c.src_id, c.dst_id, r.bindings FROM registrations r JOIN calls c ON c.id = r.call_key" +
            where.sql + " ORDER BY r.request_us, r.transaction_key" + detail::limitClause(filter),
        where, [](const Statement& stmt, RegistrationRow& row, auto& srcId, auto& dstId) {
            stmt.readRow(row.callId, row.aor, row.contact, row.expires, row.grantedExpires, row.status, row.requestUs,
                         row.responseUs, srcId, dstId, row.bindings);
        });
}

std::vector<SubscriptionRow> Reader::subscriptions(const Filter& filter) const {
    Where where;
    if (filter.from)
        where.add("instr(lower(sb.subscriber), ?) > 0", {detail::lowerCase(*filter.from)});
    if (filter.to)
        where.add("instr(lower(sb.resource), ?) > 0", {detail::lowerCase(*filter.to)});
    if (filter.callId)
        where.add("c.call_id = ?", {*filter.callId});
    if (filter.callKey)
        where.add("c.id = ?", {*filter.callKey});
    if (filter.method)
        where.add("sb.method = upper(?)", {*filter.method});
    if (filter.state)
        where.add("sb.state = ?", {detail::lowerCase(*filter.state)});
    if (filter.event)
        where.add("sb.event = ?", {*filter.event});
    detail::addStatusFilter(filter, "sb.status", where);
    if (filter.sinceUs)
        where.add("sb.start_us >= ?", {*filter.sinceUs});
    if (filter.untilUs)
        where.add("sb.start_us <= ?", {*filter.untilUs});
    if (filter.host)
        detail::addCallHostFilter(*filter.host, where);
    return m_impl->callRecordRows<SubscriptionRow>(
        "SELECT sb.id, c.call_id, sb.method, sb.event, sb.event_id, sb.resource, sb.subscriber, sb.state, "
        "sb.reason, sb.expires, sb.granted_expires, sb.state_expires, sb.status, sb.requests, sb.notifies, "
        "sb.etag, sb.if_match, sb.start_us, sb.last_us, sb.terminated_us, sb.dialog_key, c.src_id, c.dst_id "
        "FROM subscriptions sb JOIN calls c ON c.id = sb.call_key" +
            where.sql + " ORDER BY sb.start_us, sb.id" + detail::limitClause(filter),
        where, [](const Statement& stmt, SubscriptionRow& row, auto& srcId, auto& dstId) {
            stmt.readRow(row.key, row.callId, row.method, row.event, row.eventId, row.resource, row.subscriber,
                         row.state, row.reason, row.expires, row.grantedExpires, row.stateExpires, row.status,
                         row.requests, row.notifies, row.etag, row.ifMatch, row.startUs, row.lastUs, row.terminatedUs,
                         row.dialogKey, srcId, dstId);
        });
}

std::vector<LinkedCallRow> Reader::linkedCalls(std::int64_t callKey) const {
    return detail::linkedCalls(m_impl->db.handle(), callKey);
}

std::vector<MediaRow> Reader::callMedia(std::int64_t callKey) const {
    // Each message's SDP with what identifies it across hops: a proxy forwards the same request or response (method
    // or status, CSeq) with the same SDP, and that SDP is listed once, as the call's first hop carried it (the hop
    // of its first request: calls.src_id and dst_id, either way).
    Statement stmt(m_impl->db.handle(),
                   "SELECT md.message_id, m.ts_us, md.media_index, md.role, md.type, md.port, md.proto, md.address, "
                   "md.direction, md.codecs, md.ptime, m.src_id, m.dst_id, coalesce(m.method_id, -m.status), m.cseq, "
                   "m.cseq_method_id, ((m.src_id = c.src_id AND m.dst_id = c.dst_id) OR "
                   "(m.src_id = c.dst_id AND m.dst_id = c.src_id)) FROM media md "
                   "JOIN messages m ON m.id = md.message_id JOIN calls c ON c.id = m.call_key WHERE m.call_key = ? "
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
        row.role = detail::sdpRoleOf(stmt.columnText(3));
        row.type = stmt.columnText(4);
        row.port = static_cast<int>(stmt.columnInt(5));
        row.proto = stmt.columnText(6);
        row.address = stmt.columnText(7);
        row.direction = stmt.columnText(8);
        row.codecs = stmt.columnText(9);
        row.ptimeMs = stmt.columnOptionalInt(10);
        row.src = m_impl->endpoints.get(stmt.columnInt(11));
        row.dst = m_impl->endpoints.get(stmt.columnInt(12));
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
        sdp.identity += '\n' + std::string(decode::sdpRoleName(row.role)) + ' ' + row.type + ' ' +
                        std::to_string(row.port) + ' ' + row.proto + ' ' + row.address + ' ' + row.direction + ' ' +
                        row.codecs + ' ' + (row.ptimeMs ? std::to_string(*row.ptimeMs) : std::string());
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

std::vector<StreamRow> Reader::streams(const Filter& filter) const {
    return detail::readStreams(m_impl->db.handle(), m_impl->endpoints, filter);
}

std::vector<FindingRow> Reader::findings(const Filter& filter, const FindingFilter& only) const {
    return detail::readFindings(m_impl->db.handle(), m_impl->endpoints, filter, only);
}

std::vector<FindingRow> Reader::callFindings(std::int64_t callKey) const {
    return detail::readCallFindings(m_impl->db.handle(), m_impl->endpoints, callKey);
}

std::vector<StreamRow> Reader::callStreams(std::int64_t callKey) const {
    return detail::readCallStreams(m_impl->db.handle(), m_impl->endpoints, callKey);
}

std::optional<StreamRow> Reader::stream(std::int64_t streamKey) const {
    return detail::readStream(m_impl->db.handle(), m_impl->endpoints, streamKey);
}

std::optional<StreamSeries> Reader::streamSeries(std::int64_t streamKey) const {
    return detail::readStreamSeries(m_impl->db.handle(), streamKey);
}

std::vector<StreamRow> Reader::otherLegStreams(std::int64_t callKey) const {
    return detail::OtherLegs(m_impl->db.handle()).streams(m_impl->endpoints, callKey);
}

std::optional<CaptureRow> Reader::capture(std::int64_t captureId) const {
    Statement stmt(m_impl->db.handle(), "SELECT id, path, size_bytes, content_hash FROM captures WHERE id = ?");
    stmt.bindInt(1, captureId);
    if (!stmt.step())
        return std::nullopt;
    CaptureRow row;
    row.id = stmt.columnInt(0);
    row.path = stmt.columnText(1);
    row.sizeBytes = static_cast<std::uint64_t>(stmt.columnInt(2));
    if (!stmt.columnIsNull(3))
        row.contentHash = static_cast<std::uint64_t>(stmt.columnInt(3));
    return row;
}

std::optional<decode::MediaAssessment> Reader::mediaVerdict(const CallRow& call) const {
    if (call.kind != decode::CallKind::Call || call.answeredUs == 0)
        return std::nullopt;
    std::vector<decode::StreamOfCall> streams;
    for (const StreamRow& row : callStreams(call.key))
        streams.push_back(row.ofCall());
    // Only a call without streams needs to know whether its capture had any RTP (the reason of a `none`).
    const bool isRtpInCapture =
        !streams.empty() || call.captureId == 0 || detail::isRtpInCapture(m_impl->db.handle(), call.captureId);
    return detail::OtherLegs(m_impl->db.handle())
        .assess(m_impl->endpoints, call.key, call.answeredUs, std::move(streams), isRtpInCapture);
}

MediaStats Reader::mediaStats(const Filter& filter) const {
    return detail::readMediaStats(m_impl->db.handle(), filter);
}

decode::StreamOfCall StreamRow::ofCall() const {
    decode::StreamOfCall stream;
    stream.sender = sender;
    stream.addressMismatch = addressMismatch;
    stream.src = src;
    stream.dst = dst;
    stream.firstUs = firstUs;
    stream.lastUs = lastUs;
    stream.packets = packets;
    return stream;
}

}  // namespace sipscope::store
