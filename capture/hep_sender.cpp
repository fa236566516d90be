// The HEP encoder (HEPv2's fixed header, HEPv3's chunks, as hep.cpp decodes them) and the UDP sender.
#include "capture/hep_sender.hpp"

#include "capture/detail/hep_tcp_connection.hpp"
#include "capture/detail/hep_wire.hpp"
#include "capture/hep_listener.hpp"
#include "common/error.hpp"

#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace sipscope::capture {

using namespace detail::hep;

namespace {

constexpr std::size_t MaxHepBytes = 65535;              // HEPv3's total length is 16 bits
constexpr std::size_t MaxUdpPayloadBytes = 65535 - 28;  // an IPv4 datagram's data
constexpr int SendBufferBytes = 4 << 20;                // bursts the collector's link absorbs (capped by wmem_max)
constexpr int WaitForRoomMs = 1000;

std::uint8_t protocolOf(Transport transport) {
    switch (transport) {
    case Transport::Udp: return ProtoUdp;
    case Transport::Sctp: return ProtoSctp;
    default: return ProtoTcp;  // TCP, and TLS, WS, WSS over it
    }
}

void put8(std::string& out, std::uint8_t value) { out.push_back(static_cast<char>(value)); }

void put16(std::string& out, std::uint16_t value) {
    put8(out, static_cast<std::uint8_t>(value >> 8));
    put8(out, static_cast<std::uint8_t>(value));
}

void put32(std::string& out, std::uint32_t value) {
    put16(out, static_cast<std::uint16_t>(value >> 16));
    put16(out, static_cast<std::uint16_t>(value));
}

void put32Le(std::string& out, std::uint32_t value) {
    for (int shift = 0; shift < 32; shift += 8)
        put8(out, static_cast<std::uint8_t>(value >> shift));
}

void putAddress(std::string& out, const IpAddress& address) {
    const std::size_t size = address.version == 6 ? 16 : 4;
    out.append(reinterpret_cast<const char*>(address.bytes.data()), size);
}

void chunkHeader(std::string& out, ChunkType type, std::size_t bodyBytes) {
    put16(out, 0);  // vendor: generic
    put16(out, type);
    put16(out, static_cast<std::uint16_t>(ChunkHeaderBytes + bodyBytes));  // callers checked the total fits
}

void chunk8(std::string& out, ChunkType type, std::uint8_t value) {
    chunkHeader(out, type, 1);
    put8(out, value);
}

void chunk16(std::string& out, ChunkType type, std::uint16_t value) {
    chunkHeader(out, type, 2);
    put16(out, value);
}

void chunk32(std::string& out, ChunkType type, std::uint32_t value) {
    chunkHeader(out, type, 4);
    put32(out, value);
}

void chunkBytes(std::string& out, ChunkType type, std::string_view body) {
    chunkHeader(out, type, body.size());
    out.append(body);
}

// Seconds and microseconds of the epoch; a time before 1970 (never captured) goes as 0.
std::pair<std::uint32_t, std::uint32_t> timeOf(std::int64_t timestampUs) {
    if (timestampUs < 0)
        return {0, 0};
    return {static_cast<std::uint32_t>(timestampUs / 1'000'000), static_cast<std::uint32_t>(timestampUs % 1'000'000)};
}

}  // namespace

