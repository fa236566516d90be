// The rows of the streams table (issue 15): one per RTP stream the media tracker finished, written in the batch's
// transaction by the BatchWriter.
#pragma once

#include "decode/media_tracker.hpp"
#include "store/detail/statement.hpp"

#include <cstdint>
#include <string>

namespace sipscope::store::detail {

// The single-row INSERT of a stream; its parameters in the order writeStreamRow binds them.
extern const char* const StreamInsertSql;

// Flags of streams.flags.
inline constexpr std::int64_t StreamAddressMismatch = 1;  // tied to its call by one end only (NAT)
inline constexpr std::int64_t StreamRtcpMux = 2;          // RTCP came on the RTP flow
inline constexpr std::int64_t StreamEvicted = 4;          // finished early at --limit rtp-streams

// "1@1700000000123456,#@1700000000456789": each digit the stream carried with its time (µs since the epoch),
// as the dtmf column keeps them; empty when none.
std::string dtmfText(const decode::RtpStreamStats& stats);

// Binds and runs `insert` (prepared from StreamInsertSql) for one stream; the endpoints' and codec's ids interned.
void writeStreamRow(Statement& insert, const decode::MediaStreamRecord& stream, std::int64_t srcId, std::int64_t dstId,
                    std::int64_t codecId);

}  // namespace sipscope::store::detail
