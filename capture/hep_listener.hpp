// A HEP collector: receives HEPv1/v2/v3 datagrams over UDP, as Kamailio, OpenSIPS, FreeSWITCH, Asterisk and
// heplify send them, and hands each one on as a frame the PacketDecoder decodes as HEP.
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
};

// Parses "udp:ADDR:PORT" (or "ADDR:PORT"; IPv6 as "udp:[::1]:9060"). Throws sipscope::Error with the expected
// form when the text is not one.
HepListenAddress parseHepListenAddress(std::string_view text);

// Binds a UDP socket to `address` (e.g. "udp:0.0.0.0:9060"). Each datagram comes out of next() wrapped in a
// synthetic IPv4 (LINKTYPE_IPV4) or IPv6 (LINKTYPE_IPV6) + UDP header from the sender to the bound address,
// stamped with the receive time; the decoder takes the original addresses and timestamp from the HEP inside.
// next() returns idle ticks every ~200 ms and false after maxDurationSeconds, maxPackets datagrams, stop() or
// requestStop(). stats().received counts datagrams. Throws sipscope::Error when the address cannot be bound.
std::unique_ptr<LiveSource> openHepListener(const std::string& address, std::uint32_t maxDurationSeconds = 0,
                                            std::uint64_t maxPackets = 0);

}  // namespace sipscope::capture
