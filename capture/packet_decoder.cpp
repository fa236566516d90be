// From frames to payloads: link layers, tunnels, IPv4/IPv6 (with reassembly), then UDP (and HEP), TCP and SCTP.
//
// Index:
// [SECTION] Impl state and helpers
// [SECTION] Link layers and EtherTypes
// [SECTION] IPv4, IPv6 and tunnels
// [SECTION] UDP and TCP
// [SECTION] PacketDecoder
#include "capture/packet_decoder.hpp"

#include "capture/hep.hpp"

#include "capture/detail/bytes.hpp"
#include "capture/detail/ip_reassembler.hpp"
#include "capture/detail/sctp_reassembler.hpp"
#include "capture/detail/sip_framing.hpp"
#include "capture/detail/tcp_reassembler.hpp"

#include <algorithm>

namespace sipscope::capture {

using detail::ByteSpan;
using detail::load16;
using detail::load32;

namespace {

// EtherTypes (IEEE registry) and IP protocol numbers (IANA) the decoder follows.
constexpr std::uint16_t EtherIpv4 = 0x0800;
constexpr std::uint16_t EtherIpv6 = 0x86dd;
constexpr std::uint16_t EtherVlan = 0x8100;
constexpr std::uint16_t EtherQinQ = 0x88a8;
constexpr std::uint16_t EtherQinQOld = 0x9100;
constexpr std::uint16_t EtherQinQOld2 = 0x9200;
constexpr std::uint16_t EtherPppoeSession = 0x8864;
constexpr std::uint16_t EtherMplsUnicast = 0x8847;
constexpr std::uint16_t EtherMplsMulticast = 0x8848;
constexpr std::uint16_t EtherTransparentBridging = 0x6558;
constexpr std::uint16_t EtherErspan2 = 0x88be;
constexpr std::uint16_t EtherErspan3 = 0x22eb;

constexpr std::uint8_t ProtoHopByHop = 0;
constexpr std::uint8_t ProtoIpv4InIp = 4;
constexpr std::uint8_t ProtoTcp = 6;
constexpr std::uint8_t ProtoUdp = 17;
constexpr std::uint8_t ProtoIpv6InIp = 41;
constexpr std::uint8_t ProtoRouting = 43;
constexpr std::uint8_t ProtoSctp = 132;
constexpr std::uint8_t ProtoFragment = 44;
constexpr std::uint8_t ProtoGre = 47;
constexpr std::uint8_t ProtoAuthentication = 51;
constexpr std::uint8_t ProtoDestinationOptions = 60;

constexpr int MaxIpv6ExtensionHeaders = 16;

IpAddress ipv4At(ByteSpan bytes, std::size_t at) { return IpAddress::v4(load32(bytes, at)); }

IpAddress ipv6At(ByteSpan bytes, std::size_t at) {
    IpAddress address;
    address.version = 6;
    for (std::size_t i = 0; i < 16; ++i)
        address.bytes[i] = bytes[at + i];
    return address;
}

}  // namespace

// [SECTION] Impl state and helpers

struct PacketDecoder::Impl {
    Impl(PayloadSink payloadSink, const DecoderLimits& decoderLimits)
        : sink(std::move(payloadSink)), limits(decoderLimits), fragments(limits, stats), tcp(limits, stats, sink),
          sctp(limits, stats, sink) {
        if (!limits.sipPorts.empty()) {
            isSipPort.assign(65536, false);
            for (std::uint16_t port : limits.sipPorts)
                isSipPort[port] = true;
        }
    }

    PayloadSink sink;
    PayloadSink otherUdpSink;  // set by setOtherUdpSink: UDP that is neither SIP nor HEP
    DecoderLimits limits;
    DecoderStats stats;
    detail::IpReassembler fragments;
    detail::TcpReassembler tcp;
    detail::SctpReassembler sctp;
    HepDecoder hep{limits.maxSipMessageBytes};
    std::vector<bool> isSipPort;  // 65536 entries when limits.sipPorts narrows the search; empty otherwise
    std::int64_t nowUs = 0;
    std::uint64_t frameNumber = 0;
    bool isCut = false;  // the capture kept fewer bytes than were on the wire

