// Correlator outcomes and RFC 6076 timings: transaction timeouts (Timer B/F), failed versus rejected, forked calls
// (the kept dialog), hold/resume on glare, timings through a proxy (the call's first hop), and setup time.
#include "decode/correlator.hpp"
#include "decode/sip_parser.hpp"
#include "tests/decode/correlator_test_util.hpp"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

using namespace sipscope;
using namespace sipscope::decode;
using test::callOf;
using test::correlate;
using test::endpoint;

namespace {

const capture::Endpoint Alice = endpoint(1);
const capture::Endpoint Bob = endpoint(2);
const capture::Endpoint Proxy = endpoint(10);

constexpr std::int64_t Ms = 1'000;
constexpr std::int64_t Sec = 1'000'000;

// One SIP message: start line, Call-ID, CSeq, Via branches (top first), tags, and an SDP body with this direction
// attribute when `direction` is not empty.
struct Sip {
    Sip(std::string startLine_, std::string callId_ = "c", std::string cseq_ = "1 INVITE",
        std::vector<std::string> branches_ = {"z9hG4bKa"}, std::string toTag_ = "", std::string fromTag_ = "a1",
        std::string direction_ = "")
        : startLine(std::move(startLine_)), callId(std::move(callId_)), cseq(std::move(cseq_)),
          branches(std::move(branches_)), toTag(std::move(toTag_)), fromTag(std::move(fromTag_)),
          direction(std::move(direction_)) {}
    std::string startLine;
    std::string callId;
    std::string cseq;
    std::vector<std::string> branches;
    std::string toTag;
    std::string fromTag;  // "a1": the caller's; anything else: the callee's
    std::string direction;

