// Live packet sources: a network interface through libpcap, with an optional raw copy to a pcap file.
#pragma once

#include "capture/packet_source.hpp"

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

namespace sipscope::capture {

struct LiveOptions {
    std::string interface = "any";  // "any" captures on every interface (link type Linux SLL)
    std::string filter;             // BPF expression; empty = every packet
    int snaplenBytes = 262144;
    int bufferMegabytes = 0;  // kernel buffer; 0 = libpcap's default
    bool isPromiscuous = false;
    std::string writePath;                 // also write every captured packet to this pcap file; empty = no
    std::uint32_t maxDurationSeconds = 0;  // 0 = until stopped
    std::uint64_t maxPackets = 0;          // 0 = until stopped
};

// pcap_stats at the time of the call: packets that passed the filter, dropped for lack of buffer space in the
// kernel, and dropped by the interface or its driver. A UDP HEP listener: datagrams received and dropped by the
// kernel (its socket's buffer was full). A TCP HEP listener: packets received, and its connections below.
struct LiveStats {
    std::uint64_t received = 0;
    std::uint64_t droppedByKernel = 0;
    std::uint64_t droppedByInterface = 0;
    std::uint64_t agentsConnected = 0;  // HEP over TCP: connections accepted
    std::uint64_t agentsRefused = 0;    // connections beyond the listener's limit, closed at once
    std::uint64_t streamsNotHep = 0;    // connections closed for a packet that cannot be HEPv3 (magic, length)
    std::uint64_t streamsCut = 0;       // connections that ended within a packet
    std::uint64_t packetsTooLarge = 0;  // HEP packets over 65,507 bytes (no frame carries them), skipped
};

class LiveSource : public PacketSource {
public:
    // Blocks at most ~200 ms. Returns an idle tick (true, empty bytes, frameNumber 0) when nothing arrived, and
    // false once the duration or packet count is reached, or after stop() or requestStop().
    bool next(RawPacket& packet) override = 0;
    virtual LiveStats stats() const = 0;
    virtual void stop() = 0;  // any thread
};

// Opens and activates the interface (immediate mode, 100 ms read timeout) and the -w file. Throws sipscope::Error
// saying what to do when the interface is missing, permission is lacking or the filter does not compile.
std::unique_ptr<LiveSource> openLiveSource(const LiveOptions& options);

// Asks every live source (interface or HEP listener) of the process to end: its next() returns false within
// ~200 ms. Async-signal-safe (one lock-free atomic store), so a SIGINT handler may call it.
void requestStop() noexcept;
// The flag requestStop() sets, for loops that also want to stop on it (store::IngestOptions::stop).
const std::atomic<bool>& stopRequested() noexcept;

}  // namespace sipscope::capture
