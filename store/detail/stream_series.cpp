// The streams.series BLOB: LEB128 varints, signed values zigzagged.
#include "store/detail/stream_series.hpp"

#include "store/detail/statement.hpp"

#include <cmath>

namespace sipscope::store::detail {

namespace {

constexpr std::uint8_t SeriesFormat = 1;

void putVarint(std::string& out, std::uint64_t value) {
    while (value >= 0x80) {
        out.push_back(static_cast<char>((value & 0x7f) | 0x80));
        value >>= 7;
    }
    out.push_back(static_cast<char>(value));
}

std::uint64_t zigzag(std::int64_t value) {
    return (static_cast<std::uint64_t>(value) << 1) ^ static_cast<std::uint64_t>(value >> 63);
}
std::int64_t unzigzag(std::uint64_t value) {
    return static_cast<std::int64_t>(value >> 1) ^ -static_cast<std::int64_t>(value & 1);
}

// Reads one varint at `at`; false when the bytes end inside it or it runs past 64 bits.
bool getVarint(std::string_view bytes, std::size_t& at, std::uint64_t& value) {
    value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
        if (at >= bytes.size())
            return false;
        const auto byte = static_cast<std::uint8_t>(bytes[at++]);
        value |= static_cast<std::uint64_t>(byte & 0x7f) << shift;
        if ((byte & 0x80) == 0)
            return true;
    }
    return false;
}

}  // namespace

std::string encodeSeries(const decode::RtpTimeline& timeline) {
    std::string out;
    out.reserve(4 + timeline.points.size() * 4);
    out.push_back(static_cast<char>(SeriesFormat));
    putVarint(out, static_cast<std::uint64_t>(timeline.intervalUs));
    putVarint(out, timeline.points.size());
    for (const decode::RtpIntervalPoint& point : timeline.points) {
        putVarint(out, point.received);
        putVarint(out, zigzag(point.lost));
        putVarint(out, static_cast<std::uint64_t>(std::lround(std::max(0.0f, point.jitterMs) * 1000.0f)));
    }
    return out;
}

std::optional<StreamSeries> decodeSeries(std::string_view bytes, std::int64_t firstUs) {
    if (bytes.empty() || static_cast<std::uint8_t>(bytes[0]) != SeriesFormat)
        return std::nullopt;
    std::size_t at = 1;
    std::uint64_t intervalUs = 0, count = 0;
    if (!getVarint(bytes, at, intervalUs) || !getVarint(bytes, at, count) || intervalUs == 0 ||
        count > bytes.size())  // each point takes 3 bytes at least: no allocation beyond the value's size
        return std::nullopt;
    StreamSeries series;
    series.firstUs = firstUs;
    series.intervalUs = static_cast<std::int64_t>(intervalUs);
    series.points.reserve(count);
    for (std::uint64_t i = 0; i < count; ++i) {
        std::uint64_t received = 0, lost = 0, jitterUs = 0;
        if (!getVarint(bytes, at, received) || !getVarint(bytes, at, lost) || !getVarint(bytes, at, jitterUs))
            return std::nullopt;
        series.points.push_back({static_cast<std::uint32_t>(received), static_cast<std::int32_t>(unzigzag(lost)),
                                 static_cast<float>(static_cast<double>(jitterUs) / 1000.0)});
    }
    return series;
}

std::optional<StreamSeries> readStreamSeries(Connection& db, std::int64_t streamKey) {
    Statement stmt(db, "SELECT first_us, series FROM streams WHERE id = ? AND series IS NOT NULL");
    stmt.bindInt(1, streamKey);
    if (!stmt.step())
        return std::nullopt;
    return decodeSeries(stmt.columnBlob(1), stmt.columnInt(0));
}

}  // namespace sipscope::store::detail