    std::string text() const {
        std::string out = startLine + "\r\n";
        for (const std::string& branch : branches)
            out += "Via: SIP/2.0/UDP 10.0.0.1:5060;branch=" + branch + "\r\n";
        // In-dialog requests from the callee swap From and To, so the tags say who sent them.
        const bool fromCallee = fromTag != "a1";
        const std::string alice = "<sip:alice@example.com>;tag=a1";
        const std::string bob = "<sip:bob@example.com>";
        if (fromCallee)
            out += "From: " + bob + ";tag=" + fromTag + "\r\nTo: " + alice + "\r\n";
        else
            out += "From: " + alice + "\r\nTo: " + bob + (toTag.empty() ? "" : ";tag=" + toTag) + "\r\n";
        out += "Call-ID: " + callId + "\r\nCSeq: " + cseq + "\r\n";
        if (direction.empty())
            return out + "Content-Length: 0\r\n\r\n";
        const std::string body = "v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\n"
                                 "m=audio 4000 RTP/AVP 0\r\na=" +
                                 direction + "\r\n";
        return out + "Content-Type: application/sdp\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" +
               body;
    }
};

const std::string Invite = "INVITE sip:bob@example.com SIP/2.0";
const std::string Ack = "ACK sip:bob@example.com SIP/2.0";
const std::string Bye = "BYE sip:bob@example.com SIP/2.0";
const std::string ByeToAlice = "BYE sip:alice@example.com SIP/2.0";

struct Step {
    Sip sip;
    capture::Endpoint src;
    capture::Endpoint dst;
    std::int64_t atUs = 0;
    capture::Transport transport = capture::Transport::Udp;
};

struct Fed {
    std::vector<Correlation> correlations;
    std::vector<CallSummary> calls;
};

// Feeds the steps; then the capture's clock is at `endUs` (the last step's time when 0) and every call is taken.
Fed feed(const std::vector<Step>& steps, std::int64_t endUs = 0) {
    Correlator correlator(1);
    SipParser parser;
    Fed out;
    for (const Step& step : steps) {
        const std::string text = step.sip.text();
        out.correlations.push_back(
            correlate(correlator, parser, text, {step.atUs, step.src, step.dst, step.transport}));
    }
    correlator.takeFlushed(endUs ? endUs : steps.back().atUs, out.calls);
    correlator.takeAll(out.calls);
    return out;
}

// [SECTION] Timeouts and failures

// An INVITE retransmitted on Timer A's schedule (RFC 3261 §17.1.1.2) for 31.5 s with nothing back.
std::vector<Step> unansweredInvite(const std::string& callId) {
    std::vector<Step> steps;
    for (std::int64_t at : {0LL, 500LL, 1'500LL, 3'500LL, 7'500LL, 15'500LL, 31'500LL})
        steps.push_back({{Invite, callId}, Alice, Bob, at * Ms});
    return steps;
}

TEST(CorrelatorTimeouts, InviteWithoutResponsePastTimerBFails) {
    std::vector<Step> steps = unansweredInvite("lost");
    // The capture goes on: another call's OPTIONS at 33 s.
    steps.push_back({{"OPTIONS sip:bob@example.com SIP/2.0", "other", "1 OPTIONS"}, Alice, Bob, 33 * Sec});
    const Fed fed = feed(steps);
    const CallSummary& call = callOf(fed, "lost");
    EXPECT_EQ(call.state, CallState::Failed);
    EXPECT_EQ(call.reason, "timeout");
    EXPECT_EQ(call.finalStatus, 0);
    EXPECT_EQ(call.retransmissions, 6u);
}

TEST(CorrelatorTimeouts, CaptureEndingBeforeTimerBLeavesTheCallCalling) {
    const Fed fed = feed(unansweredInvite("short"), 31'900 * Ms);
    EXPECT_EQ(callOf(fed, "short").state, CallState::Calling);
    EXPECT_EQ(callOf(fed, "short").reason, "");
    // The capture's clock alone (no message of this call) is enough once it passes 32 s.
    const Fed later = feed(unansweredInvite("short"), 32 * Sec);
    EXPECT_EQ(callOf(later, "short").state, CallState::Failed);
    EXPECT_EQ(callOf(later, "short").reason, "timeout");
}

TEST(CorrelatorTimeouts, AProvisionalStopsTimerBButNotTimerF) {
    // RFC 3261 §17.1.1.2: Timer B only runs while the INVITE transaction is Calling; a 100 moves it on.
    const Fed invite =
        feed({{{Invite, "i"}, Alice, Bob, 0}, {{"SIP/2.0 100 Trying", "i"}, Bob, Alice, 10 * Ms}}, 60 * Sec);
    EXPECT_EQ(callOf(invite, "i").state, CallState::Proceeding);
    // §17.1.2.2: Timer F ends a non-INVITE transaction in Trying or Proceeding.
    const Fed options = feed({{{"OPTIONS sip:bob@example.com SIP/2.0", "o", "1 OPTIONS"}, Alice, Bob, 0},
                              {{"SIP/2.0 100 Trying", "o", "1 OPTIONS"}, Bob, Alice, 10 * Ms}},
                             40 * Sec);
    EXPECT_EQ(callOf(options, "o").state, CallState::Failed);
    EXPECT_EQ(callOf(options, "o").reason, "timeout");
    const Fed pending = feed({{{"OPTIONS sip:bob@example.com SIP/2.0", "p", "1 OPTIONS"}, Alice, Bob, 0}}, 20 * Sec);
    EXPECT_EQ(callOf(pending, "p").state, CallState::Pending);
}

TEST(CorrelatorTimeouts, TheAuthenticatedRetryRestartsTheClock) {
    const Fed fed = feed(
        {{{Invite, "auth"}, Alice, Bob, 0},
         {{"SIP/2.0 407 Proxy Authentication Required", "auth", "1 INVITE", {"z9hG4bKa"}, "p1"}, Bob, Alice, 10 * Ms},
         {{Ack, "auth", "1 ACK", {"z9hG4bKa"}, "p1"}, Alice, Bob, 20 * Ms},
         {{Invite, "auth", "2 INVITE", {"z9hG4bKb"}}, Alice, Bob, 20 * Sec}},
        40 * Sec);
    EXPECT_EQ(callOf(fed, "auth").state, CallState::Calling);  // 20 s since the retry
    const Fed later = feed(
        {{{Invite, "auth"}, Alice, Bob, 0},
         {{"SIP/2.0 407 Proxy Authentication Required", "auth", "1 INVITE", {"z9hG4bKa"}, "p1"}, Bob, Alice, 10 * Ms},
         {{Invite, "auth", "2 INVITE", {"z9hG4bKb"}}, Alice, Bob, 20 * Sec}},
        52 * Sec);
    EXPECT_EQ(callOf(later, "auth").state, CallState::Failed);
    EXPECT_EQ(callOf(later, "auth").reason, "timeout");
}

// A capture that starts inside a call: its first request is an ACK, which is never answered, so nothing times out.
TEST(CorrelatorTimeouts, AnAckIsNeverAnswered) {
    const Fed fed = feed({{{Ack, "mid", "1 ACK", {"z9hG4bKk"}, "b1"}, Alice, Bob, 0}}, 60 * Sec);
    EXPECT_EQ(callOf(fed, "mid").state, CallState::Pending);
    EXPECT_EQ(callOf(fed, "mid").reason, "");
}

// A live capture rewrites open calls as they stand: a call that timed out is handed out again though it had no
// message since the previous snapshot.
TEST(CorrelatorTimeouts, ALiveSnapshotSeesTheTimeout) {
    Correlator correlator(1);
    SipParser parser;
    const std::string invite = Sip{Invite, "live"}.text();
    correlator.onMessage(parser.parse(invite), {0, Alice, Bob, capture::Transport::Udp});
    correlator.onMessage(parser.parse(invite), {31'500 * Ms, Alice, Bob, capture::Transport::Udp});
    const std::string options = Sip{"OPTIONS sip:bob@example.com SIP/2.0", "o", "1 OPTIONS"}.text();
    correlator.onMessage(parser.parse(options), {32'500 * Ms, Alice, Bob, capture::Transport::Udp});
    std::vector<CallSummary> out;
    correlator.snapshotChanged(out);
    ASSERT_EQ(out.size(), 2u);
    out.clear();
    correlator.takeFlushed(33 * Sec, out);
    EXPECT_TRUE(out.empty());  // not flushed yet: a timed-out call lingers like any finished one
    correlator.snapshotChanged(out);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].callId, "live");
    EXPECT_EQ(out[0].state, CallState::Failed);
    EXPECT_EQ(out[0].reason, "timeout");
    out.clear();
    correlator.snapshotChanged(out);
    EXPECT_TRUE(out.empty());
    EXPECT_EQ(correlator.stats().callsTimedOut, 1u);
    correlator.takeFlushed(70 * Sec, out);  // then flushed as finished; the OPTIONS timed out meanwhile
    ASSERT_EQ(out.size(), 2u);
    EXPECT_EQ(correlator.stats().callsTimedOut, 2u);
}

// RFC 6076's ISA: 408 and server failures (5xx) are ineffective attempts, the network's or a server's fault; the
// others are the callee's answer.
TEST(CorrelatorTimeouts, NetworkAndServerFailuresFailUserRejectionsAreRejected) {
    struct Case {
        int status;
        CallState expected;
    };
    const Case cases[] = {
        {408, CallState::Failed},   {500, CallState::Failed},   {502, CallState::Failed},   {503, CallState::Failed},
        {504, CallState::Failed},   {486, CallState::Rejected}, {603, CallState::Rejected}, {404, CallState::Rejected},
        {480, CallState::Rejected}, {302, CallState::Rejected}, {600, CallState::Rejected}, {487, CallState::Cancelled},
    };
    for (const Case& c : cases) {
        SCOPED_TRACE(c.status);
        const Fed fed = feed({{{Invite, "f"}, Alice, Bob, 0},
                              {{"SIP/2.0 " + std::to_string(c.status) + " X", "f", "1 INVITE", {"z9hG4bKa"}, "b"},
                               Bob,
                               Alice,
                               10 * Ms}});
        EXPECT_EQ(callOf(fed, "f").state, c.expected);
        EXPECT_EQ(callOf(fed, "f").finalStatus, c.status);
    }
}

// [SECTION] Forked calls

// Two forks answer 200 (RFC 3261 §13.2.2.4): the caller keeps fork1's dialog and ends fork2's at once.
std::vector<Step> forkedCall(bool withKeptBye) {
    std::vector<Step> steps = {
        {{Invite, "fork"}, Alice, Bob, 0},
        {{"SIP/2.0 180 Ringing", "fork", "1 INVITE", {"z9hG4bKa"}, "f1"}, Bob, Alice, 100 * Ms},
        {{"SIP/2.0 180 Ringing", "fork", "1 INVITE", {"z9hG4bKa"}, "f2"}, Bob, Alice, 150 * Ms},
        {{"SIP/2.0 180 Ringing", "fork", "1 INVITE", {"z9hG4bKa"}, "f3"}, Bob, Alice, 160 * Ms},
        {{"SIP/2.0 200 OK", "fork", "1 INVITE", {"z9hG4bKa"}, "f1"}, Bob, Alice, 1'000 * Ms},
        {{Ack, "fork", "1 ACK", {"z9hG4bKk1"}, "f1"}, Alice, Bob, 1'001 * Ms},
        {{"SIP/2.0 200 OK", "fork", "1 INVITE", {"z9hG4bKa"}, "f2"}, Bob, Alice, 1'010 * Ms},
        {{Ack, "fork", "1 ACK", {"z9hG4bKk2"}, "f2"}, Alice, Bob, 1'011 * Ms},
        {{Bye, "fork", "2 BYE", {"z9hG4bKb2"}, "f2"}, Alice, Bob, 1'014 * Ms},
        {{"SIP/2.0 200 OK", "fork", "2 BYE", {"z9hG4bKb2"}, "f2"}, Bob, Alice, 1'020 * Ms},
    };
    if (withKeptBye) {
        steps.push_back({{Bye, "fork", "2 BYE", {"z9hG4bKb1"}, "f1"}, Alice, Bob, 3'002 * Ms});
        steps.push_back({{"SIP/2.0 200 OK", "fork", "2 BYE", {"z9hG4bKb1"}, "f1"}, Bob, Alice, 3'010 * Ms});
    }
    return steps;
}

TEST(CorrelatorForks, TalkTimeFollowsTheDialogThatWasKept) {
    const Fed fed = feed(forkedCall(true));
    const CallSummary& call = callOf(fed, "fork");
    EXPECT_EQ(call.state, CallState::Completed);
    EXPECT_EQ(call.answeredUs, 1'000 * Ms);
    EXPECT_EQ(call.byeUs, 3'002 * Ms);  // talk time 2.002 s, not the 14 ms of fork2's dialog
    EXPECT_EQ(call.byeAnsweredUs, 3'010 * Ms);
    EXPECT_EQ(call.endedBy, "caller");
    ASSERT_EQ(call.dialogRecords.size(), 3u);
    for (const DialogRecord& dialog : call.dialogRecords)
        EXPECT_EQ(dialog.state, DialogState::Terminated) << dialog.toTag;
    // fork3 only rang: its early dialog ends with the call.
    EXPECT_EQ(call.dialogRecords[2].terminatedUs, 3'002 * Ms);
}

TEST(CorrelatorForks, EndingTheExtraForkLeavesTheCallAnswered) {
    const Fed fed = feed(forkedCall(false));
    const CallSummary& call = callOf(fed, "fork");
    EXPECT_EQ(call.state, CallState::Answered);
    EXPECT_EQ(call.answeredUs, 1'000 * Ms);
    EXPECT_EQ(call.byeUs, 0);
    EXPECT_EQ(call.byeAnsweredUs, 0);
    EXPECT_EQ(call.endedBy, "");
    ASSERT_EQ(call.dialogRecords.size(), 3u);
    EXPECT_EQ(call.dialogRecords[0].state, DialogState::Confirmed);
    EXPECT_EQ(call.dialogRecords[1].state, DialogState::Terminated);
    EXPECT_EQ(call.dialogRecords[2].state, DialogState::Early);  // still ringing while the call goes on
}

// An answered call still talking is not finished: it stays open past the linger time of a finished call.
TEST(CorrelatorForks, AnAnsweredCallIsNotFlushedWhenOnlyTheExtraForkEnded) {
    CorrelatorLimits limits;
    limits.finishedLingerUs = 1 * Sec;
    Correlator correlator(1, limits);
    SipParser parser;
    for (const Step& step : forkedCall(false)) {
        const std::string text = step.sip.text();
        correlator.onMessage(parser.parse(text), {step.atUs, step.src, step.dst, capture::Transport::Udp});
    }
    std::vector<CallSummary> out;
    correlator.takeFlushed(10 * Sec, out);
    EXPECT_TRUE(out.empty());
    EXPECT_EQ(correlator.openCalls(), 1u);
}

// [SECTION] Hold and resume

TEST(CorrelatorHold, GlareRetriesAndTheRecvonlyAnswerAreNoResume) {
    std::vector<Step> steps = {
        {{Invite, "g", "1 INVITE", {"z9hG4bKa"}, "", "a1", "sendrecv"}, Alice, Bob, 0},
        {{"SIP/2.0 200 OK", "g", "1 INVITE", {"z9hG4bKa"}, "b1", "a1", "sendrecv"}, Bob, Alice, 10 * Ms},
        {{Ack, "g", "1 ACK", {"z9hG4bKk"}, "b1"}, Alice, Bob, 20 * Ms},
        // Both hold at once (glare): each re-INVITE gets 491 (RFC 3261 §14.1).
        {{Invite, "g", "2 INVITE", {"z9hG4bKr1"}, "b1", "a1", "sendonly"}, Alice, Bob, 1 * Sec},
        {{"INVITE sip:alice@example.com SIP/2.0", "g", "1 INVITE", {"z9hG4bKq1"}, "", "b1", "sendonly"},
         Bob,
         Alice,
         1 * Sec + 1 * Ms},
        {{"SIP/2.0 491 Request Pending", "g", "2 INVITE", {"z9hG4bKr1"}, "b1"}, Bob, Alice, 1 * Sec + 2 * Ms},
        {{"SIP/2.0 491 Request Pending", "g", "1 INVITE", {"z9hG4bKq1"}, "", "b1"}, Alice, Bob, 1 * Sec + 3 * Ms},
        // Alice tries again and Bob answers her hold.
        {{Invite, "g", "3 INVITE", {"z9hG4bKr2"}, "b1", "a1", "sendonly"}, Alice, Bob, 3 * Sec},
        {{"SIP/2.0 200 OK", "g", "3 INVITE", {"z9hG4bKr2"}, "b1", "a1", "recvonly"}, Bob, Alice, 3 * Sec + 10 * Ms},
    };
    const Fed held = feed(steps);
    EXPECT_EQ(callOf(held, "g").holds, 1u);
    EXPECT_EQ(callOf(held, "g").resumes, 0u);
    EXPECT_TRUE(callOf(held, "g").isOnHold);
    EXPECT_TRUE(callOf(held, "g").hasGlare);

    // Sending again both ways takes it off hold.
    steps.push_back({{Invite, "g", "4 INVITE", {"z9hG4bKr3"}, "b1", "a1", "sendrecv"}, Alice, Bob, 9 * Sec});
    steps.push_back(
        {{"SIP/2.0 200 OK", "g", "4 INVITE", {"z9hG4bKr3"}, "b1", "a1", "sendrecv"}, Bob, Alice, 9 * Sec + 10 * Ms});
    const Fed resumed = feed(steps);
    EXPECT_EQ(callOf(resumed, "g").holds, 1u);
    EXPECT_EQ(callOf(resumed, "g").resumes, 1u);
    EXPECT_FALSE(callOf(resumed, "g").isOnHold);
}

// [SECTION] Through a proxy: timings on the call's first hop

// Alice -> Proxy -> Bob. The proxy adds its own Via (branch z9hG4bKp...) on the second hop.
std::vector<Step> proxiedCall(bool calleeHangsUp) {
    const std::vector<std::string> hop1 = {"z9hG4bKa"};
    const std::vector<std::string> hop2 = {"z9hG4bKp", "z9hG4bKa"};
    std::vector<Step> steps = {
        {{Invite, "px", "1 INVITE", hop1}, Alice, Proxy, 0},
        {{"SIP/2.0 100 Trying", "px", "1 INVITE", hop1}, Proxy, Alice, 1 * Ms},
        {{Invite, "px", "1 INVITE", hop2}, Proxy, Bob, 2 * Ms},
        {{"SIP/2.0 180 Ringing", "px", "1 INVITE", hop2, "b1"}, Bob, Proxy, 10 * Ms},
        {{"SIP/2.0 180 Ringing", "px", "1 INVITE", hop1, "b1"}, Proxy, Alice, 11 * Ms},
        {{"SIP/2.0 180 Ringing", "px", "1 INVITE", hop1, "b1"}, Proxy, Alice, 12 * Ms},  // retransmitted
        {{"SIP/2.0 200 OK", "px", "1 INVITE", hop2, "b1"}, Bob, Proxy, 500 * Ms},
        {{"SIP/2.0 200 OK", "px", "1 INVITE", hop1, "b1"}, Proxy, Alice, 501 * Ms},
        {{Ack, "px", "1 ACK", {"z9hG4bKk"}, "b1"}, Alice, Proxy, 502 * Ms},
        {{Ack, "px", "1 ACK", {"z9hG4bKpk", "z9hG4bKk"}, "b1"}, Proxy, Bob, 503 * Ms},
    };
    if (calleeHangsUp) {
        const std::vector<std::string> byeHop2 = {"z9hG4bKbb"};
        const std::vector<std::string> byeHop1 = {"z9hG4bKpb", "z9hG4bKbb"};
        steps.push_back({{ByeToAlice, "px", "1 BYE", byeHop2, "", "b1"}, Bob, Proxy, 2'000 * Ms});
        steps.push_back({{ByeToAlice, "px", "1 BYE", byeHop1, "", "b1"}, Proxy, Alice, 2'001 * Ms});
        steps.push_back({{"SIP/2.0 200 OK", "px", "1 BYE", byeHop1, "", "b1"}, Alice, Proxy, 2'020 * Ms});
        steps.push_back({{"SIP/2.0 200 OK", "px", "1 BYE", byeHop2, "", "b1"}, Proxy, Bob, 2'021 * Ms});
    } else {
        const std::vector<std::string> byeHop1 = {"z9hG4bKab"};
        const std::vector<std::string> byeHop2 = {"z9hG4bKpb", "z9hG4bKab"};
        steps.push_back({{Bye, "px", "2 BYE", byeHop1, "b1"}, Alice, Proxy, 2'000 * Ms});
        steps.push_back({{Bye, "px", "2 BYE", byeHop2, "b1"}, Proxy, Bob, 2'001 * Ms});
        steps.push_back({{"SIP/2.0 200 OK", "px", "2 BYE", byeHop2, "b1"}, Bob, Proxy, 2'050 * Ms});
        steps.push_back({{"SIP/2.0 200 OK", "px", "2 BYE", byeHop1, "b1"}, Proxy, Alice, 2'051 * Ms});
    }
    return steps;
}

TEST(CorrelatorHops, TimingsAreTakenOnTheFirstHopWhenTheCallerHangsUp) {
    const Fed fed = feed(proxiedCall(false));
    const CallSummary& call = callOf(fed, "px");
    EXPECT_EQ(call.src, Alice);
    EXPECT_EQ(call.dst, Proxy);
    EXPECT_EQ(call.attemptUs, 0);
    EXPECT_EQ(call.firstProvisionalUs, 11 * Ms);  // the 180 Alice got, not Bob's on the next hop
    EXPECT_EQ(call.finalUs, 501 * Ms);
    EXPECT_EQ(call.answeredUs, 501 * Ms);
    EXPECT_EQ(call.byeUs, 2'000 * Ms);
    EXPECT_EQ(call.byeAnsweredUs, 2'051 * Ms);  // SDD 51 ms: Alice's BYE and the 200 Alice got
    EXPECT_EQ(call.endedBy, "caller");
    EXPECT_EQ(call.state, CallState::Completed);
}

TEST(CorrelatorHops, TimingsAreTakenOnTheFirstHopWhenTheCalleeHangsUp) {
    const Fed fed = feed(proxiedCall(true));
    const CallSummary& call = callOf(fed, "px");
    EXPECT_EQ(call.answeredUs, 501 * Ms);
    EXPECT_EQ(call.byeUs, 2'001 * Ms);  // the BYE Alice got, forwarded by the proxy
    EXPECT_EQ(call.byeAnsweredUs, 2'020 * Ms);
    EXPECT_EQ(call.endedBy, "callee");
    EXPECT_EQ(call.state, CallState::Completed);
}

// Over TCP the caller connects from a port of its own; the proxy's BYE comes on a new connection to the caller's
// listening port. Still the first hop: over TCP the two ends' addresses decide.
TEST(CorrelatorHops, OverTcpTheFirstHopIsTheTwoAddresses) {
    const capture::Transport Tcp = capture::Transport::Tcp;
    capture::Endpoint aliceConnecting = Alice;
    aliceConnecting.port = 40'000;
    const std::vector<std::string> hop1 = {"z9hG4bKa"};
    const std::vector<std::string> hop2 = {"z9hG4bKp", "z9hG4bKa"};
    const Fed fed = feed({
        {{Invite, "tcp", "1 INVITE", hop1}, aliceConnecting, Proxy, 0, Tcp},
        {{Invite, "tcp", "1 INVITE", hop2}, Proxy, Bob, 2 * Ms, Tcp},
        {{"SIP/2.0 200 OK", "tcp", "1 INVITE", hop2, "b1"}, Bob, Proxy, 500 * Ms, Tcp},
        {{"SIP/2.0 200 OK", "tcp", "1 INVITE", hop1, "b1"}, Proxy, aliceConnecting, 501 * Ms, Tcp},
        {{ByeToAlice, "tcp", "1 BYE", {"z9hG4bKbb"}, "", "b1"}, Bob, Proxy, 2'000 * Ms, Tcp},
        {{ByeToAlice, "tcp", "1 BYE", {"z9hG4bKpb", "z9hG4bKbb"}, "", "b1"}, Proxy, Alice, 2'001 * Ms, Tcp},
        {{"SIP/2.0 200 OK", "tcp", "1 BYE", {"z9hG4bKpb", "z9hG4bKbb"}, "", "b1"}, Alice, Proxy, 2'020 * Ms, Tcp},
        {{"SIP/2.0 200 OK", "tcp", "1 BYE", {"z9hG4bKbb"}, "", "b1"}, Proxy, Bob, 2'021 * Ms, Tcp},
    });
    const CallSummary& call = callOf(fed, "tcp");
    EXPECT_EQ(call.answeredUs, 501 * Ms);
    EXPECT_EQ(call.byeUs, 2'001 * Ms);
    EXPECT_EQ(call.byeAnsweredUs, 2'020 * Ms);
    EXPECT_EQ(call.endedBy, "callee");
}

TEST(CorrelatorHops, ARejectionThroughTheProxyIsTimedOnTheFirstHop) {
    const std::vector<std::string> hop1 = {"z9hG4bKa"};
    const std::vector<std::string> hop2 = {"z9hG4bKp", "z9hG4bKa"};
    const Fed fed = feed({
        {{Invite, "busy", "1 INVITE", hop1}, Alice, Proxy, 0},
        {{Invite, "busy", "1 INVITE", hop2}, Proxy, Bob, 2 * Ms},
        {{"SIP/2.0 486 Busy Here", "busy", "1 INVITE", hop2, "b1"}, Bob, Proxy, 30 * Ms},
        {{"SIP/2.0 486 Busy Here", "busy", "1 INVITE", hop1, "b1"}, Proxy, Alice, 31 * Ms},
    });
    const CallSummary& call = callOf(fed, "busy");
    EXPECT_EQ(call.state, CallState::Rejected);
    EXPECT_EQ(call.finalStatus, 486);
    EXPECT_EQ(call.finalUs, 31 * Ms);
    EXPECT_EQ(call.firstProvisionalUs, 0);
    EXPECT_EQ(call.endedBy, "callee");
}

// [SECTION] Setup time

// RFC 6076's setup time is that of answered calls: a cancelled or rejected call has no answer time.
TEST(CorrelatorSetup, OnlyAnAnswerGivesAnAnswerTime) {
    const Fed cancelled = feed({
        {{Invite, "cx"}, Alice, Bob, 0},
        {{"SIP/2.0 180 Ringing", "cx", "1 INVITE", {"z9hG4bKa"}, "b1"}, Bob, Alice, 10 * Ms},
        {{"CANCEL sip:bob@example.com SIP/2.0", "cx", "1 CANCEL"}, Alice, Bob, 3 * Sec},
        {{"SIP/2.0 200 OK", "cx", "1 CANCEL", {"z9hG4bKa"}, "b1"}, Bob, Alice, 3 * Sec + 1 * Ms},
        {{"SIP/2.0 487 Request Terminated", "cx", "1 INVITE", {"z9hG4bKa"}, "b1"}, Bob, Alice, 3 * Sec + 2 * Ms},
    });
    const CallSummary& call = callOf(cancelled, "cx");
    EXPECT_EQ(call.state, CallState::Cancelled);
    EXPECT_EQ(call.finalUs, 3 * Sec + 2 * Ms);
    EXPECT_EQ(call.answeredUs, 0);

    // A request other than INVITE is answered by its 2xx.
    const Fed options = feed({{{"OPTIONS sip:bob@example.com SIP/2.0", "op", "1 OPTIONS"}, Alice, Bob, 0},
                              {{"SIP/2.0 200 OK", "op", "1 OPTIONS", {"z9hG4bKa"}, "b1"}, Bob, Alice, 7 * Ms}});
    EXPECT_EQ(callOf(options, "op").answeredUs, 7 * Ms);
    const Fed refused = feed({{{"OPTIONS sip:bob@example.com SIP/2.0", "nf", "1 OPTIONS"}, Alice, Bob, 0},
                              {{"SIP/2.0 404 Not Found", "nf", "1 OPTIONS", {"z9hG4bKa"}, "b1"}, Bob, Alice, 7 * Ms}});
    EXPECT_EQ(callOf(refused, "nf").answeredUs, 0);
}

// [SECTION] Handed out as it ends (issue 14)

// Feeds the steps one by one, taking flushed calls at each step's time: the index of the step after which the call
// `callId` came out (-1: it did not before the end), and what came out.
struct Stepped {
    int handedOutAfter = -1;
    std::vector<Correlation> correlations;
    std::vector<CallSummary> calls;
};
Stepped feedStepByStep(Correlator& correlator, const std::vector<Step>& steps, const std::string& callId) {
    SipParser parser;
    Stepped out;
    for (std::size_t i = 0; i < steps.size(); ++i) {
        const Step& step = steps[i];
        const std::string text = step.sip.text();
        out.correlations.push_back(
            correlate(correlator, parser, text, {step.atUs, step.src, step.dst, step.transport}));
        correlator.takeFlushed(step.atUs, out.calls);
        for (const CallSummary& call : out.calls)
            if (call.callId == callId && out.handedOutAfter < 0)
                out.handedOutAfter = static_cast<int>(i);
    }
    return out;
}

// Through a proxy, the call is over when the BYE is answered on both hops, not at the first 200: the second 200 still
// sets the SDD on the caller's hop. A copy of that 200 within the linger time is a retransmission of the call
// written, with the transaction of its first copy; after the linger time the Call-ID starts a new call.
TEST(CorrelatorEnd, AProxiedCallIsHandedOutWhenEveryHopAnsweredItsBye) {
    Correlator correlator(1);
    const std::vector<Step> steps = proxiedCall(false);
    const Stepped fed = feedStepByStep(correlator, steps, "px");
    EXPECT_EQ(fed.handedOutAfter, static_cast<int>(steps.size()) - 1);
    ASSERT_EQ(fed.calls.size(), 1u);
    EXPECT_EQ(fed.calls[0].byeAnsweredUs, 2'051 * Ms);
    EXPECT_EQ(fed.calls[0].messages, 14u);
    EXPECT_EQ(correlator.openCalls(), 0u);
    EXPECT_EQ(correlator.stats().callsEndedEarly, 1u);

    SipParser parser;
    const Step& last = steps.back();
    const std::string copy = last.sip.text();
    const Correlation late = correlate(correlator, parser, copy, {2'600 * Ms, last.src, last.dst});
    EXPECT_EQ(late.callKey, fed.calls[0].key);
    EXPECT_TRUE(late.isRetransmission);
    EXPECT_EQ(late.transactionKey, fed.correlations.back().transactionKey);
    EXPECT_EQ(late.dialogKey, fed.correlations.back().dialogKey);
    // Another message of the call (a new BYE) is counted in it, but is no retransmission and names no transaction.
    const std::string again = Sip{Bye, "px", "3 BYE", {"z9hG4bKx"}, "b1"}.text();
    const Correlation other = correlate(correlator, parser, again, {2'700 * Ms, Alice, Proxy});
    EXPECT_EQ(other.callKey, fed.calls[0].key);
    EXPECT_FALSE(other.isRetransmission);
    EXPECT_EQ(other.transactionKey, 0u);

    std::vector<LateMessage> lateMessages;
    correlator.takeLateMessages(lateMessages);
    ASSERT_EQ(lateMessages.size(), 2u);
    EXPECT_EQ(lateMessages[0].callKey, fed.calls[0].key);
    EXPECT_EQ(lateMessages[0].transactionKey, late.transactionKey);
    EXPECT_EQ(lateMessages[0].timestampUs, 2'600 * Ms);
    EXPECT_TRUE(lateMessages[0].isRetransmission);
    EXPECT_FALSE(lateMessages[0].isRequest);
    EXPECT_FALSE(lateMessages[1].isRetransmission);
    EXPECT_TRUE(lateMessages[1].isRequest);
    lateMessages.clear();
    correlator.takeLateMessages(lateMessages);
    EXPECT_TRUE(lateMessages.empty());
    EXPECT_EQ(correlator.stats().lateMessages, 2u);

    // 32 s after its latest message the call is forgotten: the same Call-ID opens a new call.
    std::vector<CallSummary> out;
    correlator.takeFlushed(2'700 * Ms + 32 * Sec, out);
    const Correlation reused = correlate(correlator, parser, copy, {2'700 * Ms + 33 * Sec, last.src, last.dst});
    EXPECT_NE(reused.callKey, fed.calls[0].key);
    EXPECT_FALSE(reused.isRetransmission);
}

// A failed INVITE is over at the ACK of its failure, not at the failure; a cancelled one at the ACK of its 487
// once the CANCEL is answered too. A call asked for credentials, or answered and still talking, is not over.
TEST(CorrelatorEnd, AFailedCallIsHandedOutAtItsAckAndATalkingOneNot) {
    {
        Correlator correlator(1);
        const Stepped fed =
            feedStepByStep(correlator,
                           {
                               {{Invite, "busy"}, Alice, Bob, 0},
                               {{"SIP/2.0 486 Busy Here", "busy", "1 INVITE", {"z9hG4bKa"}, "b1"}, Bob, Alice, 10 * Ms},
                               {{Ack, "busy", "1 ACK", {"z9hG4bKa"}, "b1"}, Alice, Bob, 11 * Ms},
                           },
                           "busy");
        EXPECT_EQ(fed.handedOutAfter, 2);
        ASSERT_EQ(fed.calls.size(), 1u);
        EXPECT_EQ(fed.calls[0].state, CallState::Rejected);
        EXPECT_EQ(fed.calls[0].messages, 3u);
    }
    {
        Correlator correlator(1);
        const Stepped fed =
            feedStepByStep(correlator,
                           {
                               {{Invite, "cx"}, Alice, Bob, 0},
                               {{"SIP/2.0 180 Ringing", "cx", "1 INVITE", {"z9hG4bKa"}, "b1"}, Bob, Alice, 10 * Ms},
                               {{"CANCEL sip:bob@example.com SIP/2.0", "cx", "1 CANCEL"}, Alice, Bob, 3 * Sec},
                               {{"SIP/2.0 487 Request Terminated", "cx", "1 INVITE", {"z9hG4bKa"}, "b1"},
                                Bob,
                                Alice,
                                3 * Sec + 1 * Ms},
                               {{Ack, "cx", "1 ACK", {"z9hG4bKa"}, "b1"}, Alice, Bob, 3 * Sec + 2 * Ms},
                               {{"SIP/2.0 200 OK", "cx", "1 CANCEL", {"z9hG4bKa"}, "b1"}, Bob, Alice, 3 * Sec + 3 * Ms},
                           },
                           "cx");
        EXPECT_EQ(fed.handedOutAfter, 5);  // the CANCEL's 200 came last
        ASSERT_EQ(fed.calls.size(), 1u);
        EXPECT_EQ(fed.calls[0].state, CallState::Cancelled);
    }
    {
        Correlator correlator(1);
        const Stepped fed =
            feedStepByStep(correlator,
                           {
                               {{Invite, "auth"}, Alice, Bob, 0},
                               {{"SIP/2.0 407 Proxy Authentication Required", "auth", "1 INVITE", {"z9hG4bKa"}, "b1"},
                                Bob,
                                Alice,
                                10 * Ms},
                               {{Ack, "auth", "1 ACK", {"z9hG4bKa"}, "b1"}, Alice, Bob, 11 * Ms},
                               {{"SIP/2.0 200 OK", "talk", "1 INVITE", {"z9hG4bKa"}, "b1"}, Bob, Alice, 20 * Ms},
                           },
                           "auth");
        EXPECT_EQ(fed.handedOutAfter, -1);
        EXPECT_EQ(correlator.openCalls(), 2u);
    }
}

// A request other than INVITE is over when its transaction completes: an OPTIONS at its 200 (through a proxy, at
// the 200 of the last hop), a MESSAGE asked for credentials at the final answer to its retry. A late copy of its
// answer is a retransmission of the call written. REGISTER is refreshed in its call, so it is never over; nor is a
// request that timed out (a late answer would still change it).
TEST(CorrelatorEnd, ARequestOtherThanInviteIsHandedOutWhenItsTransactionCompletes) {
    const std::string Options = "OPTIONS sip:bob@example.com SIP/2.0";
    {
        Correlator correlator(1);
        const std::vector<std::string> hop1 = {"z9hG4bKo"};
        const std::vector<std::string> hop2 = {"z9hG4bKq", "z9hG4bKo"};
        const std::vector<Step> steps = {
            {{Options, "opt", "1 OPTIONS", hop1}, Alice, Proxy, 0},
            {{Options, "opt", "1 OPTIONS", hop2}, Proxy, Bob, 1 * Ms},
            {{"SIP/2.0 200 OK", "opt", "1 OPTIONS", hop2, "b1"}, Bob, Proxy, 5 * Ms},
            {{"SIP/2.0 200 OK", "opt", "1 OPTIONS", hop1, "b1"}, Proxy, Alice, 6 * Ms},
        };
        const Stepped fed = feedStepByStep(correlator, steps, "opt");
        EXPECT_EQ(fed.handedOutAfter, 3);
        ASSERT_EQ(fed.calls.size(), 1u);
        EXPECT_EQ(fed.calls[0].state, CallState::Done);
        EXPECT_EQ(fed.calls[0].messages, 4u);
        EXPECT_EQ(correlator.openCalls(), 0u);
        EXPECT_EQ(correlator.stats().callsEndedEarly, 1u);

        SipParser parser;
        const std::string copy = steps.back().sip.text();
        const Correlation late = correlate(correlator, parser, copy, {1 * Sec, Proxy, Alice});
        EXPECT_EQ(late.callKey, fed.calls[0].key);
        EXPECT_TRUE(late.isRetransmission);
        EXPECT_EQ(late.transactionKey, fed.correlations.back().transactionKey);
        std::vector<LateMessage> lateMessages;
        correlator.takeLateMessages(lateMessages);
        ASSERT_EQ(lateMessages.size(), 1u);
        EXPECT_FALSE(lateMessages[0].isRequest);
    }
    {
        Correlator correlator(1);
        const std::string Message = "MESSAGE sip:bob@example.com SIP/2.0";
        const Stepped fed =
            feedStepByStep(correlator,
                           {
                               {{Message, "msg", "1 MESSAGE", {"z9hG4bKm1"}}, Alice, Bob, 0},
                               {{"SIP/2.0 407 Proxy Authentication Required", "msg", "1 MESSAGE", {"z9hG4bKm1"}, "b1"},
                                Bob,
                                Alice,
                                5 * Ms},
                               {{Message, "msg", "2 MESSAGE", {"z9hG4bKm2"}}, Alice, Bob, 10 * Ms},
                               {{"SIP/2.0 202 Accepted", "msg", "2 MESSAGE", {"z9hG4bKm2"}, "b2"}, Bob, Alice, 15 * Ms},
                           },
                           "msg");
        EXPECT_EQ(fed.handedOutAfter, 3);
        ASSERT_EQ(fed.calls.size(), 1u);
        EXPECT_EQ(fed.calls[0].finalStatus, 202);
        EXPECT_EQ(fed.calls[0].transactions.size(), 2u);
    }
    {
        Correlator correlator(1);
        const std::string Register = "REGISTER sip:example.com SIP/2.0";
        const Stepped fed =
            feedStepByStep(correlator,
                           {
                               {{Register, "reg", "1 REGISTER", {"z9hG4bKr1"}}, Alice, Bob, 0},
                               {{"SIP/2.0 200 OK", "reg", "1 REGISTER", {"z9hG4bKr1"}, "b1"}, Bob, Alice, 5 * Ms},
                               {{Options, "lost", "1 OPTIONS", {"z9hG4bKl"}}, Alice, Bob, 10 * Ms},
                               {{Options, "lost", "1 OPTIONS", {"z9hG4bKl"}}, Alice, Bob, 40 * Sec},
                           },
                           "reg");
        EXPECT_EQ(fed.handedOutAfter, -1);
        EXPECT_EQ(correlator.openCalls(), 2u);  // the registration, and the OPTIONS that timed out
        EXPECT_EQ(correlator.stats().callsTimedOut, 1u);
        EXPECT_EQ(correlator.stats().callsEndedEarly, 0u);
    }
}

}  // namespace
