// Stream rows, verdicts and media statistics from the streams table.
#include "store/detail/stream_queries.hpp"

#include "store/detail/filter_sql.hpp"
#include "store/detail/statement.hpp"
#include "store/detail/stream_rows.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <optional>
#include <string>

namespace sipscope::store::detail {

namespace {

constexpr const char* StreamColumns =
    "st.id, coalesce(st.call_key, 0), coalesce(c.call_id, ''), coalesce(st.media_index, -1), coalesce(st.sender, ''), "
    "st.src_id, st.dst_id, st.ssrc, st.ssrc_changes, st.payload_type, coalesce(cs.text, ''), "
    "coalesce(st.clock_rate, 0), st.first_us, st.last_us, st.packets, st.bytes, st.expected, st.lost, "
    "st.duplicates, st.out_of_order, st.wraps, st.restarts, st.markers, st.late_packets, st.max_delta_ms, "
    "st.mean_jitter_ms, st.max_jitter_ms, coalesce(st.dtmf, ''), st.rtcp_packets, st.rtcp_reports, "
    "st.rtcp_lost_percent, st.rtcp_cumulative_lost, st.rtcp_jitter_ms, st.rtt_ms, st.mos, st.flags, "
    "coalesce(st.capture_id, 0)";

constexpr const char* StreamFrom =
    " FROM streams st LEFT JOIN calls c ON c.id = st.call_key LEFT JOIN strings cs ON cs.id = st.codec_id"
    " JOIN endpoints s ON s.id = st.src_id JOIN endpoints d ON d.id = st.dst_id";

decode::MediaParty partyOf(std::string_view name) {
    if (name == decode::mediaPartyName(decode::MediaParty::Offerer))
        return decode::MediaParty::Offerer;
    if (name == decode::mediaPartyName(decode::MediaParty::Answerer))
        return decode::MediaParty::Answerer;
    return decode::MediaParty::Unknown;
}

std::optional<double> optionalDouble(const Statement& stmt, int column) {
    return stmt.columnIsNull(column) ? std::nullopt : std::optional(stmt.columnDouble(column));
}

StreamRow streamRow(const Statement& stmt, EndpointCache& endpoints) {
    StreamRow row;
    int c = 0;
    auto integer = [&] { return stmt.columnInt(c++); };
    auto unsigned64 = [&] { return static_cast<std::uint64_t>(stmt.columnInt(c++)); };
    row.id = integer();
    row.callKey = integer();
    row.callId = stmt.columnText(c++);
    row.mediaIndex = static_cast<int>(integer());
    row.sender = partyOf(stmt.columnText(c++));
    row.src = endpoints.get(integer());
    row.dst = endpoints.get(integer());
    row.ssrc = static_cast<std::uint32_t>(integer());
    row.ssrcChanges = static_cast<std::uint32_t>(integer());
    row.payloadType = static_cast<int>(integer());
    row.codec = stmt.columnText(c++);
    row.clockRate = static_cast<std::uint32_t>(integer());
    row.firstUs = integer();
    row.lastUs = integer();
    row.packets = unsigned64();
    row.bytes = unsigned64();
    row.expected = unsigned64();
    row.lost = integer();
    row.duplicates = unsigned64();
    row.outOfOrder = unsigned64();
    row.wraps = unsigned64();
    row.restarts = unsigned64();
    row.markers = unsigned64();
    row.latePackets = unsigned64();
    row.maxDeltaMs = stmt.columnDouble(c++);
    row.meanJitterMs = stmt.columnDouble(c++);
    row.maxJitterMs = stmt.columnDouble(c++);
    row.dtmf = stmt.columnText(c++);
    row.rtcpPackets = static_cast<std::uint32_t>(integer());
    row.rtcpReports = static_cast<std::uint32_t>(integer());
    row.rtcpLostPercent = optionalDouble(stmt, c++);
    row.rtcpCumulativeLost = stmt.columnIsNull(c) ? std::nullopt : std::optional(stmt.columnInt(c));
    ++c;
    row.rtcpJitterMs = optionalDouble(stmt, c++);
    row.rttMs = optionalDouble(stmt, c++);
    row.mos = optionalDouble(stmt, c++);
    const std::int64_t flags = integer();
    row.addressMismatch = (flags & StreamAddressMismatch) != 0;
    row.rtcpMux = (flags & StreamRtcpMux) != 0;
    row.evicted = (flags & StreamEvicted) != 0;
    row.captureId = integer();
    return row;
}

std::vector<StreamRow> run(Statement& stmt, EndpointCache& endpoints) {
    std::vector<StreamRow> rows;
    while (stmt.step())
        rows.push_back(streamRow(stmt, endpoints));
    return rows;
}

}  // namespace

std::vector<StreamRow> readStreams(Connection& db, EndpointCache& endpoints, const Filter& filter) {
    Where where;
    Filter calls = filter;  // the call filters; since, until and host are the stream's own
    calls.sinceUs.reset();
    calls.untilUs.reset();
    calls.host.reset();
    addCallFilters(calls, where, false);
    if (filter.sinceUs)
        where.add("st.first_us >= ?", {*filter.sinceUs});
    if (filter.untilUs)
        where.add("st.first_us <= ?", {*filter.untilUs});
    if (filter.host) {
        Where host;
        Filter hostOnly;
        hostOnly.host = filter.host;
        addMessageFilters(hostOnly, host);  // the clause on s.text / d.text that messages use
        where.add(host.sql.substr(std::string(" WHERE ").size()), host.values);
    }
    Statement stmt(db, std::string("SELECT ") + StreamColumns + StreamFrom + where.sql +
                           " ORDER BY st.first_us, st.id" + limitClause(filter));
    int index = 1;
    where.bind(stmt, index);
    return run(stmt, endpoints);
}

std::vector<StreamRow> readCallStreams(Connection& db, EndpointCache& endpoints, std::int64_t callKey) {
    Statement stmt(db, std::string("SELECT ") + StreamColumns + StreamFrom +
                           " WHERE st.call_key = ? ORDER BY st.first_us, st.id");
    stmt.bindInt(1, callKey);
    return run(stmt, endpoints);
}

std::optional<StreamRow> readStream(Connection& db, EndpointCache& endpoints, std::int64_t streamKey) {
    Statement stmt(db, std::string("SELECT ") + StreamColumns + StreamFrom + " WHERE st.id = ?");
    stmt.bindInt(1, streamKey);
    std::vector<StreamRow> rows = run(stmt, endpoints);
    return rows.empty() ? std::nullopt : std::optional(std::move(rows.front()));
}

OtherLegs::OtherLegs(Connection& db)
    : m_media(db, "SELECT md.role, md.address, md.port FROM messages m JOIN media md ON md.message_id = m.id "
                  "WHERE m.call_key = ? AND md.role IS NOT NULL AND md.port > 0 AND md.address IS NOT NULL"),
      m_directions(db, "SELECT md.role, md.direction, md.port FROM messages m JOIN media md ON md.message_id = m.id "
                       "WHERE m.call_key = ? AND md.role IS NOT NULL AND md.media_index = 0 ORDER BY m.ts_us, m.id"),
      m_endpointId(db, "SELECT id FROM endpoints WHERE text = ?"),
      // Within the call's own time: the same addresses may serve another call of the capture later.
      m_other(db, std::string("SELECT ") + StreamColumns + StreamFrom +
                      " JOIN calls me ON me.id = ?2 WHERE st.dst_id = ?1 AND coalesce(st.call_key, -1) != ?2 "
                      "AND st.first_us <= me.end_us AND st.last_us >= me.start_us ORDER BY st.first_us, st.id"),
      m_own(db, std::string("SELECT ") + StreamColumns + StreamFrom +
                    " WHERE st.call_key = ? ORDER BY st.first_us, st.id") {}

std::vector<StreamRow> OtherLegs::callStreams(EndpointCache& endpoints, std::int64_t callKey) {
    m_own.reset();
    m_own.bindInt(1, callKey);
    return run(m_own, endpoints);
}

std::vector<StreamRow> OtherLegs::streams(EndpointCache& endpoints, std::int64_t callKey) {
    std::map<std::int64_t, decode::MediaParty> receivers;  // endpoint id -> the party that sends to it
    m_media.reset();
    m_media.bindInt(1, callKey);
    while (m_media.step()) {
        const std::string address = m_media.columnText(1);
        const std::optional<capture::IpAddress> ip = capture::parseIpAddress(address);
        if (!ip)
            continue;
        m_endpointId.reset();
        m_endpointId.bindText(1, capture::Endpoint{*ip, static_cast<std::uint16_t>(m_media.columnInt(2))}.toString());
        if (!m_endpointId.step())
            continue;  // no packet went there or came from there
        const decode::MediaParty sender =
            m_media.columnText(0) == "offer" ? decode::MediaParty::Answerer : decode::MediaParty::Offerer;
        const auto [it, isNew] = receivers.try_emplace(m_endpointId.columnInt(0), sender);
        if (!isNew && it->second != sender)
            it->second = decode::MediaParty::Unknown;  // both parties named it: it tells no direction
    }
    std::vector<StreamRow> found;
    if (receivers.size() < 2)
        return found;
    std::vector<capture::Endpoint> addresses;
    for (const auto& entry : receivers)
        addresses.push_back(endpoints.get(entry.first));
    for (const auto& [dstId, sender] : receivers) {
        if (sender == decode::MediaParty::Unknown)
            continue;
        m_other.reset();
        m_other.bindInt(1, dstId);
        m_other.bindInt(2, callKey);
        while (m_other.step()) {
            StreamRow row = streamRow(m_other, endpoints);
            if (std::find(addresses.begin(), addresses.end(), row.src) == addresses.end())
                continue;  // not from one of the call's addresses
            row.sender = sender;
            row.addressMismatch = false;
            found.push_back(std::move(row));
        }
    }
    return found;
}

decode::NegotiatedMedia OtherLegs::negotiated(std::int64_t callKey) {
    // The first offer and its answer: they make the parties the streams' senders are named by (a re-INVITE may come
    // from either side, and its "offer" would name the other one).
    std::optional<std::string> offer, answer;
    bool isRefused = false;
    m_directions.reset();
    m_directions.bindInt(1, callKey);
    while (!answer && m_directions.step()) {
        if (m_directions.columnText(0) == "offer") {
            offer = offer ? *offer : m_directions.columnText(1);
        } else if (offer) {
            answer = m_directions.columnText(1);
            isRefused = m_directions.columnInt(2) == 0;
        }
    }
    if (!answer)
        return {};  // no answer seen: nothing negotiated to go by
    return decode::negotiatedMedia(*offer, *answer, isRefused);
}

std::optional<decode::MediaAssessment> OtherLegs::assess(EndpointCache& endpoints, std::int64_t callKey,
                                                         std::int64_t answeredUs,
                                                         std::vector<decode::StreamOfCall> callStreams,
                                                         bool isRtpInCapture) {
    const auto isSuspect = [](const std::optional<decode::MediaAssessment>& verdict) {
        return verdict &&
               (verdict->verdict == decode::MediaVerdict::None || verdict->verdict == decode::MediaVerdict::OneWay);
    };
    std::optional<decode::MediaAssessment> verdict = decode::assessMedia(answeredUs, callStreams, isRtpInCapture);
    if (!isSuspect(verdict))
        return verdict;
    const decode::NegotiatedMedia sdp = negotiated(callKey);
    verdict = decode::assessMedia(answeredUs, callStreams, isRtpInCapture, sdp);
    if (!isSuspect(verdict))
        return verdict;
    const std::vector<StreamRow> others = streams(endpoints, callKey);
    if (others.empty())
        return verdict;
    for (const StreamRow& row : others)
        callStreams.push_back(row.ofCall());
    verdict = decode::assessMedia(answeredUs, callStreams, true, sdp);
    verdict->reason += "; counting " + std::to_string(others.size()) + (others.size() == 1 ? " stream" : " streams") +
                       " between this call's SDP addresses tied to another call (media end to end past a B2BUA)";
    return verdict;
}

bool isRtpInCapture(Connection& db, std::int64_t captureId) {
    // A stream of unknown capture (written before schema 5, among several captures) may be of this one.
    Statement stmt(db, "SELECT 1 FROM streams WHERE capture_id = ? OR capture_id IS NULL LIMIT 1");
    stmt.bindInt(1, captureId);
    return stmt.step();
}

MediaStats readMediaStats(Connection& db, const Filter& filter) {
    MediaStats stats;
    // A database without streams (a capture of signalling only): no verdicts, rather than "none" for every call.
    Statement any(db, "SELECT 1 FROM streams LIMIT 1");
    stats.hasStreams = any.step();
    if (!stats.hasStreams)
        return stats;
    Where where;
    addCallFilters(filter, where, false);
    // Verdicts: answered INVITE calls, their streams alongside (a call without streams has one row of NULLs).
    Where answered = where;
    answered.add("c.kind = 'call' AND c.answered_us IS NOT NULL", {});
    Statement calls(db, "SELECT c.id, c.answered_us, st.sender, st.flags, st.first_us, st.last_us, st.packets, "
                        "st.src_id, st.dst_id FROM calls c LEFT JOIN streams st ON st.call_key = c.id" +
                            answered.sql + " ORDER BY c.id");
    int index = 1;
    answered.bind(calls, index);
    EndpointCache endpoints(db);
    OtherLegs otherLegs(db);
    std::int64_t callKey = -1;
    std::int64_t answeredUs = 0;
    std::vector<decode::StreamOfCall> streams;
    auto flush = [&] {
        if (callKey < 0)
            return;
        if (const auto verdict = otherLegs.assess(endpoints, callKey, answeredUs, streams, true))
            ++stats.verdicts[std::string(decode::mediaVerdictName(verdict->verdict))];
        streams.clear();
    };
    while (calls.step()) {
        if (calls.columnInt(0) != callKey) {
            flush();
            callKey = calls.columnInt(0);
            answeredUs = calls.columnInt(1);
        }
        if (calls.columnIsNull(3))
            continue;
        decode::StreamOfCall stream;
        stream.sender = partyOf(calls.columnText(2));
        stream.addressMismatch = (calls.columnInt(3) & StreamAddressMismatch) != 0;
        stream.firstUs = calls.columnInt(4);
        stream.lastUs = calls.columnInt(5);
        stream.packets = static_cast<std::uint64_t>(calls.columnInt(6));
        stream.src = endpoints.get(calls.columnInt(7));
        stream.dst = endpoints.get(calls.columnInt(8));
        streams.push_back(stream);
    }
    flush();
    // MOS of the selected calls' streams.
    static constexpr std::array<double, 5> Bands = {1.0, 2.0, 3.0, 3.6, 4.0};
    for (double band : Bands)
        stats.mosBands.emplace_back(band, 0);
    Statement mos(db, "SELECT st.mos FROM streams st JOIN calls c ON c.id = st.call_key" + where.sql);
    index = 1;
    where.bind(mos, index);
    double sum = 0;
    std::uint64_t rated = 0;
    while (mos.step()) {
        ++stats.streams;
        if (mos.columnIsNull(0))
            continue;
        const double value = mos.columnDouble(0);
        sum += value;
        ++rated;
        stats.minMos = stats.minMos ? std::min(*stats.minMos, value) : value;
        std::size_t band = 0;
        while (band + 1 < Bands.size() && value >= Bands[band + 1])
            ++band;
        ++stats.mosBands[band].second;
    }
    if (rated)
        stats.meanMos = sum / static_cast<double>(rated);
    Statement unassociated(db, "SELECT count(*) FROM streams WHERE call_key IS NULL");
    if (unassociated.step())
        stats.unassociatedStreams = static_cast<std::uint64_t>(unassociated.columnInt(0));
    return stats;
}

}  // namespace sipscope::store::detail
