// Correlator rules beyond one INVITE dialog: early media, call kinds, SDP offer/answer roles, subscriptions and
// publications (RFC 6665, RFC 3903, RFC 3515), and calls linked across a B2BUA or by a transfer (RFC 3891).
#include "decode/correlator.hpp"
#include "decode/sip_parser.hpp"
#include "tests/decode/correlator_test_util.hpp"

#include <gtest/gtest.h>

#include <initializer_list>
#include <string>
#include <vector>

using namespace sipscope;
using namespace sipscope::decode;
using test::callOf;
using test::correlate;
using test::endpoint;

namespace {

constexpr std::string_view SdpBody = "v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\n"
                                     "m=audio 4000 RTP/AVP 0 101\r\na=rtpmap:101 telephone-event/8000\r\n";

// The usual headers of one transaction of a call.
std::vector<std::string> common(const std::string& callId, int cseq, const std::string& method,
                                const std::string& branch, const std::string& toTag = "",
                                const std::string& fromTag = "a1") {
    return {"Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK" + branch, "From: <sip:alice@example.com>;tag=" + fromTag,
            "To: <sip:bob@example.com>" + (toTag.empty() ? std::string() : ";tag=" + toTag), "Call-ID: " + callId,
            "CSeq: " + std::to_string(cseq) + " " + method};
}

std::string build(const std::string& startLine, const std::vector<std::string>& base,
                  std::initializer_list<std::string> extra = {}, bool sdp = false,
                  const std::string& contentType = "application/sdp") {
    std::string text = startLine + "\r\n";
    for (const std::string& header : base)
        text += header + "\r\n";
    for (const std::string& header : extra)
        text += header + "\r\n";
    std::string body;
    if (sdp) {
        body = std::string(SdpBody);
        text += "Content-Type: " + contentType + "\r\n";
    }
    text += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
    return text;
}

struct Run {
    std::vector<Correlation> correlations;
    std::vector<CallSummary> calls;
    CorrelatorStats stats;
};

Run run(const std::vector<std::string>& messages, CorrelatorLimits limits = {}, std::int64_t stepUs = 1000) {
    Correlator correlator(1, limits);
    SipParser parser;
    Run out;
    std::int64_t at = 0;
    for (const std::string& text : messages) {
        // Requests from 10.0.0.1 to 10.0.0.2, responses back (the start line tells).
        const bool isRequest = text.rfind("SIP/2.0 ", 0) != 0;
        MessageMeta meta{at, isRequest ? endpoint(1) : endpoint(2), isRequest ? endpoint(2) : endpoint(1),
                         capture::Transport::Udp};
        out.correlations.push_back(correlate(correlator, parser, text, meta));
        at += stepUs;
    }
    correlator.takeAll(out.calls);
    out.stats = correlator.stats();
    return out;
}

// [SECTION] Early media and kinds

TEST(CorrelatorEarlyMedia, SdpInA183IsEarlyMediaUntilAnswered) {
    const std::string inviteLine = "INVITE sip:bob@example.com SIP/2.0";
    const auto r = run({
        build(inviteLine, common("em", 1, "INVITE", "1"), {}, true),
        build("SIP/2.0 180 Ringing", common("em", 1, "INVITE", "1", "b1")),
        build("SIP/2.0 183 Session Progress", common("em", 1, "INVITE", "1", "b1"), {}, true),
        build("SIP/2.0 180 Ringing", common("em", 1, "INVITE", "1", "b1")),  // stays early media
    });
    EXPECT_EQ(r.calls[0].state, CallState::EarlyMedia);
    EXPECT_EQ(callStateName(r.calls[0].state), "early_media");
    EXPECT_TRUE(r.calls[0].hasEarlyMedia);

    const auto answered = run({
        build(inviteLine, common("em2", 1, "INVITE", "1"), {}, true),
        build("SIP/2.0 183 Session Progress", common("em2", 1, "INVITE", "1", "b1"), {}, true),
        build("SIP/2.0 200 OK", common("em2", 1, "INVITE", "1", "b1"), {}, true),
    });
    EXPECT_EQ(answered.calls[0].state, CallState::Answered);
    EXPECT_TRUE(answered.calls[0].hasEarlyMedia);

    // SDP inside multipart/mixed (SIP-I) counts too; a 183 without SDP is only ringing.
    const std::string mixed = "--b1\r\nContent-Type: application/sdp\r\n\r\n" + std::string(SdpBody) +
                              "\r\n--b1\r\nContent-Type: application/isup\r\n\r\nxx\r\n--b1--\r\n";
    std::string multipart = build("SIP/2.0 183 Session Progress", common("em3", 1, "INVITE", "1", "b1"),
                                  {"Content-Type: multipart/mixed;boundary=b1"});
    multipart.replace(multipart.find("Content-Length: 0"), std::string::npos,
                      "Content-Length: " + std::to_string(mixed.size()) + "\r\n\r\n" + mixed);
    const auto sipI = run({build(inviteLine, common("em3", 1, "INVITE", "1")), multipart});
    EXPECT_EQ(sipI.calls[0].state, CallState::EarlyMedia);
    const auto plain = run({build(inviteLine, common("em4", 1, "INVITE", "1")),
                            build("SIP/2.0 183 Session Progress", common("em4", 1, "INVITE", "1", "b1"))});
    EXPECT_EQ(plain.calls[0].state, CallState::Ringing);
    EXPECT_FALSE(plain.calls[0].hasEarlyMedia);
}

TEST(CorrelatorKinds, FirstMethodGivesTheKind) {
    const std::pair<const char*, CallKind> cases[] = {
        {"INVITE", CallKind::Call},         {"REGISTER", CallKind::Registration}, {"SUBSCRIBE", CallKind::Subscription},
        {"NOTIFY", CallKind::Subscription}, {"OPTIONS", CallKind::Options},       {"MESSAGE", CallKind::Message},
        {"PUBLISH", CallKind::Publish},     {"REFER", CallKind::Refer},           {"INFO", CallKind::Info},
        {"BYE", CallKind::Other},
    };
    for (const auto& [method, kind] : cases) {
        SCOPED_TRACE(method);
        const auto r = run({build(std::string(method) + " sip:bob@example.com SIP/2.0", common("k", 1, method, "1"),
                                  {"Event: presence"})});
        EXPECT_EQ(r.calls[0].kind, kind);
    }
    // Only a response captured: the CSeq method tells.
    const auto orphan = run({build("SIP/2.0 200 OK", common("k2", 1, "OPTIONS", "1", "b1"))});
    EXPECT_EQ(orphan.calls[0].kind, CallKind::Options);
    EXPECT_EQ(callKindName(CallKind::Registration), "registration");
}

// [SECTION] SDP offer/answer

TEST(CorrelatorOfferAnswer, OfferInInviteOrInTheAnswerAndUpdate) {
    const std::string inviteLine = "INVITE sip:bob@example.com SIP/2.0";
    const auto normal = run({
        build(inviteLine, common("oa", 1, "INVITE", "1"), {}, true),
        build("SIP/2.0 183 Session Progress", common("oa", 1, "INVITE", "1", "b1"), {}, true),
        build("SIP/2.0 200 OK", common("oa", 1, "INVITE", "1", "b1"), {}, true),
        build("ACK sip:bob@example.com SIP/2.0", common("oa", 1, "ACK", "2", "b1")),
        build("UPDATE sip:bob@example.com SIP/2.0", common("oa", 2, "UPDATE", "3", "b1"), {}, true),
        build("SIP/2.0 200 OK", common("oa", 2, "UPDATE", "3", "b1"), {}, true),
    });
    const SdpRole expected[] = {SdpRole::Offer, SdpRole::Answer, SdpRole::Answer,
                                SdpRole::None,  SdpRole::Offer,  SdpRole::Answer};
    for (std::size_t i = 0; i < std::size(expected); ++i)
        EXPECT_EQ(normal.correlations[i].sdpRole, expected[i]) << "message " << i;

    // Late offer (RFC 3261 §13.2.1): INVITE without SDP, the 2xx offers and the ACK answers.
    const auto late = run({
        build(inviteLine, common("late", 1, "INVITE", "1")),
        build("SIP/2.0 200 OK", common("late", 1, "INVITE", "1", "b1"), {}, true),
        build("ACK sip:bob@example.com SIP/2.0", common("late", 1, "ACK", "2", "b1"), {}, true),
    });
    EXPECT_EQ(late.correlations[0].sdpRole, SdpRole::None);
    EXPECT_EQ(late.correlations[1].sdpRole, SdpRole::Offer);
    EXPECT_EQ(late.correlations[2].sdpRole, SdpRole::Answer);
    EXPECT_EQ(sdpRoleName(SdpRole::Offer), "offer");
}

// [SECTION] Subscriptions and publications

TEST(CorrelatorSubscriptions, SubscribeNotifyActiveThenTerminated) {
    const std::string subscribeLine = "SUBSCRIBE sip:bob@example.com SIP/2.0";
    const std::string notifyLine = "NOTIFY sip:alice@10.0.0.1 SIP/2.0";
    // NOTIFYs come from the notifier: its tag in From, the subscriber's in To.
    auto notify = [](int cseq, const std::string& branch, const std::string& state) {
        return build("NOTIFY sip:alice@10.0.0.1 SIP/2.0",
                     {"Via: SIP/2.0/UDP 10.0.0.2:5060;branch=z9hG4bK" + branch, "From: <sip:bob@example.com>;tag=n1",
                      "To: <sip:alice@example.com>;tag=a1", "Call-ID: sub",
                      "CSeq: " + std::to_string(cseq) + " NOTIFY"},
                     {"Event: presence", "Subscription-State: " + state});
    };
    auto notifyOk = [](int cseq, const std::string& branch) {
        return build("SIP/2.0 200 OK", {"Via: SIP/2.0/UDP 10.0.0.2:5060;branch=z9hG4bK" + branch,
                                        "From: <sip:bob@example.com>;tag=n1", "To: <sip:alice@example.com>;tag=a1",
                                        "Call-ID: sub", "CSeq: " + std::to_string(cseq) + " NOTIFY"});
    };
    const auto r = run({
        build(subscribeLine, common("sub", 1, "SUBSCRIBE", "s1"), {"Event: presence", "Expires: 600"}),
        build("SIP/2.0 401 Unauthorized", common("sub", 1, "SUBSCRIBE", "s1", "n0")),
        build(subscribeLine, common("sub", 2, "SUBSCRIBE", "s2"), {"Event: presence", "Expires: 600"}),
        build("SIP/2.0 202 Accepted", common("sub", 2, "SUBSCRIBE", "s2", "n1"), {"Expires: 300"}),
        notify(1, "n1", "pending;expires=300"),
        notifyOk(1, "n1"),
        notify(2, "n2", "active;expires=290"),
        notifyOk(2, "n2"),
        notify(2, "n2", "active;expires=290"),  // a retransmission: not counted again
        build(subscribeLine, common("sub", 3, "SUBSCRIBE", "s3", "n1"), {"Event: presence", "Expires: 0"}),
        build("SIP/2.0 200 OK", common("sub", 3, "SUBSCRIBE", "s3", "n1"), {"Expires: 0"}),
        notify(3, "n3", "terminated;reason=timeout"),
    });
    const CallSummary& call = r.calls[0];
    EXPECT_EQ(call.kind, CallKind::Subscription);
    ASSERT_EQ(call.subscriptions.size(), 1u);
    const SubscriptionRecord& s = call.subscriptions[0];
    EXPECT_EQ(s.method, "SUBSCRIBE");
    EXPECT_EQ(s.event, "presence");
    EXPECT_EQ(s.resource, "sip:bob@example.com");
    EXPECT_EQ(s.subscriber, "sip:alice@example.com");
    EXPECT_EQ(s.requests, 3u);
    EXPECT_EQ(s.notifies, 3u);
    EXPECT_EQ(s.state, "terminated");
    EXPECT_EQ(s.reason, "timeout");
    EXPECT_EQ(s.expires, 0);
    EXPECT_EQ(s.status, 200);
    EXPECT_NE(s.dialogKey, 0u);
    EXPECT_EQ(s.dialogKey, r.correlations[4].dialogKey);  // the NOTIFYs' dialog
    EXPECT_EQ(s.startUs, 0);
    EXPECT_GT(s.terminatedUs, 0);
    EXPECT_TRUE(r.correlations[8].isRetransmission);
    // Its dialog: confirmed by the 202, ended by the terminating NOTIFY.
    ASSERT_EQ(call.dialogRecords.size(), 1u);
    EXPECT_EQ(call.dialogRecords[0].key, s.dialogKey);
    EXPECT_EQ(call.dialogRecords[0].confirmedUs, 3000);
    EXPECT_EQ(call.dialogRecords[0].state, DialogState::Terminated);
    EXPECT_EQ(call.dialogRecords[0].terminatedUs, 11000);  // the NOTIFY, after the unsubscribe's 200 at 10000
    EXPECT_EQ(s.terminatedUs, 10000);
}

TEST(CorrelatorSubscriptions, StateAfterEachStep) {
    const std::string subscribeLine = "SUBSCRIBE sip:bob@example.com SIP/2.0";
    // 202 then no NOTIFY: pending; 200: active; a 403: rejected; two packages in one dialog: two records.
    const auto accepted = run({build(subscribeLine, common("p", 1, "SUBSCRIBE", "1"), {"Event: dialog"}),
                               build("SIP/2.0 202 Accepted", common("p", 1, "SUBSCRIBE", "1", "n"), {"Expires: 60"})});
    EXPECT_EQ(accepted.calls[0].subscriptions.at(0).state, "pending");
    EXPECT_EQ(accepted.calls[0].subscriptions.at(0).grantedExpires, 60);
    const auto refused = run({build(subscribeLine, common("q", 1, "SUBSCRIBE", "1"), {"Event: presence"}),
                              build("SIP/2.0 403 Forbidden", common("q", 1, "SUBSCRIBE", "1", "n"))});
    EXPECT_EQ(refused.calls[0].subscriptions.at(0).state, "rejected");
    EXPECT_EQ(refused.calls[0].subscriptions.at(0).status, 403);
    const auto two = run({
        build(subscribeLine, common("t", 1, "SUBSCRIBE", "1"), {"Event: presence"}),
        build("SIP/2.0 200 OK", common("t", 1, "SUBSCRIBE", "1", "n")),
        build(subscribeLine, common("t", 2, "SUBSCRIBE", "2", "n"), {"Event: message-summary"}),
        build("SIP/2.0 200 OK", common("t", 2, "SUBSCRIBE", "2", "n")),
    });
    ASSERT_EQ(two.calls[0].subscriptions.size(), 2u);
    EXPECT_EQ(two.calls[0].subscriptions[0].event, "presence");
    EXPECT_EQ(two.calls[0].subscriptions[1].event, "message-summary");
    EXPECT_EQ(two.calls[0].subscriptions[1].state, "active");
    // NOTIFY alone (the SUBSCRIBE happened before the capture).
    const auto lone = run({build("NOTIFY sip:alice@10.0.0.1 SIP/2.0", common("l", 7, "NOTIFY", "1", "x"),
                                 {"Event: presence", "Subscription-State: active;expires=100"})});
    ASSERT_EQ(lone.calls[0].subscriptions.size(), 1u);
    EXPECT_EQ(lone.calls[0].subscriptions[0].method, "NOTIFY");
    EXPECT_EQ(lone.calls[0].subscriptions[0].state, "active");
    EXPECT_EQ(lone.calls[0].subscriptions[0].stateExpires, 100);
    EXPECT_EQ(lone.calls[0].kind, CallKind::Subscription);
}

TEST(CorrelatorSubscriptions, PublishKeepsTheETagChain) {
    const std::string publishLine = "PUBLISH sip:alice@example.com SIP/2.0";
    const auto r = run({
        build(publishLine, common("pub", 1, "PUBLISH", "1"), {"Event: presence", "Expires: 3600"}),
        build("SIP/2.0 200 OK", common("pub", 1, "PUBLISH", "1", "x"), {"SIP-ETag: dx200xyz", "Expires: 1800"}),
        build(publishLine, common("pub", 2, "PUBLISH", "2"),
              {"Event: presence", "SIP-If-Match: dx200xyz", "Expires: 1800"}),
        build("SIP/2.0 200 OK", common("pub", 2, "PUBLISH", "2", "x"), {"SIP-ETag: kwj449x", "Expires: 1800"}),
    });
    const CallSummary& call = r.calls[0];
    EXPECT_EQ(call.kind, CallKind::Publish);
    ASSERT_EQ(call.subscriptions.size(), 1u);
    const SubscriptionRecord& p = call.subscriptions[0];
    EXPECT_EQ(p.method, "PUBLISH");
    EXPECT_EQ(p.requests, 2u);
    EXPECT_EQ(p.etag, "kwj449x");
    EXPECT_EQ(p.ifMatch, "dx200xyz");
    EXPECT_EQ(p.grantedExpires, 1800);
    EXPECT_EQ(p.state, "active");
    EXPECT_EQ(p.dialogKey, 0u);  // a publication has no dialog
}

TEST(CorrelatorSubscriptions, ReferMakesAnImplicitSubscriptionItsNotifiesUpdate) {
    const auto r = run({
        build("INVITE sip:bob@example.com SIP/2.0", common("call", 1, "INVITE", "1")),
        build("SIP/2.0 200 OK", common("call", 1, "INVITE", "1", "b1")),
        build("REFER sip:bob@example.com SIP/2.0", common("call", 2, "REFER", "2", "b1"),
              {"Refer-To: <sip:carol@example.com>"}),
        build("SIP/2.0 202 Accepted", common("call", 2, "REFER", "2", "b1")),
        build("NOTIFY sip:alice@10.0.0.1 SIP/2.0",
              {"Via: SIP/2.0/UDP 10.0.0.2:5060;branch=z9hG4bKn", "From: <sip:bob@example.com>;tag=b1",
               "To: <sip:alice@example.com>;tag=a1", "Call-ID: call", "CSeq: 1 NOTIFY"},
              {"Event: refer", "Subscription-State: terminated;reason=noresource"}),
    });
    const CallSummary& call = r.calls[0];
    EXPECT_EQ(call.kind, CallKind::Call);
    ASSERT_EQ(call.subscriptions.size(), 1u);
    EXPECT_EQ(call.subscriptions[0].method, "REFER");
    EXPECT_EQ(call.subscriptions[0].event, "refer");
    EXPECT_EQ(call.subscriptions[0].eventId, "2");
    EXPECT_EQ(call.subscriptions[0].notifies, 1u);  // the NOTIFY without id joins the latest REFER's
    EXPECT_EQ(call.subscriptions[0].state, "terminated");
}

TEST(CorrelatorSubscriptions, NotifyWithoutSwappedTagsStillJoinsItsSubscription) {
    // Seen in the wild (ericsson-mts tutorial_SIP.pcap): the notifier copies From and To as the SUBSCRIBE had them.
    const auto r = run({
        build("SUBSCRIBE sip:bob@example.com SIP/2.0", common("ns", 1, "SUBSCRIBE", "1"), {"Event: conference"}),
        build("SIP/2.0 200 OK", common("ns", 1, "SUBSCRIBE", "1", "n1")),
        build("NOTIFY sip:alice@10.0.0.1 SIP/2.0", common("ns", 1, "NOTIFY", "2", "n1"),
              {"Event: conference", "Subscription-State: active"}),
    });
    ASSERT_EQ(r.calls[0].subscriptions.size(), 1u);
    EXPECT_EQ(r.calls[0].subscriptions[0].notifies, 1u);
    EXPECT_EQ(r.calls[0].subscriptions[0].state, "active");
}

TEST(CorrelatorSubscriptions, RecordsPerCallAreCapped) {
    CorrelatorLimits limits;
    limits.maxSubscriptionsPerCall = 1;
    const std::string subscribeLine = "SUBSCRIBE sip:bob@example.com SIP/2.0";
    const auto r = run(
        {
            build(subscribeLine, common("cap", 1, "SUBSCRIBE", "1"), {"Event: presence"}),
            build(subscribeLine, common("cap", 2, "SUBSCRIBE", "2"), {"Event: dialog"}),
            build(subscribeLine, common("cap", 3, "SUBSCRIBE", "3"), {"Event: message-summary"}),
        },
        limits);
    ASSERT_EQ(r.calls[0].subscriptions.size(), 1u);
    EXPECT_EQ(r.calls[0].subscriptions[0].event, "presence");
    EXPECT_EQ(r.calls[0].recordsDropped, 2u);
}

// [SECTION] Linked calls

TEST(CorrelatorLinks, B2buaLegsByCorrelationHeader) {
    const std::string inviteLine = "INVITE sip:bob@example.com SIP/2.0";
    const auto r = run({
        build(inviteLine, common("leg-a", 1, "INVITE", "1")),
        build(inviteLine, common("leg-b", 1, "INVITE", "2", "", "sbc"), {"X-Call-ID: leg-a"}),
        build(inviteLine, common("leg-c", 1, "INVITE", "3")),
        build(inviteLine, common("leg-d", 1, "INVITE", "4", "", "sbc2"), {"x-cid: shared-77"}),
        build(inviteLine, common("leg-e", 1, "INVITE", "5", "", "sbc3"), {"X-CID: shared-77"}),
        build(inviteLine, common("leg-f", 1, "INVITE", "6", "", "sbc4"), {"P-Leg: leg-c"}),
    });
    ASSERT_EQ(r.calls.size(), 6u);
    const CallSummary& b = callOf(r, "leg-b");
    ASSERT_EQ(b.links.size(), 1u);
    EXPECT_EQ(b.links[0].linkedKey, callOf(r, "leg-a").key);
    EXPECT_EQ(b.links[0].kind, "header");
    EXPECT_EQ(b.links[0].detail, "X-Call-ID: leg-a");
    // A shared correlation value links the second call that carries it to the first.
    ASSERT_EQ(callOf(r, "leg-e").links.size(), 1u);
    EXPECT_EQ(callOf(r, "leg-e").links[0].linkedKey, callOf(r, "leg-d").key);
    EXPECT_TRUE(callOf(r, "leg-a").links.empty());
    EXPECT_TRUE(callOf(r, "leg-f").links.empty());  // not a link header by default
    EXPECT_EQ(r.stats.callLinks, 2u);

    // A header name of the user's.
    CorrelatorLimits limits;
    limits.linkHeaders.push_back("P-Leg");
    const auto custom = run({build(inviteLine, common("leg-c", 1, "INVITE", "3")),
                             build(inviteLine, common("leg-f", 1, "INVITE", "6", "", "sbc4"), {"P-Leg: leg-c"})},
                            limits);
    ASSERT_EQ(callOf(custom, "leg-f").links.size(), 1u);
    EXPECT_EQ(callOf(custom, "leg-f").links[0].detail, "P-Leg: leg-c");

    // The B leg seen first names the A leg's Call-ID before the A leg appears.
    const auto reversed = run({build(inviteLine, common("late-b", 1, "INVITE", "2", "", "sbc"), {"X-Call-ID: late-a"}),
                               build(inviteLine, common("late-a", 1, "INVITE", "1"))});
    ASSERT_EQ(callOf(reversed, "late-a").links.size(), 1u);
    EXPECT_EQ(callOf(reversed, "late-a").links[0].linkedKey, callOf(reversed, "late-b").key);
}

TEST(CorrelatorLinks, AttendedTransferWithReplacesAndTheCallAReferTriggers) {
    const std::string inviteLine = "INVITE sip:bob@example.com SIP/2.0";
    const auto r = run({
        // Alice-Bob, then Alice-Carol (consultation); Alice refers Bob to Carol, replacing the consultation.
        build(inviteLine, common("ab", 1, "INVITE", "1")),
        build("SIP/2.0 200 OK", common("ab", 1, "INVITE", "1", "b1")),
        build("INVITE sip:carol@example.com SIP/2.0", common("ac", 1, "INVITE", "2", "", "a2")),
        build("SIP/2.0 200 OK", common("ac", 1, "INVITE", "2", "c1", "a2")),
        build("REFER sip:bob@example.com SIP/2.0", common("ab", 2, "REFER", "3", "b1"),
              {"Refer-To: <sip:carol@example.com?Replaces=ac%3Bto-tag%3Dc1%3Bfrom-tag%3Da2>",
               "Referred-By: <sip:alice@example.com>"}),
        // Bob's INVITE to Carol, with Replaces (RFC 3891).
        build("INVITE sip:carol@example.com SIP/2.0", common("bc", 1, "INVITE", "4", "", "b9"),
              {"Replaces: ac;to-tag=c1;from-tag=a2", "Referred-By: <sip:alice@example.com>"}),
    });
    const CallSummary& ab = callOf(r, "ab");
    const CallSummary& ac = callOf(r, "ac");
    const CallSummary& bc = callOf(r, "bc");
    ASSERT_EQ(ab.links.size(), 1u);
    EXPECT_EQ(ab.links[0].kind, "transfer");
    EXPECT_EQ(ab.links[0].linkedKey, ac.key);
    ASSERT_EQ(bc.links.size(), 2u);
    EXPECT_EQ(bc.links[0].kind, "replaces");
    EXPECT_EQ(bc.links[0].linkedKey, ac.key);
    EXPECT_EQ(bc.links[1].kind, "refer");  // the INVITE to the Refer-To target
    EXPECT_EQ(bc.links[1].linkedKey, ab.key);
}

TEST(CorrelatorLinks, BlindTransferOnlyWithinTheWindow) {
    CorrelatorLimits limits;
    limits.transferWindowUs = 10'000;
    const auto r = run(
        {
            build("REFER sip:bob@example.com SIP/2.0", common("x", 2, "REFER", "3", "b1"),
                  {"Refer-To: sip:carol@example.com"}),
            build("INVITE sip:dave@example.com SIP/2.0", common("other", 1, "INVITE", "4")),  // not the target
            build("INVITE sip:carol@example.com;transport=udp SIP/2.0", common("y", 1, "INVITE", "5")),
            build("REFER sip:bob@example.com SIP/2.0", common("x2", 2, "REFER", "6", "b1"),
                  {"Refer-To: sip:erin@example.com"}),
        },
        limits, 1000);
    const auto late = run(
        {
            build("REFER sip:bob@example.com SIP/2.0", common("x", 2, "REFER", "3", "b1"),
                  {"Refer-To: sip:carol@example.com"}),
            build("INVITE sip:carol@example.com SIP/2.0", common("y", 1, "INVITE", "5")),
        },
        limits, 20'000);
    ASSERT_EQ(callOf(r, "y").links.size(), 1u);
    EXPECT_EQ(callOf(r, "y").links[0].kind, "refer");
    EXPECT_EQ(callOf(r, "y").links[0].linkedKey, callOf(r, "x").key);
    EXPECT_TRUE(callOf(r, "other").links.empty());
    EXPECT_TRUE(callOf(late, "y").links.empty());  // 20 ms after the REFER, outside its 10 ms window
}

TEST(CorrelatorLinks, LinkMemoryIsBoundedAndEvictionsCounted) {
    CorrelatorLimits limits;
    limits.maxLinkValues = 2;
    limits.maxPendingTransfers = 1;
    const std::string inviteLine = "INVITE sip:bob@example.com SIP/2.0";
    const auto r = run(
        {
            build(inviteLine, common("one", 1, "INVITE", "1"), {"X-CID: v1"}),
            build(inviteLine, common("two", 1, "INVITE", "2"), {"X-CID: v2"}),
            build(inviteLine, common("three", 1, "INVITE", "3"), {"X-CID: v3"}),  // v1 is forgotten
            build(inviteLine, common("four", 1, "INVITE", "4", "", "s"), {"X-CID: v1"}),
            build(inviteLine, common("five", 1, "INVITE", "5", "", "s"), {"X-CID: v3"}),
            build("REFER sip:bob@example.com SIP/2.0", common("r1", 1, "REFER", "6"), {"Refer-To: sip:c@example.com"}),
            build("REFER sip:bob@example.com SIP/2.0", common("r2", 1, "REFER", "7"), {"Refer-To: sip:d@example.com"}),
            build("INVITE sip:c@example.com SIP/2.0", common("six", 1, "INVITE", "8")),  // r1's REFER was forgotten
        },
        limits);
    EXPECT_TRUE(callOf(r, "four").links.empty());
    ASSERT_EQ(callOf(r, "five").links.size(), 1u);
    EXPECT_EQ(callOf(r, "five").links[0].linkedKey, callOf(r, "three").key);
    EXPECT_TRUE(callOf(r, "six").links.empty());
    EXPECT_GE(r.stats.linkValuesEvicted, 1u);
    EXPECT_EQ(r.stats.transfersEvicted, 1u);
}

}  // namespace
