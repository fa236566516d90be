// Packet sources: capture files (pcap, pcapng through libpcap; NetMon 2.x by our own reader), one packet at a time.
#pragma once

#include "capture/packet.hpp"

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>

namespace sipscope::capture {

class PacketSource {
public:
    virtual ~PacketSource() = default;
    // Fills `packet` with the next frame; its bytes stay valid until the next call. Returns false at the clean end
    // of the input. A live source may also return true with empty bytes and frameNumber 0 when nothing arrived
    // for a while (an idle tick), so its reader can flush what it holds. Throws sipscope::Error naming the file and
    // byte offset when the file is damaged; every packet returned before that stays valid data.
    virtual bool next(RawPacket& packet) = 0;
    virtual std::uint64_t bytesRead() const = 0;   // for progress; 0 where unknown
    virtual std::uint64_t totalBytes() const = 0;  // file size; 0 for streams
    virtual const std::string& name() const = 0;
};

// Opens a pcap, pcapng or NetMon 2.x file ("-" is standard input). Throws sipscope::Error when it cannot be
// opened or is not a capture file.
std::unique_ptr<PacketSource> openCaptureFile(const std::string& path);

// The same over an open stream (a pipe, or fmemopen'd bytes in tests and fuzzers), named `name` in errors.
// Takes ownership of `file`: the source closes it, and so does a throw. NetMon needs a stream that can seek.
std::unique_ptr<PacketSource> openCaptureStream(std::FILE* file, const std::string& name);

}  // namespace sipscope::capture
