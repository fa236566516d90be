// decode/rtp.hpp: RTP and RTCP parsing, per-stream statistics, DTMF digits and the E-model, on hand-built packets
// (issue 15).
#include "decode/rtp.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

namespace {

using namespace sipscope::decode;

void put16(std::string& out, std::uint32_t value) {
    out.push_back(static_cast<char>((value >> 8) & 0xFF));
    out.push_back(static_cast<char>(value & 0xFF));
}

void put32(std::string& out, std::uint32_t value) {
    put16(out, value >> 16);
    put16(out, value & 0xFFFF);
}

struct Rtp {
    std::uint8_t payloadType = 0;
    std::uint16_t sequence = 0;
    std::uint32_t timestamp = 0;
    std::uint32_t ssrc = 0x11223344;
    bool marker = false;
    std::vector<std::uint32_t> csrcs{};
    bool extension = false;
    std::uint16_t profile = 0;
    std::vector<std::uint32_t> extensionWords{};
    std::string payload = std::string(160, '\xFF');
    std::uint8_t padding = 0;
    std::uint8_t version = 2;

    std::string bytes() const {
        std::string out;
        out.push_back(static_cast<char>((version << 6) | (padding != 0 ? 0x20 : 0) | (extension ? 0x10 : 0) |
                                        static_cast<int>(csrcs.size())));
        out.push_back(static_cast<char>((marker ? 0x80 : 0) | payloadType));
        put16(out, sequence);
        put32(out, timestamp);
        put32(out, ssrc);
        for (std::uint32_t csrc : csrcs) {
            put32(out, csrc);
        }
        if (extension) {
            put16(out, profile);
            put16(out, static_cast<std::uint32_t>(extensionWords.size()));
            for (std::uint32_t word : extensionWords) {
                put32(out, word);
            }
        }
        out += payload;
        if (padding != 0) {
            out.append(padding - 1U, '\0');
            out.push_back(static_cast<char>(padding));
        }
        return out;
    }
};

RtpHeader parsed(const Rtp& packet, std::string& storage) {
    storage = packet.bytes();
    const std::optional<RtpHeader> header = parseRtp(storage);
    EXPECT_TRUE(header.has_value());
    return header.value_or(RtpHeader{});
}

// ---------------------------------------------------------------------------------------------------------------
// RTP header

TEST(RtpParse, ReadsEveryFixedField) {
    Rtp packet{.payloadType = 8, .sequence = 0xBEEF, .timestamp = 0xDEADBEEF, .ssrc = 0xCAFEF00D, .marker = true};
    packet.payload = "abcd";
    const std::string bytes = packet.bytes();
    const auto header = parseRtp(bytes);
    ASSERT_TRUE(header);
    EXPECT_EQ(header->version, 2);
    EXPECT_FALSE(header->padding);
    EXPECT_FALSE(header->extension);
    EXPECT_TRUE(header->marker);
    EXPECT_EQ(header->payloadType, 8);
    EXPECT_EQ(header->sequence, 0xBEEF);
    EXPECT_EQ(header->timestamp, 0xDEADBEEFU);
    EXPECT_EQ(header->ssrc, 0xCAFEF00DU);
    EXPECT_EQ(header->csrcCount, 0);
    EXPECT_EQ(header->payload, "abcd");
    EXPECT_EQ(header->payload.data(), bytes.data() + 12);  // a view, not a copy
}

TEST(RtpParse, ReadsCsrcsExtensionAndPadding) {
    Rtp packet{.payloadType = 96, .csrcs = {1, 0xFFFFFFFE}, .extension = true, .profile = 0xBEDE};
    packet.extensionWords = {0x10203040, 0x50607080};
    packet.payload = "voice";
    packet.padding = 3;
    const std::string bytes = packet.bytes();
    const auto header = parseRtp(bytes);
    ASSERT_TRUE(header);
    EXPECT_EQ(header->csrcCount, 2);
    EXPECT_EQ(header->csrc(0), 1U);
    EXPECT_EQ(header->csrc(1), 0xFFFFFFFEU);
    EXPECT_EQ(header->csrc(2), 0U);
    EXPECT_TRUE(header->extension);
    EXPECT_EQ(header->extensionProfile, 0xBEDE);
    EXPECT_EQ(header->extensionData.size(), 8U);
    EXPECT_EQ(header->extensionData[0], '\x10');
    EXPECT_TRUE(header->padding);
    EXPECT_EQ(header->paddingLength, 3);
    EXPECT_EQ(header->payload, "voice");
}

TEST(RtpParse, RefusesMalformedAndTruncatedPackets) {
    RtpError error{};
    EXPECT_FALSE(parseRtp(std::string(11, '\x80'), &error));
    EXPECT_EQ(error, RtpError::TooShort);

    Rtp version1;
    version1.version = 1;
    EXPECT_FALSE(parseRtp(version1.bytes(), &error));
    EXPECT_EQ(error, RtpError::BadVersion);

    Rtp rtcpLike{.payloadType = 72};
    EXPECT_FALSE(parseRtp(rtcpLike.bytes(), &error));
    EXPECT_EQ(error, RtpError::RtcpPayloadType);

    Rtp csrcs{.csrcs = {1, 2, 3}};
    csrcs.payload.clear();
    std::string cut = csrcs.bytes();
    cut.resize(cut.size() - 1);
    EXPECT_FALSE(parseRtp(cut, &error));
    EXPECT_EQ(error, RtpError::CsrcTruncated);

    Rtp extension{.extension = true, .extensionWords = {1, 2}};
    extension.payload.clear();
    cut = extension.bytes();
    cut.resize(cut.size() - 2);
    EXPECT_FALSE(parseRtp(cut, &error));
    EXPECT_EQ(error, RtpError::ExtensionTruncated);
    cut.resize(13);  // extension bit set, not even its header
    EXPECT_FALSE(parseRtp(cut, &error));
    EXPECT_EQ(error, RtpError::ExtensionTruncated);

    Rtp padded;
    padded.payload = "ab";
    padded.padding = 2;
    std::string bad = padded.bytes();
    bad.back() = '\x05';  // more padding than the 2 + 2 bytes after the header
    EXPECT_FALSE(parseRtp(bad, &error));
    EXPECT_EQ(error, RtpError::BadPadding);
    bad.back() = '\0';
    EXPECT_FALSE(parseRtp(bad, &error));
    EXPECT_EQ(error, RtpError::BadPadding);
    bad.back() = '\x04';  // all four bytes after the header are padding: allowed, empty payload
    const auto header = parseRtp(bad, &error);
    ASSERT_TRUE(header);
    EXPECT_EQ(error, RtpError::None);
    EXPECT_TRUE(header->payload.empty());
}

TEST(RtpDetector, DecidesRtpAfterARunOfContinuousPackets) {
    RtpFlowDetector detector;
    for (std::uint16_t i = 0; i < 3; ++i) {
        EXPECT_EQ(detector.feed(Rtp{.sequence = static_cast<std::uint16_t>(65534 + i)}.bytes()),
                  RtpFlowDetector::Verdict::Undecided);
    }
    // 65534, 65535, 0, then 2 (one lost): within the gap, the run reaches four.
    EXPECT_EQ(detector.feed(Rtp{.sequence = 2}.bytes()), RtpFlowDetector::Verdict::Rtp);
    EXPECT_EQ(detector.feed("not rtp at all"), RtpFlowDetector::Verdict::Rtp);  // decided for good
}

TEST(RtpDetector, RefusesFlowsWithoutContinuity) {
    RtpFlowDetector jumps;
    RtpFlowDetector ssrcs;
    RtpFlowDetector types;
    RtpFlowDetector::Verdict last{};
    for (std::uint16_t i = 0; i < 16; ++i) {
        jumps.feed(Rtp{.sequence = static_cast<std::uint16_t>(i * 1000)}.bytes());
        ssrcs.feed(Rtp{.sequence = i, .ssrc = 1000U + i}.bytes());
        last = types.feed(Rtp{.payloadType = 50, .sequence = i}.bytes());  // 35-95: not a plausible type
    }
    EXPECT_EQ(jumps.verdict(), RtpFlowDetector::Verdict::NotRtp);
    EXPECT_EQ(ssrcs.verdict(), RtpFlowDetector::Verdict::NotRtp);
    EXPECT_EQ(last, RtpFlowDetector::Verdict::NotRtp);
    EXPECT_TRUE(isPlausibleRtpPayloadType(0));
    EXPECT_TRUE(isPlausibleRtpPayloadType(101));
    EXPECT_FALSE(isPlausibleRtpPayloadType(72));
    EXPECT_FALSE(isPlausibleRtpPayloadType(35));
}

// ---------------------------------------------------------------------------------------------------------------
// RTCP

std::string rtcpHeader(std::uint8_t count, std::uint8_t type, std::size_t bodyBytes, bool padding = false) {
    std::string out;
    out.push_back(static_cast<char>(0x80 | (padding ? 0x20 : 0) | count));
    out.push_back(static_cast<char>(type));
    put16(out, static_cast<std::uint32_t>((bodyBytes + 4) / 4 - 1));
    return out;
}

std::string reportBlock(std::uint32_t ssrc, std::uint8_t fraction, std::int32_t cumulative, std::uint32_t highest,
                        std::uint32_t jitter, std::uint32_t lsr, std::uint32_t dlsr) {
    std::string out;
    put32(out, ssrc);
    put32(out, (std::uint32_t{fraction} << 24) | (static_cast<std::uint32_t>(cumulative) & 0xFFFFFF));
    put32(out, highest);
    put32(out, jitter);
    put32(out, lsr);
    put32(out, dlsr);
    return out;
}

std::string senderReport() {
    std::string body;
    put32(body, 0xAAAA0001);  // sender SSRC
    put32(body, 0xE1234567);  // NTP seconds
    put32(body, 0x80000000);  // NTP fraction
    put32(body, 160000);      // RTP timestamp
    put32(body, 1000);        // packets
    put32(body, 172000);      // octets
    body += reportBlock(0xBBBB0002, 64, 25, 0x1FFFF, 40, 0x45678000, 0x8000);
    return rtcpHeader(1, 200, body.size()) + body;
}

std::string sdes() {
    std::string body;
    put32(body, 0xAAAA0001);
    body += std::string("\x01\x03"
                        "abc\0\0\0",
                        8);  // CNAME "abc", end, padding to the word
    return rtcpHeader(1, 202, body.size()) + body;
}

TEST(RtcpParse, ReadsSenderReportAndSkipsSdes) {
    const std::string compound = senderReport() + sdes();
    RtcpError error{};
    const auto rtcp = parseRtcp(compound, &error);
    ASSERT_TRUE(rtcp) << static_cast<int>(error);
    EXPECT_EQ(rtcp->packetCount, 2);
    EXPECT_EQ(rtcp->skipped, 1);
    ASSERT_EQ(rtcp->reportCount, 1);
    const RtcpReport& sr = rtcp->reports[0];
    EXPECT_EQ(sr.packetType, 200);
    EXPECT_EQ(sr.senderSsrc, 0xAAAA0001U);
    ASSERT_TRUE(sr.senderInfo);
    EXPECT_EQ(sr.senderInfo->ntpTimestamp, 0xE123456780000000ULL);
    EXPECT_EQ(sr.senderInfo->rtpTimestamp, 160000U);
    EXPECT_EQ(sr.senderInfo->packetCount, 1000U);
    EXPECT_EQ(sr.senderInfo->octetCount, 172000U);
    ASSERT_EQ(sr.blockCount, 1);
    const RtcpReportBlock& block = sr.blocks[0];
    EXPECT_EQ(block.ssrc, 0xBBBB0002U);
    EXPECT_EQ(block.fractionLost, 64);
    EXPECT_EQ(block.cumulativeLost, 25);
    EXPECT_EQ(block.extendedHighestSeq, 0x1FFFFU);
    EXPECT_EQ(block.jitter, 40U);
    EXPECT_EQ(block.lastSr, 0x45678000U);
    EXPECT_EQ(block.delaySinceLastSr, 0x8000U);
}

TEST(RtcpParse, ReadsReceiverReportsWithNegativeLossByeAndXrVoipMetrics) {
    std::string rr;
    put32(rr, 0xBBBB0002);
    rr += reportBlock(1, 0, -3, 100, 7, 0, 0);
    rr += reportBlock(2, 255, 0x7FFFFF, 200, 8, 1, 2);
    std::string bye;
    put32(bye, 0xBBBB0002);
    std::string xr;
    put32(xr, 0xBBBB0002);
    xr += std::string("\x04\x00\x00\x02", 4) + std::string(8, '\0');  // an RRT block (type 4): skipped
    xr += std::string("\x07\x00\x00\x08", 4);                         // VoIP metrics, 8 words after its header
    put32(xr, 0xAAAA0001);
    xr += std::string("\x0A\x05\x20\x01", 4);  // loss, discard, burst density, gap density
    put16(xr, 120);                            // burst duration
    put16(xr, 3000);                           // gap duration
    put16(xr, 84);                             // round trip delay
    put16(xr, 40);                             // end system delay
    xr += std::string("\xEC\xB5\x7F\x10", 4);  // signal -20, noise -75, RERL 127, Gmin 16
    xr += std::string("\x5A\x7F\x29\x2A", 4);  // R 90, ext R 127, MOS-LQ 4.1, MOS-CQ 4.2
    xr += std::string("\x00\x00", 2);          // RX config, reserved
    put16(xr, 60);                             // JB nominal
    put16(xr, 120);                            // JB maximum
    put16(xr, 200);                            // JB abs max
    const std::string compound =
        rtcpHeader(2, 201, rr.size()) + rr + rtcpHeader(1, 203, bye.size()) + bye + rtcpHeader(0, 207, xr.size()) + xr;
    RtcpError error{};
    const auto rtcp = parseRtcp(compound, &error);
    ASSERT_TRUE(rtcp) << static_cast<int>(error);
    EXPECT_EQ(rtcp->packetCount, 3);
    EXPECT_TRUE(rtcp->bye);
    ASSERT_EQ(rtcp->reportCount, 1);
    EXPECT_FALSE(rtcp->reports[0].senderInfo);
    ASSERT_EQ(rtcp->reports[0].blockCount, 2);
    EXPECT_EQ(rtcp->reports[0].blocks[0].cumulativeLost, -3);
    EXPECT_EQ(rtcp->reports[0].blocks[1].cumulativeLost, 0x7FFFFF);
    EXPECT_EQ(rtcp->reports[0].blocks[1].fractionLost, 255);
    ASSERT_EQ(rtcp->voipMetricsCount, 1);
    const RtcpVoipMetrics& m = rtcp->voipMetrics[0];
    EXPECT_EQ(m.reporterSsrc, 0xBBBB0002U);
    EXPECT_EQ(m.ssrc, 0xAAAA0001U);
    EXPECT_EQ(m.lossRate, 10);
    EXPECT_EQ(m.discardRate, 5);
    EXPECT_EQ(m.burstDuration, 120);
    EXPECT_EQ(m.gapDuration, 3000);
    EXPECT_EQ(m.roundTripDelay, 84);
    EXPECT_EQ(m.endSystemDelay, 40);
    EXPECT_EQ(m.signalLevel, -20);
    EXPECT_EQ(m.noiseLevel, -75);
    EXPECT_EQ(m.rFactor, 90);
    EXPECT_EQ(m.mosLq, 41);
    EXPECT_EQ(m.mosCq, 42);
    EXPECT_EQ(m.jitterBufferNominal, 60);
    EXPECT_EQ(m.jitterBufferMaximum, 120);
    EXPECT_EQ(m.jitterBufferAbsMax, 200);
    EXPECT_EQ(rtcp->skipped, 2);  // the BYE and the RRT block
}

TEST(RtcpParse, RoundTripFromLsrAndDlsr) {
    // An SR sent at T (its compact NTP time is the LSR), held 250 ms by the peer (DLSR), the report arriving at
    // T + 330 ms: the round trip is 80 ms, to the 1/65536 s of the compact form.
    const std::int64_t sent = 1'700'000'000'250'000;
    RtcpReportBlock block;
    block.lastSr = compactNtp(sent);
    block.delaySinceLastSr = 250U * 65536U / 1000U;  // 16384000 / 1000, truncated like a real peer's
    const auto rtt = rtcpRoundTripMs(block, sent + 330'000);
    ASSERT_TRUE(rtt);
    EXPECT_NEAR(*rtt, 80.0, 0.05);
    // 1970-01-01 plus 1.5 s: NTP seconds 2208988801, low 16 bits 0x7E81; half a second is 0x8000.
    EXPECT_EQ(compactNtp(1'500'000), 0x7E818000U);
    EXPECT_FALSE(rtcpRoundTripMs(RtcpReportBlock{}, sent));  // no SR seen by the reporter
    EXPECT_FALSE(rtcpRoundTripMs(block, sent + 100'000));    // arrives before LSR + DLSR: clocks disagree
}

TEST(RtcpParse, RefusesMalformedCompounds) {
    RtcpError error{};
    const std::string good = senderReport() + sdes();
    EXPECT_FALSE(parseRtcp(good.substr(0, 7), &error));
    EXPECT_EQ(error, RtcpError::TooShort);
    EXPECT_FALSE(parseRtcp(good.substr(0, good.size() - 4), &error));  // SDES length past the end
    EXPECT_EQ(error, RtcpError::BadLength);
    EXPECT_FALSE(parseRtcp(good + "\x80", &error));  // a trailing byte: not a packet header
    EXPECT_EQ(error, RtcpError::TooShort);

    EXPECT_FALSE(parseRtcp(sdes() + senderReport(), &error));
    EXPECT_EQ(error, RtcpError::BadFirstPacket);

    std::string version = good;
    version[0] = static_cast<char>(0x40 | 1);
    EXPECT_FALSE(parseRtcp(version, &error));
    EXPECT_EQ(error, RtcpError::BadVersion);

    std::string rtp = Rtp{.payloadType = 0}.bytes();  // type byte 0: outside 192-223
    EXPECT_FALSE(parseRtcp(rtp, &error));
    EXPECT_EQ(error, RtcpError::BadType);

    std::string count = good;
    count[0] = static_cast<char>(0x80 | 2);  // two report blocks announced, room for one
    EXPECT_FALSE(parseRtcp(count, &error));
    EXPECT_EQ(error, RtcpError::BadLength);

    std::string padded = good;
    padded[0] = static_cast<char>(padded[0] | 0x20);  // padding in the first of two packets
    EXPECT_FALSE(parseRtcp(padded, &error));
    EXPECT_EQ(error, RtcpError::BadPadding);
}

// ---------------------------------------------------------------------------------------------------------------
// Stream statistics

constexpr std::int64_t Start = 1'700'000'000'000'000;  // µs

struct Feeder {
    RtpStream stream;
    std::string storage;

    explicit Feeder(const RtpStreamConfig& config = {}) : stream(config) {}

    void add(const Rtp& packet, std::int64_t arrivalUs) {
        const RtpHeader header = parsed(packet, storage);
        stream.add(header, storage.size(), arrivalUs);
    }
    // G.711 at 20 ms: packet n has sequence first + n, timestamp 160 n, arrives at 20 n ms.
    void g711(std::uint16_t sequence, std::uint32_t index, std::int64_t extraUs = 0) {
        add(Rtp{.sequence = sequence, .timestamp = 160 * index}, Start + 20'000 * std::int64_t{index} + extraUs);
    }
    const RtpStreamStats& stats() const { return stream.stats(); }
};

TEST(RtpStreamStats, CountsACleanStream) {
    Feeder feeder;
    for (std::uint32_t i = 0; i < 50; ++i) {
        feeder.g711(static_cast<std::uint16_t>(1000 + i), i);
    }
    const RtpStreamStats& s = feeder.stats();
    EXPECT_EQ(s.packets, 50U);
    EXPECT_EQ(s.bytes, 50U * 172U);
    EXPECT_EQ(s.expected, 50U);
    EXPECT_EQ(s.received, 50U);
    EXPECT_EQ(s.lost, 0);
    EXPECT_EQ(s.duplicates, 0U);
    EXPECT_EQ(s.outOfOrder, 0U);
    EXPECT_EQ(s.wraps, 0U);
    EXPECT_DOUBLE_EQ(s.jitterMaxMs, 0.0);
    EXPECT_DOUBLE_EQ(s.maxDeltaMs, 20.0);
    EXPECT_EQ(s.firstUs, Start);
    EXPECT_EQ(s.lastUs, Start + 49 * 20'000);
    EXPECT_EQ(s.ssrc, 0x11223344U);
    EXPECT_EQ(s.payloadType, 0);
}

// The timeline (the viewer's jitter/loss graph): 10 s of G.711 with packets 160-164 (3.20-3.28 s) lost and the packets
// of the seventh second arriving 0 or 30 ms late in turn: the loss is in the interval of 3 s, the jitter rises in the
// one of 6 s, and the points add up to the stream's figures.
TEST(RtpStreamStats, TimelineHasTheLossInItsSecondAndTheJitterInItsOwn) {
    Feeder feeder;
    for (std::uint32_t i = 0; i < 500; ++i) {
        if (i >= 160 && i < 165)
            continue;
        const std::int64_t late = i >= 300 && i < 348 && i % 2 == 1 ? 30'000 : 0;
        feeder.g711(static_cast<std::uint16_t>(i), i, late);
    }
    const RtpStreamStats& s = feeder.stats();
    const RtpTimeline& timeline = s.timeline;
    EXPECT_EQ(timeline.intervalUs, 1'000'000);
    ASSERT_EQ(timeline.points.size(), 10U);
    std::uint64_t received = 0;
    std::int64_t lost = 0;
    for (std::size_t second = 0; second < 10; ++second) {
        SCOPED_TRACE(second);
        const RtpIntervalPoint& point = timeline.points[second];
        EXPECT_EQ(point.received, second == 3 ? 45U : 50U);
        EXPECT_EQ(point.lost, second == 3 ? 5 : 0);
        received += point.received;
        lost += point.lost;
    }
    EXPECT_EQ(received, s.received);
    EXPECT_EQ(lost, s.lost);
    EXPECT_FLOAT_EQ(timeline.points[5].jitterMs, 0.0f);
    EXPECT_GT(timeline.points[6].jitterMs, 10.0f);  // |D| of 30 ms each packet: the estimate climbs towards 30 ms
    EXPECT_LT(timeline.points[7].jitterMs, timeline.points[6].jitterMs);  // and decays once they are on time
}

// Seconds without a packet are points too (nothing received or lost, the jitter as it was); the loss of a gap in
// the sequence counts where the next packet arrives.
TEST(RtpStreamStats, TimelineKeepsSilentSecondsAndCountsAGapWhereItEnds) {
    Feeder feeder;
    for (std::uint32_t i = 0; i < 50; ++i)
        feeder.g711(static_cast<std::uint16_t>(i), i);
    for (std::uint32_t i = 250; i < 300; ++i)  // 4 s of silence, sequence numbers skipped too
        feeder.g711(static_cast<std::uint16_t>(i), i);
    const RtpTimeline& timeline = feeder.stats().timeline;
    ASSERT_EQ(timeline.points.size(), 6U);
    for (std::size_t second = 1; second < 5; ++second) {
        EXPECT_EQ(timeline.points[second].received, 0U);
        EXPECT_EQ(timeline.points[second].lost, 0);
        EXPECT_EQ(timeline.points[second].jitterMs, timeline.points[0].jitterMs);
    }
    EXPECT_EQ(timeline.points[5].received, 50U);
    EXPECT_EQ(timeline.points[5].lost, 200);
}

// Hours of RTP stay bounded: past MaxPoints seconds neighbouring points merge and the interval doubles; the figures
// still add up and a loss stays in the interval of its time.
TEST(RtpStreamStats, TimelineMergesIntervalsWhenTheCapBites) {
    Feeder feeder;
    constexpr std::uint32_t Packets = 1500 * 10;  // 1500 s at 10 packets/s
    for (std::uint32_t i = 0; i < Packets; ++i) {
        if (i >= 12'345 && i < 12'348)  // at 1234.5 s
            continue;
        feeder.add(Rtp{.sequence = static_cast<std::uint16_t>(i), .timestamp = 800 * i},
                   Start + 100'000 * std::int64_t{i});
    }
    const RtpStreamStats& s = feeder.stats();
    EXPECT_LE(s.timeline.points.size(), RtpTimeline::MaxPoints);
    EXPECT_EQ(s.timeline.intervalUs, 4'000'000);  // 1 s, 2 s (past 600 s), 4 s (past 1200 s)
    std::uint64_t received = 0;
    std::int64_t lost = 0;
    for (const RtpIntervalPoint& point : s.timeline.points) {
        received += point.received;
        lost += point.lost;
    }
    EXPECT_EQ(received, s.received);
    EXPECT_EQ(lost, 3);
    EXPECT_EQ(s.timeline.points[1234 / 4].lost, 3);
    EXPECT_EQ(s.timeline.points[1234 / 4].received, 37U);
}

TEST(RtpStreamStats, CountsLossAcrossASequenceWrap) {
    Feeder feeder;
    std::uint32_t index = 0;
    for (std::uint32_t sequence = 65530; sequence < 65536 + 10; ++sequence, ++index) {
        if (sequence == 65535 || sequence == 65536 + 3 || sequence == 65536 + 4) {
            continue;  // three lost, one of them right at the wrap
        }
        feeder.g711(static_cast<std::uint16_t>(sequence), index);
    }
    const RtpStreamStats& s = feeder.stats();
    EXPECT_EQ(s.wraps, 1U);
    EXPECT_EQ(s.expected, 16U);
    EXPECT_EQ(s.received, 13U);
    EXPECT_EQ(s.lost, 3);
    EXPECT_NEAR(s.lostPercent(), 3.0 * 100 / 16, 1e-9);
    EXPECT_DOUBLE_EQ(s.maxDeltaMs, 60.0);  // the gap of the two consecutive losses
}

// Max delta and jitter as tshark's -z rtp,streams takes them (issue 15's corpus test): the gap before a talkspurt
// (marker bit), comfort noise and the packet after it are not network delay; a timestamp that restarts on the next
// sequence number is the sender's restart, not a late packet.
TEST(RtpStreamStats, MaxDeltaLeavesOutSilenceSuppressionAsWiresharkDoes) {
    Feeder talkspurts;
    for (std::uint32_t i = 0; i < 10; ++i)
        talkspurts.g711(static_cast<std::uint16_t>(i), i);
    // 2 s of silence, then a talkspurt starting with the marker bit: its 2 s gap is not a delta.
    talkspurts.add(Rtp{.sequence = 10, .timestamp = 160 * 110, .marker = true}, Start + 20'000 * 110);
    for (std::uint32_t i = 111; i < 120; ++i)
        talkspurts.g711(static_cast<std::uint16_t>(i - 100), i);
    EXPECT_DOUBLE_EQ(talkspurts.stats().maxDeltaMs, 20.0);
    EXPECT_EQ(talkspurts.stats().markers, 1U);

    Feeder comfortNoise;
    for (std::uint32_t i = 0; i < 10; ++i)
        comfortNoise.g711(static_cast<std::uint16_t>(i), i);
    // Comfort noise (RFC 3389, payload type 13) 500 ms later, then audio 1 s after that: neither gap counts.
    comfortNoise.add(Rtp{.payloadType = 13, .sequence = 10, .timestamp = 160 * 35}, Start + 20'000 * 35);
    comfortNoise.g711(11, 85);
    comfortNoise.g711(12, 86, 5'000);  // late by 5 ms: the one delta over 20 ms that counts
    EXPECT_DOUBLE_EQ(comfortNoise.stats().maxDeltaMs, 25.0);
    EXPECT_GT(comfortNoise.stats().jitterMaxMs, 0.0);

    Feeder restart;
    for (std::uint32_t i = 0; i < 10; ++i)
        restart.g711(static_cast<std::uint16_t>(i), 1000 + i);
    // The sender restarts its timestamps at 0 on the next sequence number, 30 ms after the last packet.
    restart.add(Rtp{.sequence = 10, .timestamp = 0}, Start + 20'000 * 1009 + 30'000);
    for (std::uint32_t i = 1; i < 10; ++i)
        restart.add(Rtp{.sequence = static_cast<std::uint16_t>(10 + i), .timestamp = 160 * i},
                    Start + 20'000 * 1009 + 30'000 + 20'000 * std::int64_t{i} + (i == 5 ? 4'000 : 0));
    EXPECT_DOUBLE_EQ(restart.stats().maxDeltaMs, 24.0);  // packets after the restart are measured again
    EXPECT_LT(restart.stats().jitterMaxMs, 1.0);         // the restart is no jitter
    EXPECT_GT(restart.stats().jitterMaxMs, 0.0);
}

TEST(RtpStreamStats, TellsDuplicatesFromReordering) {
    Feeder feeder;
    // 0 1 3 2 4 4 5 1: 2 late (out of order), 4 twice, 1 again (duplicate, behind the maximum)
    const std::uint16_t order[] = {0, 1, 3, 2, 4, 4, 5, 1};
    std::uint32_t index = 0;
    for (std::uint16_t sequence : order) {
        feeder.g711(sequence, sequence, index++);
    }
    const RtpStreamStats& s = feeder.stats();
    EXPECT_EQ(s.packets, 8U);
    EXPECT_EQ(s.outOfOrder, 1U);
    EXPECT_EQ(s.duplicates, 2U);
    EXPECT_EQ(s.expected, 6U);
    EXPECT_EQ(s.lost, -2);  // RFC 3550 A.3: duplicates are received packets
}

TEST(RtpStreamStats, FollowsAnSsrcChangeAndARestartedSequence) {
    Feeder feeder;
    for (std::uint32_t i = 0; i < 10; ++i) {
        feeder.g711(static_cast<std::uint16_t>(100 + i), i);
    }
    for (std::uint32_t i = 10; i < 20; ++i) {  // a new source numbering from 40000
        Rtp packet{.sequence = static_cast<std::uint16_t>(40000 + i), .timestamp = 160 * i, .ssrc = 0x55667788};
        feeder.add(packet, Start + 20'000 * i);
    }
    EXPECT_EQ(feeder.stats().ssrcChanges, 1U);
    EXPECT_EQ(feeder.stats().ssrc, 0x55667788U);
    EXPECT_EQ(feeder.stats().expected, 20U);
    EXPECT_EQ(feeder.stats().lost, 0);

    // Same SSRC, sequence jumps by 20000: the first packet after the jump is held back, the second confirms it.
    feeder.add(Rtp{.sequence = 60000, .timestamp = 3200, .ssrc = 0x55667788}, Start + 400'000);
    EXPECT_EQ(feeder.stats().restarts, 0U);
    EXPECT_EQ(feeder.stats().expected, 20U);
    feeder.add(Rtp{.sequence = 60001, .timestamp = 3360, .ssrc = 0x55667788}, Start + 420'000);
    EXPECT_EQ(feeder.stats().restarts, 1U);
    EXPECT_EQ(feeder.stats().expected, 21U);
    EXPECT_EQ(feeder.stats().received, 21U);
    EXPECT_EQ(feeder.stats().packets, 22U);
}

TEST(RtpStreamStats, JitterMatchesAHandComputedValue) {
    Feeder feeder;
    // Timestamps every 160 units (20 ms at 8 kHz); arrivals at 0, 20, 45, 60, 80 ms.
    // Transit differences D (ms): 0 (first pair), +5, -5, 0 -> in units: 0, 40, 40, 0.
    // J1 = 0; J2 = 0 + (40 - 0)/16 = 2.5; J3 = 2.5 + (40 - 2.5)/16 = 4.84375; J4 = 4.84375 - 4.84375/16 = 4.541015625
    const std::int64_t arrivalsMs[] = {0, 20, 45, 60, 80};
    for (std::uint32_t i = 0; i < 5; ++i) {
        feeder.add(Rtp{.sequence = static_cast<std::uint16_t>(i), .timestamp = 160 * i}, Start + arrivalsMs[i] * 1000);
    }
    const RtpStreamStats& s = feeder.stats();
    const double units[] = {0.0, 2.5, 4.84375, 4.541015625};
    EXPECT_NEAR(s.jitterMs, units[3] / 8.0, 1e-9);
    EXPECT_NEAR(s.jitterMaxMs, units[2] / 8.0, 1e-9);
    EXPECT_NEAR(s.jitterMeanMs, (units[0] + units[1] + units[2] + units[3]) / 4.0 / 8.0, 1e-9);
    EXPECT_DOUBLE_EQ(s.maxDeltaMs, 25.0);
}

TEST(RtpStreamStats, JitterUsesTheDynamicClockRateAndSurvivesATimestampWrap) {
    RtpStreamConfig config;
    config.dynamicClockRates[111] = 48000;
    Feeder feeder(config);
    // Opus at 48 kHz, 20 ms = 960 units; the timestamp wraps after the second packet; the third arrives 10 ms late.
    const std::uint32_t first = 0xFFFFFFFFU - 1500;
    const std::int64_t arrivalsMs[] = {0, 20, 50};
    for (std::uint32_t i = 0; i < 3; ++i) {
        feeder.add(Rtp{.payloadType = 111, .sequence = static_cast<std::uint16_t>(i), .timestamp = first + 960 * i},
                   Start + arrivalsMs[i] * 1000);
    }
    // D = 0, then 10 ms = 480 units: J = 480 / 16 = 30 units = 0.625 ms.
    EXPECT_NEAR(feeder.stats().jitterMs, 0.625, 1e-9);
    EXPECT_EQ(feeder.stats().lost, 0);

    Feeder unknown;  // a dynamic type without a clock rate: no jitter at all
    for (std::uint32_t i = 0; i < 3; ++i) {
        unknown.add(Rtp{.payloadType = 100, .sequence = static_cast<std::uint16_t>(i), .timestamp = 960 * i},
                    Start + arrivalsMs[i] * 1000);
    }
    EXPECT_DOUBLE_EQ(unknown.stats().jitterMaxMs, 0.0);
    EXPECT_EQ(staticClockRate(9), 8000U);  // G.722's RTP clock (RFC 3551)
    EXPECT_EQ(staticClockRate(96), 0U);
}

TEST(RtpStreamStats, CountsPacketsLaterThanTheJitterBuffer) {
    RtpStreamConfig config;
    config.jitterBufferMs = 40.0;
    Feeder feeder(config);
    feeder.g711(0, 0);
    feeder.g711(1, 1, 30'000);  // 30 ms late: inside the buffer
    feeder.g711(2, 2, 50'000);  // 50 ms late: discarded
    feeder.g711(3, 3, -5'000);  // 5 ms early: the new reference
    feeder.g711(4, 4, 38'000);  // 43 ms after the reference: discarded
    EXPECT_EQ(feeder.stats().latePackets, 2U);
    EXPECT_EQ(feeder.stats().markers, 0U);
}

// The buffer adapts within 2 s: a lasting step of delay (a route change, a sender's timestamp jump) makes late only
// the packets of the next 1.5-2 s, not every packet after it; a spike costs only the packets it delays.
TEST(RtpStreamStats, TheJitterBufferAdaptsToALastingChangeOfDelay) {
    Feeder feeder;                             // 60 ms buffer
    for (std::uint32_t i = 0; i < 500; ++i) {  // 10 s; from 2 s on every packet 200 ms later, and a spike at 8 s
        const std::int64_t delayUs = (i >= 100 ? 200'000 : 0) + (i == 400 ? 100'000 : 0);
        feeder.g711(static_cast<std::uint16_t>(i), i, delayUs);
    }
    const std::uint64_t late = feeder.stats().latePackets;
    // The step's packets are late while the slots of the packets before it (up to 2.0 s) stay in the window: until
    // 3.5 s, 1.3 s of packets (65); and the spike.
    EXPECT_EQ(late, 65U + 1U);
}

std::string event(std::uint8_t code, bool end, std::uint16_t duration) {
    std::string out;
    out.push_back(static_cast<char>(code));
    out.push_back(static_cast<char>((end ? 0x80 : 0) | 10));
    put16(out, duration);
    return out;
}

TEST(RtpStreamStats, ReadsDtmfDigitsOncePerEvent) {
    RtpStreamConfig config;
    config.telephoneEventPayloadType = 101;
    Feeder feeder(config);
    std::uint16_t sequence = 0;
    std::int64_t now = Start;
    auto send = [&](std::uint8_t code, std::uint32_t timestamp, bool end, std::uint16_t duration, bool marker) {
        Rtp packet{.payloadType = 101, .sequence = sequence++, .timestamp = timestamp, .marker = marker};
        packet.payload = event(code, end, duration);
        feeder.add(packet, now);
        now += 50'000;
    };
    feeder.g711(sequence++, 0);
    // Digit 5: three progress packets, then the end packet three times.
    send(5, 8000, false, 400, true);
    send(5, 8000, false, 800, false);
    send(5, 8000, false, 1200, false);
    for (int i = 0; i < 3; ++i) {
        send(5, 8000, true, 1600, false);
    }
    const std::int64_t hashTime = now;
    send(11, 24000, false, 400, true);  // '#'
    send(11, 24000, true, 800, false);
    send(11, 24000, true, 800, false);
    send(16, 40000, true, 160, true);  // flash, a single end packet
    const RtpStreamStats& s = feeder.stats();
    ASSERT_EQ(s.digitCount, 3U);
    EXPECT_EQ(s.digits[0].digit, '5');
    EXPECT_EQ(s.digits[0].timeUs, Start);
    EXPECT_EQ(s.digits[0].durationUnits, 1600);
    EXPECT_TRUE(s.digits[0].ended);
    EXPECT_EQ(s.digits[1].digit, '#');
    EXPECT_EQ(s.digits[1].timeUs, hashTime);
    EXPECT_EQ(s.digits[1].durationUnits, 800);
    EXPECT_EQ(s.digits[2].digit, '!');
    EXPECT_EQ(s.markers, 3U);
    EXPECT_EQ(s.payloadType, 0);           // the voice's, not the events'
    EXPECT_DOUBLE_EQ(s.jitterMaxMs, 0.0);  // event packets stay out of the jitter
    EXPECT_EQ(s.lost, 0);
}

// ---------------------------------------------------------------------------------------------------------------
// E-model

TEST(EModel, DefaultConnectionRatesAsG107Says) {
    EXPECT_NEAR(eModelRating({.codec = MosCodec::G711}), 93.2, 1e-9);
    EXPECT_NEAR(estimateMos({.codec = MosCodec::G711}), 4.41, 0.005);
    // G.107 Annex B reference points of the R to MOS mapping.
    EXPECT_NEAR(mosFromRating(50.0), 2.575, 1e-9);
    EXPECT_NEAR(mosFromRating(80.0), 4.024, 1e-9);
    EXPECT_DOUBLE_EQ(mosFromRating(-5.0), 1.0);
    EXPECT_DOUBLE_EQ(mosFromRating(120.0), 4.5);
    // G.729A: Ie = 11 -> R = 82.2.
    EXPECT_NEAR(eModelRating({.codec = MosCodec::G729}), 82.2, 1e-9);
}

TEST(EModel, CodecsFromRtpmapNames) {
    EXPECT_EQ(mosCodecFor("PCMU"), MosCodec::G711);
    EXPECT_EQ(mosCodecFor("pcma"), MosCodec::G711);
    EXPECT_EQ(mosCodecFor("G722"), MosCodec::G722);
    EXPECT_EQ(mosCodecFor("G729"), MosCodec::G729);
    EXPECT_EQ(mosCodecFor("opus"), MosCodec::Opus);
    EXPECT_FALSE(mosCodecFor("telephone-event"));
    EXPECT_FALSE(mosCodecFor("PCM"));
}

TEST(EModel, LossFollowsTheIeEffFormula) {
    // G.711 with concealment, 2 % random loss: Ie,eff = 95 * 2 / (2 + 25.1) = 7.0111 -> R = 86.189
    EXPECT_NEAR(eModelRating({.codec = MosCodec::G711, .networkLossPercent = 2.0}), 93.2 - 190.0 / 27.1, 1e-9);
    // Jitter-buffer discards add to the network loss.
    EXPECT_NEAR(eModelRating({.codec = MosCodec::G711, .networkLossPercent = 1.0, .lateLossPercent = 1.0}),
                93.2 - 190.0 / 27.1, 1e-9);
    // G.729A, 1 %: Ie,eff = 11 + 84 / 20 = 15.2
    EXPECT_NEAR(eModelRating({.codec = MosCodec::G729, .networkLossPercent = 1.0}), 93.2 - 15.2, 1e-9);
    // Without concealment G.711 suffers far more from the same loss.
    EXPECT_LT(estimateMos({.codec = MosCodec::G711NoPlc, .networkLossPercent = 2.0}),
              estimateMos({.codec = MosCodec::G711, .networkLossPercent = 2.0}) - 0.5);
}

TEST(EModel, MosFallsMonotonicallyWithLossAndDelay) {
    for (MosCodec codec : {MosCodec::G711, MosCodec::G711NoPlc, MosCodec::G722, MosCodec::G729, MosCodec::Opus}) {
        double previous = 5.0;
        for (double loss = 0.0; loss <= 100.0; loss += 0.5) {
            const double mos = estimateMos({.codec = codec, .networkLossPercent = loss});
            EXPECT_LE(mos, previous) << static_cast<int>(codec) << " at " << loss << " %";
            EXPECT_GE(mos, 1.0);
            previous = mos;
        }
        EXPECT_LT(estimateMos({.codec = codec, .networkLossPercent = 20.0}), 3.0);
    }
    EXPECT_DOUBLE_EQ(eModelRating({.oneWayDelayMs = 100.0}), 93.2);
    double previous = 93.2;
    for (double delay = 120.0; delay <= 800.0; delay += 20.0) {
        const double rating = eModelRating({.oneWayDelayMs = delay});
        EXPECT_LT(rating, previous) << delay;
        previous = rating;
    }
    // Idd at 400 ms: X = 2, 25 * ((1 + 64)^(1/6) - 3 (1 + (2/3)^6)^(1/6) + 2)
    const double x6 = std::pow(2.0 / 3.0, 6.0);
    EXPECT_NEAR(eModelRating({.oneWayDelayMs = 400.0}),
                93.2 - 25.0 * (std::pow(65.0, 1.0 / 6.0) - 3.0 * std::pow(1.0 + x6, 1.0 / 6.0) + 2.0), 1e-9);
}

}  // namespace
