// decode/media_tracker.hpp: RTP flows tied to calls by their SDP, the heuristic for the rest, RTCP by SSRC, the
// limits, and the per-call verdict (issue 15). Packets are built in the test (tests/decode/rtp_builder.hpp).
#include "decode/media_tracker.hpp"
#include "decode/sdp.hpp"
#include "tests/decode/rtp_builder.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

using namespace sipscope::decode;
using sipscope::capture::Endpoint;
using sipscope::capture::IpAddress;
using sipscope::capture::PayloadView;
using sipscope::test::rtcpReceiverReport;
using sipscope::test::rtpPacket;

Endpoint at(const char* text) { return *sipscope::capture::parseEndpoint(text); }

std::string sdp(const std::string& address, int port, const std::string& extra = "") {
    return "v=0\r\no=- 1 1 IN IP4 " + address + "\r\ns=-\r\nc=IN IP4 " + address + "\r\nt=0 0\r\nm=audio " +
           std::to_string(port) + " RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\n" +
           extra;
}

class Tracker {
public:
    explicit Tracker(MediaTrackerLimits limits = {}) : tracker(limits) {}

    void offerAnswer(std::uint64_t call, const std::string& offer, const std::string& answer) {
        tracker.onSdp(call, SdpRole::Offer, parser.parse(offer));
        tracker.onSdp(call, SdpRole::Answer, parser.parse(answer));
    }
    void send(const char* src, const char* dst, const std::string& bytes, std::int64_t timeUs) {
        PayloadView view;
        view.timestampUs = timeUs;
        view.src = at(src);
        view.dst = at(dst);
        view.bytes = bytes;
        tracker.onPacket(view);
    }
    // count packets of 20 ms, PCMU, from `first` on.
    void stream(const char* src, const char* dst, std::uint32_t ssrc, int count, std::int64_t startUs,
                std::uint16_t firstSequence = 1) {
        for (int i = 0; i < count; ++i)
            send(src, dst,
                 rtpPacket(0, static_cast<std::uint16_t>(firstSequence + i), static_cast<std::uint32_t>(i * 160), ssrc),
                 startUs + i * 20'000);
    }
    std::vector<MediaStreamRecord> finish() {
        tracker.finishAll();
        std::vector<MediaStreamRecord> out;
        tracker.takeFinished(out);
        return out;
    }

    MediaTracker tracker;
    SdpParser parser;
};

const MediaStreamRecord* streamFrom(const std::vector<MediaStreamRecord>& streams, const char* src) {
    for (const MediaStreamRecord& stream : streams)
        if (stream.src == at(src))
            return &stream;
    return nullptr;
}

TEST(MediaTracker, StreamsOfAnOfferAndAnswerAreTiedToTheCall) {
    Tracker t;
    t.offerAnswer(7, sdp("10.0.0.1", 4000), sdp("10.0.0.2", 5000));
    t.stream("10.0.0.1:4000", "10.0.0.2:5000", 0xA, 50, 1'000'000);
    t.stream("10.0.0.2:5000", "10.0.0.1:4000", 0xB, 40, 1'000'000);
    t.send("10.0.0.9:1111", "10.0.0.8:2222", "not rtp at all, some other udp", 1'000'000);
    const auto streams = t.finish();
    ASSERT_EQ(streams.size(), 2u);
    const MediaStreamRecord* fromOfferer = streamFrom(streams, "10.0.0.1:4000");
    const MediaStreamRecord* fromAnswerer = streamFrom(streams, "10.0.0.2:5000");
    ASSERT_TRUE(fromOfferer && fromAnswerer);
    EXPECT_EQ(fromOfferer->callKey, 7u);
    EXPECT_EQ(fromOfferer->mediaIndex, 0);
    EXPECT_EQ(fromOfferer->sender, MediaParty::Offerer);
    EXPECT_EQ(fromAnswerer->sender, MediaParty::Answerer);
    EXPECT_FALSE(fromOfferer->addressMismatch);
    EXPECT_EQ(fromOfferer->stats.packets, 50u);
    EXPECT_EQ(fromAnswerer->stats.packets, 40u);
    EXPECT_EQ(fromOfferer->stats.ssrc, 0xAu);
    EXPECT_EQ(fromOfferer->codec, "PCMU");
    EXPECT_EQ(fromOfferer->clockRate, 8000u);
    ASSERT_TRUE(fromOfferer->mos.has_value());
    EXPECT_NEAR(*fromOfferer->mos, estimateMos({}), 1e-9);  // no loss, no jitter: G.711's best
    EXPECT_EQ(t.tracker.stats().streamsAssociated, 2u);
    EXPECT_EQ(t.tracker.stats().rtpPackets, 90u);
}

// A call that is over forgets its SDP addresses (the table holds open calls only, issue 14): its streams already
// flowing keep their call; a flow that starts there afterwards is no stream of that call.
TEST(MediaTracker, AFinishedCallForgetsItsAddressesButNotItsStreams) {
    Tracker t;
    t.offerAnswer(7, sdp("10.0.0.1", 4000), sdp("10.0.0.2", 5000));
    t.offerAnswer(8, sdp("10.0.0.3", 4000), sdp("10.0.0.4", 5000));
    t.stream("10.0.0.1:4000", "10.0.0.2:5000", 0xA, 10, 1'000'000);
    t.tracker.onCallFinished(7);
    t.stream("10.0.0.1:4000", "10.0.0.2:5000", 0xA, 10, 1'200'000, 11);  // the same stream, after the BYE
    t.stream("10.0.0.2:5000", "10.0.0.1:4000", 0xB, 10, 1'200'000);      // starts only now: no call's
    t.stream("10.0.0.3:4000", "10.0.0.4:5000", 0xC, 10, 1'200'000);      // the open call's
    t.tracker.onCallFinished(99);                                        // no such call: nothing happens
    const auto streams = t.finish();
    ASSERT_EQ(streams.size(), 3u);
    const MediaStreamRecord* flowing = streamFrom(streams, "10.0.0.1:4000");
    const MediaStreamRecord* late = streamFrom(streams, "10.0.0.2:5000");
    const MediaStreamRecord* open = streamFrom(streams, "10.0.0.3:4000");
    ASSERT_TRUE(flowing && late && open);
    EXPECT_EQ(flowing->callKey, 7u);
    EXPECT_EQ(flowing->stats.packets, 20u);
    EXPECT_EQ(late->callKey, 0u);
    EXPECT_EQ(open->callKey, 8u);
}

TEST(MediaTracker, UnknownFlowsAreStreamsOnlyWhenTheHeuristicSaysRtp) {
    Tracker t;
    t.stream("192.0.2.1:30000", "192.0.2.2:30002", 0x55, 30, 0);
    for (int i = 0; i < 30; ++i)  // version 2 but random sequence numbers: not RTP
        t.send("192.0.2.1:999", "192.0.2.2:999", rtpPacket(0, static_cast<std::uint16_t>(i * 7919), 0, 1), i * 1000);
    const auto streams = t.finish();
    ASSERT_EQ(streams.size(), 1u);
    EXPECT_EQ(streams[0].callKey, 0u);
    EXPECT_EQ(streams[0].mediaIndex, -1);
    EXPECT_EQ(streams[0].stats.packets, 30u);  // the packets the heuristic tested count too
    EXPECT_EQ(streams[0].stats.lost, 0);
    EXPECT_EQ(streams[0].codec, "PCMU");  // static payload type 0
    EXPECT_EQ(t.tracker.stats().otherPackets, 30u);
}

TEST(MediaTracker, NatedSourceIsTiedByDestinationAndFlagged) {
    Tracker t;
    t.offerAnswer(3, sdp("10.0.0.1", 4000), sdp("192.168.1.20", 5000));
    t.stream("10.0.0.1:4000", "203.0.113.5:5000", 0xA, 10, 0);  // to the NAT's public address: not the SDP's
    t.stream("203.0.113.5:5000", "10.0.0.1:4000", 0xB, 10, 0);  // from the NAT's public address
    const auto streams = t.finish();
    ASSERT_EQ(streams.size(), 2u);
    for (const MediaStreamRecord& stream : streams) {
        EXPECT_EQ(stream.callKey, 3u);
        EXPECT_TRUE(stream.addressMismatch);
    }
    EXPECT_EQ(streamFrom(streams, "10.0.0.1:4000")->sender, MediaParty::Offerer);  // tied by its source
    EXPECT_EQ(streamFrom(streams, "203.0.113.5:5000")->sender, MediaParty::Answerer);
}

TEST(MediaTracker, ReinviteMovesTheMediaToANewStreamOfTheSameCall) {
    Tracker t;
    t.offerAnswer(9, sdp("10.0.0.1", 4000), sdp("10.0.0.2", 5000));
    t.stream("10.0.0.1:4000", "10.0.0.2:5000", 0xA, 10, 0);
    // The answerer re-INVITEs with a new port: it stays the answerer (same address).
    t.tracker.onSdp(9, SdpRole::Offer, t.parser.parse(sdp("10.0.0.2", 6000)));
    t.tracker.onSdp(9, SdpRole::Answer, t.parser.parse(sdp("10.0.0.1", 4000)));
    t.stream("10.0.0.1:4000", "10.0.0.2:6000", 0xA, 10, 1'000'000, 11);
    t.stream("10.0.0.2:6000", "10.0.0.1:4000", 0xC, 10, 1'000'000);
    const auto streams = t.finish();
    ASSERT_EQ(streams.size(), 3u);
    for (const MediaStreamRecord& stream : streams) {
        EXPECT_EQ(stream.callKey, 9u);
        EXPECT_FALSE(stream.addressMismatch) << stream.src.toString() << " -> " << stream.dst.toString();
    }
    EXPECT_EQ(streamFrom(streams, "10.0.0.2:6000")->sender, MediaParty::Answerer);
}

TEST(MediaTracker, AT38ReinviteEndsTheRtpStreamAndItsDatagramsAreNotCounted) {
    Tracker t;
    t.offerAnswer(4, sdp("10.0.0.1", 4000), sdp("10.0.0.2", 5000));
    t.stream("10.0.0.1:4000", "10.0.0.2:5000", 0xA, 10, 0);
    // A fax: the answerer re-INVITEs to T.38 on the same port; what comes there now is UDPTL, not RTP, even where
    // a datagram happens to parse as RTP.
    const std::string image = "v=0\r\no=- 1 2 IN IP4 10.0.0.2\r\ns=-\r\nc=IN IP4 10.0.0.2\r\nt=0 0\r\n"
                              "m=image 5000 udptl t38\r\n";
    t.tracker.onSdp(4, SdpRole::Offer, t.parser.parse(image));
    t.stream("10.0.0.1:4000", "10.0.0.2:5000", 0xA, 10, 1'000'000, 11);
    // Back to audio: a new stream of the call.
    t.tracker.onSdp(4, SdpRole::Offer, t.parser.parse(sdp("10.0.0.2", 5000)));
    t.stream("10.0.0.1:4000", "10.0.0.2:5000", 0xA, 10, 2'000'000, 21);
    const auto streams = t.finish();
    ASSERT_EQ(streams.size(), 2u);
    for (const MediaStreamRecord& stream : streams) {
        EXPECT_EQ(stream.callKey, 4u);
        EXPECT_EQ(stream.stats.packets, 10u);
    }
    EXPECT_EQ(t.tracker.stats().otherPackets, 10u);
}

TEST(MediaTracker, RtcpIsTiedBySsrcOnPortPlusOneAndMuxed) {
    Tracker t;
    t.offerAnswer(4, sdp("10.0.0.1", 4000), sdp("10.0.0.2", 5000, "a=rtcp-mux\r\n"));
    t.stream("10.0.0.1:4000", "10.0.0.2:5000", 0xA, 20, 0);
    t.stream("10.0.0.2:5000", "10.0.0.1:4000", 0xB, 20, 0);
    // The answerer reports on the offerer's stream (muxed: its RTP port); the offerer on port + 1.
    t.send("10.0.0.2:5000", "10.0.0.1:4000", rtcpReceiverReport(0xB, 0xA, 64, 3, 20, 80), 500'000);
    t.send("10.0.0.1:4001", "10.0.0.2:5000", rtcpReceiverReport(0xA, 0xB, 0, 0, 20, 16), 500'000);
    const auto streams = t.finish();
    ASSERT_EQ(streams.size(), 2u);
    const MediaStreamRecord* fromOfferer = streamFrom(streams, "10.0.0.1:4000");
    const MediaStreamRecord* fromAnswerer = streamFrom(streams, "10.0.0.2:5000");
    EXPECT_EQ(fromOfferer->rtcpReports, 1u);
    EXPECT_DOUBLE_EQ(*fromOfferer->rtcpLostPercent, 25.0);
    EXPECT_EQ(*fromOfferer->rtcpCumulativeLost, 3);
    EXPECT_DOUBLE_EQ(*fromOfferer->rtcpJitterMs, 10.0);  // 80 units at 8 kHz
    EXPECT_EQ(fromAnswerer->rtcpPackets, 1u);            // it sent the first report
    EXPECT_TRUE(fromAnswerer->rtcpMux);
    EXPECT_EQ(fromAnswerer->rtcpReports, 1u);
    EXPECT_DOUBLE_EQ(*fromAnswerer->rtcpJitterMs, 2.0);
    EXPECT_EQ(fromAnswerer->stats.packets, 20u);  // the muxed report is not an RTP packet
    EXPECT_EQ(t.tracker.stats().rtcpPackets, 2u);
}

TEST(MediaTracker, FlowsAreBoundedAndEvictionsCounted) {
    MediaTrackerLimits limits;
    limits.maxStreams = 2;
    Tracker t(limits);
    t.stream("192.0.2.1:30000", "192.0.2.2:30000", 1, 10, 0);
    t.stream("192.0.2.1:30002", "192.0.2.2:30002", 2, 10, 300'000);
    t.stream("192.0.2.1:30004", "192.0.2.2:30004", 3, 10, 600'000);
    EXPECT_LE(t.tracker.flows(), 2u);
    EXPECT_EQ(t.tracker.stats().streamsEvicted, 1u);
    std::vector<MediaStreamRecord> early;
    t.tracker.takeFinished(early);
    ASSERT_EQ(early.size(), 1u);
    EXPECT_TRUE(early[0].evicted);
    EXPECT_EQ(early[0].stats.ssrc, 1u);  // the least recently active
    EXPECT_EQ(t.finish().size(), 2u);
}

TEST(MediaTracker, IdleStreamsAreFinishedByCaptureTime) {
    Tracker t;
    t.stream("192.0.2.1:30000", "192.0.2.2:30000", 1, 10, 0);
    t.stream("192.0.2.1:30002", "192.0.2.2:30002", 2, 10, 61'000'000);
    ASSERT_TRUE(t.tracker.hasFinished());
    std::vector<MediaStreamRecord> idle;
    t.tracker.takeFinished(idle);
    ASSERT_EQ(idle.size(), 1u);
    EXPECT_EQ(idle[0].stats.ssrc, 1u);
    EXPECT_FALSE(idle[0].evicted);
    EXPECT_EQ(t.tracker.flows(), 1u);
}

StreamOfCall streamOf(MediaParty sender, std::int64_t firstUs, std::int64_t lastUs, bool mismatch = false) {
    StreamOfCall stream;
    stream.sender = sender;
    stream.firstUs = firstUs;
    stream.lastUs = lastUs;
    stream.packets = 100;
    stream.addressMismatch = mismatch;
    stream.src = at("10.0.0.1:4000");
    stream.dst = at("10.0.0.2:5000");
    return stream;
}

// RFC 3264 §6.1: each direction from its sender's view. One-way RTP is no fault when the SDP let only that party
// send (an announcement, music on hold), nor silence when it let nobody send; it still is when the silent party
// was meant to send.
TEST(MediaVerdict, OneWayOrSilenceTheSdpAskedForIsOk) {
    const NegotiatedMedia announcement = negotiatedMedia("recvonly", "sendonly", false);
    EXPECT_FALSE(announcement.offererSends);
    EXPECT_TRUE(announcement.answererSends);
    const NegotiatedMedia plain = negotiatedMedia("", "sendrecv", false);
    EXPECT_TRUE(plain.offererSends && plain.answererSends);
    const NegotiatedMedia hold = negotiatedMedia("sendonly", "recvonly", false);
    EXPECT_TRUE(hold.offererSends);
    EXPECT_FALSE(hold.answererSends);
    const NegotiatedMedia refused = negotiatedMedia("sendrecv", "sendrecv", true);
    EXPECT_FALSE(refused.offererSends || refused.answererSends);
    const NegotiatedMedia inactive = negotiatedMedia("inactive", "inactive", false);
    EXPECT_FALSE(inactive.offererSends || inactive.answererSends);

    const std::int64_t answer = 10'000'000;
    const std::vector<StreamOfCall> fromAnswerer = {streamOf(MediaParty::Answerer, answer, answer + 5'000'000)};
    const auto asked = assessMedia(answer, fromAnswerer, true, announcement);
    EXPECT_EQ(asked->verdict, MediaVerdict::Ok);
    EXPECT_NE(asked->reason.find("as the SDP negotiated (offer recvonly, answer sendonly)"), std::string::npos)
        << asked->reason;
    EXPECT_EQ(assessMedia(answer, fromAnswerer, true, hold)->verdict, MediaVerdict::OneWay);  // the wrong party
    EXPECT_EQ(assessMedia(answer, fromAnswerer, true, plain)->verdict, MediaVerdict::OneWay);
    EXPECT_EQ(assessMedia(answer, {}, true, inactive)->verdict, MediaVerdict::Ok);
    EXPECT_EQ(assessMedia(answer, {}, true, announcement)->verdict, MediaVerdict::None);
}

TEST(MediaVerdict, EachVerdictWithItsReason) {
    const std::int64_t answer = 10'000'000;
    EXPECT_FALSE(assessMedia(0, {}).has_value());  // not answered: no verdict

    const auto none = assessMedia(answer, {});
    EXPECT_EQ(none->verdict, MediaVerdict::None);
    EXPECT_NE(none->reason.find("no RTP"), std::string::npos);

    const std::vector<StreamOfCall> oneWay = {streamOf(MediaParty::Answerer, answer, answer + 5'000'000)};
    const auto oneWayVerdict = assessMedia(answer, oneWay);
    EXPECT_EQ(oneWayVerdict->verdict, MediaVerdict::OneWay);
    EXPECT_NE(oneWayVerdict->reason.find("from the answerer only"), std::string::npos) << oneWayVerdict->reason;

    const std::vector<StreamOfCall> earlyOnly = {streamOf(MediaParty::Answerer, 0, answer - 1),
                                                 streamOf(MediaParty::Offerer, 0, answer - 1)};
    EXPECT_EQ(assessMedia(answer, earlyOnly)->verdict, MediaVerdict::None);

    const std::vector<StreamOfCall> nat = {streamOf(MediaParty::Answerer, answer, answer + 5'000'000, true),
                                           streamOf(MediaParty::Offerer, answer, answer + 5'000'000)};
    const auto natVerdict = assessMedia(answer, nat);
    EXPECT_EQ(natVerdict->verdict, MediaVerdict::WrongAddress);
    EXPECT_NE(natVerdict->reason.find("10.0.0.1:4000 -> 10.0.0.2:5000"), std::string::npos);

    const std::vector<StreamOfCall> late = {streamOf(MediaParty::Answerer, answer + 1'500'000, answer + 5'000'000),
                                            streamOf(MediaParty::Offerer, answer + 1'200'000, answer + 5'000'000)};
    const auto lateVerdict = assessMedia(answer, late);
    EXPECT_EQ(lateVerdict->verdict, MediaVerdict::Late);
    EXPECT_NE(lateVerdict->reason.find("1.200 s after the answer"), std::string::npos) << lateVerdict->reason;

    // Early media that goes on after the answer, both ways: ok, not late.
    const std::vector<StreamOfCall> ok = {streamOf(MediaParty::Answerer, answer - 3'000'000, answer + 5'000'000),
                                          streamOf(MediaParty::Offerer, answer + 900'000, answer + 5'000'000)};
    EXPECT_EQ(assessMedia(answer, ok)->verdict, MediaVerdict::Ok);
    EXPECT_EQ(mediaVerdictName(MediaVerdict::WrongAddress), "wrong-address");
}

}  // namespace
