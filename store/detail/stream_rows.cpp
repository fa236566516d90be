// Stream rows: the counters of one finished RTP stream as the streams table keeps them.
#include "store/detail/stream_rows.hpp"

#include "store/detail/stream_series.hpp"

namespace sipscope::store::detail {

const char* const StreamInsertSql =
    "INSERT INTO streams(call_key, media_index, sender, src_id, dst_id, ssrc, ssrc_changes, payload_type, codec_id, "
    "clock_rate, first_us, last_us, packets, bytes, expected, lost, duplicates, out_of_order, wraps, restarts, "
    "markers, late_packets, max_delta_ms, mean_jitter_ms, max_jitter_ms, dtmf, rtcp_packets, rtcp_reports, "
    "rtcp_lost_percent, rtcp_cumulative_lost, rtcp_jitter_ms, rtt_ms, mos, flags, capture_id, series) "
    "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";

std::string dtmfText(const decode::RtpStreamStats& stats) {
    std::string text;
    const std::size_t kept = std::min<std::size_t>(stats.digitCount, decode::RtpStreamStats::MaxDigits);
    for (std::size_t i = 0; i < kept; ++i) {
        if (!text.empty())
            text += ',';
        text += stats.digits[i].digit;
        text += '@';
        text += std::to_string(stats.digits[i].timeUs);
    }
    return text;
}

void writeStreamRow(Statement& insert, const decode::MediaStreamRecord& stream, std::int64_t srcId, std::int64_t dstId,
                    std::int64_t codecId) {
    const decode::RtpStreamStats& s = stream.stats;
    int p = 1;
    auto integer = [&](std::int64_t value) { insert.bindInt(p++, value); };
    auto real = [&](const std::optional<double>& value) {
        value ? insert.bindDouble(p++, *value) : insert.bindNull(p++);
    };
    stream.callKey ? integer(static_cast<std::int64_t>(stream.callKey)) : insert.bindNull(p++);
    stream.callKey ? integer(stream.mediaIndex) : insert.bindNull(p++);
    const std::string_view sender = decode::mediaPartyName(stream.sender);
    sender.empty() ? insert.bindNull(p++) : insert.bindView(p++, sender);
    integer(srcId);
    integer(dstId);
    integer(s.ssrc);
    integer(s.ssrcChanges);
    integer(s.payloadType);
    codecId ? integer(codecId) : insert.bindNull(p++);
    stream.clockRate ? integer(stream.clockRate) : insert.bindNull(p++);
    integer(s.firstUs);
    integer(s.lastUs);
    integer(static_cast<std::int64_t>(s.packets));
    integer(static_cast<std::int64_t>(s.bytes));
    integer(static_cast<std::int64_t>(s.expected));
    integer(s.lost);
    integer(static_cast<std::int64_t>(s.duplicates));
    integer(static_cast<std::int64_t>(s.outOfOrder));
    integer(s.wraps);
    integer(s.restarts);
    integer(static_cast<std::int64_t>(s.markers));
    integer(static_cast<std::int64_t>(s.latePackets));
    real(s.maxDeltaMs);
    real(s.jitterMeanMs);
    real(s.jitterMaxMs);
    const std::string dtmf = dtmfText(s);
    dtmf.empty() ? insert.bindNull(p++) : insert.bindView(p++, dtmf);
    integer(stream.rtcpPackets);
    integer(stream.rtcpReports);
    real(stream.rtcpLostPercent);
    stream.rtcpCumulativeLost ? integer(*stream.rtcpCumulativeLost) : insert.bindNull(p++);
    real(stream.rtcpJitterMs);
    real(stream.rttMs);
    real(stream.mos);
    integer((stream.addressMismatch ? StreamAddressMismatch : 0) | (stream.rtcpMux ? StreamRtcpMux : 0) |
            (stream.evicted ? StreamEvicted : 0));
    stream.sourceTag ? integer(stream.sourceTag) : insert.bindNull(p++);  // the ingest tags packets by capture id
    const std::string series = encodeSeries(s.timeline);
    insert.bindBlob(p++, series);
    insert.step();
    insert.reset();
}

}  // namespace sipscope::store::detail
