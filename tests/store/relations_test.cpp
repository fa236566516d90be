// The store's relations tables end to end: call kinds and early media, SDP offer/answer flags, media rows with
// their codecs (SDP alone and inside multipart), subscriptions and publications, linked calls (a link header named
// through IngestOptions), legs, and the v2 -> v3 migration that fills calls.kind.
#include "store/database.hpp"
#include "store/ingest.hpp"
#include "store/reader.hpp"
#include "tests/tools/pcap_writer.hpp"
#include "tests/tools/run.hpp"
#include "tests/tools/test_sql.hpp"

#include <gtest/gtest.h>

#include <initializer_list>

using namespace sipscope;

namespace {

constexpr std::uint32_t Alice = 0x0a000001;
constexpr std::uint32_t Bob = 0x0a000002;
constexpr std::uint32_t Sbc = 0x0a000003;

const std::string Offer = "v=0\r\no=alice 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\n"
                          "m=audio 49170 RTP/AVP 0 8 101\r\na=rtpmap:101 telephone-event/8000\r\na=ptime:20\r\n"
                          "m=video 0 RTP/AVP 96\r\n";
const std::string Answer = "v=0\r\no=bob 2 2 IN IP4 10.0.0.2\r\ns=-\r\nt=0 0\r\n"
                           "m=audio 3456 RTP/AVP 8 101\r\nc=IN IP4 10.0.0.2\r\na=rtpmap:8 PCMA/8000\r\n"
                           "a=rtpmap:101 telephone-event/8000\r\na=sendonly\r\n"
                           "m=video 0 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\n";

std::string sip(const std::string& startLine, const std::string& callId, const std::string& cseq,
                const std::string& fromTag, const std::string& toTag, std::initializer_list<std::string> headers = {},
                const std::string& body = "", const std::string& type = "application/sdp") {
    std::string text = startLine + "\r\nVia: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK" + callId + cseq.substr(0, 1) +
                       cseq.substr(cseq.find(' ') + 1, 1) + "\r\nFrom: <sip:alice@example.com>;tag=" + fromTag +
                       "\r\nTo: <sip:bob@example.com>" + (toTag.empty() ? "" : ";tag=" + toTag) +
                       "\r\nCall-ID: " + callId + "\r\nCSeq: " + cseq + "\r\n";
    for (const std::string& header : headers)
        text += header + "\r\n";
    if (!body.empty())
        text += "Content-Type: " + type + "\r\n";
    return text + "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

test::PcapWriter relationsCapture() {
    test::PcapWriter pcap;
    std::int64_t at = 1'000'000;
    auto add = [&](std::uint32_t src, std::uint32_t dst, const std::string& payload) {
        pcap.add({at, src, dst, 5060, 5060, payload});
        at += 10'000;
    };
    // An answered call with early media; the SBC's outgoing leg names it in P-Leg.
    add(Alice, Sbc, sip("INVITE sip:bob@example.com SIP/2.0", "leg-a", "1 INVITE", "a1", "", {}, Offer));
    add(Sbc, Bob, sip("INVITE sip:bob@example.com SIP/2.0", "leg-b", "1 INVITE", "s1", "", {"P-Leg: leg-a"}, Offer));
    add(Sbc, Alice, sip("SIP/2.0 183 Session Progress", "leg-a", "1 INVITE", "a1", "b1", {}, Answer));
    add(Sbc, Alice, sip("SIP/2.0 200 OK", "leg-a", "1 INVITE", "a1", "b1", {}, Answer));
    add(Alice, Sbc, sip("ACK sip:bob@example.com SIP/2.0", "leg-a", "1 ACK", "a1", "b1"));
    // SIP-I: SDP in multipart/mixed.
    const std::string mixed = "--sep\r\nContent-Type: application/isup\r\n\r\nxx\r\n--sep\r\n"
                              "Content-Type: application/sdp\r\n\r\n" +
                              Offer + "\r\n--sep--\r\n";
    add(Alice, Bob,
        sip("INVITE sip:bob@example.com SIP/2.0", "mp", "1 INVITE", "m1", "", {}, mixed,
            "multipart/mixed; boundary=sep"));
    // A presence subscription: 202, NOTIFY active, 200.
    add(Alice, Bob,
        sip("SUBSCRIBE sip:bob@example.com SIP/2.0", "sub", "1 SUBSCRIBE", "a9", "",
            {"Event: presence", "Expires: 600"}));
    add(Bob, Alice, sip("SIP/2.0 202 Accepted", "sub", "1 SUBSCRIBE", "a9", "n9", {"Expires: 600"}));
    add(Bob, Alice,
        "NOTIFY sip:alice@10.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.2:5060;branch=z9hG4bKn1\r\n"
        "From: <sip:bob@example.com>;tag=n9\r\nTo: <sip:alice@example.com>;tag=a9\r\nCall-ID: sub\r\n"
        "CSeq: 1 NOTIFY\r\nEvent: presence\r\nSubscription-State: active;expires=599\r\n"
        "Content-Length: 0\r\n\r\n");
    add(Alice, Bob,
        "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 10.0.0.2:5060;branch=z9hG4bKn1\r\n"
        "From: <sip:bob@example.com>;tag=n9\r\nTo: <sip:alice@example.com>;tag=a9\r\nCall-ID: sub\r\n"
        "CSeq: 1 NOTIFY\r\nContent-Length: 0\r\n\r\n");
    // A publication and an OPTIONS ping.
    add(Alice, Bob, sip("PUBLISH sip:alice@example.com SIP/2.0", "pub", "1 PUBLISH", "p1", "", {"Event: presence"}));
    add(Bob, Alice, sip("SIP/2.0 200 OK", "pub", "1 PUBLISH", "p1", "x", {"SIP-ETag: e1", "Expires: 3600"}));
    add(Alice, Bob, sip("OPTIONS sip:bob@example.com SIP/2.0", "opt", "1 OPTIONS", "o1", ""));
    return pcap;
}

std::string importRelations(const test::TempDir& dir) {
    relationsCapture().write(dir.file("r.pcap"));
    store::IngestOptions options;
    options.correlator.linkHeaders.push_back("P-Leg");
    const auto report = store::importFiles(dir.database(), {dir.file("r.pcap")}, options);
    EXPECT_FALSE(report.hasErrors());
    EXPECT_EQ(report.correlator.callLinks, 1u);
    return dir.database();
}

const store::CallRow& callOf(const std::vector<store::CallRow>& calls, const std::string& callId) {
    for (const auto& call : calls)
        if (call.callId == callId)
            return call;
    ADD_FAILURE() << "no call " << callId;
    return calls.front();
}

TEST(StoreRelations, KindsStatesAndLegs) {
    test::TempDir dir;
    store::Reader reader(importRelations(dir));
    const auto calls = reader.calls({});
    ASSERT_EQ(calls.size(), 6u);
    EXPECT_EQ(callOf(calls, "leg-a").kind, decode::CallKind::Call);
    EXPECT_EQ(callOf(calls, "leg-a").state, decode::CallState::Answered);
    EXPECT_TRUE(callOf(calls, "leg-a").hasEarlyMedia);
    EXPECT_EQ(callOf(calls, "sub").kind, decode::CallKind::Subscription);
    EXPECT_EQ(callOf(calls, "pub").kind, decode::CallKind::Publish);
    EXPECT_EQ(callOf(calls, "opt").kind, decode::CallKind::Options);
    EXPECT_EQ(callOf(calls, "leg-a").legs, 2u);
    EXPECT_EQ(callOf(calls, "leg-b").legs, 2u);
    EXPECT_EQ(callOf(calls, "opt").legs, 1u);
    EXPECT_EQ(reader.findCall("leg-b")->legs, 2u);

    store::Filter onlyOptions;
    onlyOptions.kind = "options";
    ASSERT_EQ(reader.calls(onlyOptions).size(), 1u);

    const auto linked = reader.linkedCalls(callOf(calls, "leg-a").key);
    ASSERT_EQ(linked.size(), 1u);
    EXPECT_EQ(linked[0].callId, "leg-b");
    EXPECT_EQ(linked[0].kind, "header");
    EXPECT_EQ(linked[0].detail, "P-Leg: leg-a");
    EXPECT_EQ(linked[0].state, decode::CallState::Calling);
    EXPECT_TRUE(reader.linkedCalls(callOf(calls, "opt").key).empty());
}

TEST(StoreRelations, MediaRowsNameTheirMessageAndCodecs) {
    test::TempDir dir;
    store::Reader reader(importRelations(dir));
    const auto calls = reader.calls({});
    const auto media = reader.callMedia(callOf(calls, "leg-a").key);
    ASSERT_EQ(media.size(), 6u);  // INVITE, 183, 200: two m= lines each
    EXPECT_EQ(media[0].role, decode::SdpRole::Offer);
    EXPECT_EQ(media[0].type, "audio");
    EXPECT_EQ(media[0].port, 49170);
    EXPECT_EQ(media[0].proto, "RTP/AVP");
    EXPECT_EQ(media[0].address, "10.0.0.1");  // session-level c=
    EXPECT_EQ(media[0].direction, "sendrecv");
    EXPECT_EQ(media[0].codecs, "PCMU/8000,PCMA/8000,telephone-event/8000");  // static types named too
    EXPECT_EQ(media[0].ptimeMs, 20);
    EXPECT_EQ(media[1].type, "video");
    EXPECT_EQ(media[1].port, 0);
    EXPECT_EQ(media[1].codecs, "96");  // a dynamic type without rtpmap stays a number
    EXPECT_FALSE(media[1].ptimeMs);
    EXPECT_EQ(media[2].role, decode::SdpRole::Answer);  // the 183
    EXPECT_EQ(media[2].address, "10.0.0.2");            // media-level c=
    EXPECT_EQ(media[2].direction, "sendonly");
    EXPECT_EQ(media[2].codecs, "PCMA/8000,telephone-event/8000");
    EXPECT_EQ(media[5].codecs, "H264/90000");

    // message_id points at the message that carried the SDP.
    const auto messages = reader.callMessages(callOf(calls, "leg-a").key, false);
    ASSERT_EQ(messages.size(), 4u);
    // Its dialog, confirmed by the 200: the state a value, as the media roles are.
    const auto dialogs = reader.callDialogs(callOf(calls, "leg-a").key);
    ASSERT_EQ(dialogs.size(), 1u);
    EXPECT_EQ(dialogs[0].state, decode::DialogState::Confirmed);
    EXPECT_EQ(media[0].messageId, messages[0].id);
    EXPECT_EQ(media[2].messageId, messages[1].id);
    EXPECT_EQ(media[4].messageId, messages[2].id);
    EXPECT_EQ(messages[0].sdpRole, decode::SdpRole::Offer);
    EXPECT_EQ(messages[1].sdpRole, decode::SdpRole::Answer);
    EXPECT_EQ(messages[3].sdpRole, decode::SdpRole::None);

    // SDP inside multipart/mixed is found, flagged and described.
    const auto multipart = reader.callMedia(callOf(calls, "mp").key);
    ASSERT_EQ(multipart.size(), 2u);
    EXPECT_EQ(multipart[0].codecs, "PCMU/8000,PCMA/8000,telephone-event/8000");
    EXPECT_TRUE(reader.callMessages(callOf(calls, "mp").key, false).at(0).hasSdp);
}

TEST(StoreRelations, RetransmissionsAddNoMediaRows) {
    test::TempDir dir;
    test::PcapWriter pcap;
    const std::string invite = sip("INVITE sip:bob@example.com SIP/2.0", "re", "1 INVITE", "a1", "", {}, Offer);
    pcap.add({1'000'000, Alice, Bob, 5060, 5060, invite});
    pcap.add({1'500'000, Alice, Bob, 5060, 5060, invite});  // Timer A fired
    pcap.write(dir.file("re.pcap"));
    store::importFiles(dir.database(), {dir.file("re.pcap")});
    store::Reader reader(dir.database());
    const auto calls = reader.calls({});
    ASSERT_EQ(calls.size(), 1u);
    const auto messages = reader.callMessages(calls[0].key, false);
    ASSERT_EQ(messages.size(), 2u);
    EXPECT_TRUE(messages[1].retransmission);
    EXPECT_TRUE(messages[1].hasSdp);
    const auto media = reader.callMedia(calls[0].key);
    ASSERT_EQ(media.size(), 2u);  // the original's two m= lines only
    EXPECT_EQ(media[0].messageId, messages[0].id);
    EXPECT_EQ(media[1].messageId, messages[0].id);
}

TEST(StoreRelations, SubscriptionsAndPublications) {
    test::TempDir dir;
    store::Reader reader(importRelations(dir));
    const auto rows = reader.subscriptions({});
    ASSERT_EQ(rows.size(), 2u);
    const store::SubscriptionRow& presence = rows[0];
    EXPECT_EQ(presence.callId, "sub");
    EXPECT_EQ(presence.method, "SUBSCRIBE");
    EXPECT_EQ(presence.event, "presence");
    EXPECT_EQ(presence.state, "active");
    EXPECT_EQ(presence.expires, 600);
    EXPECT_EQ(presence.grantedExpires, 600);
    EXPECT_EQ(presence.stateExpires, 599);
    EXPECT_EQ(presence.status, 202);
    EXPECT_EQ(presence.requests, 1u);
    EXPECT_EQ(presence.notifies, 1u);
    EXPECT_EQ(presence.resource, "sip:bob@example.com");
    EXPECT_EQ(presence.subscriber, "sip:alice@example.com");
    EXPECT_NE(presence.dialogKey, 0);
    ASSERT_TRUE(presence.src);
    EXPECT_EQ(presence.src->toString(), "10.0.0.1:5060");
    const store::SubscriptionRow& publication = rows[1];
    EXPECT_EQ(publication.method, "PUBLISH");
    EXPECT_EQ(publication.etag, "e1");
    EXPECT_EQ(publication.grantedExpires, 3600);

    store::Filter filter;
    filter.method = "publish";
    EXPECT_EQ(reader.subscriptions(filter).size(), 1u);
    filter = {};
    filter.state = "active";
    filter.event = "presence";
    EXPECT_EQ(reader.subscriptions(filter).size(), 2u);
    filter.to = "bob";      // the resource
    filter.from = "ALICE";  // the subscriber, case-insensitively
    EXPECT_EQ(reader.subscriptions(filter).size(), 2u);
    filter.to = "carol";
    EXPECT_TRUE(reader.subscriptions(filter).empty());
    filter = {};
    filter.callId = "pub";
    ASSERT_EQ(reader.subscriptions(filter).size(), 1u);
    EXPECT_EQ(reader.subscriptions(filter)[0].method, "PUBLISH");
    filter = {};
    filter.status = 481;
    EXPECT_TRUE(reader.subscriptions(filter).empty());
}

// A version 2 database (no calls.kind, no subscriptions/call_links/media) is migrated: kinds are derived from the
// first method, the new tables are created, and new imports fill them.
TEST(StoreRelations, MigrationFromVersion2FillsKinds) {
    test::TempDir dir;
    const std::string db = importRelations(dir);
    for (const char* sql : {"DROP TABLE subscriptions", "DROP TABLE call_links", "DROP TABLE media",
                            "ALTER TABLE calls DROP COLUMN kind", "ALTER TABLE registrations DROP COLUMN bindings",
                            "DROP INDEX captures_content_hash", "ALTER TABLE captures DROP COLUMN content_hash",
                            "DROP TABLE streams", "UPDATE meta SET value = '2' WHERE key = 'schema_version'"})
        test::execSql(db, sql);
    { store::Database upgraded(db, store::Database::Mode::ReadWrite); }
    store::Reader reader(db);
    const auto calls = reader.calls({});
    EXPECT_EQ(callOf(calls, "leg-a").kind, decode::CallKind::Call);
    EXPECT_EQ(callOf(calls, "sub").kind, decode::CallKind::Subscription);
    EXPECT_EQ(callOf(calls, "opt").kind, decode::CallKind::Options);
    EXPECT_TRUE(reader.subscriptions({}).empty());
    EXPECT_EQ(callOf(calls, "leg-a").legs, 1u);  // links were dropped with their table
}

}  // namespace
