// SCTP chunks (RFC 4960 §3) and user-message reassembly (§6.9; RFC 8260 §2.1 for I-DATA).
#include "capture/detail/sctp_reassembler.hpp"

#include "capture/detail/sip_framing.hpp"

#include <algorithm>
#include <cassert>

namespace sipscope::capture::detail {
namespace {

constexpr std::size_t CommonHeaderBytes = 12;  // ports, verification tag, checksum
constexpr std::size_t ChunkHeaderBytes = 4;    // type, flags, length
constexpr std::uint8_t ChunkData = 0;
constexpr std::uint8_t ChunkIData = 64;
constexpr std::size_t DataHeaderBytes = 12;   // after the chunk header: TSN, stream, SSN, PPID
constexpr std::size_t IDataHeaderBytes = 16;  // TSN, stream, reserved, MID, PPID or FSN
constexpr std::uint8_t FlagEnd = 0x01;
constexpr std::uint8_t FlagBeginning = 0x02;
constexpr std::uint8_t FlagUnordered = 0x04;
constexpr std::size_t FragmentOverheadBytes = 64;     // what a held fragment costs beyond its data, for the bound
constexpr std::size_t MaxFragmentsPerMessage = 1024;  // a 256 KB message in 1400-byte fragments needs 190

}  // namespace

SctpReassembler::SctpReassembler(const DecoderLimits& limits, DecoderStats& stats,
                                 const PacketDecoder::PayloadSink& sink)
    : m_limits(limits), m_stats(stats), m_sink(sink) {}

void SctpReassembler::packet(const IpAddress& src, const IpAddress& dst, ByteSpan bytes, std::int64_t nowUs,
                             std::uint64_t frameNumber) {
    ++m_stats.sctpPackets;
    Key key{};
    key.src = Endpoint{src, load16(bytes, 0)};
    key.dst = Endpoint{dst, load16(bytes, 2)};
    key.verificationTag = load32(bytes, 4);
    std::size_t at = CommonHeaderBytes;
    while (bytes.size() - at >= ChunkHeaderBytes) {
        const std::uint8_t type = bytes[at];
        const std::uint8_t flags = bytes[at + 1];
        const std::size_t length = load16(bytes, at + 2);
        if (length < ChunkHeaderBytes || length > bytes.size() - at) {
            ++m_stats.malformedPackets;
            return;
        }
        const ByteSpan value = bytes.subspan(at + ChunkHeaderBytes, length - ChunkHeaderBytes);
        // §3.2: chunks are padded to 4 bytes; the last one's padding may be missing.
        at += std::min(bytes.size() - at, (length + 3) & ~std::size_t{3});
        if (type != ChunkData && type != ChunkIData)
            continue;  // INIT, SACK, HEARTBEAT, ...: nothing of SIP in them
        ++m_stats.sctpDataChunks;
        const bool isIData = type == ChunkIData;
        const std::size_t headerBytes = isIData ? IDataHeaderBytes : DataHeaderBytes;
        if (value.size() <= headerBytes) {
            ++m_stats.malformedPackets;  // §3.3.1: a DATA chunk without user data is a protocol violation
            continue;
        }
        const bool isBeginning = (flags & FlagBeginning) != 0;
        const bool isEnd = (flags & FlagEnd) != 0;
        const bool isUnordered = (flags & FlagUnordered) != 0;
        key.stream = load16(value, 4);
        key.kind = static_cast<std::uint8_t>((isIData ? 2 : 0) + (isUnordered ? 1 : 0));
        std::uint32_t order = load32(value, 0);  // DATA: fragments of a message have consecutive TSNs
        if (isIData) {
            key.sequence = load32(value, 8);
            // RFC 8260 §2.1: the first fragment carries the PPID where the others carry their FSN; it is FSN 0.
            order = isBeginning ? 0 : load32(value, 12);
        } else {
            key.sequence = isUnordered ? 0 : load16(value, 6);
        }
        userData(key, order, isBeginning, isEnd, asText(value.subspan(headerBytes)), nowUs, frameNumber);
    }
}

void SctpReassembler::userData(const Key& key, std::uint32_t order, bool isBeginning, bool isEnd, std::string_view data,
                               std::int64_t nowUs, std::uint64_t frameNumber) {
    if (isBeginning && isEnd) {
        deliver(key, data, nowUs, frameNumber);
        return;
    }
    auto it = m_messages.find(key);
    if (it == m_messages.end()) {
        while (m_messages.size() >= m_limits.maxSctpMessages && evictOldest()) {}
        if (m_messages.size() >= m_limits.maxSctpMessages) {
            ++m_stats.sctpMessagesIncomplete;
            return;
        }
        Message message;
        message.firstSeenUs = nowUs;
        message.generation = m_nextGeneration++;
        it = m_messages.emplace(key, std::move(message)).first;
        assert(m_messages.size() <= m_limits.maxSctpMessages && "SctpReassembler: message table over its cap");
        m_ages.push_back({nowUs, key, it->second.generation});
        if (m_ages.size() > 4 * m_limits.maxSctpMessages + 64)
            compactAges();
    }
    Message& message = it->second;
    for (const Fragment& fragment : message.fragments) {
        if (fragment.order == order)
            return;  // a retransmission of a fragment already held
    }
    if (message.dataBytes + data.size() > m_limits.maxSipMessageBytes ||
        message.fragments.size() >= MaxFragmentsPerMessage) {
        abandon(it);  // larger than any SIP message we accept
        return;
    }
    const std::size_t cost = data.size() + FragmentOverheadBytes;
    while (m_totalBytes + cost > m_limits.maxFragmentBytesTotal && evictOldest()) {}
    it = m_messages.find(key);
    if (it == m_messages.end() || m_totalBytes + cost > m_limits.maxFragmentBytesTotal) {
        if (it != m_messages.end())
            abandon(it);
        else
            ++m_stats.sctpMessagesIncomplete;  // this message was itself the oldest
        return;
    }
    it->second.fragments.push_back({order, isBeginning, isEnd, std::string(data)});
    it->second.bytes += cost;
    it->second.dataBytes += data.size();
    m_totalBytes += cost;
    assert(m_totalBytes <= m_limits.maxFragmentBytesTotal && "SctpReassembler: held fragment bytes over their cap");
    tryComplete(it, nowUs, frameNumber);
}

bool SctpReassembler::tryComplete(std::map<Key, Message>::iterator it, std::int64_t nowUs, std::uint64_t frameNumber) {
    std::vector<Fragment>& fragments = it->second.fragments;
    const auto first =
        std::find_if(fragments.begin(), fragments.end(), [](const Fragment& f) { return f.isBeginning; });
    if (first == fragments.end())
        return false;
    // Complete when the fragments are exactly B, B+1, ..., E (serial arithmetic, so TSNs may wrap).
    const std::uint32_t base = first->order;
    const std::size_t count = fragments.size();
    bool hasEnd = false;
    for (const Fragment& fragment : fragments) {
        const std::uint32_t distance = fragment.order - base;
        if (distance >= count)
            return false;
        if (fragment.isEnd)
            hasEnd = distance == count - 1;
    }
    if (!hasEnd)
        return false;
    std::sort(fragments.begin(), fragments.end(),
              [base](const Fragment& a, const Fragment& b) { return a.order - base < b.order - base; });
    m_joined.clear();
    for (const Fragment& fragment : fragments)
        m_joined += fragment.bytes;
    const Key key = it->first;
    m_totalBytes -= it->second.bytes;
    m_messages.erase(it);
    deliver(key, m_joined, nowUs, frameNumber);
    return true;
}

void SctpReassembler::deliver(const Key& key, std::string_view message, std::int64_t nowUs, std::uint64_t frameNumber) {
    ++m_stats.sctpMessages;
    // RFC 4168 §5: one SCTP user message carries one SIP message.
    if (!looksLikeSip(message))
        return;
    PayloadView view;
    view.timestampUs = nowUs;
    view.src = key.src;
    view.dst = key.dst;
    view.transport = Transport::Sctp;
    view.bytes = skipLineBreaks(message);
    view.frameNumber = frameNumber;
    ++m_stats.payloadsDelivered;
    m_sink(view);
}

void SctpReassembler::abandon(std::map<Key, Message>::iterator it) {
    ++m_stats.sctpMessagesIncomplete;
    m_totalBytes -= it->second.bytes;
    m_messages.erase(it);
}

bool SctpReassembler::evictOldest() {
    while (!m_ages.empty()) {
        const AgeEntry entry = m_ages.front();
        m_ages.pop_front();
        auto it = m_messages.find(entry.key);
        if (it != m_messages.end() && it->second.generation == entry.generation) {
            abandon(it);
            return true;
        }
    }
    return false;
}

void SctpReassembler::compactAges() {
    // Completed messages leave their entries behind; drop those so the queue stays bounded.
    std::deque<AgeEntry> live;
    for (const AgeEntry& entry : m_ages) {
        auto it = m_messages.find(entry.key);
        if (it != m_messages.end() && it->second.generation == entry.generation)
            live.push_back(entry);
    }
    m_ages.swap(live);
}

void SctpReassembler::expire(std::int64_t nowUs) {
    while (!m_ages.empty()) {
        const AgeEntry& entry = m_ages.front();
        if (nowUs - entry.firstSeenUs < m_limits.fragmentTimeoutUs)
            return;
        auto it = m_messages.find(entry.key);
        if (it != m_messages.end() && it->second.generation == entry.generation)
            abandon(it);
        m_ages.pop_front();
    }
}

void SctpReassembler::finish() {
    m_stats.sctpMessagesIncomplete += m_messages.size();
    m_messages.clear();
    m_ages.clear();
    m_totalBytes = 0;
}

}  // namespace sipscope::capture::detail
