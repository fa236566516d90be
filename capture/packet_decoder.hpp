// From raw frames to transport payloads: link layers, IPv4/IPv6 with fragment reassembly, UDP, TCP.
// Knows no libpcap and no SIP beyond a cheap "looks like SIP" test, so it is tested and fuzzed with byte arrays.
#pragma once

#include "capture/packet.hpp"

#include <cstdint>
#include <functional>
#include <memory>

namespace sipscope::capture {

struct DecoderLimits {
    std::size_t maxFragmentedDatagrams = 4096;  // IP datagrams waiting for fragments at once
    std::size_t maxDatagramBytes = 65535 + 40;  // largest reassembled IP datagram
    std::int64_t fragmentTimeoutUs = 30'000'000;
};

// Counters of everything the decoder saw, skipped, evicted or could not finish. Reported at the end of an import.
struct DecoderStats {
    std::uint64_t packets = 0;
    std::uint64_t truncatedPackets = 0;     // captured length too short for the headers it claims
    std::uint64_t unknownLinkType = 0;
    std::uint64_t nonIpPackets = 0;
    std::uint64_t ipv4Packets = 0;
    std::uint64_t ipv6Packets = 0;
    std::uint64_t udpPayloads = 0;
    std::uint64_t tcpSegments = 0;
    std::uint64_t otherTransport = 0;       // ICMP, SCTP and the rest, not decoded here
    std::uint64_t fragments = 0;
    std::uint64_t datagramsReassembled = 0;
    std::uint64_t fragmentsIncomplete = 0;  // datagrams abandoned by timeout, eviction or end of input
    std::uint64_t fragmentsEvicted = 0;     // of those, abandoned because the table was full
    std::uint64_t payloadsDelivered = 0;    // payloads handed to the sink (SIP candidates)
};

class PacketDecoder {
public:
    using PayloadSink = std::function<void(const PayloadView&)>;

    explicit PacketDecoder(PayloadSink sink, DecoderLimits limits = {});
    ~PacketDecoder();
    PacketDecoder(const PacketDecoder&) = delete;
    PacketDecoder& operator=(const PacketDecoder&) = delete;

    // Decodes one frame; calls the sink for every payload that looks like SIP (zero, one or several).
    // Never throws on packet content.
    void decode(const RawPacket& packet);
    // End of input: abandons what is still incomplete (counted), delivering nothing half-made.
    void finish();
    const DecoderStats& stats() const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

// The cheap test capture may use: does this payload start like a SIP request or status line?
bool looksLikeSip(std::string_view payload);

} // namespace sipscope::capture
