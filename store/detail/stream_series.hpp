// A stream's timeline (decode::RtpTimeline) as the streams.series BLOB keeps it, and read back (issue 15). Format 1:
// a byte 1, the interval in µs and the point count as varints, then per point the packets received (varint), the
// packets lost (zigzag varint) and the jitter in µs (varint): 3-6 bytes a point, at most 600 points.
#pragma once

#include "decode/rtp.hpp"
#include "store/reader.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sipscope::store::detail {

class Connection;

std::string encodeSeries(const decode::RtpTimeline& timeline);
// nullopt on bytes that are not format 1 or are cut short: a damaged value reads as no series, never as wrong points.
std::optional<StreamSeries> decodeSeries(std::string_view bytes, std::int64_t firstUs);
// The series of stream `streamKey` (streams.id); nullopt when there is no such stream or it has none (written
// before schema 7).
std::optional<StreamSeries> readStreamSeries(Connection& db, std::int64_t streamKey);

}  // namespace sipscope::store::detail
