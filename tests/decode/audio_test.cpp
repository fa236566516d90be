// G.711 decoding and AudioTrack (decode/audio.hpp): the code tables, and the timeline a stream's packets make.
#include "decode/audio.hpp"

#include "tests/tools/g711.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace {

using namespace sipscope::decode;
using sipscope::test::encodePcma;
using sipscope::test::encodePcmu;

TEST(G711, KnownCodeWords) {
    EXPECT_EQ(decodePcmu(0xff), 0);  // µ-law's positive zero
    EXPECT_EQ(decodePcmu(0x7f), 0);  // and its negative zero
    EXPECT_EQ(decodePcmu(0x80), 32124);
    EXPECT_EQ(decodePcmu(0x00), -32124);
    EXPECT_EQ(decodePcmu(0xfe), 8);  // the smallest step: 2 on the 14-bit scale
    EXPECT_EQ(decodePcma(0xd5), 8);  // A-law's smallest positive value (0x80 after the XOR with 0x55)
    EXPECT_EQ(decodePcma(0x55), -8);
    EXPECT_EQ(decodePcma(0xaa), 32256);
    EXPECT_EQ(decodePcma(0x2a), -32256);
}

TEST(G711, EveryCodeWordDecodesToAValueThatEncodesBackToIt) {
    for (int code = 0; code < 256; ++code) {
        const auto byte = static_cast<std::uint8_t>(code);
        if (byte != 0x7f) {  // negative zero encodes as positive zero
            EXPECT_EQ(encodePcmu(decodePcmu(byte)), byte) << code;
        }
        EXPECT_EQ(encodePcma(decodePcma(byte)), byte) << code;
    }
}

TEST(G711, DecodingIsMonotonicInTheLinearValue) {
    // Sorted by decoded value, the codes must decode to strictly increasing values (but µ-law's two zeros).
    std::vector<int> mu, a;
    for (int code = 0; code < 256; ++code) {
        mu.push_back(decodePcmu(static_cast<std::uint8_t>(code)));
        a.push_back(decodePcma(static_cast<std::uint8_t>(code)));
    }
    std::sort(mu.begin(), mu.end());
    std::sort(a.begin(), a.end());
    EXPECT_EQ(std::adjacent_find(a.begin(), a.end()), a.end());
    EXPECT_EQ(std::count(mu.begin(), mu.end(), 0), 2);
    mu.erase(std::unique(mu.begin(), mu.end()), mu.end());
    EXPECT_EQ(mu.size(), 255u);
}

TEST(G711, CodecOfAPayloadType) {
    EXPECT_EQ(g711CodecOf(0), AudioCodec::Pcmu);
    EXPECT_EQ(g711CodecOf(8), AudioCodec::Pcma);
    EXPECT_EQ(g711CodecOf(18), std::nullopt);                    // G.729
    EXPECT_EQ(g711CodecOf(96, "pcma", 8000), AudioCodec::Pcma);  // dynamic, by its rtpmap name
    EXPECT_EQ(g711CodecOf(96, "PCMU", 16000), std::nullopt);     // not the G.711 rate
    EXPECT_EQ(g711CodecOf(101, "telephone-event"), std::nullopt);
    EXPECT_EQ(audioCodecName(AudioCodec::Pcmu), "PCMU");
}

// Packets of 160 samples (20 ms), every sample the code word number % 120 (never one of µ-law's zeros), so the
// output tells which packet wrote where.
struct Stream {
    std::vector<std::string> payloads;
    std::uint8_t payloadType = 0;
    std::uint32_t firstTimestamp = 4000000000u;

    RtpHeader packet(int number, std::uint32_t timestampOffset = 0) {
        if (payloads.size() <= static_cast<std::size_t>(number))
            payloads.resize(static_cast<std::size_t>(number) + 1);
        payloads[static_cast<std::size_t>(number)] = std::string(160, static_cast<char>(number % 120));
        RtpHeader header;
        header.version = 2;
        header.payloadType = payloadType;
        header.sequence = static_cast<std::uint16_t>(number);
        header.timestamp = firstTimestamp + static_cast<std::uint32_t>(160 * number) + timestampOffset;
        header.payload = payloads[static_cast<std::size_t>(number)];
        return header;
    }
};

constexpr std::int64_t Origin = 1'700'000'000'000'000;

