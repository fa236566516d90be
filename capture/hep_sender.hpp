// HEP out: sipscope as a HEP agent. The encoder is the inverse of hep.hpp's decoder (HEPv2's fixed header, HEPv3's
// chunks); the sender hands each encoded message to a collector (Homer, heplify-server, Kamailio's sipcapture,
// `sipscope capture --hep-listen`) over UDP, or as HEPv3 over TCP.
#pragma once

#include "capture/packet.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace sipscope::capture {

struct HepEncodeOptions {
    int version = 3;              // 2 or 3
    std::uint32_t captureId = 0;  // chunk 0x000c in HEPv3; HEPv2's capture id field keeps its low 16 bits
    std::string password;         // HEPv3 auth key chunk (0x000e) when not empty; HEPv2 has no field for it
};

// Writes into `out` (replacing what it held) one HEP packet carrying `payload`: its addresses, ports, transport,
// timestamp and bytes. HEP knows UDP, TCP and SCTP only: TLS, WS and WSS go as TCP (the decoder takes TCP on port
// 5061 for TLS again). HEPv2 is the layout Kamailio's siptrace and sipcapture use: the length byte counts the
// header and the addresses, then a 12-byte little-endian time header (seconds, microseconds, 16-bit capture id,
// 2 bytes of padding). Returns false, leaving `out` empty, when the packet would not fit HEP's 16-bit length
// (HEPv3) or a UDP datagram (65,507 bytes).
bool encodeHep(const PayloadView& payload, const HepEncodeOptions& options, std::string& out);

// Where a HEP sender sends: "udp:HOST:PORT" or "tcp:HOST:PORT" (HOST an address or a name; IPv6 in brackets,
// "udp:[::1]:9060").
struct HepDestination {
    std::string host;
    std::uint16_t port = 0;
    bool isTcp = false;
};
// Throws sipscope::Error naming `option` and the expected form when `text` is not one.
HepDestination parseHepDestination(std::string_view text, std::string_view option);

struct HepSenderStats {
    std::uint64_t sent = 0;        // packets handed to the kernel
    std::uint64_t dropped = 0;     // not sent because the socket's send buffer was full (never waited for)
    std::uint64_t tooLarge = 0;    // messages too large for one HEP packet
    std::uint64_t failed = 0;      // send errors: the collector's port unreachable (ICMP), no route, a TCP
                                   // connection lost with packets not yet written, ...
    std::uint64_t reconnects = 0;  // TCP: connections opened again after one failed or the collector closed it
};

namespace detail {
class HepTcpConnection;
}

// One UDP socket connected to the collector, or one TCP connection (HEPv3 only: HEPv2 has no length to frame it
// by), opened again when it fails. Sending never blocks with WhenFull::Drop (a live capture must not wait for its
// collector: what the socket's buffer, or the TCP queue of 4 MiB, cannot take at once is dropped and counted);
// WhenFull::Wait waits for room instead (export hep). Not thread-safe.
class HepSender {
public:
    enum class WhenFull : std::uint8_t { Drop, Wait };

    // Resolves and connects; throws sipscope::Error naming `option` when `destination` does not parse or resolve,
    // when TCP cannot connect, or for HEPv2 over TCP.
    HepSender(const std::string& destination, HepEncodeOptions options, WhenFull whenFull,
              std::string_view option = "--hep-send");
    ~HepSender();
    HepSender(const HepSender&) = delete;
    HepSender& operator=(const HepSender&) = delete;

    // Encodes and sends one message; true when the kernel took it.
    bool send(const PayloadView& payload);
    // TCP: writes what is still queued, waiting at most `timeoutMs`; what is left is counted as failed. Call it
    // before reading stats() at the end. UDP: nothing to do.
    void flush(int timeoutMs);
    const HepSenderStats& stats() const { return m_stats; }
    const std::string& name() const { return m_name; }  // "udp:HOST:PORT" as given
    // The collector's address as resolved (numeric host) and port: what a capture filter leaves out so that the
    // packets sent are not captured and sent again.
    const HepDestination& peer() const { return m_peer; }

private:
    std::string m_name;
    HepEncodeOptions m_options;
    WhenFull m_whenFull;
    HepDestination m_peer;
    int m_socket = -1;                                // UDP
    std::unique_ptr<detail::HepTcpConnection> m_tcp;  // TCP
    std::string m_packet;                             // reused for every message
    HepSenderStats m_stats;
};

}  // namespace sipscope::capture
