// libFuzzer target: bytes as a capture file (pcap, pcapng or NetMon) through fmemopen + openCaptureStream, never
// a temp file; every packet read goes on through a PacketDecoder. Damage must be a sipscope::Error, not a crash.
#include "capture/packet_decoder.hpp"
#include "capture/packet_source.hpp"
#include "common/error.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace sipscope::capture;
    if (size == 0)
        return 0;  // fmemopen refuses an empty buffer
    std::vector<char> bytes(data, data + size);
    std::FILE* file = fmemopen(bytes.data(), bytes.size(), "rb");
    if (file == nullptr)
        return 0;
    try {
        auto source = openCaptureStream(file, "fuzz");
        PacketDecoder decoder([](const PayloadView&) {});
        RawPacket packet;
        // Each packet needs at least a record header, so a bound on packets is a bound on work.
        for (std::size_t count = 0; count <= size && source->next(packet); ++count) {
            if (packet.bytes.size() > (64u << 20) || packet.frameNumber != count + 1)
                __builtin_trap();
            decoder.decode(packet);
        }
        decoder.finish();
    } catch (const sipscope::Error&) {
        // Damaged or not a capture: the expected outcome for most inputs.
    }
    return 0;
}
