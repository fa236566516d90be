// TCP stream reassembly per direction: sequence order, duplicates, holes, and the limits that keep it bounded.
#pragma once

#include "capture/detail/stream_framer.hpp"
#include "capture/packet.hpp"
#include "capture/packet_decoder.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>

namespace sipscope::capture::detail {

struct TcpSegment {
    Endpoint src;
    Endpoint dst;
    std::uint32_t sequence = 0;
    std::uint8_t flags = 0;    // RFC 9293 §3.1 control bits: FIN 0x01, SYN 0x02, RST 0x04
    std::string_view payload;  // the segment's data, valid during segment() only
    std::int64_t timestampUs = 0;
    std::uint64_t frameNumber = 0;
};

class TcpReassembler {
public:
    // `limits`, `stats` and `sink` belong to the decoder and outlive the reassembler.
    TcpReassembler(const DecoderLimits& limits, DecoderStats& stats, const PacketDecoder::PayloadSink& sink);

    // Takes one segment; delivers every SIP message it completes (in this direction) to the sink.
    void segment(const TcpSegment& segment);
    // Closes directions idle for too long and skips holes waiting too long, at capture time `nowUs`.
    void expire(std::int64_t nowUs);
    // End of input: delivers what can still be framed after skipping holes, counts the rest.
    void finish();
    std::size_t flowCount() const { return m_flows.size(); }

private:
    struct FlowKey {
        Endpoint src;
        Endpoint dst;
        bool operator==(const FlowKey&) const = default;
    };
    struct FlowKeyHash {
        std::size_t operator()(const FlowKey& key) const;
    };
    struct Held {  // an out-of-order segment waiting for the bytes before it
        std::string bytes;
        std::int64_t timestampUs;
        std::uint64_t frameNumber;
    };
    struct Direction {
        Direction(const DecoderLimits& limits, DecoderStats& stats, const PacketDecoder::PayloadSink& sink,
                  const FlowKey& key, bool isMidstream, bool isTls)
            : framer(limits, stats, sink, key.src, key.dst, isMidstream, isTls) {}
        StreamFramer framer;
        std::uint32_t initialSequence = 0;  // the SYN's sequence number + 1, or the first segment's
        std::uint32_t nextSequence = 0;     // sequence number of the next in-order byte
        std::uint64_t nextOffset = 0;       // the same, as a 64-bit stream offset that never wraps
        std::map<std::uint64_t, Held> held;
        std::size_t heldBytes = 0;
        std::int64_t lastSeenUs = 0;
        std::int64_t holeSinceUs = 0;
    };
    using Flows = std::unordered_map<FlowKey, Direction, FlowKeyHash>;

    Flows::iterator open(const FlowKey& key, const TcpSegment& segment, bool hasSyn);
    void accept(Direction& direction, std::uint32_t sequence, const TcpSegment& segment);
    void deliver(Direction& direction, std::string_view bytes, std::int64_t timestampUs, std::uint64_t frameNumber);
    void drainHeld(Direction& direction, std::int64_t nowUs);
    void skipHoles(Direction& direction);
    void close(Flows::iterator it);
    void sweep(std::int64_t nowUs);

    const DecoderLimits& m_limits;
    DecoderStats& m_stats;
    const PacketDecoder::PayloadSink& m_sink;
    Flows m_flows;
    std::int64_t m_lastSweepUs = 0;
    bool m_hasSwept = false;
};

}  // namespace sipscope::capture::detail
