// The HEP collector: one UDP socket with a receive timeout; datagrams wrapped as IP/UDP frames for the decoder.
#include "capture/hep_listener.hpp"

#include "common/error.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstring>
#include <vector>

namespace sipscope::capture {

namespace {

constexpr std::uint32_t LinkTypeIpv4 = 228;
constexpr std::uint32_t LinkTypeIpv6 = 229;
constexpr std::size_t Ipv4HeaderBytes = 20;
constexpr std::size_t Ipv6HeaderBytes = 40;
constexpr std::size_t UdpHeaderBytes = 8;
constexpr std::size_t MaxDatagramBytes = 65535;
constexpr auto IdleTick = std::chrono::milliseconds(200);

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

class HepListener final : public LiveSource {
public:
    HepListener(const std::string& address, std::uint32_t maxDurationSeconds, std::uint64_t maxPackets)
        : m_name("hep:" + address), m_maxDurationSeconds(maxDurationSeconds), m_maxPackets(maxPackets) {
        const HepListenAddress where = parseHepListenAddress(address);
        sockaddr_storage local{};
        socklen_t localLength = 0;
        if (auto* v4 = reinterpret_cast<sockaddr_in*>(&local);
            inet_pton(AF_INET, where.host.c_str(), &v4->sin_addr) == 1) {
            v4->sin_family = AF_INET;
            v4->sin_port = htons(where.port);
            localLength = sizeof(sockaddr_in);
        } else if (auto* v6 = reinterpret_cast<sockaddr_in6*>(&local);
                   inet_pton(AF_INET6, where.host.c_str(), &v6->sin6_addr) == 1) {
            v6->sin6_family = AF_INET6;
            v6->sin6_port = htons(where.port);
            localLength = sizeof(sockaddr_in6);
        } else {
            throw Error("--hep-listen " + address + ": '" + where.host +
                        "' is not an IP address (use e.g. udp:0.0.0.0:9060 or udp:[::]:9060)");
        }
        m_isIpv6 = local.ss_family == AF_INET6;
        m_socket = ::socket(local.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (m_socket < 0)
            throw Error("--hep-listen " + address + ": cannot open a UDP socket: " + std::strerror(errno));
        timeval timeout{0, 100'000};
        ::setsockopt(m_socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
        // HEP agents burst; a larger receive buffer rides out a slow database commit (capped by rmem_max).
        int bufferBytes = 8 << 20;
        ::setsockopt(m_socket, SOL_SOCKET, SO_RCVBUF, &bufferBytes, sizeof bufferBytes);
        if (::bind(m_socket, reinterpret_cast<sockaddr*>(&local), localLength) != 0) {
            const int code = errno;
            ::close(m_socket);
            std::string advice = code == EADDRINUSE      ? " (another collector listens there: pick another port)"
                                 : code == EACCES        ? " (ports below 1024 need root or CAP_NET_BIND_SERVICE)"
                                 : code == EADDRNOTAVAIL ? " (no interface has this address: see `ip addr`)"
                                                         : "";
            throw Error("--hep-listen " + address + ": cannot bind: " + std::strerror(code) + advice);
        }
        m_local = local;
        m_frame.resize((m_isIpv6 ? Ipv6HeaderBytes : Ipv4HeaderBytes) + UdpHeaderBytes + MaxDatagramBytes);
        m_started = std::chrono::steady_clock::now();
    }

    ~HepListener() override { ::close(m_socket); }

    bool next(RawPacket& packet) override {
        const auto tickEnd = std::chrono::steady_clock::now() + IdleTick;
        const std::size_t headerBytes = (m_isIpv6 ? Ipv6HeaderBytes : Ipv4HeaderBytes) + UdpHeaderBytes;
        for (;;) {
            if (isDone())
                return false;
            sockaddr_storage peer{};
            socklen_t peerLength = sizeof peer;
            // IPv4 limits a UDP payload to 65507 bytes, so the synthetic IPv4 length never overflows.
            const ssize_t received = ::recvfrom(m_socket, m_frame.data() + headerBytes,
                                                MaxDatagramBytes - UdpHeaderBytes - (m_isIpv6 ? 0 : Ipv4HeaderBytes), 0,
                                                reinterpret_cast<sockaddr*>(&peer), &peerLength);
            if (received >= 0) {
                const auto now = std::chrono::system_clock::now();
                wrap(peer, static_cast<std::size_t>(received));
                ++m_datagrams;
                m_bytesRead += static_cast<std::uint64_t>(received);
                packet.timestampUs =
                    std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count();
                packet.linkType = m_isIpv6 ? LinkTypeIpv6 : LinkTypeIpv4;
                packet.bytes = std::string_view(reinterpret_cast<const char*>(m_frame.data()),
                                                headerBytes + static_cast<std::size_t>(received));
                packet.originalLength = static_cast<std::uint32_t>(packet.bytes.size());
                packet.frameNumber = m_datagrams;
                return true;
            }
            if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
                throw Error(m_name + ": receive failed: " + std::strerror(errno));
            if (std::chrono::steady_clock::now() >= tickEnd) {
                packet = RawPacket{};
                packet.linkType = m_isIpv6 ? LinkTypeIpv6 : LinkTypeIpv4;
                return true;
            }
        }
    }

    LiveStats stats() const override { return {m_datagrams, 0, 0}; }
    void stop() override { m_isStopped.store(true); }
    std::uint64_t bytesRead() const override { return m_bytesRead; }
    std::uint64_t totalBytes() const override { return 0; }
    const std::string& name() const override { return m_name; }

private:
    // Writes an IP + UDP header from `peer` to the bound address in front of the datagram already in m_frame.
    void wrap(const sockaddr_storage& peer, std::size_t payloadBytes) {
        std::uint8_t* at = m_frame.data();
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
    }

    bool isDone() const {
        if (m_isStopped.load() || stopRequested().load())
            return true;
        if (m_maxPackets && m_datagrams >= m_maxPackets)
            return true;
        return m_maxDurationSeconds &&
               std::chrono::steady_clock::now() - m_started >= std::chrono::seconds(m_maxDurationSeconds);
    }

    std::string m_name;
    std::uint32_t m_maxDurationSeconds;
    std::uint64_t m_maxPackets;
    int m_socket = -1;
    bool m_isIpv6 = false;
    sockaddr_storage m_local{};
    std::vector<std::uint8_t> m_frame;
    std::uint64_t m_datagrams = 0;
    std::uint64_t m_bytesRead = 0;
    std::atomic<bool> m_isStopped{false};
    std::chrono::steady_clock::time_point m_started;
};

}  // namespace

HepListenAddress parseHepListenAddress(std::string_view text) {
    const std::string original(text);
    auto bad = [&original](const char* why) {
        return Error("--hep-listen '" + original + "': " + why +
                     " (expected udp:ADDR:PORT, e.g. udp:0.0.0.0:9060 "
                     "or udp:[::]:9060)");
    };
    if (text.starts_with("udp:"))
        text.remove_prefix(4);
    else if (text.starts_with("tcp:") || text.starts_with("tls:"))
        throw bad("only UDP is supported");
    HepListenAddress result;
    std::string_view portText;
    if (text.starts_with("[")) {
        const std::size_t close = text.find(']');
        if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':')
            throw bad("an IPv6 address needs brackets and a port");
        result.host = std::string(text.substr(1, close - 1));
        portText = text.substr(close + 2);
    } else {
        const std::size_t colon = text.rfind(':');
        if (colon == std::string_view::npos)
            throw bad("no port");
        result.host = std::string(text.substr(0, colon));
        portText = text.substr(colon + 1);
        if (result.host.find(':') != std::string::npos)
            throw bad("put an IPv6 address in brackets");
    }
    if (result.host.empty())
        result.host = "0.0.0.0";
    unsigned port = 0;
    const auto [end, code] = std::from_chars(portText.data(), portText.data() + portText.size(), port);
    if (code != std::errc() || end != portText.data() + portText.size() || port == 0 || port > 65535)
        throw bad("the port must be a number from 1 to 65535");
    result.port = static_cast<std::uint16_t>(port);
    return result;
}

std::unique_ptr<LiveSource> openHepListener(const std::string& address, std::uint32_t maxDurationSeconds,
                                            std::uint64_t maxPackets) {
    return std::make_unique<HepListener>(address, maxDurationSeconds, maxPackets);
}

}  // namespace sipscope::capture