bool encodeHep(const PayloadView& payload, const HepEncodeOptions& options, std::string& out) {
    out.clear();
    const bool isIpv6 = payload.src.ip.version == 6 || payload.dst.ip.version == 6;
    const std::size_t addressBytes = isIpv6 ? 16 : 4;
    const auto [seconds, microseconds] = timeOf(payload.timestampUs);
    if (options.version == 2) {
        const std::size_t total = V2BaseBytes + 2 * addressBytes + V2TimeBytes + payload.bytes.size();
        if (total > MaxUdpPayloadBytes)
            return false;
        put8(out, 2);
        put8(out, static_cast<std::uint8_t>(V2BaseBytes + 2 * addressBytes));  // the time header is not counted
        put8(out, isIpv6 ? FamilyIpv6 : FamilyIpv4);
        put8(out, protocolOf(payload.transport));
        put16(out, payload.src.port);
        put16(out, payload.dst.port);
        putAddress(out, payload.src.ip);
        putAddress(out, payload.dst.ip);
        // The senders' struct hep_timehdr in their (little-endian) byte order, padded to 12 bytes.
        put32Le(out, seconds);
        put32Le(out, microseconds);
        put8(out, static_cast<std::uint8_t>(options.captureId));
        put8(out, static_cast<std::uint8_t>(options.captureId >> 8));
        put16(out, 0);
        out.append(payload.bytes);
        return true;
    }
    const std::size_t fixedChunks = 2 * (ChunkHeaderBytes + 1) + 2 * (ChunkHeaderBytes + addressBytes) +
                                    2 * (ChunkHeaderBytes + 2) + 3 * (ChunkHeaderBytes + 4) + ChunkHeaderBytes + 1;
    const std::size_t authBytes = options.password.empty() ? 0 : ChunkHeaderBytes + options.password.size();
    const std::size_t total = V3HeaderBytes + fixedChunks + authBytes + ChunkHeaderBytes + payload.bytes.size();
    if (total > MaxUdpPayloadBytes || total > MaxHepBytes)
        return false;
    out.reserve(total);
    out.append("HEP3");
    put16(out, static_cast<std::uint16_t>(total));
    chunk8(out, ChunkFamily, isIpv6 ? FamilyIpv6 : FamilyIpv4);
    chunk8(out, ChunkProtocol, protocolOf(payload.transport));
    chunkHeader(out, isIpv6 ? ChunkIpv6Src : ChunkIpv4Src, addressBytes);
    putAddress(out, payload.src.ip);
    chunkHeader(out, isIpv6 ? ChunkIpv6Dst : ChunkIpv4Dst, addressBytes);
    putAddress(out, payload.dst.ip);
    chunk16(out, ChunkSrcPort, payload.src.port);
    chunk16(out, ChunkDstPort, payload.dst.port);
    chunk32(out, ChunkSeconds, seconds);
    chunk32(out, ChunkMicroseconds, microseconds);
    chunk8(out, ChunkProtoType, ProtoTypeSip);
    chunk32(out, ChunkCaptureId, options.captureId);
    if (!options.password.empty())
        chunkBytes(out, ChunkAuthKey, options.password);
    chunkBytes(out, ChunkPayload, payload.bytes);
    return true;
}

HepDestination parseHepDestination(std::string_view text, std::string_view option) {
    const std::string what = std::string(option) + " '" + std::string(text) + "'";
    const std::string expected = ": expected udp:HOST:PORT or tcp:HOST:PORT with a port from 1 to 65535, e.g. "
                                 "udp:10.0.0.5:9060, tcp:10.0.0.5:9061 or udp:[2001:db8::5]:9060";
    if (!text.starts_with("udp:") && !text.starts_with("tcp:"))
        throw Error(what + expected + (text.starts_with("tls:") ? " (HEP over TLS is not supported)" : ""));
    try {
        // The listener's parser reads the same ADDR:PORT shape; the host may be a name here.
        const HepListenAddress parsed = parseHepListenAddress(text);
        if (text.substr(4).starts_with(":"))
            throw Error("no host");
        return {parsed.host, parsed.port, parsed.isTcp};
    } catch (const Error&) {
        throw Error(what + expected);
    }
}

