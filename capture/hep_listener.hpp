// A HEP collector: receives HEPv1/v2/v3 datagrams over UDP, or HEPv3 over TCP, as Kamailio, OpenSIPS,
// FreeSWITCH, Asterisk, heplify and captagent send them, and hands each HEP packet on as a frame the PacketDecoder
// decodes as HEP.
#pragma once

#include "capture/live_source.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace sipscope::capture {

struct HepListenAddress {
    std::string host;  // "127.0.0.1", "0.0.0.0", "::" (brackets removed)
    std::uint16_t port = 0;
    bool isTcp = false;  // "tcp:ADDR:PORT"
};

// Parses "udp:ADDR:PORT", "tcp:ADDR:PORT" or "ADDR:PORT" (UDP); IPv6 as "udp:[::1]:9060". Throws sipscope::Error
// with the expected form when the text is not one.
HepListenAddress parseHepListenAddress(std::string_view text);

// The receive buffer a UDP listener asks for: agents burst, and it rides out a slow database commit (the kernel
// caps it at net.core.rmem_max).
constexpr int DefaultHepReceiveBufferBytes = 8 << 20;

// Binds `address` (e.g. "udp:0.0.0.0:9060" or "tcp:0.0.0.0:9060"). Each HEP packet (a UDP datagram, or a HEPv3
// packet framed from a TCP connection; many agents may be connected at once) comes out of next() wrapped in a
// synthetic IPv4 (LINKTYPE_IPV4) or IPv6 (LINKTYPE_IPV6) + UDP header from the agent to the bound address, stamped
// with the receive time; the decoder takes the original addresses and timestamp from the HEP inside. next()
// returns idle ticks every ~200 ms and false after maxDurationSeconds, maxPackets packets, stop() or requestStop().
// stats(): `received` counts HEP packets; UDP: `droppedByKernel` the datagrams the socket's full buffer dropped
// (SO_RXQ_OVFL); TCP: the connections and what was refused. Throws sipscope::Error when it cannot bind.
std::unique_ptr<LiveSource> openHepListener(const std::string& address, std::uint32_t maxDurationSeconds = 0,
                                            std::uint64_t maxPackets = 0,
                                            int receiveBufferBytes = DefaultHepReceiveBufferBytes);

}  // namespace sipscope::capture