    // A header that does not fit: the snap length cut it, or the packet lies about itself.
    void tooShort() {
        if (isCut)
            ++stats.truncatedPackets;
        else
            ++stats.malformedPackets;
    }

    void decodeLink(std::uint32_t linkType, ByteSpan bytes);
    void decodeEthernet(ByteSpan bytes, int depth);
    void decodeEtherType(std::uint16_t type, ByteSpan bytes, int depth);
    void decodeIp(ByteSpan bytes, int depth);
    void decodeIpv4(ByteSpan bytes, int depth);
    void decodeIpv6(ByteSpan bytes, int depth);
    void decodeIpv6Payload(std::uint8_t nextHeader, const IpAddress& src, const IpAddress& dst, ByteSpan bytes,
                           bool isReassembled, int depth);
    void decodeTransport(std::uint8_t protocol, const IpAddress& src, const IpAddress& dst, ByteSpan bytes, int depth);
    bool enterTunnel(int depth);
    void decodeGre(ByteSpan bytes, int depth);
    void decodeUdp(const IpAddress& src, const IpAddress& dst, ByteSpan bytes);
    void decodeHep(std::string_view datagram);
    void deliverOtherUdp(PayloadView& view, std::string_view payload);
    void decodeTcp(const IpAddress& src, const IpAddress& dst, ByteSpan bytes);

    bool isHepPort(std::uint16_t port) const {
        return std::find(limits.hepPorts.begin(), limits.hepPorts.end(), port) != limits.hepPorts.end();
    }

