// From raw frames to transport payloads: link layers, IPv4/IPv6 with fragment reassembly, UDP, TCP.
// Knows no libpcap and no SIP beyond a cheap "looks like SIP" test, so it is tested and fuzzed with byte arrays.
#pragma once

#include "capture/packet.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

namespace sipscope::capture {

struct DecoderLimits {
    std::size_t maxFragmentedDatagrams = 4096;  // IP datagrams waiting for fragments at once
    std::size_t maxDatagramBytes = 65535 + 40;  // largest reassembled IP datagram
    std::int64_t fragmentTimeoutUs = 30'000'000;
    // Added by capture: the rest bound tunnels, fragments in total, and TCP streams.
    std::size_t maxFragmentBytesTotal = 64u << 20;  // bytes held by all waiting fragments together
    int maxEncapsulationDepth = 4;                  // IP-in-IP, GRE, ERSPAN layers inside the outer IP
    std::size_t maxTcpFlows = 65536;                // TCP directions tracked at once
    std::size_t maxTcpBufferedBytes = 256u << 10;   // out-of-order bytes waiting per direction
    std::size_t maxSipMessageBytes = 256u << 10;    // one framed SIP or WebSocket message, headers + body
    std::int64_t tcpIdleTimeoutUs = 300'000'000;    // a direction with no segment for this long is closed
    std::int64_t tcpGapTimeoutUs = 10'000'000;      // a hole not filled for this long is skipped as lost
    std::size_t maxSctpMessages = 4096;  // fragmented SCTP user messages waiting at once (bytes: the fragment cap)
    // Narrowing, not a limit: when not empty, only UDP, TCP and SCTP with one of these as source or destination
    // port are searched for SIP (`--sip-ports`). Empty: SIP is found by its start line on any port. HEP is
    // unwrapped on any port either way.
    std::vector<std::uint16_t> sipPorts;
    // Ports HEP agents send to: a UDP datagram to or from one that is neither HEP nor SIP is counted
    // (hepPortNotHep) instead of passing unseen. 9060 is Homer's; capture --hep-listen adds its own port.
    std::vector<std::uint16_t> hepPorts{9060};
};

// Counters of everything the decoder saw, skipped, evicted or could not finish. Reported at the end of an import.
// IP counters count every IP header decoded, so a tunnelled packet counts once per layer.
struct DecoderStats {
    std::uint64_t packets = 0;
    std::uint64_t truncatedPackets = 0;  // captured length too short for the headers it claims
    std::uint64_t unknownLinkType = 0;
    std::uint64_t nonIpPackets = 0;
    std::uint64_t ipv4Packets = 0;
    std::uint64_t ipv6Packets = 0;
    std::uint64_t udpPayloads = 0;
    std::uint64_t tcpSegments = 0;
    std::uint64_t otherTransport = 0;  // ICMP and the rest, not decoded here
    std::uint64_t fragments = 0;
    std::uint64_t datagramsReassembled = 0;
    std::uint64_t fragmentsIncomplete = 0;  // datagrams abandoned by timeout, eviction or end of input
    std::uint64_t fragmentsEvicted = 0;     // of those, abandoned because the table was full
    std::uint64_t payloadsDelivered = 0;    // payloads handed to the sink (SIP candidates)
    // Added by capture.
    std::uint64_t malformedPackets = 0;  // headers that contradict themselves (bad lengths, versions)
    std::uint64_t tunnelledPackets = 0;  // IP-in-IP, GRE or ERSPAN layers opened
    std::uint64_t tooDeeplyNested = 0;   // tunnels nested deeper than maxEncapsulationDepth
    std::uint64_t tcpFlows = 0;          // TCP directions opened (a connection has two)
    std::uint64_t tcpFlowsEvicted = 0;   // closed early because maxTcpFlows was reached
    std::uint64_t tcpFlowsTimedOut = 0;  // closed after tcpIdleTimeoutUs without a segment
    std::uint64_t tcpOutOfOrderSegments = 0;
    std::uint64_t tcpRetransmittedSegments = 0;  // wholly or partly already seen (duplicates, overlaps)
    std::uint64_t tcpGaps = 0;                   // holes skipped: lost segments, overflow, timeout, close
    std::uint64_t tcpBytesSkipped = 0;           // in-order bytes dropped while resynchronising or not SIP
    std::uint64_t tcpNonSipStreams = 0;          // directions whose first bytes are neither SIP nor WebSocket
    std::uint64_t tcpFramingErrors = 0;          // bad Content-Length, oversized or unterminated headers
    std::uint64_t tcpMessagesIncomplete = 0;     // half messages abandoned at a gap or the stream's end
    std::uint64_t tlsSegments = 0;               // TCP segments carrying TLS (port 5061 or a TLS record header)
    std::uint64_t webSocketMessages = 0;         // WebSocket data messages decoded (delivered or not)
    std::uint64_t hepPackets = 0;                // UDP datagrams that were HEP (v1, v2 or v3), on any port
    std::uint64_t hepPayloadsDelivered = 0;      // SIP payloads unwrapped from HEP (also in payloadsDelivered)
    std::uint64_t hepErrors = 0;                 // HEP datagrams whose lengths or chunks lie, or that do not inflate
    std::uint64_t hepPortNotHep = 0;             // UDP datagrams on a HEP port (hepPorts) that are neither HEP nor SIP
    std::uint64_t sctpPackets = 0;
    std::uint64_t sctpDataChunks = 0;          // DATA and I-DATA chunks, fragments included
    std::uint64_t sctpMessages = 0;            // complete user messages (SIP or not)
    std::uint64_t sctpMessagesIncomplete = 0;  // fragmented messages abandoned: limits, timeout, end of input
    std::uint64_t outsideSipPorts = 0;         // UDP/TCP/SCTP packets skipped because neither port is in sipPorts
    std::uint64_t otherUdpDelivered = 0;       // UDP payloads neither SIP nor HEP handed to the other-UDP sink

