// HEP v1/v2 (a fixed header) and v3/EEP (typed chunks), as described by the HEP3 specification (rev. 12) and
// the hep_hdr / hep_timehdr layout the v2 senders share. Every length read from the datagram is checked.
#include "capture/hep.hpp"

#include "capture/detail/bytes.hpp"
#include "capture/detail/hep_wire.hpp"
#include "capture/detail/sip_framing.hpp"
#include "capture/packet_decoder.hpp"

#include <zlib.h>

#include <cstring>
#include <optional>

namespace sipscope::capture {

using detail::ByteSpan;
using detail::load16;
using detail::load32;
using namespace detail::hep;

namespace {

constexpr std::uint16_t SipsPort = 5061;  // the default port of SIP over TLS (RFC 3261)

Transport transportOf(std::uint8_t protocol, std::uint16_t srcPort, std::uint16_t dstPort) {
    switch (protocol) {
    case ProtoTcp:
        // HEP has no TLS protocol value: senders write the TCP under the TLS, so judge by the SIPS port.
        return srcPort == SipsPort || dstPort == SipsPort ? Transport::Tls : Transport::Tcp;
    case ProtoSctp: return Transport::Sctp;
    default: return Transport::Udp;
    }
}

IpAddress addressOf(ByteSpan bytes) {
    if (bytes.size() == 4)
        return IpAddress::v4(load32(bytes, 0));
    IpAddress address;
    address.version = 6;
    for (std::size_t i = 0; i < 16; ++i)
        address.bytes[i] = bytes[i];
    return address;
}

bool startsLikeSip(ByteSpan bytes, std::size_t at) {
    return at <= bytes.size() && looksLikeSip(detail::asText(bytes.subspan(at)));
}

// Where the payload of a HEPv1/v2 datagram starts, or nullopt when the header is not a plausible one.
std::optional<std::size_t> v2HeaderBytes(ByteSpan bytes) {
    if (bytes.size() < V2BaseBytes || (bytes[0] != 1 && bytes[0] != 2))
        return std::nullopt;
    const std::size_t addressBytes = bytes[2] == FamilyIpv4 ? 8 : bytes[2] == FamilyIpv6 ? 32 : 0;
    if (addressBytes == 0 || (bytes[3] != ProtoUdp && bytes[3] != ProtoTcp && bytes[3] != ProtoSctp))
        return std::nullopt;
    const std::size_t length = bytes[1];
    const std::size_t base = V2BaseBytes + addressBytes;
    if (length > bytes.size())
        return std::nullopt;
    if (bytes[0] == 1)
        return length == base ? std::optional<std::size_t>(length) : std::nullopt;
    // The length byte of Kamailio's siptrace, OpenSIPS's proto_hep and captagent counts the base header and the
    // addresses only (16 for IPv4, 40 for IPv6); the time header follows uncounted, as their struct hep_timehdr:
    // 12 bytes with the compiler's padding, 10 where it was packed. Other senders count the time header in the
    // length byte (base + 10 or base + 12).
    if (length == base + V2TimeBytes || length == base + V2PackedTimeBytes)
        return length;
    if (length != base)
        return std::nullopt;
    // Packed only when SIP starts right after 10 bytes: the 2 padding bytes before a padded payload never make a
    // start line, while a packed one still looks like SIP 2 bytes on ("INVITE" -> "VITE").
    const std::size_t packed = base + V2PackedTimeBytes;
    if (startsLikeSip(bytes, packed))
        return packed;
    const std::size_t padded = base + V2TimeBytes;
    return padded <= bytes.size() ? std::optional<std::size_t>(padded) : std::nullopt;
}

}  // namespace

bool looksLikeHep(std::string_view datagram) {
    if (datagram.size() >= V3HeaderBytes && datagram.substr(0, 4) == "HEP3")
        return true;
    return v2HeaderBytes(detail::asBytes(datagram)).has_value();
}

HepDecoder::HepDecoder(std::size_t maxInflatedBytes) : m_maxInflatedBytes(maxInflatedBytes) {}

HepStatus HepDecoder::decode(std::string_view datagram, std::int64_t fallbackTimestampUs, std::uint64_t frameNumber,
                             const HepPayloadSink& sink) {
    m_captureId = 0;
    if (datagram.size() >= 4 && datagram.substr(0, 4) == "HEP3")
        return decodeV3(datagram, fallbackTimestampUs, frameNumber, sink);
    if (v2HeaderBytes(detail::asBytes(datagram)))
        return decodeV2(datagram, fallbackTimestampUs, frameNumber, sink);
    return HepStatus::NotHep;
}

namespace {

HepStatus deliver(PayloadView& view, std::string_view payload, const HepPayloadSink& sink) {
    if (!looksLikeSip(payload, isWellKnownSipPort(view.src.port) || isWellKnownSipPort(view.dst.port)))
        return HepStatus::Skipped;
    // Keepalive CRLFs before the start line are not part of the message (RFC 3261 §7.5).
    view.bytes = detail::skipLineBreaks(payload);
    sink(view);
    return HepStatus::Delivered;
}

}  // namespace

HepStatus HepDecoder::decodeV3(std::string_view datagram, std::int64_t fallbackTimestampUs, std::uint64_t frameNumber,
                               const HepPayloadSink& sink) {
    ByteSpan bytes = detail::asBytes(datagram);
    if (bytes.size() < V3HeaderBytes)
        return HepStatus::Malformed;
    const std::size_t total = load16(bytes, 4);
    if (total < V3HeaderBytes || total > bytes.size())
        return HepStatus::Malformed;
    bytes = bytes.first(total);  // what follows the declared length (padding, a second packet) is not ours

    std::optional<std::uint8_t> family;
    std::uint8_t protocol = ProtoUdp;
    std::uint8_t protoType = 0;
    bool hasProtoType = false;
    std::optional<IpAddress> src4, dst4, src6, dst6;
    std::uint16_t srcPort = 0;
    std::uint16_t dstPort = 0;
    std::optional<std::uint32_t> seconds;
    std::uint32_t microseconds = 0;
    std::optional<ByteSpan> payload;
    std::optional<ByteSpan> compressed;

    for (std::size_t at = V3HeaderBytes; at < bytes.size();) {
        if (bytes.size() - at < ChunkHeaderBytes)
            return HepStatus::Malformed;
        const std::uint16_t vendor = load16(bytes, at);
        const std::uint16_t type = load16(bytes, at + 2);
        const std::size_t length = load16(bytes, at + 4);
        if (length < ChunkHeaderBytes || length > bytes.size() - at)
            return HepStatus::Malformed;
        const ByteSpan body = bytes.subspan(at + ChunkHeaderBytes, length - ChunkHeaderBytes);
        at += length;
        if (vendor != 0)
            continue;  // vendor-specific chunks (OpenSIPS, FreeSWITCH, ...): not needed for SIP
        // A generic chunk of the wrong size is a lie about the whole packet.
        auto needs = [&](std::size_t size) { return body.size() == size; };
        switch (type) {
        case ChunkFamily:
            if (!needs(1))
                return HepStatus::Malformed;
            family = body[0];
            break;
        case ChunkProtocol:
            if (!needs(1))
                return HepStatus::Malformed;
            protocol = body[0];
            break;
        case ChunkIpv4Src:
        case ChunkIpv4Dst:
            if (!needs(4))
                return HepStatus::Malformed;
            (type == ChunkIpv4Src ? src4 : dst4) = addressOf(body);
            break;
        case ChunkIpv6Src:
        case ChunkIpv6Dst:
            if (!needs(16))
                return HepStatus::Malformed;
            (type == ChunkIpv6Src ? src6 : dst6) = addressOf(body);
            break;
        case ChunkSrcPort:
        case ChunkDstPort:
            if (!needs(2))
                return HepStatus::Malformed;
            (type == ChunkSrcPort ? srcPort : dstPort) = load16(body, 0);
            break;
        case ChunkSeconds:
            if (!needs(4))
                return HepStatus::Malformed;
            seconds = load32(body, 0);
            break;
        case ChunkMicroseconds:
            if (!needs(4))
                return HepStatus::Malformed;
            microseconds = load32(body, 0);
            break;
        case ChunkProtoType:
            if (!needs(1))
                return HepStatus::Malformed;
            protoType = body[0];
            hasProtoType = true;
            break;
        case ChunkCaptureId:  // 4 bytes by the specification; some older agents send 2
            if (body.size() == 4)
                m_captureId = load32(body, 0);
            else if (body.size() == 2)
                m_captureId = load16(body, 0);
            else
                return HepStatus::Malformed;
            break;
        case ChunkPayload: payload = body; break;
        case ChunkCompressedPayload: compressed = body; break;
        default: break;  // auth key, correlation id, QoS, MOS, ...: nothing SIP needs
        }
    }

    // Without a proto type chunk the payload is taken for SIP, as the earliest HEP3 senders meant it.
    if ((hasProtoType && protoType != ProtoTypeSip) || (!payload && !compressed))
        return HepStatus::Skipped;
    PayloadView view;
    const bool isIpv6 = family ? *family == FamilyIpv6 : (src6 || dst6);
    if (family && *family != FamilyIpv4 && *family != FamilyIpv6)
        return HepStatus::Malformed;
    const std::optional<IpAddress>& src = isIpv6 ? src6 : src4;
    const std::optional<IpAddress>& dst = isIpv6 ? dst6 : dst4;
    if (!src || !dst)
        return HepStatus::Malformed;
    view.src = Endpoint{*src, srcPort};
    view.dst = Endpoint{*dst, dstPort};
    view.transport = transportOf(protocol, srcPort, dstPort);
    view.timestampUs =
        seconds ? std::int64_t{*seconds} * 1'000'000 + std::int64_t{microseconds % 1'000'000} : fallbackTimestampUs;
    view.frameNumber = frameNumber;
    if (payload)
        return deliver(view, detail::asText(*payload), sink);
    if (!inflate(detail::asText(*compressed)))
        return HepStatus::Malformed;
    return deliver(view, std::string_view(m_inflated.data(), m_inflatedBytes), sink);
}

HepStatus HepDecoder::decodeV2(std::string_view datagram, std::int64_t fallbackTimestampUs, std::uint64_t frameNumber,
                               const HepPayloadSink& sink) {
    const ByteSpan bytes = detail::asBytes(datagram);
    const std::size_t headerBytes = *v2HeaderBytes(bytes);
    const bool isIpv6 = bytes[2] == FamilyIpv6;
    const std::size_t addressBytes = isIpv6 ? 16 : 4;
    PayloadView view;
    const std::uint16_t srcPort = load16(bytes, 4);
    const std::uint16_t dstPort = load16(bytes, 6);
    view.src = Endpoint{addressOf(bytes.subspan(V2BaseBytes, addressBytes)), srcPort};
    view.dst = Endpoint{addressOf(bytes.subspan(V2BaseBytes + addressBytes, addressBytes)), dstPort};
    view.transport = transportOf(bytes[3], srcPort, dstPort);
    view.timestampUs = fallbackTimestampUs;
    if (bytes[0] == 2) {
        // The time header is the sender's struct in its own byte order: little-endian on every sender met so
        // far; big-endian is taken when only it gives a microsecond count below one second.
        const std::size_t at = V2BaseBytes + 2 * addressBytes;
        std::uint32_t seconds = detail::load32Le(bytes, at);
        std::uint32_t microseconds = detail::load32Le(bytes, at + 4);
        if (microseconds >= 1'000'000 && load32(bytes, at + 4) < 1'000'000) {
            seconds = load32(bytes, at);
            microseconds = load32(bytes, at + 4);
        }
        if (microseconds < 1'000'000)
            view.timestampUs = std::int64_t{seconds} * 1'000'000 + microseconds;
        m_captureId = static_cast<std::uint16_t>(bytes[at + 8] | (bytes[at + 9] << 8));
    }
    view.frameNumber = frameNumber;
    return deliver(view, datagram.substr(headerBytes), sink);
}

bool HepDecoder::inflate(std::string_view compressed) {
    if (m_inflated.size() != m_maxInflatedBytes)
        m_inflated.resize(m_maxInflatedBytes);  // once: the buffer keeps its size, m_inflatedBytes says what is used
    // zlib or gzip framing (windowBits 15 + 32 detects which); raw deflate when neither header is there.
    for (int windowBits : {15 + 32, -15}) {
        z_stream stream{};
        if (inflateInit2(&stream, windowBits) != Z_OK)
            return false;
        stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
        stream.avail_in = static_cast<uInt>(compressed.size());
        stream.next_out = reinterpret_cast<Bytef*>(m_inflated.data());
        stream.avail_out = static_cast<uInt>(m_maxInflatedBytes);
        const int result = ::inflate(&stream, Z_FINISH);
        const std::size_t produced = stream.total_out;
        inflateEnd(&stream);
        if (result == Z_STREAM_END) {
            m_inflatedBytes = produced;
            return true;
        }
        if (result != Z_DATA_ERROR)
            return false;  // cut short, or larger than the bound
    }
    return false;
}

HepStatus decodeHep(std::string_view datagram, std::int64_t fallbackTimestampUs, std::uint64_t frameNumber,
                    const HepPayloadSink& sink) {
    thread_local HepDecoder decoder;
    return decoder.decode(datagram, fallbackTimestampUs, frameNumber, sink);
}

}  // namespace sipscope::capture
