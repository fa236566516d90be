// HEP v1/v2/v3 datagrams built by the test, through HepDecoder directly and inside UDP through the PacketDecoder.
#include "capture/hep.hpp"

#include "tests/capture/decoder_harness.hpp"

#include <gtest/gtest.h>

#include <zlib.h>

#include <cstring>
#include <memory>

namespace sipscope::capture {
namespace {

using namespace test;

// A HEP3 chunk of the generic vendor.
Bytes chunk(std::uint16_t type, const Bytes& body, std::uint16_t vendor = 0) {
    Bytes out;
    put16(out, vendor);
    put16(out, type);
    put16(out, static_cast<std::uint32_t>(6 + body.size()));
    return concat(out, body);
}

Bytes u8(std::uint8_t value) { return Bytes{value}; }

Bytes be16(std::uint16_t value) {
    Bytes out;
    put16(out, value);
    return out;
}

Bytes be32(std::uint32_t value) {
    Bytes out;
    put32(out, value);
    return out;
}

Bytes addressBytes(const IpAddress& address) {
    return Bytes(address.bytes.begin(), address.bytes.begin() + (address.version == 4 ? 4 : 16));
}

Bytes hep3(const std::vector<Bytes>& chunks) {
    Bytes body;
    for (const Bytes& item : chunks)
        body = concat(body, item);
    Bytes out = bytesOf("HEP3");
    put16(out, static_cast<std::uint32_t>(6 + body.size()));
    return concat(out, body);
}

struct Hep3Options {
    IpAddress src = ip4(192, 168, 1, 1);
    IpAddress dst = ip4(192, 168, 1, 2);
    std::uint16_t srcPort = 5060;
    std::uint16_t dstPort = 5080;
    std::uint8_t protocol = 17;
    std::uint8_t protoType = 1;
    bool isCompressed = false;
};

constexpr std::uint32_t Seconds = 1'500'000'000;
constexpr std::uint32_t Micros = 123'456;
constexpr std::int64_t HepTimeUs = std::int64_t{Seconds} * 1'000'000 + Micros;

Bytes deflated(const std::string& text) {
    uLongf size = compressBound(static_cast<uLong>(text.size()));
    Bytes out(size);
    EXPECT_EQ(compress(out.data(), &size, reinterpret_cast<const Bytef*>(text.data()), static_cast<uLong>(text.size())),
              Z_OK);
    out.resize(size);
    return out;
}

Bytes sipHep3(const std::string& payload, const Hep3Options& options = {}) {
    const bool isIpv6 = options.src.version == 6;
    return hep3({
        chunk(0x0001, u8(isIpv6 ? 10 : 2)),
        chunk(0x0002, u8(options.protocol)),
        chunk(isIpv6 ? 0x0005 : 0x0003, addressBytes(options.src)),
        chunk(isIpv6 ? 0x0006 : 0x0004, addressBytes(options.dst)),
        chunk(0x0007, be16(options.srcPort)),
        chunk(0x0008, be16(options.dstPort)),
        chunk(0x0009, be32(Seconds)),
        chunk(0x000a, be32(Micros)),
        chunk(0x000b, u8(options.protoType)),
        chunk(0x000c, be32(2001)),
        chunk(0x000e, bytesOf("myHep")),
        chunk(0x0020, bytesOf("vendor data"), 0x0003),
        options.isCompressed ? chunk(0x0010, deflated(payload)) : chunk(0x000f, bytesOf(payload)),
    });
}

struct Result {
    HepStatus status;
    std::vector<Delivered> delivered;
};

Result decodeDirect(HepDecoder& decoder, const Bytes& datagram, std::int64_t fallbackUs = 42) {
    // Exactly sized heap copy, so ASan sees any read past the datagram.
    std::unique_ptr<char[]> copy(new char[datagram.size() + 1]);
    if (!datagram.empty())  // an empty vector's data() may be null, which memcpy must not get (UBSan)
        std::memcpy(copy.get(), datagram.data(), datagram.size());
    Result result;
    result.status =
        decoder.decode(std::string_view(copy.get(), datagram.size()), fallbackUs, 7, [&](const PayloadView& view) {
            result.delivered.push_back(
                {std::string(view.bytes), view.src, view.dst, view.transport, view.frameNumber, view.timestampUs});
        });
    return result;
}

// HEP inside UDP to the collector's port, inside IPv4 and Ethernet.
Bytes collectorFrame(const Bytes& datagram, std::uint16_t port = 9060) {
    return ethernet(0x0800, ipv4(ip4(10, 9, 9, 1), ip4(10, 9, 9, 2), 17, udp(40000, port, datagram)));
}

TEST(Hep, Version3DeliversTheOriginalEndpointsAndTime) {
    for (bool isCompressed : {false, true}) {
        SCOPED_TRACE(isCompressed);
        Hep3Options options;
        options.isCompressed = isCompressed;
        HepDecoder decoder;
        const Result result = decodeDirect(decoder, sipHep3(InviteText, options));
        EXPECT_EQ(result.status, HepStatus::Delivered);
        ASSERT_EQ(result.delivered.size(), 1u);
        const Delivered& item = result.delivered[0];
        EXPECT_EQ(item.bytes, InviteText);
        EXPECT_EQ(item.src.toString(), "192.168.1.1:5060");
        EXPECT_EQ(item.dst.toString(), "192.168.1.2:5080");
        EXPECT_EQ(item.transport, Transport::Udp);
        EXPECT_EQ(item.timestampUs, HepTimeUs);
        EXPECT_EQ(item.frameNumber, 7u);
        EXPECT_EQ(decoder.lastCaptureId(), 2001u);
    }
}

TEST(Hep, Version3TransportsAndIpv6) {
    const struct {
        std::uint8_t protocol;
        std::uint16_t dstPort;
        Transport transport;
    } cases[] = {
        {17, 5060, Transport::Udp},
        {6, 5060, Transport::Tcp},
        {6, 5061, Transport::Tls},
        {132, 5060, Transport::Sctp},
    };
    for (const auto& item : cases) {
        SCOPED_TRACE(int{item.protocol});
        Hep3Options options;
        options.src = ip6({0x2001, 0xdb8, 0, 0, 0, 0, 0, 1});
        options.dst = ip6({0x2001, 0xdb8, 0, 0, 0, 0, 0, 2});
        options.protocol = item.protocol;
        options.dstPort = item.dstPort;
        HepDecoder decoder;
        const Result result = decodeDirect(decoder, sipHep3(OkText, options));
        ASSERT_EQ(result.delivered.size(), 1u);
        EXPECT_EQ(result.delivered[0].transport, item.transport);
        EXPECT_EQ(result.delivered[0].src.toString(), "[2001:db8::1]:5060");
        EXPECT_EQ(result.delivered[0].dst.toString(), "[2001:db8::2]:" + std::to_string(item.dstPort));
        EXPECT_EQ(result.delivered[0].bytes, OkText);
    }
}

TEST(Hep, OtherPayloadsAreSkipped) {
    HepDecoder decoder;
    Hep3Options rtcp;
    rtcp.protoType = 5;
    EXPECT_EQ(decodeDirect(decoder, sipHep3(InviteText, rtcp)).status, HepStatus::Skipped);
    Hep3Options log;
    log.protoType = 100;
    EXPECT_EQ(decodeDirect(decoder, sipHep3("SYSLOG: Processing OPTIONS", log)).status, HepStatus::Skipped);
    EXPECT_EQ(decodeDirect(decoder, sipHep3("not SIP at all")).status, HepStatus::Skipped);
    EXPECT_EQ(decodeDirect(decoder, hep3({chunk(0x000c, be32(1))})).status, HepStatus::Skipped);  // keepalive
    EXPECT_EQ(decodeDirect(decoder, bytesOf(InviteText)).status, HepStatus::NotHep);
    EXPECT_FALSE(looksLikeHep(InviteText));
}

TEST(Hep, LyingLengthsAreMalformedAndEveryPrefixIsSafe) {
    HepDecoder decoder;
    const Bytes good = sipHep3(InviteText);
    // Every cut: never delivered, never read past the cut (ASan), always HEP-shaped (the magic survives).
    for (std::size_t cut = 0; cut < good.size(); ++cut) {
        SCOPED_TRACE(cut);
        const Result result = decodeDirect(decoder, Bytes(good.begin(), good.begin() + static_cast<long>(cut)));
        EXPECT_NE(result.status, HepStatus::Delivered);
        EXPECT_TRUE(result.delivered.empty());
    }
    Bytes totalTooLong = good;
    totalTooLong[5] = static_cast<std::uint8_t>(totalTooLong[5] + 1);
    EXPECT_EQ(decodeDirect(decoder, totalTooLong).status, HepStatus::Malformed);
    Bytes chunkTooLong = good;
    chunkTooLong[6 + 4 + 1] = 0xff;  // family chunk claims 255 bytes
    EXPECT_EQ(decodeDirect(decoder, chunkTooLong).status, HepStatus::Malformed);
    Bytes chunkTooShort = good;
    chunkTooShort[6 + 5] = 3;  // shorter than its own header
    EXPECT_EQ(decodeDirect(decoder, chunkTooShort).status, HepStatus::Malformed);
    EXPECT_EQ(decodeDirect(decoder, hep3({chunk(0x0003, Bytes{1, 2, 3}), chunk(0x000f, bytesOf(InviteText))})).status,
              HepStatus::Malformed);  // a 3-byte IPv4 address
    EXPECT_EQ(decodeDirect(decoder, hep3({chunk(0x000f, bytesOf(InviteText))})).status,
              HepStatus::Malformed);  // no addresses at all
    // A trailing byte after the declared length is ignored.
    Bytes padded = concat(good, Bytes{0});
    EXPECT_EQ(decodeDirect(decoder, padded).status, HepStatus::Delivered);
}

TEST(Hep, CompressedPayloadsAreBounded) {
    HepDecoder small(1024);
    Hep3Options options;
    options.isCompressed = true;
    const std::string big = InviteText + std::string(4000, 'x');
    EXPECT_EQ(decodeDirect(small, sipHep3(big, options)).status, HepStatus::Malformed);
    EXPECT_EQ(decodeDirect(small, sipHep3(InviteText, options)).status, HepStatus::Delivered);
    Bytes garbage = sipHep3(InviteText, options);
    garbage[garbage.size() - 10] ^= 0xff;  // a corrupted deflate stream (or checksum)
    EXPECT_EQ(decodeDirect(small, garbage).status, HepStatus::Malformed);
    const Bytes deflate = deflated(InviteText);
    const Bytes cut(deflate.begin(), deflate.begin() + 20);
    EXPECT_EQ(decodeDirect(small, hep3({chunk(0x0003, be32(1)), chunk(0x0004, be32(2)), chunk(0x0010, cut)})).status,
              HepStatus::Malformed);
}

// HEPv1/v2: version, header length, family, protocol, ports, addresses, then (v2) seconds, µs, capture id.
Bytes hep2(int version, const IpAddress& src, const IpAddress& dst, std::uint8_t protocol, const std::string& payload,
           int timeHeaderBytes = 12) {
    const std::size_t addressLength = src.version == 4 ? 4 : 16;
    const std::size_t headerBytes = 8 + 2 * addressLength + (version == 2 ? timeHeaderBytes : 0);
    Bytes out{static_cast<std::uint8_t>(version), static_cast<std::uint8_t>(headerBytes),
              static_cast<std::uint8_t>(src.version == 4 ? 2 : 10), protocol};
    put16(out, 5060);
    put16(out, 5062);
    out = concat(out, addressBytes(src));
    out = concat(out, addressBytes(dst));
    if (version == 2) {
        for (std::uint32_t value : {Seconds, Micros})
            for (int i = 0; i < 4; ++i)
                out.push_back(static_cast<std::uint8_t>(value >> (8 * i)));  // the sender's (little-endian) order
        out.push_back(0xd1);
        out.push_back(0x07);  // capture id 2001
        out.resize(headerBytes, 0);
    }
    return concat(out, bytesOf(payload));
}

TEST(Hep, Versions1And2) {
    HepDecoder decoder;
    for (int timeHeaderBytes : {10, 12}) {
        SCOPED_TRACE(timeHeaderBytes);
        const Result result =
            decodeDirect(decoder, hep2(2, ip4(1, 2, 3, 4), ip4(5, 6, 7, 8), 17, InviteText, timeHeaderBytes));
        ASSERT_EQ(result.status, HepStatus::Delivered);
        EXPECT_EQ(result.delivered[0].bytes, InviteText);
        EXPECT_EQ(result.delivered[0].src.toString(), "1.2.3.4:5060");
        EXPECT_EQ(result.delivered[0].dst.toString(), "5.6.7.8:5062");
        EXPECT_EQ(result.delivered[0].timestampUs, HepTimeUs);
        EXPECT_EQ(decoder.lastCaptureId(), 2001u);
    }
    const Result v1 = decodeDirect(
        decoder, hep2(1, ip6({0xfe80, 0, 0, 0, 0, 0, 0, 1}), ip6({0xfe80, 0, 0, 0, 0, 0, 0, 2}), 6, OkText), 99);
    ASSERT_EQ(v1.status, HepStatus::Delivered);
    EXPECT_EQ(v1.delivered[0].src.toString(), "[fe80::1]:5060");
    EXPECT_EQ(v1.delivered[0].transport, Transport::Tcp);
    EXPECT_EQ(v1.delivered[0].timestampUs, 99);  // v1 has no time: the capture's
    // A header length that matches no layout is not HEP.
    Bytes wrongLength = hep2(2, ip4(1, 2, 3, 4), ip4(5, 6, 7, 8), 17, InviteText);
    wrongLength[1] = 27;
    EXPECT_EQ(decodeDirect(decoder, wrongLength).status, HepStatus::NotHep);
    EXPECT_EQ(decodeDirect(decoder, Bytes{2, 28, 2, 17}).status, HepStatus::NotHep);
}

// The bytes Debian's Kamailio 5.6 siptrace (hep_version 2) sent for an INVITE from 127.0.0.1:25060 to
// 127.0.0.1:25070: version 2, hp_l 16 (base header and addresses only), AF_INET, UDP, ports, addresses, then the
// uncounted 12-byte time header (seconds and µs little-endian, capture id 2001, 2 bytes of padding).
const Bytes KamailioV2Ipv4Header{0x02, 0x10, 0x02, 0x11, 0x61, 0xe4, 0x61, 0xee, 0x7f, 0x00, 0x00, 0x01, 0x7f, 0x00,
                                 0x00, 0x01, 0x2e, 0xdd, 0x12, 0x6b, 0x56, 0x7c, 0x08, 0x00, 0xd1, 0x07, 0x00, 0x00};
constexpr std::int64_t KamailioTimeUs = std::int64_t{0x6b12dd2e} * 1'000'000 + 0x00087c56;

// The same sender's layout for IPv6: hp_l 40 (8 + 2 × 16), AF_INET6 (10), ::1 port 5060 to ::2 port 5080.
Bytes kamailioV2Ipv6Header() {
    Bytes out{0x02, 0x28, 0x0a, 0x11, 0x13, 0xc4, 0x13, 0xd8};
    for (std::uint8_t last : {1, 2}) {
        Bytes address(16, 0);
        address[15] = last;
        out = concat(out, address);
    }
    return concat(out, Bytes{0x2e, 0xdd, 0x12, 0x6b, 0x56, 0x7c, 0x08, 0x00, 0xd1, 0x07, 0x00, 0x00});
}

TEST(Hep, Version2LengthWithoutTheTimeHeaderAsKamailioOpensipsAndCaptagentSendIt) {
    HepDecoder decoder;
    const Result v4 = decodeDirect(decoder, concat(KamailioV2Ipv4Header, bytesOf(InviteText)));
    ASSERT_EQ(v4.status, HepStatus::Delivered);
    EXPECT_EQ(v4.delivered[0].bytes, InviteText);
    EXPECT_EQ(v4.delivered[0].src.toString(), "127.0.0.1:25060");
    EXPECT_EQ(v4.delivered[0].dst.toString(), "127.0.0.1:25070");
    EXPECT_EQ(v4.delivered[0].transport, Transport::Udp);
    EXPECT_EQ(v4.delivered[0].timestampUs, KamailioTimeUs);
    EXPECT_EQ(decoder.lastCaptureId(), 2001u);

    const Result v6 = decodeDirect(decoder, concat(kamailioV2Ipv6Header(), bytesOf(OkText)));
    ASSERT_EQ(v6.status, HepStatus::Delivered);
    EXPECT_EQ(v6.delivered[0].bytes, OkText);
    EXPECT_EQ(v6.delivered[0].src.toString(), "[::1]:5060");
    EXPECT_EQ(v6.delivered[0].dst.toString(), "[::2]:5080");
    EXPECT_EQ(v6.delivered[0].timestampUs, KamailioTimeUs);

    // A sender whose time header struct was packed (10 bytes): the payload is found where SIP starts.
    Bytes packed = KamailioV2Ipv4Header;
    packed.resize(packed.size() - 2);
    const Result tight = decodeDirect(decoder, concat(packed, bytesOf(InviteText)));
    ASSERT_EQ(tight.status, HepStatus::Delivered);
    EXPECT_EQ(tight.delivered[0].bytes, InviteText);
    EXPECT_EQ(tight.delivered[0].timestampUs, KamailioTimeUs);

    // Too short to hold the time header it implies: not HEP, and every prefix is read safely.
    const Bytes whole = concat(KamailioV2Ipv4Header, bytesOf(InviteText));
    for (std::size_t size = 0; size < whole.size(); ++size)
        decodeDirect(decoder, Bytes(whole.begin(), whole.begin() + static_cast<std::ptrdiff_t>(size)));
    EXPECT_EQ(decodeDirect(decoder, Bytes(whole.begin(), whole.begin() + 20)).status, HepStatus::NotHep);
}

TEST(Hep, DatagramsOnAHepPortThatAreNotHepAreCounted) {
    DecoderLimits limits;
    limits.hepPorts.push_back(29060);  // as capture --hep-listen udp:127.0.0.1:29060 adds its own
    DecoderHarness harness(limits);
    harness.feed(collectorFrame(concat(KamailioV2Ipv4Header, bytesOf(InviteText))));  // HEP: delivered
    Bytes unknownLength = KamailioV2Ipv4Header;
    unknownLength[1] = 20;  // matches no v2 layout
    harness.feed(collectorFrame(concat(unknownLength, bytesOf(InviteText))));
    harness.feed(collectorFrame(bytesOf("HEP4 some future version")));
    harness.feed(collectorFrame(bytesOf("junk"), 29060));
    harness.feed(collectorFrame(bytesOf("junk"), 12345));  // not a HEP port: ordinary UDP, not counted
    harness.feed(collectorFrame(bytesOf(OkText)));         // plain SIP sent to the collector port is SIP
    harness.finish();
    ASSERT_EQ(harness.messages(), (std::vector<std::string>{InviteText, OkText}));
    EXPECT_EQ(harness.delivered()[0].src.toString(), "127.0.0.1:25060");
    EXPECT_EQ(harness.stats().hepPackets, 1u);
    EXPECT_EQ(harness.stats().hepPortNotHep, 3u);
}

TEST(Hep, FreeFunctionUsesAPerThreadDecoder) {
    const Bytes datagram = sipHep3(InviteText);
    int count = 0;
    const HepStatus status =
        decodeHep(std::string_view(reinterpret_cast<const char*>(datagram.data()), datagram.size()), 0, 1,
                  [&](const PayloadView& view) {
                      ++count;
                      EXPECT_EQ(view.bytes, InviteText);
                  });
    EXPECT_EQ(status, HepStatus::Delivered);
    EXPECT_EQ(count, 1);
}

TEST(Hep, DecoderUnwrapsHepOnAnyUdpPort) {
    DecoderHarness harness;
    Hep3Options compressed;
    compressed.isCompressed = true;
    Hep3Options rtcp;
    rtcp.protoType = 5;
    harness.feed(collectorFrame(sipHep3(InviteText)));
    harness.feed(collectorFrame(sipHep3(OkText, compressed), 12345));
    harness.feed(collectorFrame(hep2(2, ip4(1, 2, 3, 4), ip4(5, 6, 7, 8), 17, OkText)));
    harness.feed(collectorFrame(sipHep3(InviteText, rtcp)));
    Bytes lying = sipHep3(InviteText);
    lying[5] = static_cast<std::uint8_t>(lying[5] + 1);
    harness.feed(collectorFrame(lying));
    harness.finish();
    ASSERT_EQ(harness.messages(), (std::vector<std::string>{InviteText, OkText, OkText}));
    EXPECT_EQ(harness.delivered()[0].src.toString(), "192.168.1.1:5060");
    EXPECT_EQ(harness.delivered()[0].timestampUs, HepTimeUs);
    EXPECT_EQ(harness.delivered()[1].frameNumber, 2u);
    EXPECT_EQ(harness.delivered()[2].dst.toString(), "5.6.7.8:5062");
    EXPECT_EQ(harness.stats().hepPackets, 5u);
    EXPECT_EQ(harness.stats().hepPayloadsDelivered, 3u);
    EXPECT_EQ(harness.stats().hepErrors, 1u);
    EXPECT_EQ(harness.stats().payloadsDelivered, 3u);
    EXPECT_EQ(harness.stats().udpPayloads, 5u);
}

}  // namespace
}  // namespace sipscope::capture
