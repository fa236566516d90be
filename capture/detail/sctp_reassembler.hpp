// SCTP (RFC 4960) DATA and I-DATA (RFC 8260) chunks to user messages, reassembling fragments with hard limits.
#pragma once

#include "capture/detail/bytes.hpp"
#include "capture/packet.hpp"
#include "capture/packet_decoder.hpp"

#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <vector>

namespace sipscope::capture::detail {

class SctpReassembler {
public:
    // `sink` and `stats` belong to the decoder and outlive the reassembler.
    SctpReassembler(const DecoderLimits& limits, DecoderStats& stats, const PacketDecoder::PayloadSink& sink);

    // One SCTP packet (common header and chunks) from `src` to `dst`. Delivers every complete user message that
    // looks like SIP as Transport::Sctp. Malformed chunks end the packet (counted); never reads past `bytes`.
    void packet(const IpAddress& src, const IpAddress& dst, ByteSpan bytes, std::int64_t nowUs,
                std::uint64_t frameNumber);
    // Abandons messages whose first fragment is older than the fragment timeout (counted as incomplete).
    void expire(std::int64_t nowUs);
    // End of input: abandons every half message.
    void finish();
    std::size_t messagesInFlight() const { return m_messages.size(); }

private:
    struct Key {
        Endpoint src;
        Endpoint dst;
        std::uint32_t verificationTag;
        std::uint16_t stream;
        std::uint8_t kind;       // 0 ordered DATA, 1 unordered DATA, 2 ordered I-DATA, 3 unordered I-DATA
        std::uint32_t sequence;  // stream sequence number (DATA) or message identifier (I-DATA)
        auto operator<=>(const Key&) const = default;
    };
    struct Fragment {
        std::uint32_t order;  // TSN (DATA) or fragment sequence number (I-DATA): consecutive within a message
        bool isBeginning;
        bool isEnd;
        std::string bytes;
    };
    struct Message {
        std::vector<Fragment> fragments;
        std::size_t bytes = 0;      // held, with per-fragment overhead: counts toward maxFragmentBytesTotal
        std::size_t dataBytes = 0;  // user data only: bounded by maxSipMessageBytes
        std::int64_t firstSeenUs = 0;
        std::uint64_t generation = 0;
    };
    struct AgeEntry {
        std::int64_t firstSeenUs;
        Key key;
        std::uint64_t generation;
    };

    void userData(const Key& key, std::uint32_t order, bool isBeginning, bool isEnd, std::string_view data,
                  std::int64_t nowUs, std::uint64_t frameNumber);
    void deliver(const Key& key, std::string_view message, std::int64_t nowUs, std::uint64_t frameNumber);
    bool tryComplete(std::map<Key, Message>::iterator it, std::int64_t nowUs, std::uint64_t frameNumber);
    void abandon(std::map<Key, Message>::iterator it);
    bool evictOldest();
    void compactAges();

    const DecoderLimits& m_limits;
    DecoderStats& m_stats;
    const PacketDecoder::PayloadSink& m_sink;
    std::map<Key, Message> m_messages;
    std::deque<AgeEntry> m_ages;  // creation order, which is capture order; stale entries skipped lazily
    std::uint64_t m_nextGeneration = 1;
    std::size_t m_totalBytes = 0;
    std::string m_joined;  // the message being delivered, reused
};

}  // namespace sipscope::capture::detail
