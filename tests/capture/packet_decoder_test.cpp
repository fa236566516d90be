// Link layers, IP, tunnels, fragment reassembly and UDP delivery, on frames built in the test.
#include "capture/packet_decoder.hpp"
#include "tests/capture/decoder_harness.hpp"

#include <gtest/gtest.h>

namespace sipscope::capture {
namespace {

using namespace test;

const IpAddress A = ip4(10, 0, 0, 1);
const IpAddress B = ip4(10, 0, 0, 2);
const IpAddress A6 = ip6({0x2001, 0xdb8, 0, 0, 0, 0, 0, 1});
const IpAddress B6 = ip6({0x2001, 0xdb8, 0, 0, 0, 0, 0, 2});

Bytes sipUdp4() { return ipv4(A, B, 17, udp(5062, 5060, bytesOf(InviteText))); }

void expectOneInvite(const DecoderHarness& harness, const IpAddress& src = A, const IpAddress& dst = B) {
    ASSERT_EQ(harness.delivered().size(), 1u);
    const Delivered& item = harness.delivered()[0];
    EXPECT_EQ(item.bytes, InviteText);
    EXPECT_EQ(item.src, (Endpoint{src, 5062}));
    EXPECT_EQ(item.dst, (Endpoint{dst, 5060}));
    EXPECT_EQ(item.transport, Transport::Udp);
    EXPECT_EQ(harness.stats().payloadsDelivered, 1u);
}

TEST(PacketDecoder, LinkLayersAroundIpv4) {
    struct Case {
        const char* name;
        std::uint32_t linkType;
        Bytes frame;
    };
    const Case cases[] = {
        {"ethernet", 1, ethernet(0x0800, sipUdp4())},
        {"802.1Q", 1, ethernet(0x0800, sipUdp4(), {0x8100})},
        {"QinQ 88a8", 1, ethernet(0x0800, sipUdp4(), {0x88a8, 0x8100})},
        {"QinQ 9100 x3", 1, ethernet(0x0800, sipUdp4(), {0x9100, 0x8100, 0x8100})},
        {"linux sll", 113, sll(0x0800, sipUdp4())},
        {"linux sll vlan", 113, sll(0x8100, concat(Bytes{0x00, 0x64, 0x08, 0x00}, sipUdp4()))},
        {"linux sll2", 276, sll2(0x0800, sipUdp4())},
        {"null little-endian", 0, nullLink(2, true, sipUdp4())},
        {"null big-endian", 0, nullLink(2, false, sipUdp4())},
        {"loop", 108, nullLink(2, false, sipUdp4())},
        {"raw 101", 101, sipUdp4()},
        {"raw 228", 228, sipUdp4()},
        {"raw 12", 12, sipUdp4()},
        {"raw 14", 14, sipUdp4()},
        {"pppoe", 1, ethernet(0x8864, pppoe(0x0021, sipUdp4()))},
        {"mpls", 1, ethernet(0x8847, concat(Bytes{0x00, 0x01, 0x01, 0x40}, sipUdp4()))},
        {"ipv4 options", 101, ipv4(A, B, 17, udp(5062, 5060, bytesOf(InviteText)), 1, 0, false, 3)},
        {"ethernet padding", 1, concat(ethernet(0x0800, sipUdp4()), Bytes(20, 0))},
    };
    for (const Case& c : cases) {
        SCOPED_TRACE(c.name);
        DecoderHarness harness;
        harness.feed(c.frame, c.linkType);
        expectOneInvite(harness);
        EXPECT_EQ(harness.stats().ipv4Packets, 1u);
        EXPECT_EQ(harness.stats().udpPayloads, 1u);
        EXPECT_EQ(harness.stats().truncatedPackets, 0u);
    }
}

TEST(PacketDecoder, Ipv6WithExtensionHeaders) {
    const Bytes datagram = udp(5062, 5060, bytesOf(InviteText));
    struct Case {
        const char* name;
        std::uint32_t linkType;
        Bytes frame;
    };
    const Case cases[] = {
        {"plain", 1, ethernet(0x86dd, ipv6(A6, B6, 17, datagram))},
        {"hop-by-hop + dest options", 1, ethernet(0x86dd, ipv6(A6, B6, 0, ipv6Options(60, ipv6Options(17, datagram))))},
        {"atomic fragment", 229, ipv6(A6, B6, 44, ipv6Fragment(17, 0, false, 9, datagram))},
        {"null af_inet6 28", 0, nullLink(28, true, ipv6(A6, B6, 17, datagram))},
        {"null af_inet6 30", 0, nullLink(30, true, ipv6(A6, B6, 17, datagram))},
        {"loop af_inet6 24", 108, nullLink(24, false, ipv6(A6, B6, 17, datagram))},
        {"sll2", 276, sll2(0x86dd, ipv6(A6, B6, 17, datagram))},
        {"pppoe", 1, ethernet(0x8864, pppoe(0x0057, ipv6(A6, B6, 17, datagram)))},
    };
    for (const Case& c : cases) {
        SCOPED_TRACE(c.name);
        DecoderHarness harness;
        harness.feed(c.frame, c.linkType);
        expectOneInvite(harness, A6, B6);
        EXPECT_EQ(harness.stats().ipv6Packets, 1u);
    }
}

TEST(PacketDecoder, Tunnels) {
    const Bytes inner4 = sipUdp4();
    const Bytes innerEthernet = ethernet(0x0800, inner4);
    const IpAddress outerA = ip4(192, 168, 1, 1);
    const IpAddress outerB = ip4(192, 168, 1, 2);
    Bytes erspan2{0x10, 0x64, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00};
    Bytes erspan3{0x20, 0x64, 0x00, 0x01, 0, 0, 0, 0, 0, 0, 0x00, 0x00};
    Bytes erspan3Platform = erspan3;
    erspan3Platform[11] = 0x01;
    erspan3Platform.insert(erspan3Platform.end(), 8, 0);
    struct Case {
        const char* name;
        Bytes frame;
    };
    const Case cases[] = {
        {"ipip", ethernet(0x0800, ipv4(outerA, outerB, 4, inner4))},
        {"ip in ipv6", ethernet(0x86dd, ipv6(A6, B6, 4, inner4))},
        {"gre ipv4", ethernet(0x0800, ipv4(outerA, outerB, 47, gre(0x0800, inner4)))},
        {"gre key+seq", ethernet(0x0800, ipv4(outerA, outerB, 47, gre(0x0800, inner4, true, true)))},
        {"gre teb", ethernet(0x0800, ipv4(outerA, outerB, 47, gre(0x6558, innerEthernet)))},
        {"erspan I", ethernet(0x0800, ipv4(outerA, outerB, 47, gre(0x88be, innerEthernet)))},
        {"erspan II",
         ethernet(0x0800, ipv4(outerA, outerB, 47, gre(0x88be, concat(erspan2, innerEthernet), false, true)))},
        {"erspan III",
         ethernet(0x0800, ipv4(outerA, outerB, 47, gre(0x22eb, concat(erspan3, innerEthernet), false, true)))},
        {"erspan III platform",
         ethernet(0x0800, ipv4(outerA, outerB, 47, gre(0x22eb, concat(erspan3Platform, innerEthernet))))},
    };
    for (const Case& c : cases) {
        SCOPED_TRACE(c.name);
        DecoderHarness harness;
        harness.feed(c.frame);
        expectOneInvite(harness);
        EXPECT_EQ(harness.stats().tunnelledPackets, 1u);
    }
    // IPv6 inside IPv4 (RFC 4213).
    DecoderHarness harness;
    harness.feed(ethernet(0x0800, ipv4(outerA, outerB, 41, ipv6(A6, B6, 17, udp(5062, 5060, bytesOf(InviteText))))));
    expectOneInvite(harness, A6, B6);
}

TEST(PacketDecoder, TunnelDepthIsBounded) {
    Bytes packet = sipUdp4();
    for (int i = 0; i < 10; ++i)
        packet = ipv4(A, B, 4, packet);
    DecoderHarness harness;
    harness.feed(packet, 101);
    EXPECT_TRUE(harness.delivered().empty());
    EXPECT_EQ(harness.stats().tooDeeplyNested, 1u);
    EXPECT_EQ(harness.stats().tunnelledPackets, 4u);
}

// --sip-ports narrows the search to the listed ports (source or destination); HEP is unwrapped on any port.
TEST(PacketDecoder, SipPortsNarrowTheSearch) {
    DecoderLimits limits;
    limits.sipPorts = {5060, 5080};
    DecoderHarness harness(limits);
    harness.feed(ethernet(0x0800, ipv4(A, B, 17, udp(5062, 5060, bytesOf(InviteText)))));          // destination port
    harness.feed(ethernet(0x0800, ipv4(B, A, 17, udp(5080, 40000, bytesOf(InviteText)))));         // source port
    harness.feed(ethernet(0x0800, ipv4(A, B, 17, udp(5062, 5070, bytesOf(InviteText)))));          // neither
    harness.feed(ethernet(0x0800, ipv4(A, B, 6, tcp(5062, 5070, 1, 0x18, bytesOf(InviteText)))));  // neither
    EXPECT_EQ(harness.delivered().size(), 2u);
    EXPECT_EQ(harness.stats().outsideSipPorts, 2u);
    EXPECT_EQ(harness.stats().tcpSegments, 1u);
    EXPECT_EQ(harness.stats().tcpFlows, 0u);  // skipped before any stream state is made

    DecoderHarness anyPort;
    anyPort.feed(ethernet(0x0800, ipv4(A, B, 17, udp(5062, 5070, bytesOf(InviteText)))));
    EXPECT_EQ(anyPort.delivered().size(), 1u);
    EXPECT_EQ(anyPort.stats().outsideSipPorts, 0u);
}

TEST(PacketDecoder, NonSipAndNonIpAreCountedNotDelivered) {
    DecoderHarness harness;
    harness.feed(ethernet(0x0800, ipv4(A, B, 17, udp(53, 53, bytesOf("\x12\x34 dns")))));
    harness.feed(ethernet(0x0800, ipv4(A, B, 17, udp(5060, 5060, bytesOf("\r\n\r\n")))));
    harness.feed(ethernet(0x0800, ipv4(A, B, 17, udp(80, 5060, bytesOf("GET / HTTP/1.1\r\n\r\n")))));
    harness.feed(ethernet(0x0806, Bytes(28, 0)));                // ARP
    harness.feed(ethernet(0x0800, ipv4(A, B, 1, Bytes(8, 0))));  // ICMP
    harness.feed(sipUdp4(), 9999);
    EXPECT_TRUE(harness.delivered().empty());
    EXPECT_EQ(harness.stats().packets, 6u);
    EXPECT_EQ(harness.stats().udpPayloads, 3u);
    EXPECT_EQ(harness.stats().nonIpPackets, 1u);
    EXPECT_EQ(harness.stats().otherTransport, 1u);
    EXPECT_EQ(harness.stats().unknownLinkType, 1u);
}

// Media (issue 15): UDP that is neither SIP nor HEP reaches the other-UDP sink, with its addresses and bytes as
// they were, --sip-ports or not; SIP still goes to the SIP sink only, and TCP never reaches the other sink.
TEST(PacketDecoder, OtherUdpGoesToItsOwnSinkWhenSet) {
    DecoderLimits limits;
    limits.sipPorts = {5060};
    DecoderHarness harness(limits);
    std::vector<Delivered> other;
    harness.decoder().setOtherUdpSink([&other](const PayloadView& view) {
        other.push_back(
            {std::string(view.bytes), view.src, view.dst, view.transport, view.frameNumber, view.timestampUs});
    });
    const Bytes rtp = {0x80, 0x00, 0x00, 0x01, 0, 0, 0, 160, 0x12, 0x34, 0x56, 0x78, 0xff, 0xfe};
    harness.feed(ethernet(0x0800, ipv4(A, B, 17, udp(40000, 40002, rtp))));                  // RTP, no SIP port
    harness.feed(ethernet(0x0800, ipv4(A, B, 17, udp(5062, 5060, bytesOf(InviteText)))));    // SIP
    harness.feed(ethernet(0x0800, ipv4(B, A, 17, udp(53, 5060, bytesOf("\x12\x34 dns")))));  // not SIP, SIP port
    harness.feed(ethernet(0x0800, ipv4(A, B, 6, tcp(40000, 40002, 1, 0x18, bytesOf("\x80\x00")))));  // TCP: never
    ASSERT_EQ(harness.delivered().size(), 1u);
    EXPECT_EQ(harness.delivered()[0].bytes, InviteText);
    ASSERT_EQ(other.size(), 2u);
    EXPECT_EQ(other[0].bytes, std::string(rtp.begin(), rtp.end()));
    EXPECT_EQ(other[0].src, (Endpoint{A, 40000}));
    EXPECT_EQ(other[0].dst, (Endpoint{B, 40002}));
    EXPECT_EQ(other[0].transport, Transport::Udp);
    EXPECT_EQ(other[0].frameNumber, 1u);
    EXPECT_EQ(other[1].bytes, "\x12\x34 dns");
    EXPECT_EQ(other[1].src, (Endpoint{B, 53}));
    EXPECT_EQ(harness.stats().otherUdpDelivered, 2u);
    EXPECT_EQ(harness.stats().payloadsDelivered, 1u);

    DecoderHarness unset;  // without the sink they are dropped and not counted as delivered
    unset.feed(ethernet(0x0800, ipv4(A, B, 17, udp(40000, 40002, rtp))));
    EXPECT_TRUE(unset.delivered().empty());
    EXPECT_EQ(unset.stats().otherUdpDelivered, 0u);
}

TEST(PacketDecoder, KeepaliveCrlfBeforeSipIsStripped) {
    DecoderHarness harness;
    harness.feed(ethernet(0x0800, ipv4(A, B, 17, udp(5062, 5060, bytesOf("\r\n" + InviteText)))));
    expectOneInvite(harness);
}

TEST(PacketDecoder, TruncatedPacketsAreCountedNotDelivered) {
    const Bytes frame = ethernet(0x0800, sipUdp4());
    // Every snap length shorter than the frame: never delivered, never read past the captured bytes.
    for (std::size_t length = 0; length < frame.size(); ++length) {
        SCOPED_TRACE(length);
        DecoderHarness harness;
        harness.feed(frame, 1, length);
        EXPECT_TRUE(harness.delivered().empty());
        EXPECT_EQ(harness.stats().truncatedPackets, 1u);
    }
    // Lengths that lie (not cut by the capture) are malformed, not truncated.
    Bytes lying = sipUdp4();
    lying[3] = static_cast<std::uint8_t>(lying[3] + 50);
    DecoderHarness harness;
    harness.feed(lying, 101);
    EXPECT_TRUE(harness.delivered().empty());
    EXPECT_EQ(harness.stats().malformedPackets, 1u);
}

// Splits `payload` (an IP payload) into IPv4 fragments of `size` bytes (a multiple of 8).
std::vector<Bytes> fragments4(const Bytes& payload, std::size_t size, std::uint16_t id = 77) {
    std::vector<Bytes> out;
    for (std::size_t at = 0; at < payload.size(); at += size) {
        const std::size_t length = std::min(size, payload.size() - at);
        Bytes piece(payload.begin() + static_cast<std::ptrdiff_t>(at),
                    payload.begin() + static_cast<std::ptrdiff_t>(at + length));
        out.push_back(
            ethernet(0x0800, ipv4(A, B, 17, piece, id, static_cast<std::uint32_t>(at), at + length < payload.size())));
    }
    return out;
}

std::vector<Bytes> fragments6(const Bytes& payload, std::size_t size, std::uint32_t id = 77) {
    std::vector<Bytes> out;
    for (std::size_t at = 0; at < payload.size(); at += size) {
        const std::size_t length = std::min(size, payload.size() - at);
        Bytes piece(payload.begin() + static_cast<std::ptrdiff_t>(at),
                    payload.begin() + static_cast<std::ptrdiff_t>(at + length));
        out.push_back(ethernet(
            0x86dd, ipv6(A6, B6, 44,
                         ipv6Fragment(17, static_cast<std::uint32_t>(at), at + length < payload.size(), id, piece))));
    }
    return out;
}

TEST(PacketDecoder, Ipv4FragmentsInAnyOrder) {
    const Bytes datagram = udp(5062, 5060, bytesOf(InviteText));
    const std::vector<Bytes> pieces = fragments4(datagram, 96);
    ASSERT_GE(pieces.size(), 4u);
    struct Case {
        const char* name;
        std::vector<std::size_t> order;
    };
    std::vector<std::size_t> inOrder, reversed;
    for (std::size_t i = 0; i < pieces.size(); ++i) {
        inOrder.push_back(i);
        reversed.insert(reversed.begin(), i);
    }
    std::vector<std::size_t> duplicated = inOrder;
    duplicated.insert(duplicated.begin() + 2, 1);
    duplicated.insert(duplicated.begin(), 0);
    std::vector<std::size_t> middleFirst{2, 0, 3, 1};
    for (std::size_t i = 4; i < pieces.size(); ++i)
        middleFirst.push_back(i);
    const Case cases[] = {
        {"in order", inOrder}, {"reversed", reversed}, {"duplicated", duplicated}, {"middle first", middleFirst}};
    for (const Case& c : cases) {
        SCOPED_TRACE(c.name);
        DecoderHarness harness;
        for (std::size_t index : c.order)
            harness.feed(pieces[index]);
        expectOneInvite(harness);
        EXPECT_EQ(harness.stats().datagramsReassembled, 1u);
        EXPECT_EQ(harness.stats().fragments, c.order.size());
        EXPECT_EQ(harness.delivered()[0].frameNumber, harness.stats().packets);  // the completing frame
        harness.finish();
        EXPECT_EQ(harness.stats().fragmentsIncomplete, 0u);
    }
}

TEST(PacketDecoder, Ipv4OverlappingFragments) {
    // Fragments [0,96) [64,160) [160,end): the overlap is tolerated.
    const Bytes datagram = udp(5062, 5060, bytesOf(InviteText));
    auto piece = [&](std::size_t from, std::size_t to, bool more) {
        Bytes bytes(datagram.begin() + static_cast<std::ptrdiff_t>(from),
                    datagram.begin() + static_cast<std::ptrdiff_t>(to));
        return ethernet(0x0800, ipv4(A, B, 17, bytes, 5, static_cast<std::uint32_t>(from), more));
    };
    DecoderHarness harness;
    harness.feed(piece(64, 160, true));
    harness.feed(piece(160, datagram.size(), false));
    harness.feed(piece(0, 96, true));
    expectOneInvite(harness);
}

TEST(PacketDecoder, Ipv6Fragments) {
    const Bytes datagram = udp(5062, 5060, bytesOf(InviteText));
    std::vector<Bytes> pieces = fragments6(datagram, 80);
    DecoderHarness harness;
    for (auto it = pieces.rbegin(); it != pieces.rend(); ++it)
        harness.feed(*it);
    expectOneInvite(harness, A6, B6);
    EXPECT_EQ(harness.stats().datagramsReassembled, 1u);
}

TEST(PacketDecoder, IncompleteFragmentsAreCounted) {
    const Bytes datagram = udp(5062, 5060, bytesOf(InviteText));
    std::vector<Bytes> pieces = fragments4(datagram, 96);
    DecoderHarness harness;
    for (std::size_t i = 1; i < pieces.size(); ++i)  // the first never arrives
        harness.feed(pieces[i]);
    harness.finish();
    EXPECT_TRUE(harness.delivered().empty());
    EXPECT_EQ(harness.stats().fragmentsIncomplete, 1u);
    EXPECT_EQ(harness.stats().fragmentsEvicted, 0u);
}

TEST(PacketDecoder, FragmentsTimeOutByCaptureTime) {
    const Bytes datagram = udp(5062, 5060, bytesOf(InviteText));
    std::vector<Bytes> pieces = fragments4(datagram, 96);
    DecoderHarness harness;
    harness.feed(pieces[0]);
    harness.advance(31'000'000);
    for (std::size_t i = 1; i < pieces.size(); ++i)
        harness.feed(pieces[i]);
    harness.finish();
    EXPECT_TRUE(harness.delivered().empty());
    EXPECT_EQ(harness.stats().fragmentsIncomplete, 2u);  // the old first half, then the new second half
}

TEST(PacketDecoder, FragmentTableIsBounded) {
    DecoderLimits limits;
    limits.maxFragmentedDatagrams = 4;
    DecoderHarness harness(limits);
    const Bytes datagram = udp(5062, 5060, bytesOf(InviteText));
    for (std::uint16_t id = 0; id < 10; ++id)
        harness.feed(fragments4(datagram, 96, id)[0]);
    EXPECT_EQ(harness.stats().fragmentsEvicted, 6u);
    // The newest ones are still waiting and complete normally.
    std::vector<Bytes> last = fragments4(datagram, 96, 9);
    for (std::size_t i = 1; i < last.size(); ++i)
        harness.feed(last[i]);
    expectOneInvite(harness);
    harness.finish();
    EXPECT_EQ(harness.stats().fragmentsIncomplete, 9u);
}

TEST(PacketDecoder, OversizedDatagramIsRefused) {
    DecoderHarness harness;
    // A fragment claiming to end beyond 65535 + 40 bytes.
    harness.feed(ethernet(0x0800, ipv4(A, B, 17, Bytes(64, 0), 3, 65528, true)));
    EXPECT_EQ(harness.stats().fragmentsIncomplete, 1u);
    harness.finish();
    EXPECT_EQ(harness.stats().fragmentsIncomplete, 1u);
}

TEST(PacketDecoder, HostileBytesNeverCrash) {
    // Every prefix and a byte-flipped variant of several frames: nothing may crash or read out of bounds.
    const Bytes frames[] = {
        ethernet(0x0800, sipUdp4()),
        ethernet(0x86dd, ipv6(A6, B6, 0, ipv6Options(44, ipv6Fragment(17, 0, true, 1, Bytes(64, 'x'))))),
        ethernet(0x0800, ipv4(A, B, 47, gre(0x22eb, Bytes(40, 0xff)))),
        ethernet(0x0800, ipv4(A, B, 6, tcp(5060, 5060, 1, Syn, bytesOf(InviteText)))),
    };
    DecoderHarness harness;
    for (const Bytes& frame : frames) {
        for (std::size_t i = 0; i < frame.size(); ++i) {
            Bytes copy = frame;
            copy[i] = static_cast<std::uint8_t>(copy[i] ^ 0xff);
            harness.feed(copy);
            harness.feed(Bytes(frame.begin(), frame.begin() + static_cast<std::ptrdiff_t>(i)));
        }
    }
    harness.finish();
    SUCCEED();
}

}  // namespace
}  // namespace sipscope::capture