    // Adds another decoder's counts (several files in one import).
    void add(const DecoderStats& other) {
        packets += other.packets;
        truncatedPackets += other.truncatedPackets;
        unknownLinkType += other.unknownLinkType;
        nonIpPackets += other.nonIpPackets;
        ipv4Packets += other.ipv4Packets;
        ipv6Packets += other.ipv6Packets;
        udpPayloads += other.udpPayloads;
        tcpSegments += other.tcpSegments;
        otherTransport += other.otherTransport;
        fragments += other.fragments;
        datagramsReassembled += other.datagramsReassembled;
        fragmentsIncomplete += other.fragmentsIncomplete;
        fragmentsEvicted += other.fragmentsEvicted;
        payloadsDelivered += other.payloadsDelivered;
        malformedPackets += other.malformedPackets;
        tunnelledPackets += other.tunnelledPackets;
        tooDeeplyNested += other.tooDeeplyNested;
        tcpFlows += other.tcpFlows;
        tcpFlowsEvicted += other.tcpFlowsEvicted;
        tcpFlowsTimedOut += other.tcpFlowsTimedOut;
        tcpOutOfOrderSegments += other.tcpOutOfOrderSegments;
        tcpRetransmittedSegments += other.tcpRetransmittedSegments;
        tcpGaps += other.tcpGaps;
        tcpBytesSkipped += other.tcpBytesSkipped;
        tcpNonSipStreams += other.tcpNonSipStreams;
        tcpFramingErrors += other.tcpFramingErrors;
        tcpMessagesIncomplete += other.tcpMessagesIncomplete;
        tlsSegments += other.tlsSegments;
        webSocketMessages += other.webSocketMessages;
        hepPackets += other.hepPackets;
        hepPayloadsDelivered += other.hepPayloadsDelivered;
        hepErrors += other.hepErrors;
        hepPortNotHep += other.hepPortNotHep;
        sctpPackets += other.sctpPackets;
        sctpDataChunks += other.sctpDataChunks;
        sctpMessages += other.sctpMessages;
        sctpMessagesIncomplete += other.sctpMessagesIncomplete;
        outsideSipPorts += other.outsideSipPorts;
        otherUdpDelivered += other.otherUdpDelivered;
    }
};

class PacketDecoder {
public:
    using PayloadSink = std::function<void(const PayloadView&)>;

    explicit PacketDecoder(PayloadSink sink, DecoderLimits limits = {});
    ~PacketDecoder();
    PacketDecoder(const PacketDecoder&) = delete;
    PacketDecoder& operator=(const PacketDecoder&) = delete;

    // Media (issue 15): UDP datagrams that are neither SIP nor HEP (RTP, RTCP, anything else) go to this sink, with
    // transport Udp, instead of being dropped; --sip-ports does not narrow them. Unset (the default), they are
    // dropped as before. TCP, SCTP and HEP payloads never reach it. Set it before the first decode().
    void setOtherUdpSink(PayloadSink sink);

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

// The cheap test capture may use: does this payload start like a SIP request or status line? A start line that
// breaks the grammar (another version, a status code of other than 3 digits, extra spaces) passes when the headers
// include Via, Call-ID and CSeq, or, with `isOnSipPort`, when a header line follows it.
bool looksLikeSip(std::string_view payload, bool isOnSipPort = false);

// 5060 and 5061, the ports RFC 3261 §19.1.2 gives SIP and SIPS.
constexpr bool isWellKnownSipPort(std::uint16_t port) { return port == 5060 || port == 5061; }

}  // namespace sipscope::capture
