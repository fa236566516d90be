// The HEP collector's TCP side: HEPv3 from many agent connections at once.
#pragma once

#include "capture/live_source.hpp"

#include <cstdint>
#include <memory>
#include <string>

namespace sipscope::capture::detail {

// At most this many agents are connected at once; more are closed at once and counted (stats().agentsRefused).
constexpr std::size_t MaxHepAgents = 128;

// openHepListener's "tcp:ADDR:PORT": agents are polled together, each connection framed by HepStreamFramer
// (so its buffer stays under 128 KiB); a connection whose bytes cannot be HEPv3 is closed and counted, the others
// go on. Throws sipscope::Error when it cannot bind or listen.
std::unique_ptr<LiveSource> openHepTcpListener(const std::string& address, std::uint32_t maxDurationSeconds,
                                               std::uint64_t maxPackets);

}  // namespace sipscope::capture::detail
