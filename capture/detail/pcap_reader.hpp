// Classic pcap files (microsecond and nanosecond, either byte order) read in large chunks: one fread per MiB
// instead of libpcap's two per packet, and each packet handed out where it lies in the chunk. The modified
// (Kuznetzov) and other rare variants still go through libpcap (packet_source.cpp).
#pragma once

#include "capture/packet_source.hpp"

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>

namespace sipscope::capture::detail {

// True for the four magics this reader takes: a1b2c3d4 (µs) and a1b23c4d (ns), in either byte order.
bool isClassicPcapMagic(const char* firstFourBytes);

// Reads `file` from where it stands (its start: the file header; a pipe is fine, it never seeks), named `name` in
// errors; `totalBytes` is the size when known (0 for a stream). Closes `file` when done or on a throw if
// `closesFile`. Reads the 24-byte file header before returning; throws sipscope::Error when it is cut short or of an
// unknown version. A record cut short or claiming more than 262144 captured bytes (libpcap's limit) is damage:
// next() throws, naming the record's byte offset, after every packet before it.
std::unique_ptr<PacketSource> openClassicPcap(std::FILE* file, std::string name, std::uint64_t totalBytes,
                                              bool closesFile);

}  // namespace sipscope::capture::detail