HepSender::HepSender(const std::string& destination, HepEncodeOptions options, WhenFull whenFull,
                     std::string_view option)
    : m_name(destination), m_options(std::move(options)), m_whenFull(whenFull) {
    const HepDestination where = parseHepDestination(destination, option);
    if (where.isTcp && m_options.version != 3)
        throw Error(std::string(option) + " " + destination +
                    ": HEPv2 has no length field to frame it over TCP: use --hep-version 3 or udp:");
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = where.isTcp ? SOCK_STREAM : SOCK_DGRAM;
    hints.ai_flags = AI_NUMERICSERV;
    addrinfo* found = nullptr;
    const std::string port = std::to_string(where.port);
    if (const int code = ::getaddrinfo(where.host.c_str(), port.c_str(), &hints, &found); code != 0)
        throw Error(std::string(option) + " " + destination + ": cannot resolve '" + where.host +
                    "': " + ::gai_strerror(code));
    if (where.isTcp) {
        // The first address; a name with several is given to the first the resolver prefers.
        sockaddr_storage address{};
        std::memcpy(&address, found->ai_addr, found->ai_addrlen);
        const auto length = static_cast<socklen_t>(found->ai_addrlen);
        char host[NI_MAXHOST] = "";
        ::getnameinfo(found->ai_addr, found->ai_addrlen, host, sizeof host, nullptr, 0, NI_NUMERICHOST);
        ::freeaddrinfo(found);
        m_peer = {host, where.port, true};
        m_tcp = std::make_unique<detail::HepTcpConnection>(address, length, whenFull == WhenFull::Wait,
                                                           std::string(option) + " " + destination);
        return;
    }
    std::string failure;
    for (const addrinfo* at = found; at != nullptr && m_socket < 0; at = at->ai_next) {
        const int flags = SOCK_CLOEXEC | (whenFull == WhenFull::Drop ? SOCK_NONBLOCK : 0);
        m_socket = ::socket(at->ai_family, at->ai_socktype | flags, at->ai_protocol);
        if (m_socket < 0) {
            failure = std::strerror(errno);
            continue;
        }
        // Connected: the kernel reports a collector that is not listening (ICMP port unreachable) as an error.
        if (::connect(m_socket, at->ai_addr, at->ai_addrlen) != 0) {
            failure = std::strerror(errno);
            ::close(m_socket);
            m_socket = -1;
            continue;
        }
        char host[NI_MAXHOST] = "";
        ::getnameinfo(at->ai_addr, at->ai_addrlen, host, sizeof host, nullptr, 0, NI_NUMERICHOST);
        m_peer = {host, where.port};
    }
    ::freeaddrinfo(found);
    if (m_socket < 0)
        throw Error(std::string(option) + " " + destination + ": cannot open a UDP socket to it: " + failure);
    int bufferBytes = SendBufferBytes;
    ::setsockopt(m_socket, SOL_SOCKET, SO_SNDBUF, &bufferBytes, sizeof bufferBytes);
}

HepSender::~HepSender() {
    if (m_socket >= 0)
        ::close(m_socket);
}

void HepSender::flush(int timeoutMs) {
    if (m_tcp)
        m_tcp->flush(timeoutMs, m_stats);
}

bool HepSender::send(const PayloadView& payload) {
    if (!encodeHep(payload, m_options, m_packet)) {
        ++m_stats.tooLarge;
        return false;
    }
    if (m_tcp)
        return m_tcp->send(m_packet, m_stats);
    for (;;) {
        if (::send(m_socket, m_packet.data(), m_packet.size(), MSG_NOSIGNAL) >= 0) {
            ++m_stats.sent;
            return true;
        }
        const int code = errno;
        if (code == EINTR)
            continue;
        if (code == EAGAIN || code == EWOULDBLOCK || code == ENOBUFS) {
            if (m_whenFull == WhenFull::Drop) {
                ++m_stats.dropped;
                return false;
            }
            pollfd writable{m_socket, POLLOUT, 0};
            ::poll(&writable, 1, WaitForRoomMs);
            continue;
        }
        // ECONNREFUSED (the collector's port was unreachable for an earlier packet), EHOSTUNREACH, ENETDOWN, ...:
        // this message is lost; the next one is tried again.
        ++m_stats.failed;
        return false;
    }
}

}  // namespace sipscope::capture
