// pcapng files read block by block with stdio: each packet gets the link type and time resolution of ITS interface
// (libpcap 1.10 refuses interfaces with different link types and has one resolution per file).
#pragma once

#include "capture/packet_source.hpp"

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>

namespace sipscope::capture::detail {

// True when the first four bytes are a pcapng Section Header Block's type (0x0A0D0D0A, the same in both orders).
bool isPcapngMagic(const char* firstFourBytes);

// Reads `file` from where it stands (a pipe is fine: it never seeks), named `name` in errors; `totalBytes` is the
// size when known (0 for a stream) and bounds every block. Closes `file` when done or on a throw if `closesFile`.
// Reads the first Section Header Block before returning; throws sipscope::Error when it is not pcapng or is damaged.
std::unique_ptr<PacketSource> openPcapng(std::FILE* file, std::string name, std::uint64_t totalBytes, bool closesFile);

}  // namespace sipscope::capture::detail
