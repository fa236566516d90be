// The HEP collector's UDP side (one socket with a receive timeout; the kernel's drops read from SO_RXQ_OVFL), the
// address parser, and the choice of UDP or TCP.
#include "capture/hep_listener.hpp"

#include "capture/detail/hep_frame.hpp"
#include "capture/detail/hep_tcp_listener.hpp"
#include "common/error.hpp"

#include <linux/sock_diag.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstring>

namespace sipscope::capture {

namespace {

constexpr auto IdleTick = std::chrono::milliseconds(200);

class HepUdpListener final : public LiveSource {
public:
    HepUdpListener(const std::string& address, std::uint32_t maxDurationSeconds, std::uint64_t maxPackets,
                   int receiveBufferBytes)
        : m_name("hep:" + address), m_bounds(maxDurationSeconds, maxPackets),
          m_socket(
              detail::openBoundSocket(parseHepListenAddress(address), SOCK_DGRAM, "--hep-listen " + address, m_local)),
          m_frame(m_local) {
        timeval timeout{0, 100'000};
        ::setsockopt(m_socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
        ::setsockopt(m_socket, SOL_SOCKET, SO_RCVBUF, &receiveBufferBytes, sizeof receiveBufferBytes);
        // Each datagram then carries the socket's drop counter as it stood when the datagram was queued.
        int yes = 1;
        ::setsockopt(m_socket, SOL_SOCKET, SO_RXQ_OVFL, &yes, sizeof yes);
    }

    ~HepUdpListener() override { ::close(m_socket); }

    bool next(RawPacket& packet) override {
        const auto tickEnd = std::chrono::steady_clock::now() + IdleTick;
        for (;;) {
            if (m_bounds.isDone(m_datagrams))
                return false;
            sockaddr_storage peer{};
            iovec data{m_frame.payload(), detail::MaxFramedHepBytes};
            alignas(cmsghdr) char control[CMSG_SPACE(sizeof(std::uint32_t))];
            msghdr message{};
            message.msg_name = &peer;
            message.msg_namelen = sizeof peer;
            message.msg_iov = &data;
            message.msg_iovlen = 1;
            message.msg_control = control;
            message.msg_controllen = sizeof control;
            // IPv4 limits a UDP payload to 65507 bytes, so the synthetic IPv4 length never overflows.
            const ssize_t received = ::recvmsg(m_socket, &message, 0);
            if (received >= 0) {
                readDropCounter(message);
                ++m_datagrams;
                m_bytesRead += static_cast<std::uint64_t>(received);
                m_frame.wrap(peer, static_cast<std::size_t>(received), m_datagrams, packet);
                return true;
            }
            if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
                throw Error(m_name + ": receive failed: " + std::strerror(errno));
            if (std::chrono::steady_clock::now() >= tickEnd) {
                packet = RawPacket{};
                packet.linkType = m_frame.linkType();
                return true;
            }
        }
    }

    LiveStats stats() const override {
        LiveStats stats;
        stats.received = m_datagrams;
        stats.droppedByKernel = m_drops.load();
        // The counter a datagram carries stops at the last one read; SO_MEMINFO adds the drops since (a burst at
        // the end), where the kernel has it (Linux 4.11).
        std::uint32_t memory[SK_MEMINFO_VARS] = {};
        socklen_t length = sizeof memory;
        if (::getsockopt(m_socket, SOL_SOCKET, SO_MEMINFO, memory, &length) == 0 &&
            length > SK_MEMINFO_DROPS * sizeof(std::uint32_t))
            stats.droppedByKernel += static_cast<std::uint32_t>(memory[SK_MEMINFO_DROPS] - m_lastDropCounter.load());
        return stats;
    }
    void stop() override { m_bounds.stop(); }
    std::uint64_t bytesRead() const override { return m_bytesRead; }
    std::uint64_t totalBytes() const override { return 0; }
    const std::string& name() const override { return m_name; }

private:
    // SO_RXQ_OVFL: a cumulative 32-bit count, sent only once it is not zero; its wrap is taken as a step forward.
    void readDropCounter(msghdr& message) {
        for (cmsghdr* at = CMSG_FIRSTHDR(&message); at != nullptr; at = CMSG_NXTHDR(&message, at)) {
            if (at->cmsg_level != SOL_SOCKET || at->cmsg_type != SO_RXQ_OVFL ||
                at->cmsg_len < CMSG_LEN(sizeof(std::uint32_t)))
                continue;
            std::uint32_t counter = 0;
            std::memcpy(&counter, CMSG_DATA(at), sizeof counter);
            m_drops.store(m_drops.load() + static_cast<std::uint32_t>(counter - m_lastDropCounter.load()));
            m_lastDropCounter.store(counter);
        }
    }

    std::string m_name;
    detail::ListenBounds m_bounds;
    sockaddr_storage m_local{};
    int m_socket;
    detail::HepFrame m_frame;
    std::uint64_t m_datagrams = 0;
    std::uint64_t m_bytesRead = 0;
    // Written by next(), read by stats() from a progress line.
    std::atomic<std::uint64_t> m_drops{0};
    std::atomic<std::uint32_t> m_lastDropCounter{0};
};

}  // namespace

HepListenAddress parseHepListenAddress(std::string_view text) {
    const std::string original(text);
    auto bad = [&original](const char* why) {
        return Error("--hep-listen '" + original + "': " + why +
                     " (expected udp:ADDR:PORT or tcp:ADDR:PORT, e.g. udp:0.0.0.0:9060, tcp:0.0.0.0:9060 "
                     "or udp:[::]:9060)");
    };
    HepListenAddress result;
    if (text.starts_with("udp:")) {
        text.remove_prefix(4);
    } else if (text.starts_with("tcp:")) {
        text.remove_prefix(4);
        result.isTcp = true;
    } else if (text.starts_with("tls:")) {
        throw bad("HEP over TLS is not supported (terminate TLS in front, e.g. with stunnel, and use tcp:)");
    }
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
                                            std::uint64_t maxPackets, int receiveBufferBytes) {
    if (parseHepListenAddress(address).isTcp)
        return detail::openHepTcpListener(address, maxDurationSeconds, maxPackets);
    return std::make_unique<HepUdpListener>(address, maxDurationSeconds, maxPackets, receiveBufferBytes);
}

}  // namespace sipscope::capture