std::int64_t at(int number, std::int64_t extraUs = 0) { return Origin + 20'000 * number + extraUs; }

// The number (% 120) of the packet that wrote a sample, or -1 for silence.
int writer(std::int16_t sample) { return sample == 0 ? -1 : encodePcmu(sample); }

std::vector<int> writers(const std::vector<std::int16_t>& samples) {
    std::vector<int> out;
    for (std::size_t i = 0; i < samples.size(); i += 160)
        out.push_back(writer(samples[i]));
    return out;
}

TEST(AudioTrack, PacketsInOrderFollowEachOther) {
    Stream stream;
    AudioTrack track(AudioCodec::Pcmu, 0, Origin);
    std::vector<std::int16_t> out;
    for (int n = 0; n < 5; ++n)
        track.feed(at(n), stream.packet(n), out);
    track.finish(track.endSample(), out);
    ASSERT_EQ(out.size(), 800u);
    EXPECT_EQ(writers(out), (std::vector<int>{0, 1, 2, 3, 4}));
    EXPECT_EQ(track.counters().packets, 5u);
    EXPECT_EQ(track.counters().reanchors, 0u);
}

TEST(AudioTrack, ALostPacketLeavesSilenceAndReorderedOnesFallInPlace) {
    Stream stream;
    AudioTrack track(AudioCodec::Pcmu, 0, Origin);
    std::vector<std::int16_t> out;
    for (const int n : {0, 1, 3, 2, 5, 6})  // 4 lost, 2 and 3 swapped
        track.feed(at(n), stream.packet(n), out);
    track.finish(track.endSample(), out);
    ASSERT_EQ(out.size(), 7u * 160u);
    EXPECT_EQ(writers(out), (std::vector<int>{0, 1, 2, 3, -1, 5, 6}));
    for (std::size_t i = 4 * 160; i < 5 * 160; ++i)
        ASSERT_EQ(out[i], 0) << i;
}

TEST(AudioTrack, TimestampsWrapWithoutAJump) {
    Stream stream;
    stream.firstTimestamp = 0xffffffffu - 300;  // wraps during packet 1
    AudioTrack track(AudioCodec::Pcmu, 0, Origin);
    std::vector<std::int16_t> out;
    for (int n = 0; n < 4; ++n)
        track.feed(at(n), stream.packet(n), out);
    track.finish(track.endSample(), out);
    EXPECT_EQ(writers(out), (std::vector<int>{0, 1, 2, 3}));
    EXPECT_EQ(track.counters().reanchors, 0u);
}

TEST(AudioTrack, APauseInSendingIsSilenceAsLongAsThePause) {
    // Silence suppression: packet 1 comes 2 s after packet 0, its timestamp 2 s on as well.
    Stream stream;
    AudioTrack track(AudioCodec::Pcmu, 0, Origin);
    std::vector<std::int16_t> out;
    track.feed(at(0), stream.packet(0), out);
    track.feed(at(1, 2'000'000), stream.packet(1, 16000), out);
    track.finish(track.endSample(), out);
    ASSERT_EQ(out.size(), 160u + 16000u + 160u);
    EXPECT_EQ(writer(out[0]), 0);
    EXPECT_EQ(writer(out[160 + 16000]), 1);
    for (std::size_t i = 160; i < 160 + 16000; ++i)
        ASSERT_EQ(out[i], 0) << i;
}

TEST(AudioTrack, ATimestampJumpIsPlacedByArrival) {
    // The sender's clock jumps by an hour (a new SSRC, a restarted stack): the packet goes where it arrived.
    Stream stream;
    AudioTrack track(AudioCodec::Pcmu, 0, Origin);
    std::vector<std::int16_t> out;
    track.feed(at(0), stream.packet(0), out);
    track.feed(at(1), stream.packet(1, 8000u * 3600u), out);
    track.feed(at(2), stream.packet(2, 8000u * 3600u), out);
    track.finish(track.endSample(), out);
    EXPECT_EQ(writers(out), (std::vector<int>{0, 1, 2}));
    EXPECT_EQ(track.counters().reanchors, 1u);
}

TEST(AudioTrack, AnOldPacketArrivingLongAfterItsTimeIsCountedLateAndDropped) {
    Stream stream;
    AudioTrack track(AudioCodec::Pcmu, 0, Origin);
    std::vector<std::int16_t> out;
    track.feed(at(0), stream.packet(0), out);
    for (int n = 2; n < 200; ++n)  // 4 s of packets, packets 1 and 160 missing
        if (n != 160)
            track.feed(at(n), stream.packet(n), out);
    track.feed(at(199, 10'000), stream.packet(1), out);    // 3.9 s late: dropped
    track.feed(at(199, 15'000), stream.packet(160), out);  // 0.8 s late: still in the window, played
    track.finish(track.endSample(), out);
    EXPECT_EQ(track.counters().late, 1u);
    EXPECT_EQ(track.counters().reanchors, 0u);
    const std::vector<int> written = writers(out);
    ASSERT_EQ(written.size(), 200u);
    EXPECT_EQ(written[1], -1);
    EXPECT_EQ(written[160], 160 % 120);
    EXPECT_EQ(written[199], 199 % 120);
}

TEST(AudioTrack, OtherPayloadTypesAreSkipped) {
    Stream stream;
    AudioTrack track(AudioCodec::Pcmu, 0, Origin);
    std::vector<std::int16_t> out;
    track.feed(at(0), stream.packet(0), out);
    Stream events;
    events.payloadType = 101;
    track.feed(at(1), events.packet(1), out);
    track.finish(track.endSample(), out);
    EXPECT_EQ(track.counters().skipped, 1u);
    EXPECT_EQ(out.size(), 160u);
}

TEST(AudioTrack, TwoTracksOfOneOriginLineUp) {
    Stream a, b;
    AudioTrack left(AudioCodec::Pcmu, 0, Origin);
    AudioTrack right(AudioCodec::Pcmu, 0, Origin);
    std::vector<std::int16_t> l, r;
    for (int n = 0; n < 300; ++n) {  // 6 s; the right side starts 1 s after the left
        left.feed(at(n), a.packet(n), l);
        right.flushUntil(at(n), r);
        ASSERT_EQ(l.size(), r.size()) << n;
        if (n >= 50) {
            right.feed(at(n), b.packet(n - 50), r);
            ASSERT_EQ(l.size(), r.size()) << n;
        }
    }
    const std::int64_t end = std::max(left.endSample(), right.endSample());
    left.finish(end, l);
    right.finish(end, r);
    ASSERT_EQ(l.size(), r.size());
    ASSERT_EQ(l.size(), 300u * 160u);
    for (std::size_t i = 0; i < 8000; ++i)
        ASSERT_EQ(r[i], 0) << i;
    EXPECT_EQ(writer(r[8000]), 0);
    EXPECT_EQ(writer(l[8000]), 50);
}

}  // namespace
