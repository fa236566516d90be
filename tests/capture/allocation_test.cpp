// The UDP path allocates nothing per packet once warm: a replaced operator new counts every allocation.
#include "capture/packet_decoder.hpp"
#include "tests/capture/decoder_harness.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>

namespace {
std::atomic<std::size_t> g_allocations{0};
}

void* operator new(std::size_t size) {
    ++g_allocations;
    if (void* pointer = std::malloc(size == 0 ? 1 : size))
        return pointer;
    throw std::bad_alloc();
}

// GCC cannot see that these pair with the malloc in the operator new above.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
void operator delete(void* pointer) noexcept { std::free(pointer); }

void operator delete(void* pointer, std::size_t) noexcept { std::free(pointer); }
#pragma GCC diagnostic pop

namespace sipscope::capture {
namespace {

using namespace test;

TEST(Allocation, UdpPathAllocatesNothingPerPacket) {
    const Bytes frame =
        ethernet(0x0800, ipv4(ip4(10, 0, 0, 1), ip4(10, 0, 0, 2), 17, udp(5060, 5060, bytesOf(InviteText))), {0x8100});
    std::size_t delivered = 0;
    PacketDecoder decoder([&delivered](const PayloadView&) { ++delivered; });
    RawPacket packet;
    packet.linkType = 1;
    packet.bytes = std::string_view(reinterpret_cast<const char*>(frame.data()), frame.size());
    packet.originalLength = static_cast<std::uint32_t>(frame.size());
    decoder.decode(packet);  // warm-up
    const std::size_t before = g_allocations.load();
    for (int i = 0; i < 1000; ++i) {
        packet.timestampUs += 1000;
        packet.frameNumber += 1;
        decoder.decode(packet);
    }
    EXPECT_EQ(g_allocations.load() - before, 0u);
    EXPECT_EQ(delivered, 1001u);
}

}  // namespace
}  // namespace sipscope::capture