    // True when --sip-ports leaves this port pair out (the caller has checked there are 4 bytes of ports).
    bool isOutsideSipPorts(ByteSpan transportHeader) {
        if (isSipPort.empty() || isSipPort[load16(transportHeader, 0)] || isSipPort[load16(transportHeader, 2)])
            return false;
        ++stats.outsideSipPorts;
        return true;
    }
};

// [SECTION] Link layers and EtherTypes

void PacketDecoder::Impl::decodeLink(std::uint32_t linkType, ByteSpan bytes) {
    switch (linkType) {
    case 1:  // LINKTYPE_ETHERNET
        decodeEthernet(bytes, 0);
        return;
    case 113:  // LINKTYPE_LINUX_SLL: packet type, ARPHRD, address length, 8 address bytes, protocol
        if (bytes.size() < 16)
            return tooShort();
        decodeEtherType(load16(bytes, 14), bytes.subspan(16), 0);
        return;
    case 276:  // LINKTYPE_LINUX_SLL2: protocol first, then reserved, ifindex, ARPHRD, type, address
        if (bytes.size() < 20)
            return tooShort();
        decodeEtherType(load16(bytes, 0), bytes.subspan(20), 0);
        return;
    case 0:      // LINKTYPE_NULL: a 4-byte address family in the capturing host's byte order
    case 108: {  // LINKTYPE_LOOP: the same in network byte order (but writers disagree, so accept both)
        if (bytes.size() < 4)
            return tooShort();
        const std::uint32_t family = std::min(load32(bytes, 0), detail::load32Le(bytes, 0));
        // AF_INET is 2 everywhere; AF_INET6 is 24 (NetBSD, OpenBSD), 28 (FreeBSD), 30 (macOS), 10 (Linux).
        if (family == 2)
            decodeIpv4(bytes.subspan(4), 0);
        else if (family == 24 || family == 28 || family == 30 || family == 10)
            decodeIpv6(bytes.subspan(4), 0);
        else
            ++stats.nonIpPackets;
        return;
    }
    case 101:  // LINKTYPE_RAW
    case 228:  // LINKTYPE_IPV4
    case 229:  // LINKTYPE_IPV6
    case 12:   // DLT_RAW as some BSDs number it in files
    case 14:   // DLT_RAW on OpenBSD
        decodeIp(bytes, 0);
        return;
    default: ++stats.unknownLinkType; return;
    }
}

void PacketDecoder::Impl::decodeEthernet(ByteSpan bytes, int depth) {
    if (bytes.size() < 14)
        return tooShort();
    decodeEtherType(load16(bytes, 12), bytes.subspan(14), depth);
}

void PacketDecoder::Impl::decodeEtherType(std::uint16_t type, ByteSpan bytes, int depth) {
    // IEEE 802.1Q / 802.1ad: any number of 4-byte tags, each ending in the next EtherType.
    while (type == EtherVlan || type == EtherQinQ || type == EtherQinQOld || type == EtherQinQOld2) {
        if (bytes.size() < 4)
            return tooShort();
        type = load16(bytes, 2);
        bytes = bytes.subspan(4);
    }
    switch (type) {
    case EtherIpv4: decodeIpv4(bytes, depth); return;
    case EtherIpv6: decodeIpv6(bytes, depth); return;
    case EtherPppoeSession: {
        // RFC 2516 §4: version/type, code, session id, length; then the PPP protocol field (RFC 1661 §2).
        if (bytes.size() < 8)
            return tooShort();
        const std::size_t length = load16(bytes, 4);
        const std::uint16_t pppProtocol = load16(bytes, 6);
        ByteSpan inner = bytes.subspan(8);
        if (length >= 2 && length - 2 < inner.size())
            inner = inner.first(length - 2);
        if (pppProtocol == 0x0021)
            decodeIpv4(inner, depth);
        else if (pppProtocol == 0x0057)
            decodeIpv6(inner, depth);
        else
            ++stats.nonIpPackets;
        return;
    }
    case EtherMplsUnicast:
    case EtherMplsMulticast: {
        // RFC 3032 §2.1: 4-byte labels until the bottom-of-stack bit; then guess IP from the version nibble.
        std::size_t at = 0;
        for (;;) {
            if (bytes.size() < at + 4)
                return tooShort();
            const bool isBottom = (bytes[at + 2] & 0x01) != 0;
            at += 4;
            if (isBottom)
                break;
        }
        decodeIp(bytes.subspan(at), depth);
        return;
    }
    case EtherTransparentBridging: decodeEthernet(bytes, depth); return;
    default: ++stats.nonIpPackets; return;
    }
}

// [SECTION] IPv4, IPv6 and tunnels

void PacketDecoder::Impl::decodeIp(ByteSpan bytes, int depth) {
    if (bytes.empty())
        return tooShort();
    const int version = bytes[0] >> 4;
    if (version == 4)
        decodeIpv4(bytes, depth);
    else if (version == 6)
        decodeIpv6(bytes, depth);
    else
        ++stats.nonIpPackets;
}

void PacketDecoder::Impl::decodeIpv4(ByteSpan bytes, int depth) {
    if (bytes.size() < 20)
        return tooShort();
    const std::size_t headerLength = std::size_t{bytes[0] & 0x0fu} * 4;
    if ((bytes[0] >> 4) != 4 || headerLength < 20) {
        ++stats.malformedPackets;
        return;
    }
    std::size_t totalLength = load16(bytes, 2);
    // Captured on a sender with TCP segmentation offload, the length is still 0; trust what was captured.
    if (totalLength == 0 && depth == 0)
        totalLength = bytes.size();
    if (totalLength < headerLength) {
        ++stats.malformedPackets;
        return;
    }
    if (totalLength > bytes.size())
        return tooShort();
    ++stats.ipv4Packets;
    bytes = bytes.first(totalLength);  // drop Ethernet padding

    const IpAddress src = ipv4At(bytes, 12);
    const IpAddress dst = ipv4At(bytes, 16);
    const std::uint8_t protocol = bytes[9];
    const std::uint16_t flagsAndOffset = load16(bytes, 6);
    const bool hasMoreFragments = (flagsAndOffset & 0x2000) != 0;
    const std::uint32_t offset = std::uint32_t{flagsAndOffset & 0x1fffu} * 8;
    ByteSpan payload = bytes.subspan(headerLength);
    if (!hasMoreFragments && offset == 0) {
        decodeTransport(protocol, src, dst, payload, depth);
        return;
    }
    // RFC 791 §3.2: fragments of one datagram share source, destination, protocol and identification.
    detail::FragmentKey key{src, dst, load16(bytes, 4), protocol};
    auto datagram = fragments.add(key, offset, hasMoreFragments, payload, protocol, nowUs);
    if (datagram)
        decodeTransport(protocol, src, dst, ByteSpan(datagram->payload), depth);
}

void PacketDecoder::Impl::decodeIpv6(ByteSpan bytes, int depth) {
    if (bytes.size() < 40)
        return tooShort();
    if ((bytes[0] >> 4) != 6) {
        ++stats.malformedPackets;
        return;
    }
    std::size_t payloadLength = load16(bytes, 4);
    // 0 is a jumbogram (RFC 2675) or a segmentation-offload capture; take what was captured.
    if (payloadLength == 0)
        payloadLength = bytes.size() - 40;
    if (40 + payloadLength > bytes.size())
        return tooShort();
    ++stats.ipv6Packets;
    const IpAddress src = ipv6At(bytes, 8);
    const IpAddress dst = ipv6At(bytes, 24);
    decodeIpv6Payload(bytes[6], src, dst, bytes.subspan(40, payloadLength), false, depth);
}

void PacketDecoder::Impl::decodeIpv6Payload(std::uint8_t nextHeader, const IpAddress& src, const IpAddress& dst,
                                            ByteSpan bytes, bool isReassembled, int depth) {
    // RFC 8200 §4: walk the extension headers to the upper-layer header.
    for (int count = 0; count < MaxIpv6ExtensionHeaders; ++count) {
        switch (nextHeader) {
        case ProtoHopByHop:
        case ProtoRouting:
        case ProtoDestinationOptions: {
            if (bytes.size() < 8)
                return tooShort();
            const std::size_t length = (std::size_t{bytes[1]} + 1) * 8;
            if (length > bytes.size())
                return tooShort();
            nextHeader = bytes[0];
            bytes = bytes.subspan(length);
            continue;
        }
        case ProtoAuthentication: {  // RFC 4302 §2.2: length in 4-byte units, minus 2
            if (bytes.size() < 8)
                return tooShort();
            const std::size_t length = (std::size_t{bytes[1]} + 2) * 4;
            if (length > bytes.size())
                return tooShort();
            nextHeader = bytes[0];
            bytes = bytes.subspan(length);
            continue;
        }
        case ProtoFragment: {
            if (bytes.size() < 8)
                return tooShort();
            const std::uint16_t offsetAndFlags = load16(bytes, 2);
            const std::uint32_t offset = offsetAndFlags & 0xfff8u;
            const bool hasMoreFragments = (offsetAndFlags & 0x0001) != 0;
            const std::uint8_t fragmentNext = bytes[0];
            const std::uint32_t id = load32(bytes, 4);
            ByteSpan fragment = bytes.subspan(8);
            if ((offset == 0 && !hasMoreFragments) || isReassembled) {
                // RFC 6946: an atomic fragment is a whole datagram; a second fragment header is nonsense.
                nextHeader = fragmentNext;
                bytes = fragment;
                continue;
            }
            // RFC 8200 §4.5: the key is source, destination and identification.
            detail::FragmentKey key{src, dst, id, 0};
            auto datagram = fragments.add(key, offset, hasMoreFragments, fragment, fragmentNext, nowUs);
            if (datagram)
                decodeIpv6Payload(datagram->protocol, src, dst, ByteSpan(datagram->payload), true, depth);
            return;
        }
        default: decodeTransport(nextHeader, src, dst, bytes, depth); return;
        }
    }
    ++stats.malformedPackets;
}

bool PacketDecoder::Impl::enterTunnel(int depth) {
    if (depth + 1 > limits.maxEncapsulationDepth) {
        ++stats.tooDeeplyNested;
        return false;
    }
    ++stats.tunnelledPackets;
    return true;
}

void PacketDecoder::Impl::decodeTransport(std::uint8_t protocol, const IpAddress& src, const IpAddress& dst,
                                          ByteSpan bytes, int depth) {
    switch (protocol) {
    case ProtoUdp: decodeUdp(src, dst, bytes); return;
    case ProtoTcp: decodeTcp(src, dst, bytes); return;
    case ProtoSctp:  // RFC 4960 §3: a 12-byte common header, then chunks
        if (bytes.size() < 12)
            return tooShort();
        if (isOutsideSipPorts(bytes))
            return;
        sctp.packet(src, dst, bytes, nowUs, frameNumber);
        return;
    case ProtoIpv4InIp:  // RFC 2003
        if (enterTunnel(depth))
            decodeIpv4(bytes, depth + 1);
        return;
    case ProtoIpv6InIp:  // RFC 4213 §3.5
        if (enterTunnel(depth))
            decodeIpv6(bytes, depth + 1);
        return;
    case ProtoGre:
        if (enterTunnel(depth))
            decodeGre(bytes, depth + 1);
        return;
    default: ++stats.otherTransport; return;
    }
}

void PacketDecoder::Impl::decodeGre(ByteSpan bytes, int depth) {
    // RFC 2784 §2 with RFC 2890 keys and sequence numbers (and RFC 1701's routing bit, refused).
    if (bytes.size() < 4)
        return tooShort();
    const std::uint16_t flags = load16(bytes, 0);
    const std::uint16_t protocol = load16(bytes, 2);
    if ((flags & 0x0007) != 0 || (flags & 0x4000) != 0) {
        ++stats.otherTransport;  // PPTP's enhanced GRE (version 1) or source routing
        return;
    }
    std::size_t headerLength = 4;
    if (flags & 0x8000)
        headerLength += 4;  // checksum + reserved
    if (flags & 0x2000)
        headerLength += 4;  // key
    const bool hasSequence = (flags & 0x1000) != 0;
    if (hasSequence)
        headerLength += 4;
    if (bytes.size() < headerLength)
        return tooShort();
    bytes = bytes.subspan(headerLength);

    if (protocol == EtherErspan2) {
        // ERSPAN type II carries an 8-byte header and sets the sequence bit; type I has neither.
        if (hasSequence) {
            if (bytes.size() < 8)
                return tooShort();
            bytes = bytes.subspan(8);
        }
        decodeEthernet(bytes, depth);
        return;
    }
    if (protocol == EtherErspan3) {
        // ERSPAN type III: 12 bytes, then an 8-byte platform sub-header when the O bit (last bit) is set.
        if (bytes.size() < 12)
            return tooShort();
        const bool hasPlatformHeader = (bytes[11] & 0x01) != 0;
        const int frameType = (bytes[10] >> 2) & 0x1f;
        const std::size_t length = hasPlatformHeader ? 20 : 12;
        if (bytes.size() < length)
            return tooShort();
        if (frameType == 0)
            decodeEthernet(bytes.subspan(length), depth);
        else if (frameType == 2)
            decodeIp(bytes.subspan(length), depth);
        else
            ++stats.nonIpPackets;
        return;
    }
    decodeEtherType(protocol, bytes, depth);
}

// [SECTION] UDP and TCP

void PacketDecoder::Impl::decodeUdp(const IpAddress& src, const IpAddress& dst, ByteSpan bytes) {
    // RFC 768: source port, destination port, length (header included), checksum.
    if (bytes.size() < 8)
        return tooShort();
    const std::size_t length = load16(bytes, 4);
    if (length < 8) {
        ++stats.malformedPackets;
        return;
    }
    if (length > bytes.size())
        return tooShort();
    ++stats.udpPayloads;
    std::string_view payload = detail::asText(bytes.subspan(8, length - 8));
    // HEP is recognised on any port: collectors listen on 9060 by habit only. SIP never starts like HEP.
    if (looksLikeHep(payload)) {
        decodeHep(payload);
        return;
    }
    const std::uint16_t srcPort = load16(bytes, 0);
    const std::uint16_t dstPort = load16(bytes, 2);
    PayloadView view;
    view.timestampUs = nowUs;
    view.src = Endpoint{src, srcPort};
    view.dst = Endpoint{dst, dstPort};
    view.transport = Transport::Udp;
    view.frameNumber = frameNumber;
    if (isOutsideSipPorts(bytes))
        return deliverOtherUdp(view, payload);
    const bool isOnSipPort = isWellKnownSipPort(srcPort) || isWellKnownSipPort(dstPort) ||
                             (!isSipPort.empty() && (isSipPort[srcPort] || isSipPort[dstPort]));
    if (!looksLikeSip(payload, isOnSipPort)) {
        if (isHepPort(srcPort) || isHepPort(dstPort))
            ++stats.hepPortNotHep;  // a HEP version or layout we do not know, or junk sent to the collector
        return deliverOtherUdp(view, payload);
    }
    // Keepalive CRLFs before the start line are not part of the message (RFC 3261 §7.5).
    view.bytes = detail::skipLineBreaks(payload);
    ++stats.payloadsDelivered;
    sink(view);
}

void PacketDecoder::Impl::deliverOtherUdp(PayloadView& view, std::string_view payload) {
    if (!otherUdpSink)
        return;  // one branch per packet when nobody asked for them: SIP-only imports pay nothing more
    view.bytes = payload;
    ++stats.otherUdpDelivered;
    otherUdpSink(view);
}

void PacketDecoder::Impl::decodeHep(std::string_view datagram) {
    ++stats.hepPackets;
    const HepStatus status = hep.decode(datagram, nowUs, frameNumber, [this](const PayloadView& view) {
        ++stats.hepPayloadsDelivered;
        ++stats.payloadsDelivered;
        sink(view);
    });
    if (status == HepStatus::Malformed)
        ++stats.hepErrors;
}

void PacketDecoder::Impl::decodeTcp(const IpAddress& src, const IpAddress& dst, ByteSpan bytes) {
    // RFC 9293 §3.1: the data offset counts 4-byte words.
    if (bytes.size() < 20)
        return tooShort();
    const std::size_t headerLength = static_cast<std::size_t>(bytes[12] >> 4) * 4;
    if (headerLength < 20) {
        ++stats.malformedPackets;
        return;
    }
    if (headerLength > bytes.size())
        return tooShort();
    ++stats.tcpSegments;
    if (isOutsideSipPorts(bytes))
        return;
    detail::TcpSegment segment;
    segment.src = Endpoint{src, load16(bytes, 0)};
    segment.dst = Endpoint{dst, load16(bytes, 2)};
    segment.sequence = load32(bytes, 4);
    segment.flags = bytes[13];
    segment.payload = detail::asText(bytes.subspan(headerLength));
    segment.timestampUs = nowUs;
    segment.frameNumber = frameNumber;
    tcp.segment(segment);
}

// [SECTION] PacketDecoder

PacketDecoder::PacketDecoder(PayloadSink sink, DecoderLimits limits)
    : m_impl(std::make_unique<Impl>(std::move(sink), limits)) {}

PacketDecoder::~PacketDecoder() = default;

void PacketDecoder::setOtherUdpSink(PayloadSink sink) { m_impl->otherUdpSink = std::move(sink); }

void PacketDecoder::decode(const RawPacket& packet) {
    Impl& impl = *m_impl;
    ++impl.stats.packets;
    impl.nowUs = packet.timestampUs;
    impl.frameNumber = packet.frameNumber;
    impl.isCut = packet.bytes.size() < packet.originalLength;
    impl.fragments.expire(packet.timestampUs);
    impl.tcp.expire(packet.timestampUs);
    impl.sctp.expire(packet.timestampUs);
    impl.decodeLink(packet.linkType, detail::asBytes(packet.bytes));
}

void PacketDecoder::finish() {
    m_impl->fragments.finish();
    m_impl->tcp.finish();
    m_impl->sctp.finish();
}

const DecoderStats& PacketDecoder::stats() const { return m_impl->stats; }

}  // namespace sipscope::capture
