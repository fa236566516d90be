// Microsoft Network Monitor 2.x capture files ("GMBU"), read frame by frame with stdio; libpcap cannot read them.
#pragma once

#include "capture/packet_source.hpp"

#include <cstdio>
#include <memory>
#include <string>

namespace sipscope::capture::detail {

// True when the first four bytes are NetMon's magic.
bool isNetMonMagic(const char* firstFourBytes);

// Takes ownership of `file` (closed by the source, or before throwing), which must be seekable and positioned
// anywhere. Reads and checks the 128-byte header; throws sipscope::Error naming `name` and the byte offset when
// the header, the frame table or (later, from next()) a frame is damaged.
std::unique_ptr<PacketSource> openNetMon(std::FILE* file, std::string name);

}  // namespace sipscope::capture::detail
