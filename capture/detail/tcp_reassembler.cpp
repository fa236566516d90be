// TCP reassembly (RFC 9293 §3.4 sequence numbers): in order, de-duplicated, holes skipped when they must be.
#include "capture/detail/tcp_reassembler.hpp"

#include <algorithm>
#include <cassert>

namespace sipscope::capture::detail {
namespace {

constexpr std::uint8_t FlagFin = 0x01;
constexpr std::uint8_t FlagSyn = 0x02;
constexpr std::uint8_t FlagRst = 0x04;
constexpr std::uint16_t SipTlsPort = 5061;  // RFC 3261 §26.2.2
constexpr std::int64_t SweepIntervalUs = 1'000'000;

}  // namespace

std::size_t TcpReassembler::FlowKeyHash::operator()(const FlowKey& key) const {
    std::uint64_t hash = 1469598103934665603ULL;  // FNV-1a over both endpoints
    auto mix = [&hash](std::uint8_t byte) {
        hash ^= byte;
        hash *= 1099511628211ULL;
    };
    for (const Endpoint* endpoint : {&key.src, &key.dst}) {
        const std::size_t size = endpoint->ip.version == 6 ? 16 : 4;
        for (std::size_t i = 0; i < size; ++i)
            mix(endpoint->ip.bytes[i]);
        mix(static_cast<std::uint8_t>(endpoint->port));
        mix(static_cast<std::uint8_t>(endpoint->port >> 8));
    }
    return static_cast<std::size_t>(hash);
}

TcpReassembler::TcpReassembler(const DecoderLimits& limits, DecoderStats& stats, const PacketDecoder::PayloadSink& sink)
    : m_limits(limits), m_stats(stats), m_sink(sink) {}

TcpReassembler::Flows::iterator TcpReassembler::open(const FlowKey& key, const TcpSegment& segment, bool hasSyn) {
    if (m_flows.size() >= m_limits.maxTcpFlows) {
        // At most one sweep a second of capture time: sweeping the full table for every new flow made a flood of
        // half-open connections quadratic (80,000 flows: 459 s instead of 0.2 s).
        expire(segment.timestampUs);
        if (m_flows.size() >= m_limits.maxTcpFlows && !m_flows.empty()) {
            ++m_stats.tcpFlowsEvicted;
            close(m_flows.begin());
        }
    }
    const bool isTls = key.src.port == SipTlsPort || key.dst.port == SipTlsPort;
    auto it = m_flows.try_emplace(key, m_limits, m_stats, m_sink, key, !hasSyn, isTls).first;
    // The one flow a zero cap still lets in is this one.
    assert(m_flows.size() <= std::max<std::size_t>(m_limits.maxTcpFlows, 1) &&
           "TcpReassembler: flow table over its cap");
    Direction& direction = it->second;
    // A SYN takes one sequence number; the data starts after it (RFC 9293 §3.4).
    direction.initialSequence = hasSyn ? segment.sequence + 1 : segment.sequence;
    direction.nextSequence = direction.initialSequence;
    direction.lastSeenUs = segment.timestampUs;
    ++m_stats.tcpFlows;
    return it;
}

void TcpReassembler::segment(const TcpSegment& segment) {
    const FlowKey key{segment.src, segment.dst};
    const bool hasSyn = (segment.flags & FlagSyn) != 0;
    const bool hasEnd = (segment.flags & (FlagFin | FlagRst)) != 0;
    if ((segment.flags & FlagRst) != 0) {
        // RFC 9293 §3.5.3: a reset ends both directions at once.
        auto reverse = m_flows.find(FlowKey{segment.dst, segment.src});
        if (reverse != m_flows.end())
            close(reverse);
    }
    auto it = m_flows.find(key);
    if (it == m_flows.end()) {
        if ((segment.flags & FlagRst) != 0 || (segment.payload.empty() && !hasSyn))
            return;  // nothing to reassemble: a bare ACK or FIN of a flow we never saw carry data
        it = open(key, segment, hasSyn);
    } else if (hasSyn && segment.sequence + 1 != it->second.initialSequence) {
        // A new connection on the same four-tuple (not a retransmitted SYN): start over.
        close(it);
        it = open(key, segment, hasSyn);
    }
    Direction& direction = it->second;
    direction.lastSeenUs = segment.timestampUs;

    if (!segment.payload.empty()) {
        if (direction.framer.isTls())
            ++m_stats.tlsSegments;  // (the framer counts the segments that revealed TLS itself)
        else if (direction.framer.isIgnoring())
            m_stats.tcpBytesSkipped += segment.payload.size();
        else
            accept(direction, hasSyn ? segment.sequence + 1 : segment.sequence, segment);
    }
    if (!direction.held.empty() && segment.timestampUs - direction.holeSinceUs > m_limits.tcpGapTimeoutUs)
        skipHoles(direction);
    if (hasEnd)
        close(it);
}

void TcpReassembler::accept(Direction& direction, std::uint32_t sequence, const TcpSegment& segment) {
    // Serial-number arithmetic: the signed distance from the next expected byte (RFC 1982 §3.2).
    const auto distance = static_cast<std::int32_t>(sequence - direction.nextSequence);
    const std::int64_t offset = static_cast<std::int64_t>(direction.nextOffset) + distance;
    const std::int64_t end = offset + static_cast<std::int64_t>(segment.payload.size());
    const auto next = static_cast<std::int64_t>(direction.nextOffset);
    if (end <= next) {
        ++m_stats.tcpRetransmittedSegments;
        return;
    }
    if (offset <= next) {
        if (offset < next)
            ++m_stats.tcpRetransmittedSegments;  // overlaps bytes already delivered: keep only the new tail
        deliver(direction, segment.payload.substr(static_cast<std::size_t>(next - offset)), segment.timestampUs,
                segment.frameNumber);
        drainHeld(direction, segment.timestampUs);
        return;
    }

    ++m_stats.tcpOutOfOrderSegments;
    const auto heldOffset = static_cast<std::uint64_t>(offset);
    auto existing = direction.held.find(heldOffset);
    if (existing != direction.held.end() && existing->second.bytes.size() >= segment.payload.size()) {
        ++m_stats.tcpRetransmittedSegments;
        return;
    }
    if (direction.heldBytes + segment.payload.size() > m_limits.maxTcpBufferedBytes) {
        // The hole will not be filled in time: give up on it and continue after it.
        skipHoles(direction);
        if (heldOffset > direction.nextOffset) {
            ++m_stats.tcpGaps;
            direction.framer.gap();
            direction.nextSequence += static_cast<std::uint32_t>(heldOffset - direction.nextOffset);
            direction.nextOffset = heldOffset;
        }
        accept(direction, sequence, segment);
        return;
    }
    if (direction.held.empty())
        direction.holeSinceUs = segment.timestampUs;
    if (existing != direction.held.end()) {
        direction.heldBytes -= existing->second.bytes.size();
        direction.held.erase(existing);
    }
    direction.heldBytes += segment.payload.size();
    assert(direction.heldBytes <= m_limits.maxTcpBufferedBytes && "TcpReassembler: out-of-order bytes over their cap");
    direction.held.emplace(heldOffset, Held{std::string(segment.payload), segment.timestampUs, segment.frameNumber});
}

void TcpReassembler::deliver(Direction& direction, std::string_view bytes, std::int64_t timestampUs,
                             std::uint64_t frameNumber) {
    direction.nextOffset += bytes.size();
    direction.nextSequence += static_cast<std::uint32_t>(bytes.size());
    direction.framer.append(bytes, timestampUs, frameNumber);
}

void TcpReassembler::drainHeld(Direction& direction, std::int64_t nowUs) {
    bool hasDrained = false;
    while (!direction.held.empty() && direction.held.begin()->first <= direction.nextOffset) {
        auto node = direction.held.extract(direction.held.begin());
        Held& held = node.mapped();
        direction.heldBytes -= held.bytes.size();
        const std::uint64_t end = node.key() + held.bytes.size();
        if (end <= direction.nextOffset) {
            ++m_stats.tcpRetransmittedSegments;
            continue;
        }
        const auto skip = static_cast<std::size_t>(direction.nextOffset - node.key());
        deliver(direction, std::string_view(held.bytes).substr(skip), held.timestampUs, held.frameNumber);
        hasDrained = true;
    }
    if (hasDrained && !direction.held.empty())
        direction.holeSinceUs = nowUs;  // a later hole starts waiting now
}

void TcpReassembler::skipHoles(Direction& direction) {
    while (!direction.held.empty()) {
        const std::uint64_t first = direction.held.begin()->first;
        if (first > direction.nextOffset) {
            ++m_stats.tcpGaps;
            direction.framer.gap();
            direction.nextSequence += static_cast<std::uint32_t>(first - direction.nextOffset);
            direction.nextOffset = first;
        }
        drainHeld(direction, direction.lastSeenUs);
    }
}

void TcpReassembler::close(Flows::iterator it) {
    skipHoles(it->second);
    it->second.framer.finish();
    m_flows.erase(it);
}

void TcpReassembler::sweep(std::int64_t nowUs) {
    m_lastSweepUs = nowUs;
    m_hasSwept = true;
    for (auto it = m_flows.begin(); it != m_flows.end();) {
        Direction& direction = it->second;
        if (nowUs - direction.lastSeenUs > m_limits.tcpIdleTimeoutUs) {
            ++m_stats.tcpFlowsTimedOut;
            auto closing = it++;
            close(closing);
            continue;
        }
        if (!direction.held.empty() && nowUs - direction.holeSinceUs > m_limits.tcpGapTimeoutUs)
            skipHoles(direction);
        ++it;
    }
}

void TcpReassembler::expire(std::int64_t nowUs) {
    if (!m_hasSwept || nowUs - m_lastSweepUs >= SweepIntervalUs || nowUs < m_lastSweepUs)
        sweep(nowUs);
}

void TcpReassembler::finish() {
    while (!m_flows.empty())
        close(m_flows.begin());
}

}  // namespace sipscope::capture::detail
