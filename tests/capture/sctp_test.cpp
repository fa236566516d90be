// SCTP packets built by the test: single chunks, several per packet, fragments in and out of order, I-DATA.
#include "tests/capture/decoder_harness.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace sipscope::capture {
namespace {

using namespace test;

constexpr std::uint8_t End = 0x01, Beginning = 0x02, Unordered = 0x04;

struct DataChunk {
    std::uint8_t flags;
    std::uint32_t tsn;
    std::uint16_t stream;
    std::uint16_t sequence;
    std::string data;
};

Bytes padded(Bytes chunk) {
    while (chunk.size() % 4 != 0)
        chunk.push_back(0);
    return chunk;
}

Bytes dataChunk(const DataChunk& chunk) {
    Bytes out{0, chunk.flags};
    put16(out, static_cast<std::uint32_t>(16 + chunk.data.size()));
    put32(out, chunk.tsn);
    put16(out, chunk.stream);
    put16(out, chunk.sequence);
    put32(out, 0);  // PPID: SIP has none assigned
    return padded(concat(out, bytesOf(chunk.data)));
}

// RFC 8260 I-DATA: TSN, stream, reserved, MID, then PPID (first fragment) or FSN.
Bytes iDataChunk(std::uint8_t flags, std::uint32_t tsn, std::uint32_t messageId, std::uint32_t fsn,
                 const std::string& data) {
    Bytes out{64, flags};
    put16(out, static_cast<std::uint32_t>(20 + data.size()));
    put32(out, tsn);
    put16(out, 1);
    put16(out, 0);
    put32(out, messageId);
    put32(out, (flags & Beginning) ? 0 : fsn);
    return padded(concat(out, bytesOf(data)));
}

Bytes sackChunk() {
    Bytes out{3, 0};
    put16(out, 16);
    put32(out, 1);  // cumulative TSN ack
    put32(out, 65535);
    put16(out, 0);
    put16(out, 0);
    return out;
}

Bytes sctp(const std::vector<Bytes>& chunks, std::uint16_t srcPort = 5060, std::uint16_t dstPort = 5060,
           std::uint32_t verificationTag = 0x11223344) {
    Bytes out;
    put16(out, srcPort);
    put16(out, dstPort);
    put32(out, verificationTag);
    put32(out, 0);  // CRC32c, not checked
    for (const Bytes& chunk : chunks)
        out = concat(out, chunk);
    return out;
}

Bytes frame(const Bytes& sctpPacket) {
    return ethernet(0x0800, ipv4(ip4(10, 0, 0, 1), ip4(10, 0, 0, 2), 132, sctpPacket));
}

TEST(Sctp, OneChunkOneMessage) {
    DecoderHarness harness;
    harness.feed(frame(sctp({dataChunk({Beginning | End, 1, 0, 0, InviteText})})));
    harness.finish();
    ASSERT_EQ(harness.messages(), std::vector<std::string>{InviteText});
    const Delivered& item = harness.delivered()[0];
    EXPECT_EQ(item.transport, Transport::Sctp);
    EXPECT_EQ(item.src.toString(), "10.0.0.1:5060");
    EXPECT_EQ(item.dst.toString(), "10.0.0.2:5060");
    EXPECT_EQ(harness.stats().sctpPackets, 1u);
    EXPECT_EQ(harness.stats().sctpDataChunks, 1u);
    EXPECT_EQ(harness.stats().sctpMessages, 1u);
    EXPECT_EQ(harness.stats().otherTransport, 0u);
}

TEST(Sctp, SeveralChunksInOnePacket) {
    DecoderHarness harness;
    harness.feed(frame(sctp({sackChunk(), dataChunk({Beginning | End, 1, 0, 0, InviteText}),
                             dataChunk({Beginning | End, 2, 1, 0, "not SIP"}),
                             dataChunk({Beginning | End | Unordered, 3, 2, 0, OkText})})));
    harness.finish();
    EXPECT_EQ(harness.messages(), (std::vector<std::string>{InviteText, OkText}));
    EXPECT_EQ(harness.stats().sctpDataChunks, 3u);
    EXPECT_EQ(harness.stats().sctpMessages, 3u);
    EXPECT_EQ(harness.stats().payloadsDelivered, 2u);
}

// The INVITE cut in three fragments with consecutive TSNs, B / (none) / E.
std::vector<Bytes> inviteFragments(std::uint32_t firstTsn = 100) {
    const std::string& text = InviteText;
    return {dataChunk({Beginning, firstTsn, 3, 7, text.substr(0, 50)}),
            dataChunk({0, firstTsn + 1, 3, 7, text.substr(50, 101)}),
            dataChunk({End, firstTsn + 2, 3, 7, text.substr(151)})};
}

TEST(Sctp, FragmentsInEveryOrder) {
    std::vector<int> order{0, 1, 2};
    do {
        SCOPED_TRACE(testing::PrintToString(order));
        DecoderHarness harness;
        const std::vector<Bytes> fragments = inviteFragments();
        for (int index : order)
            harness.feed(frame(sctp({fragments[static_cast<std::size_t>(index)]})));
        harness.finish();
        ASSERT_EQ(harness.messages(), std::vector<std::string>{InviteText});
        EXPECT_EQ(harness.delivered()[0].frameNumber, 3u);  // the frame that completed it
        EXPECT_EQ(harness.stats().sctpMessages, 1u);
        EXPECT_EQ(harness.stats().sctpMessagesIncomplete, 0u);
    } while (std::next_permutation(order.begin(), order.end()));
}

TEST(Sctp, FragmentsAcrossTsnWrapAndRetransmitted) {
    DecoderHarness harness;
    const std::vector<Bytes> fragments = inviteFragments(0xffffffffu);
    harness.feed(frame(sctp({fragments[0]})));
    harness.feed(frame(sctp({fragments[0]})));  // retransmitted
    harness.feed(frame(sctp({fragments[2], fragments[1]})));
    harness.finish();
    EXPECT_EQ(harness.messages(), std::vector<std::string>{InviteText});
}

TEST(Sctp, MissingFragmentIsIncomplete) {
    DecoderHarness harness;
    const std::vector<Bytes> fragments = inviteFragments();
    harness.feed(frame(sctp({fragments[0]})));
    harness.feed(frame(sctp({fragments[2]})));
    harness.feed(frame(sctp({dataChunk({Beginning | End, 200, 0, 1, OkText})})));
    harness.finish();
    EXPECT_EQ(harness.messages(), std::vector<std::string>{OkText});
    EXPECT_EQ(harness.stats().sctpMessagesIncomplete, 1u);
}

TEST(Sctp, IData) {
    DecoderHarness harness;
    const std::string& text = InviteText;
    harness.feed(frame(sctp({iDataChunk(End, 12, 5, 2, text.substr(120))})));
    harness.feed(frame(
        sctp({iDataChunk(Beginning, 10, 5, 0, text.substr(0, 60)), iDataChunk(0, 11, 5, 1, text.substr(60, 60))})));
    harness.finish();
    EXPECT_EQ(harness.messages(), std::vector<std::string>{InviteText});
}

TEST(Sctp, LyingChunksAreMalformed) {
    DecoderHarness harness;
    Bytes tooLong = sctp({dataChunk({Beginning | End, 1, 0, 0, InviteText})});
    tooLong[12 + 2] = 0x7f;  // chunk length beyond the packet
    harness.feed(frame(tooLong));
    Bytes tooShort = sctp({dataChunk({Beginning | End, 1, 0, 0, InviteText})});
    tooShort[12 + 2] = 0;
    tooShort[12 + 3] = 2;  // shorter than a chunk header
    harness.feed(frame(tooShort));
    harness.feed(frame(sctp({Bytes{0, 3, 0, 16, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0}})));  // DATA without user data
    Bytes headerOnly = sctp({});
    headerOnly.resize(8);  // no room for the common header
    harness.feed(frame(headerOnly));
    harness.finish();
    EXPECT_TRUE(harness.messages().empty());
    EXPECT_EQ(harness.stats().malformedPackets, 4u);
}

TEST(Sctp, PendingMessagesAreBounded) {
    DecoderLimits limits;
    limits.maxSctpMessages = 4;
    DecoderHarness harness(limits);
    for (std::uint16_t stream = 0; stream < 10; ++stream)
        harness.feed(frame(sctp({dataChunk({Beginning, 1000u + stream * 10u, stream, 0, "INVITE sip:x"})})));
    EXPECT_EQ(harness.stats().sctpMessagesIncomplete, 6u);  // evicted, oldest first
    harness.finish();
    EXPECT_EQ(harness.stats().sctpMessagesIncomplete, 10u);

    DecoderLimits small;
    small.maxSipMessageBytes = 100;
    DecoderHarness bounded(small);
    for (const Bytes& fragment : inviteFragments())
        bounded.feed(frame(sctp({fragment})));
    bounded.finish();
    EXPECT_TRUE(bounded.messages().empty());
}

}  // namespace
}  // namespace sipscope::capture
