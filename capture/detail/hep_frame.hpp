// What the HEP listeners share: the listening address as a socket address, binding with advice, and the frame each
// HEP packet is handed on in (a synthetic IPv4 or IPv6 + UDP header from the agent to the listener's address).
#pragma once

#include "capture/hep_listener.hpp"
#include "capture/packet.hpp"

#include <sys/socket.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace sipscope::capture::detail {

// The largest HEP packet a frame carries: a UDP datagram's data in IPv4, whose 16-bit length counts its headers.
constexpr std::size_t MaxFramedHepBytes = 65535 - 28;

// Opens a socket of `type` (SOCK_DGRAM or SOCK_STREAM) bound to `where`, or throws sipscope::Error naming `option`
// and what to do (not an IP address, the port taken, a privileged port, no such interface).
int openBoundSocket(const HepListenAddress& where, int type, const std::string& option, sockaddr_storage& local);

// One reusable frame: the HEP packet goes at payload(), then wrap() writes the headers in front of it.
class HepFrame {
public:
    explicit HepFrame(const sockaddr_storage& local);

    std::uint8_t* payload() { return m_bytes.data() + headerBytes(); }
    std::uint32_t linkType() const { return m_isIpv6 ? 229 : 228; }  // LINKTYPE_IPV6, LINKTYPE_IPV4
    // Fills `packet` with the frame of the `payloadBytes` (at most MaxFramedHepBytes) at payload(), from `peer`,
    // stamped now; the view lives until the next wrap().
    void wrap(const sockaddr_storage& peer, std::size_t payloadBytes, std::uint64_t frameNumber, RawPacket& packet);

private:
    std::size_t headerBytes() const { return (m_isIpv6 ? 40 : 20) + 8; }

    sockaddr_storage m_local;
    bool m_isIpv6;
    std::vector<std::uint8_t> m_bytes;
};

// When a listener is done: stopped (stop(), or the process's stop signal), or its packet count or its duration
// reached (0: no limit), counted from its construction.
class ListenBounds {
public:
    ListenBounds(std::uint32_t maxDurationSeconds, std::uint64_t maxPackets)
        : m_maxDurationSeconds(maxDurationSeconds), m_maxPackets(maxPackets),
          m_started(std::chrono::steady_clock::now()) {}

    void stop() { m_isStopped.store(true); }
    bool isDone(std::uint64_t packets) const;

private:
    std::uint32_t m_maxDurationSeconds;
    std::uint64_t m_maxPackets;
    std::chrono::steady_clock::time_point m_started;
    std::atomic<bool> m_isStopped{false};
};

}  // namespace sipscope::capture::detail
