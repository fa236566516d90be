// Media end to end (issue 15): generated captures of calls with SDP and RTP imported into a database, and the
// streams, verdicts and media statistics read back. Each scenario injects what it checks: loss, reordering,
// duplicates, a sequence wrap, an SSRC change, DTMF, one-way audio, no media, a re-INVITE moving media, a NATed
// address, rtcp-mux, late media, a stream no SDP announced, and the rtp-streams limit.
#include "common/error.hpp"
#include "store/database.hpp"
#include "store/ingest.hpp"
#include "store/reader.hpp"
#include "tests/tools/media_calls.hpp"
#include "tests/tools/run.hpp"
#include "tests/tools/test_sql.hpp"

#include <gtest/gtest.h>

#include <string>

using namespace sipscope;
using test::RtpFlow;
using test::SipCall;
using test::TimedPcap;

namespace {

constexpr std::uint32_t Alice = 0x0a000001, Bob = 0x0a000002;

struct Imported {
    test::TempDir dir;
    store::IngestReport report;
    std::unique_ptr<store::Reader> reader;

    explicit Imported(const TimedPcap& pcap, const store::IngestOptions& options = {}) {
        pcap.write(dir.file("media.pcap"));
        report = store::importFiles(dir.database(), {dir.file("media.pcap")}, options);
        reader = std::make_unique<store::Reader>(dir.database());
    }
    store::CallRow call(const std::string& callId) const { return *reader->findCall(callId); }
    std::vector<store::StreamRow> streams(const std::string& callId) const {
        return reader->callStreams(call(callId).key);
    }
    std::string verdict(const std::string& callId) const {
        const auto assessment = reader->mediaVerdict(call(callId));
        return assessment ? std::string(decode::mediaVerdictName(assessment->verdict)) : "-";
    }
};

const store::StreamRow& from(const std::vector<store::StreamRow>& streams, std::uint16_t srcPort) {
    for (const store::StreamRow& stream : streams)
        if (stream.src.port == srcPort)
            return stream;
    throw std::runtime_error("no stream from port " + std::to_string(srcPort));
}

// A call with a plain offer/answer: Alice receives on 4000, Bob on 5000.
SipCall plainCall(const std::string& callId, std::int64_t atUs, std::uint16_t alicePort = 4000,
                  std::uint16_t bobPort = 5000, const std::string& offerAttributes = "",
                  const std::string& answerAttributes = "") {
    return {callId,
            Alice,
            Bob,
            test::audioSdp(Alice, alicePort, offerAttributes),
            test::audioSdp(Bob, bobPort, answerAttributes),
            atUs,
            atUs + 3'000'000};
}

TEST(Media, StreamCountersFromInjectedImpairments) {
    TimedPcap pcap;
    const SipCall call = plainCall("impaired", 1'000'000);
    call.write(pcap);
    const std::int64_t rtpStart = call.answeredUs() + 20'000;
    // Alice -> Bob: sequence 10 and 11 lost, 20 and 21 swapped, 30 sent twice, the digit 5 as RFC 4733 events.
    test::rtpFlow(Alice, 4000, Bob, 5000, rtpStart, 100, 0xA11CE).write(pcap, [](int i, RtpFlow::Packet& p) {
        if (i == 9 || i == 10)
            return false;
        if (i == 19 || i == 20)
            p.sequence = static_cast<std::uint16_t>(i == 19 ? 21 : 20);
        if (i >= 60 && i < 64) {
            p.payloadType = 101;
            p.timestamp = 60 * 160;  // every packet of one event has the event's start
            p.payload = test::dtmfPayload(5, i == 63, static_cast<std::uint16_t>((i - 59) * 160));
        }
        return true;
    });
    test::rtpFlow(Alice, 4000, Bob, 5000, rtpStart + 29 * 20'000 + 5'000, 1, 0xA11CE)
        .write(pcap, [](int, RtpFlow::Packet& p) {
            p.sequence = 30;
            p.timestamp = 29 * 160;
            return true;
        });
    // Bob -> Alice: starts just below the wrap, and changes SSRC after 60 packets.
    RtpFlow back = test::rtpFlow(Bob, 5000, Alice, 4000, rtpStart, 100, 0xB0B);
    back.firstSequence = 65'500;
    back.write(pcap, [](int i, RtpFlow::Packet& p) {
        if (i >= 60)
            p.ssrc = 0xB0B2;
        return true;
    });
    const Imported db(pcap);
    const auto streams = db.streams("impaired");
    ASSERT_EQ(streams.size(), 2u);
    const store::StreamRow& out = from(streams, 4000);
    EXPECT_EQ(out.callId, "impaired");
    EXPECT_EQ(out.sender, decode::MediaParty::Offerer);
    EXPECT_EQ(out.packets, 99u);  // 100 - 2 lost + 1 duplicate
    EXPECT_EQ(out.expected, 100u);
    EXPECT_EQ(out.lost, 1);  // RFC 3550 A.3: expected - received, the duplicate counted as received
    EXPECT_EQ(out.duplicates, 1u);
    EXPECT_EQ(out.outOfOrder, 1u);
    EXPECT_EQ(out.ssrc, 0xA11CEu);
    EXPECT_EQ(out.codec, "PCMU");
    EXPECT_EQ(out.payloadType, 0);
    EXPECT_NEAR(out.maxDeltaMs, 60.0, 0.001);  // the gap of the two lost packets
    EXPECT_EQ(out.dtmf.substr(0, 2), "5@");
    ASSERT_TRUE(out.mos.has_value());
    EXPECT_GT(*out.mos, 3.0);
    const store::StreamRow& in = from(streams, 5000);
    EXPECT_EQ(in.sender, decode::MediaParty::Answerer);
    EXPECT_EQ(in.packets, 100u);
    EXPECT_EQ(in.wraps, 1u);
    EXPECT_EQ(in.ssrcChanges, 1u);
    EXPECT_EQ(in.ssrc, 0xB0B2u);
    EXPECT_EQ(in.lost, 0);
    EXPECT_EQ(db.verdict("impaired"), "ok");
    EXPECT_EQ(db.report.media.streamsAssociated, 2u);
}

// Through the store: an announcement (the caller offers recvonly, the server answers sendonly and plays) is `ok`,
// a call whose answer made the stream inactive and carries no RTP is `ok`, and a plain call with the same one-way
// RTP is still `one-way`.
TEST(Media, OneWayOrSilenceTheSdpAskedForIsOk) {
    TimedPcap pcap;
    const SipCall announcement = plainCall("announcement", 1'000'000, 4000, 5000, "a=recvonly\r\n", "a=sendonly\r\n");
    announcement.write(pcap);
    test::rtpFlow(Bob, 5000, Alice, 4000, announcement.answeredUs() + 10'000, 50, 1).write(pcap);
    const SipCall inactive = plainCall("inactive", 1'500'000, 4100, 5100, "a=inactive\r\n", "a=inactive\r\n");
    inactive.write(pcap);
    const SipCall oneWay = plainCall("one-way", 2'000'000, 4200, 5200);
    oneWay.write(pcap);
    test::rtpFlow(Bob, 5200, Alice, 4200, oneWay.answeredUs() + 10'000, 50, 2).write(pcap);

    const Imported db(pcap);
    EXPECT_EQ(db.verdict("announcement"), "ok");
    const auto reason = db.reader->mediaVerdict(db.call("announcement"))->reason;
    EXPECT_NE(reason.find("as the SDP negotiated (offer recvonly, answer sendonly)"), std::string::npos) << reason;
    EXPECT_EQ(db.verdict("inactive"), "ok");
    EXPECT_EQ(db.verdict("one-way"), "one-way");
    const store::MediaStats stats = db.reader->mediaStats({});
    EXPECT_EQ(stats.verdicts.at("ok"), 2u);
    EXPECT_EQ(stats.verdicts.at("one-way"), 1u);
}

TEST(Media, VerdictsOfOneWayNoMediaNatAndLateCalls) {
    TimedPcap pcap;
    const SipCall oneWay = plainCall("one-way", 1'000'000, 4000, 5000);
    oneWay.write(pcap);
    test::rtpFlow(Bob, 5000, Alice, 4000, oneWay.answeredUs() + 10'000, 50, 1).write(pcap);

    const SipCall silent = plainCall("silent", 1'500'000, 4100, 5100);
    silent.write(pcap);

    // Bob is behind a NAT: his SDP says 192.168.1.20, his RTP comes from 203.0.113.5, and Alice sends there.
    constexpr std::uint32_t Private = 0xc0a80114, Public = 0xcb007105;
    const SipCall nat{"nat",     Alice,    Bob, test::audioSdp(Alice, 4200), test::audioSdp(Private, 5200),
                      2'000'000, 5'000'000};
    nat.write(pcap);
    test::rtpFlow(Public, 5200, Alice, 4200, nat.answeredUs() + 10'000, 50, 2).write(pcap);
    test::rtpFlow(Alice, 4200, Public, 5200, nat.answeredUs() + 10'000, 50, 3).write(pcap);

    const SipCall late = plainCall("late", 2'500'000, 4300, 5300);
    late.write(pcap);
    test::rtpFlow(Alice, 4300, Bob, 5300, late.answeredUs() + 2'000'000, 20, 4).write(pcap);
    test::rtpFlow(Bob, 5300, Alice, 4300, late.answeredUs() + 2'100'000, 20, 5).write(pcap);

    const Imported db(pcap);
    EXPECT_EQ(db.verdict("one-way"), "one-way");
    EXPECT_EQ(db.verdict("silent"), "none");
    EXPECT_EQ(db.verdict("nat"), "wrong-address");
    EXPECT_EQ(db.verdict("late"), "late");
    const auto natStreams = db.streams("nat");
    ASSERT_EQ(natStreams.size(), 2u);
    EXPECT_TRUE(natStreams[0].addressMismatch && natStreams[1].addressMismatch);
    const auto reason = db.reader->mediaVerdict(db.call("late"))->reason;
    EXPECT_NE(reason.find("2.000 s after the answer"), std::string::npos) << reason;

    const store::MediaStats stats = db.reader->mediaStats({});
    EXPECT_EQ(stats.verdicts.at("one-way"), 1u);
    EXPECT_EQ(stats.verdicts.at("none"), 1u);
    EXPECT_EQ(stats.verdicts.at("wrong-address"), 1u);
    EXPECT_EQ(stats.verdicts.at("late"), 1u);
    EXPECT_EQ(stats.streams, 5u);
    ASSERT_TRUE(stats.meanMos.has_value());
}

TEST(Media, ReinviteMovesMediaAndRtcpMuxIsTiedBySsrc) {
    TimedPcap pcap;
    SipCall call = plainCall("moved", 1'000'000);
    call.answer = test::audioSdp(Bob, 5000, "a=rtcp-mux\r\n");
    call.byeUs = 4'000'000;
    call.write(pcap);
    const std::int64_t start = call.answeredUs() + 20'000;
    test::rtpFlow(Alice, 4000, Bob, 5000, start, 50, 0xA).write(pcap);
    test::rtpFlow(Bob, 5000, Alice, 4000, start, 50, 0xB).write(pcap);
    // Bob reports on Alice's stream on his (muxed) RTP port: 10 % lost.
    pcap.add({start + 600'000, Bob, Alice, 5000, 4000, test::rtcpReceiverReport(0xB, 0xA, 26, 5, 50, 40)});
    // Alice re-INVITEs: her media moves to port 4010; Bob answers with his address unchanged.
    const std::int64_t moveUs = start + 1'000'000;
    pcap.add({moveUs, Alice, Bob, 5060, 5060,
              test::sipWithSdp("INVITE sip:bob@example.com SIP/2.0", "moved", "2 INVITE", "t",
                               test::audioSdp(Alice, 4010))});
    pcap.add(
        {moveUs + 20'000, Bob, Alice, 5060, 5060,
         test::sipWithSdp("SIP/2.0 200 OK", "moved", "2 INVITE", "t", test::audioSdp(Bob, 5000, "a=rtcp-mux\r\n"))});
    pcap.add({moveUs + 30'000, Alice, Bob, 5060, 5060,
              test::sipMessage("ACK sip:bob@example.com SIP/2.0", "moved", "2 ACK", "", "t")});
    test::rtpFlow(Alice, 4010, Bob, 5000, moveUs + 40'000, 50, 0xA).write(pcap);
    test::rtpFlow(Bob, 5000, Alice, 4010, moveUs + 40'000, 50, 0xB).write(pcap);
    // A stream no SDP named, found by the heuristic.
    test::rtpFlow(0xc6336401, 30000, 0xc6336402, 30002, 1'000'000, 30, 0xC).write(pcap);

    const Imported db(pcap);
    const auto streams = db.streams("moved");
    ASSERT_EQ(streams.size(), 4u);
    for (const store::StreamRow& stream : streams) {
        EXPECT_EQ(stream.mediaIndex, 0);
        EXPECT_FALSE(stream.addressMismatch);
    }
    const store::StreamRow& first = from(streams, 4000);
    EXPECT_EQ(first.packets, 50u);
    EXPECT_EQ(first.rtcpReports, 1u);
    ASSERT_TRUE(first.rtcpLostPercent.has_value());
    EXPECT_NEAR(*first.rtcpLostPercent, 10.16, 0.01);  // 26/256
    EXPECT_EQ(first.rtcpCumulativeLost, 5);
    EXPECT_NEAR(*first.rtcpJitterMs, 5.0, 1e-9);  // 40 units at 8 kHz
    EXPECT_EQ(from(streams, 4010).packets, 50u);
    EXPECT_EQ(db.verdict("moved"), "ok");

    const auto all = db.reader->streams({});
    ASSERT_EQ(all.size(), 5u);
    const auto unassociated = std::find_if(all.begin(), all.end(), [](const auto& s) { return s.callKey == 0; });
    ASSERT_NE(unassociated, all.end());
    EXPECT_EQ(unassociated->packets, 30u);
    EXPECT_TRUE(unassociated->callId.empty());
    store::Filter host;
    host.host = "198.51.100.1";
    EXPECT_EQ(db.reader->streams(host).size(), 1u);
    store::Filter byCall;
    byCall.callId = "moved";
    EXPECT_EQ(db.reader->streams(byCall).size(), 4u);
}

TEST(Media, TheStreamLimitBitesAndIsCounted) {
    TimedPcap pcap;
    for (std::uint16_t i = 0; i < 6; ++i)
        test::rtpFlow(0xc6336401, static_cast<std::uint16_t>(30000 + 2 * i), 0xc6336402, 30000, 1'000'000 + i * 400'000,
                      10, i)
            .write(pcap);
    store::IngestOptions options;
    options.media.maxStreams = 2;
    const Imported db(pcap, options);
    EXPECT_GT(db.report.media.streamsEvicted, 0u);
    EXPECT_EQ(db.reader->streams({}).size(), 6u);  // each written, those evicted early flagged
    std::size_t evicted = 0;
    for (const auto& stream : db.reader->streams({}))
        evicted += stream.evicted;
    EXPECT_EQ(evicted, db.report.media.streamsEvicted);
}

// A capture made with a SIP-only filter has no RTP at all: its answered calls are still `none`, but the reason says
// that the capture, not the call, lacks media. A capture with RTP keeps the plain reason for its silent call.
TEST(Media, NoneSaysWhenTheCallsCaptureHadNoRtpAtAll) {
    test::TempDir dir;
    TimedPcap signallingOnly;
    plainCall("sip-only", 1'000'000).write(signallingOnly);
    signallingOnly.write(dir.file("sip.pcap"));
    TimedPcap withRtp;
    const SipCall talking = plainCall("talking", 10'000'000, 4000, 5000);
    talking.write(withRtp);
    test::rtpFlow(Alice, 4000, Bob, 5000, talking.answeredUs() + 10'000, 20, 0xA).write(withRtp);
    test::rtpFlow(Bob, 5000, Alice, 4000, talking.answeredUs() + 10'000, 20, 0xB).write(withRtp);
    plainCall("silent", 10'500'000, 4100, 5100).write(withRtp);
    withRtp.write(dir.file("rtp.pcap"));
    store::importFiles(dir.database(), {dir.file("sip.pcap"), dir.file("rtp.pcap")});

    store::Reader reader(dir.database());
    const auto sipOnly = reader.mediaVerdict(*reader.findCall("sip-only"));
    ASSERT_TRUE(sipOnly.has_value());
    EXPECT_EQ(sipOnly->verdict, decode::MediaVerdict::None);
    EXPECT_NE(sipOnly->reason.find("no RTP anywhere in this capture"), std::string::npos) << sipOnly->reason;
    const auto silent = reader.mediaVerdict(*reader.findCall("silent"));
    ASSERT_TRUE(silent.has_value());
    EXPECT_EQ(silent->verdict, decode::MediaVerdict::None);
    EXPECT_EQ(silent->reason, "answered, but no RTP of the call in the capture");
    const store::CallRow withStreams = *reader.findCall("talking");
    ASSERT_NE(withStreams.captureId, 0);
    EXPECT_NE(withStreams.captureId, reader.findCall("sip-only")->captureId);
    const auto streams = reader.callStreams(withStreams.key);
    ASSERT_EQ(streams.size(), 2u);
    for (const store::StreamRow& stream : streams)
        EXPECT_EQ(stream.captureId, withStreams.captureId);
}

// Schema 4 -> 5: streams written before capture_id existed get their call's capture (or the only capture).
TEST(Media, MigrationGivesOlderStreamsTheirCapture) {
    TimedPcap pcap;
    const SipCall call = plainCall("old", 1'000'000);
    call.write(pcap);
    test::rtpFlow(Alice, 4000, Bob, 5000, call.answeredUs() + 10'000, 20, 0xA).write(pcap);
    test::rtpFlow(0xc6336401, 30000, 0xc6336402, 30002, 1'000'000, 30, 0xC).write(pcap);  // unassociated
    const Imported db(pcap);
    const std::string path = db.dir.database();
    for (const char* sql : {"DROP INDEX streams_capture", "ALTER TABLE streams DROP COLUMN capture_id",
                            "ALTER TABLE streams DROP COLUMN series",  // schema 7's
                            "UPDATE meta SET value = '4' WHERE key = 'schema_version'"})
        test::execSql(path, sql);
    { store::Database upgraded(path, store::Database::Mode::ReadWrite); }
    store::Reader reader(path);
    const std::int64_t capture = reader.findCall("old")->captureId;
    ASSERT_NE(capture, 0);
    const auto streams = reader.streams({});
    ASSERT_EQ(streams.size(), 2u);
    for (const store::StreamRow& stream : streams)
        EXPECT_EQ(stream.captureId, capture) << stream.src.toString();
}

// The jitter/loss timeline of each stream (streams.series), written by the import and read back: 6 s of Alice's RTP
// with packets 130-133 (2.6-2.68 s after its start) lost, Bob's clean; a database of schema 6 gets the column
// (NULL: no series for the streams it had) and new imports fill it.
TEST(Media, StreamSeriesRoundTripAndMigration) {
    TimedPcap pcap;
    const SipCall call = plainCall("series", 1'000'000);
    call.write(pcap);
    const std::int64_t start = call.answeredUs() + 20'000;
    test::rtpFlow(Alice, 4000, Bob, 5000, start, 300, 0xA).write(pcap, [](int i, RtpFlow::Packet&) {
        return i < 130 || i > 133;
    });
    test::rtpFlow(Bob, 5000, Alice, 4000, start, 300, 0xB).write(pcap);
    const Imported db(pcap);
    const auto streams = db.streams("series");
    ASSERT_EQ(streams.size(), 2u);
    const store::StreamRow& alice = from(streams, 4000);
    const std::optional<store::StreamSeries> series = db.reader->streamSeries(alice.id);
    ASSERT_TRUE(series);
    EXPECT_EQ(series->firstUs, alice.firstUs);
    EXPECT_EQ(series->intervalUs, 1'000'000);
    ASSERT_EQ(series->points.size(), 6u);
    std::int64_t lost = 0;
    for (std::size_t second = 0; second < 6; ++second) {
        SCOPED_TRACE(second);
        EXPECT_EQ(series->points[second].received, second == 2 ? 46u : 50u);
        EXPECT_EQ(series->points[second].lost, second == 2 ? 4 : 0);
        EXPECT_FLOAT_EQ(series->points[second].jitterMs, 0.0f);
        lost += series->points[second].lost;
    }
    EXPECT_EQ(lost, alice.lost);
    const auto bob = db.reader->streamSeries(from(streams, 5000).id);
    ASSERT_TRUE(bob);
    EXPECT_EQ(bob->points.size(), 6u);
    EXPECT_FALSE(db.reader->streamSeries(999'999)) << "no such stream";

    const std::string path = db.dir.database();
    for (const char* sql :
         {"ALTER TABLE streams DROP COLUMN series", "UPDATE meta SET value = '6' WHERE key = 'schema_version'"})
        test::execSql(path, sql);
    EXPECT_THROW(store::Reader{path}, Error) << "a read-only open names sipscope migrate";
    { store::Database upgraded(path, store::Database::Mode::ReadWrite); }
    const store::Reader migrated(path);
    EXPECT_EQ(migrated.callStreams(migrated.findCall("series")->key).size(), 2u);
    EXPECT_FALSE(migrated.streamSeries(alice.id)) << "written before schema 7: no series";
}

// A damaged series value reads as none, never as wrong points.
TEST(Media, DamagedSeriesReadsAsNone) {
    TimedPcap pcap;
    const SipCall call = plainCall("damaged", 1'000'000);
    call.write(pcap);
    test::rtpFlow(Alice, 4000, Bob, 5000, call.answeredUs() + 20'000, 100, 0xA).write(pcap);
    const Imported db(pcap);
    const std::string path = db.dir.database();
    const bool isPostgres = store::isPostgresDatabase(path);
    for (const char* hex : {"01", "02e8073f", "01c0843d05010000", "01ffffffffffffffffffff"}) {
        SCOPED_TRACE(hex);
        // A blob literal in each dialect: X'..' in SQLite, '\x..' in PostgreSQL.
        const std::string value = isPostgres ? std::string("'\\x") + hex + "'" : std::string("x'") + hex + "'";
        test::execSql(path, "UPDATE streams SET series = " + value);
        const store::Reader reader(path);
        EXPECT_FALSE(reader.streamSeries(reader.streams({}).front().id));
    }
}

// A B2BUA that passes the SDP through while the media flows end to end: both legs' SDPs name the same addresses,
// the tracker ties each stream to one leg, and each leg's verdict still counts the streams between its addresses.
TEST(Media, LegsOfAB2buaWithMediaEndToEndAreBothOk) {
    constexpr std::uint32_t B2bua = 0x0a000009;
    TimedPcap pcap;
    const SipCall legA{"leg-a",   Alice,    B2bua, test::audioSdp(Alice, 4000), test::audioSdp(Bob, 5000),
                       1'000'000, 4'000'000};
    const SipCall legB{"leg-b",   B2bua,    Bob, test::audioSdp(Alice, 4000), test::audioSdp(Bob, 5000),
                       1'010'000, 4'000'000};
    legA.write(pcap);
    legB.write(pcap);
    test::rtpFlow(Alice, 4000, Bob, 5000, legB.answeredUs() + 20'000, 50, 0xA).write(pcap);
    test::rtpFlow(Bob, 5000, Alice, 4000, legB.answeredUs() + 20'000, 50, 0xB).write(pcap);
    const Imported db(pcap);
    EXPECT_EQ(db.streams("leg-a").size() + db.streams("leg-b").size(), 2u);
    for (const char* leg : {"leg-a", "leg-b"}) {
        SCOPED_TRACE(leg);
        const auto verdict = db.reader->mediaVerdict(db.call(leg));
        ASSERT_TRUE(verdict.has_value());
        EXPECT_EQ(verdict->verdict, decode::MediaVerdict::Ok) << verdict->reason;
    }
    EXPECT_EQ(db.reader->mediaStats({}).verdicts.at("ok"), 2u);
}

}  // namespace
