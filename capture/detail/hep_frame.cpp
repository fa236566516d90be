// The HEP listeners' socket setup and synthetic IP/UDP frames.
#include "capture/detail/hep_frame.hpp"

#include "capture/live_source.hpp"

#include "common/error.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

namespace sipscope::capture::detail {

namespace {

constexpr std::size_t Ipv4HeaderBytes = 20;
constexpr std::size_t Ipv6HeaderBytes = 40;
constexpr std::size_t UdpHeaderBytes = 8;

void store16(std::uint8_t* at, std::uint16_t value) {
    at[0] = static_cast<std::uint8_t>(value >> 8);
    at[1] = static_cast<std::uint8_t>(value);
}

std::uint16_t ipv4HeaderChecksum(const std::uint8_t* header) {
    std::uint32_t sum = 0;
    for (std::size_t i = 0; i < Ipv4HeaderBytes; i += 2)
        sum += static_cast<std::uint32_t>(header[i] << 8 | header[i + 1]);
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return static_cast<std::uint16_t>(~sum);
}

}  // namespace

int openBoundSocket(const HepListenAddress& where, int type, const std::string& option, sockaddr_storage& local) {
    local = {};
    socklen_t localLength = 0;
    if (auto* v4 = reinterpret_cast<sockaddr_in*>(&local); inet_pton(AF_INET, where.host.c_str(), &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons(where.port);
        localLength = sizeof(sockaddr_in);
    } else if (auto* v6 = reinterpret_cast<sockaddr_in6*>(&local);
               inet_pton(AF_INET6, where.host.c_str(), &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons(where.port);
        localLength = sizeof(sockaddr_in6);
    } else {
        throw Error(option + ": '" + where.host +
                    "' is not an IP address (use e.g. udp:0.0.0.0:9060, udp:[::]:9060 or tcp:0.0.0.0:9060)");
    }
    const char* kind = type == SOCK_STREAM ? "TCP" : "UDP";
    const int fd = ::socket(local.ss_family, type | SOCK_CLOEXEC | (type == SOCK_STREAM ? SOCK_NONBLOCK : 0), 0);
    if (fd < 0)
        throw Error(option + ": cannot open a " + kind + " socket: " + std::strerror(errno));
    if (type == SOCK_STREAM) {
        // A restarted collector binds again at once, though its old connections linger in TIME_WAIT.
        int yes = 1;
        ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    }
    if (::bind(fd, reinterpret_cast<sockaddr*>(&local), localLength) != 0) {
        const int code = errno;
        ::close(fd);
        std::string advice = code == EADDRINUSE      ? " (another collector listens there: pick another port)"
                             : code == EACCES        ? " (ports below 1024 need root or CAP_NET_BIND_SERVICE)"
                             : code == EADDRNOTAVAIL ? " (no interface has this address: see `ip addr`)"
                                                     : "";
        throw Error(option + ": cannot bind: " + std::strerror(code) + advice);
    }
    return fd;
}

HepFrame::HepFrame(const sockaddr_storage& local) : m_local(local), m_isIpv6(local.ss_family == AF_INET6) {
    m_bytes.resize(headerBytes() + MaxFramedHepBytes);
}

void HepFrame::wrap(const sockaddr_storage& peer, std::size_t payloadBytes, std::uint64_t frameNumber,
                    RawPacket& packet) {
    std::uint8_t* at = m_bytes.data();
    const std::size_t udpLength = UdpHeaderBytes + payloadBytes;
    std::uint16_t sourcePort = 0;
    std::uint16_t destinationPort = 0;
    if (m_isIpv6) {
        const auto& from = reinterpret_cast<const sockaddr_in6&>(peer);
        const auto& to = reinterpret_cast<const sockaddr_in6&>(m_local);
        std::memset(at, 0, Ipv6HeaderBytes);
        at[0] = 0x60;
        store16(at + 4, static_cast<std::uint16_t>(udpLength));
        at[6] = 17;  // next header: UDP
        at[7] = 64;
        std::memcpy(at + 8, &from.sin6_addr, 16);
        std::memcpy(at + 24, &to.sin6_addr, 16);
        sourcePort = ntohs(from.sin6_port);
        destinationPort = ntohs(to.sin6_port);
        at += Ipv6HeaderBytes;
    } else {
        const auto& from = reinterpret_cast<const sockaddr_in&>(peer);
        const auto& to = reinterpret_cast<const sockaddr_in&>(m_local);
        std::memset(at, 0, Ipv4HeaderBytes);
        at[0] = 0x45;
        store16(at + 2, static_cast<std::uint16_t>(Ipv4HeaderBytes + udpLength));
        at[8] = 64;
        at[9] = 17;  // protocol: UDP
        std::memcpy(at + 12, &from.sin_addr, 4);
        std::memcpy(at + 16, &to.sin_addr, 4);
        store16(at + 10, ipv4HeaderChecksum(at));
        sourcePort = ntohs(from.sin_port);
        destinationPort = ntohs(to.sin_port);
        at += Ipv4HeaderBytes;
    }
    store16(at, sourcePort);
    store16(at + 2, destinationPort);
    store16(at + 4, static_cast<std::uint16_t>(udpLength));
    store16(at + 6, 0);  // no checksum: the bytes never crossed a wire in this form
    const auto now = std::chrono::system_clock::now();
    packet.timestampUs = std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count();
    packet.linkType = linkType();
    packet.bytes = std::string_view(reinterpret_cast<const char*>(m_bytes.data()), headerBytes() + payloadBytes);
    packet.originalLength = static_cast<std::uint32_t>(packet.bytes.size());
    packet.frameNumber = frameNumber;
}

bool ListenBounds::isDone(std::uint64_t packets) const {
    if (m_isStopped.load() || stopRequested().load())
        return true;
    if (m_maxPackets && packets >= m_maxPackets)
        return true;
    return m_maxDurationSeconds &&
           std::chrono::steady_clock::now() - m_started >= std::chrono::seconds(m_maxDurationSeconds);
}

}  // namespace sipscope::capture::detail
