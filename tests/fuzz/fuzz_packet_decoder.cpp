// libFuzzer target: frames through one PacketDecoder. The first byte picks the link type and the limits; then
// each frame is a 2-byte header (11 bits of length, a bit to jump 60 s ahead so timeouts fire, a bit to cut the
// frame as a snap length would) and its bytes. Reaches fragments, TCP streams, WebSocket, HEP and SCTP.
#include "capture/packet_decoder.hpp"

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string_view>

namespace {

constexpr std::uint32_t LinkTypes[] = {1, 101, 113, 276, 0, 108, 228, 229};

void require(bool condition) {
    if (!condition)
        __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace sipscope::capture;
    if (size < 1)
        return 0;
    DecoderLimits limits;
    if (data[0] & 0x08) {
        // Tiny limits, so eviction and overflow paths run on small inputs.
        limits.maxFragmentedDatagrams = 4;
        limits.maxFragmentBytesTotal = 4096;
        limits.maxTcpFlows = 4;
        limits.maxTcpBufferedBytes = 512;
        limits.maxSipMessageBytes = 1024;
        limits.maxSctpMessages = 4;
    }
    std::uint64_t delivered = 0;
    PacketDecoder decoder(
        [&](const PayloadView& view) {
            require(!view.bytes.empty());
            require(view.bytes.size() <= limits.maxSipMessageBytes + 65536);
            // Touch every byte: ASan reports a view into freed or foreign memory.
            std::uint8_t sum = 0;
            for (char c : view.bytes)
                sum = static_cast<std::uint8_t>(sum + static_cast<std::uint8_t>(c));
            (void)sum;
            ++delivered;
        },
        limits);
    const std::uint32_t linkType = LinkTypes[data[0] & 0x07];
    std::size_t at = 1;
    std::int64_t nowUs = 1'700'000'000'000'000;
    std::uint64_t frameNumber = 0;
    while (at + 2 <= size) {
        const std::uint16_t header = static_cast<std::uint16_t>((data[at] << 8) | data[at + 1]);
        at += 2;
        const std::size_t length = std::min<std::size_t>(header & 0x07ff, size - at);
        nowUs += (header & 0x8000) ? 60'000'000 : 1'000;
        // Exactly sized heap copy, so reads past the frame are caught.
        std::unique_ptr<char[]> frame(new char[length == 0 ? 1 : length]);
        if (length > 0)
            std::memcpy(frame.get(), data + at, length);
        at += length;
        RawPacket packet;
        packet.timestampUs = nowUs;
        packet.linkType = linkType;
        packet.bytes = std::string_view(frame.get(), length);
        packet.originalLength = static_cast<std::uint32_t>(length + ((header & 0x4000) ? 100 : 0));
        packet.frameNumber = ++frameNumber;
        decoder.decode(packet);
    }
    decoder.finish();
    require(decoder.stats().payloadsDelivered == delivered);
    require(decoder.stats().packets == frameNumber);
    return 0;
}
