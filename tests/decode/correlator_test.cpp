// Correlator rules: calls by Call-ID, state and final status, retransmissions, flushing and eviction.
#include "common/concat.hpp"
#include "decode/correlator.hpp"
#include "decode/sip_parser.hpp"
#include "tests/decode/correlator_test_util.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

using namespace sipscope;
using namespace sipscope::decode;
using test::correlate;
using test::endpoint;

namespace {

const capture::Endpoint Alice = endpoint(1);
const capture::Endpoint Bob = endpoint(2);

struct Step {
    std::string text;
    bool fromAlice = true;
    std::int64_t atUs = 0;
};

std::string request(const std::string& method, int cseq, const std::string& callId, const std::string& toTag = "",
                    const std::string& branch = "z9hG4bK1", const std::string& cseqMethod = "") {
    return method +
           " sip:bob@example.com SIP/2.0\r\n"
           "Via: SIP/2.0/UDP 10.0.0.1:5060;branch=" +
           branch +
           "\r\n"
           "From: <sip:alice@example.com>;tag=a1\r\n"
           "To: <sip:bob@example.com>" +
           (toTag.empty() ? "" : ";tag=" + toTag) +
           "\r\n"
           "Call-ID: " +
           callId +
           "\r\n"
           "CSeq: " +
           std::to_string(cseq) + " " + (cseqMethod.empty() ? method : cseqMethod) +
           "\r\n"
           "Content-Length: 0\r\n\r\n";
}

std::string response(int status, const std::string& method, int cseq, const std::string& callId,
                     const std::string& toTag = "b1", const std::string& branch = "z9hG4bK1") {
    return "SIP/2.0 " + std::to_string(status) +
           " Reason\r\n"
           "Via: SIP/2.0/UDP 10.0.0.1:5060;branch=" +
           branch +
           "\r\n"
           "From: <sip:alice@example.com>;tag=a1\r\n"
           "To: <sip:bob@example.com>" +
           (toTag.empty() ? "" : ";tag=" + toTag) +
           "\r\n"
           "Call-ID: " +
           callId +
           "\r\n"
           "CSeq: " +
           std::to_string(cseq) + " " + method +
           "\r\n"
           "Content-Length: 0\r\n\r\n";
}

struct Outcome {
    std::vector<Correlation> correlations;
    std::vector<CallSummary> calls;
};

Outcome run(const std::vector<Step>& steps, CorrelatorLimits limits = {}) {
    Correlator correlator(1, limits);
    SipParser parser;
    Outcome outcome;
    for (const Step& step : steps) {
        MessageMeta meta{step.atUs, step.fromAlice ? Alice : Bob, step.fromAlice ? Bob : Alice,
                         capture::Transport::Udp};
        outcome.correlations.push_back(correlate(correlator, parser, step.text, meta));
    }
    correlator.takeAll(outcome.calls);
    return outcome;
}

TEST(Correlator, CompleteCallIsAnsweredThenCompleted) {
    const auto outcome = run({
        {request("INVITE", 1, "c1"), true, 0},
        {response(100, "INVITE", 1, "c1", ""), false, 100},
        {response(180, "INVITE", 1, "c1"), false, 200},
        {response(200, "INVITE", 1, "c1"), false, 300},
        {request("ACK", 1, "c1", "b1", "z9hG4bK2"), true, 400},
        {request("BYE", 2, "c1", "b1", "z9hG4bK3"), true, 5'000'000},
        {response(200, "BYE", 2, "c1", "b1", "z9hG4bK3"), false, 5'000'100},
    });
    ASSERT_EQ(outcome.calls.size(), 1u);
    const CallSummary& call = outcome.calls[0];
    EXPECT_EQ(call.callId, "c1");
    EXPECT_EQ(call.method, "INVITE");
    EXPECT_EQ(call.state, CallState::Completed);
    EXPECT_EQ(call.finalStatus, 200);
    EXPECT_EQ(call.messages, 7u);
    EXPECT_EQ(call.dialogs, 1u);
    EXPECT_EQ(call.startUs, 0);
    EXPECT_EQ(call.endUs, 5'000'100);
    EXPECT_EQ(call.src, Alice);
    EXPECT_EQ(call.dst, Bob);
    EXPECT_EQ(call.fromUser, "alice");
    EXPECT_EQ(call.toUser, "bob");
}

TEST(Correlator, FinalStatusSetsStateOfInvite) {
    struct Case {
        int status;
        bool cancel;
        CallState expected;
    };
    const Case cases[] = {
        {486, false, CallState::Rejected},
        {603, false, CallState::Rejected},
        {487, true, CallState::Cancelled},
        {200, true, CallState::Answered},  // CANCEL lost the race against 200 (RFC 3261 §9.1)
    };
    for (const Case& c : cases) {
        SCOPED_TRACE(c.status);
        std::vector<Step> steps = {{request("INVITE", 1, "c"), true, 0}, {response(180, "INVITE", 1, "c"), false, 1}};
        if (c.cancel) {
            steps.push_back({request("CANCEL", 1, "c"), true, 2});
            steps.push_back({response(200, "CANCEL", 1, "c"), false, 3});
        }
        steps.push_back({response(c.status, "INVITE", 1, "c"), false, 4});
        const auto outcome = run(steps);
        ASSERT_EQ(outcome.calls.size(), 1u);
        EXPECT_EQ(outcome.calls[0].state, c.expected);
        EXPECT_EQ(outcome.calls[0].finalStatus, c.status);
    }
}

TEST(Correlator, ChallengedInviteTakesTheStatusOfTheAuthenticatedRetry) {
    const auto outcome = run({
        {request("INVITE", 1, "c"), true, 0},
        {response(407, "INVITE", 1, "c"), false, 1},
        {request("ACK", 1, "c", "b1"), true, 2},
        {request("INVITE", 2, "c", "", "z9hG4bK9"), true, 3},
        {response(200, "INVITE", 2, "c", "b2", "z9hG4bK9"), false, 4},
    });
    ASSERT_EQ(outcome.calls.size(), 1u);
    EXPECT_EQ(outcome.calls[0].state, CallState::Answered);
    EXPECT_EQ(outcome.calls[0].finalStatus, 200);
}

TEST(Correlator, RegisterChallengedThenAccepted) {
    const auto outcome = run({
        {request("REGISTER", 1, "r"), true, 0},
        {response(401, "REGISTER", 1, "r"), false, 1},
        {request("REGISTER", 2, "r", "", "z9hG4bK5"), true, 2},
        {response(200, "REGISTER", 2, "r", "b1", "z9hG4bK5"), false, 3},
    });
    ASSERT_EQ(outcome.calls.size(), 1u);
    EXPECT_EQ(outcome.calls[0].method, "REGISTER");
    EXPECT_EQ(outcome.calls[0].state, CallState::Done);
    EXPECT_EQ(outcome.calls[0].finalStatus, 200);
}

TEST(Correlator, IdenticalMessageOnTheSameHopIsARetransmission) {
    const auto outcome = run({
        {request("INVITE", 1, "c"), true, 0},
        {request("INVITE", 1, "c"), true, 500'000},
        {response(180, "INVITE", 1, "c"), false, 600'000},
        {response(180, "INVITE", 1, "c"), false, 700'000},
    });
    ASSERT_EQ(outcome.correlations.size(), 4u);
    EXPECT_FALSE(outcome.correlations[0].isRetransmission);
    EXPECT_TRUE(outcome.correlations[1].isRetransmission);
    EXPECT_FALSE(outcome.correlations[2].isRetransmission);
    EXPECT_TRUE(outcome.correlations[3].isRetransmission);
    EXPECT_EQ(outcome.calls[0].retransmissions, 2u);
    EXPECT_EQ(outcome.calls[0].messages, 4u);
}

TEST(Correlator, CallIdsMakeSeparateCallsWithIncreasingKeys) {
    const auto outcome = run({
        {request("OPTIONS", 1, "x"), true, 0},
        {request("OPTIONS", 1, "y"), true, 1},
        {response(200, "OPTIONS", 1, "x"), false, 2},
    });
    ASSERT_EQ(outcome.calls.size(), 2u);
    EXPECT_EQ(outcome.correlations[0].callKey, 1u);
    EXPECT_EQ(outcome.correlations[1].callKey, 2u);
    EXPECT_EQ(outcome.correlations[2].callKey, 1u);
    EXPECT_EQ(outcome.calls[0].state, CallState::Done);
    EXPECT_EQ(outcome.calls[1].state, CallState::Pending);
}

TEST(Correlator, FinishedCallsAreFlushedAfterLingerAndIdleOnesAfterTimeout) {
    CorrelatorLimits limits;
    limits.finishedLingerUs = 1'000;
    limits.idleTimeoutUs = 1'000'000;
    Correlator correlator(1, limits);
    SipParser parser;
    auto feed = [&](const std::string& text, std::int64_t atUs) {
        correlator.onMessage(parser.parse(text), MessageMeta{atUs, Alice, Bob, capture::Transport::Udp});
    };
    // A rejected INVITE whose ACK is not in the capture: finished, but not over (its ACK may still come), so it
    // lingers. (An OPTIONS answered, or the same INVITE acknowledged, would be handed out at once: CorrelatorEnd.*)
    feed(request("INVITE", 1, "done"), 0);
    feed(response(486, "INVITE", 1, "done"), 10);
    feed(request("INVITE", 1, "open"), 20);
    std::vector<CallSummary> out;
    correlator.takeFlushed(500, out);
    EXPECT_TRUE(out.empty());  // still within linger
    correlator.takeFlushed(5'000, out);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].callId, "done");
    correlator.takeFlushed(2'000'000, out);
    ASSERT_EQ(out.size(), 2u);
    EXPECT_EQ(out[1].callId, "open");
    EXPECT_EQ(correlator.openCalls(), 0u);
    EXPECT_EQ(correlator.stats().callsFlushedFinished, 1u);
    EXPECT_EQ(correlator.stats().callsFlushedIdle, 1u);
}

TEST(Correlator, OpenCallsAreBoundedAndEvictionsCounted) {
    CorrelatorLimits limits;
    limits.maxOpenCalls = 10;
    Correlator correlator(1, limits);
    SipParser parser;
    for (int i = 0; i < 25; ++i)
        correlator.onMessage(parser.parse(request("INVITE", 1, "call" + std::to_string(i))),
                             MessageMeta{i, Alice, Bob, capture::Transport::Udp});
    EXPECT_EQ(correlator.openCalls(), 10u);
    EXPECT_EQ(correlator.stats().callsEvictedForSpace, 15u);
    std::vector<CallSummary> out;
    correlator.takeAll(out);
    EXPECT_EQ(out.size(), 25u);  // evicted calls are handed out, never lost
}

TEST(Correlator, MessageWithoutCallIdBelongsToNoCall) {
    Correlator correlator;
    SipParser parser;
    const auto& message = parser.parse("OPTIONS sip:a@b SIP/2.0\r\nContent-Length: 0\r\n\r\n");
    const Correlation correlation = correlator.onMessage(message, MessageMeta{});
    EXPECT_EQ(correlation.callKey, 0u);
    EXPECT_EQ(correlator.stats().messagesWithoutCallId, 1u);
}

// [SECTION] Transactions, dialogs, session changes, registrations (RFC 3261 §12, §17; RFC 3264)

std::string withSdp(std::string message, const std::string& direction) {
    const std::string body = "v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\n"
                             "m=audio 4000 RTP/AVP 0\r\na=" +
                             direction + "\r\n";
    const auto at = message.find("Content-Length: 0\r\n\r\n");
    message.replace(at, std::string::npos,
                    "Content-Type: application/sdp\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" +
                        body);
    return message;
}

struct Traced {
    std::vector<Correlation> correlations;
    std::vector<CallSummary> calls;
};

Traced trace(const std::vector<Step>& steps) {
    const Outcome outcome = run(steps);
    return {outcome.correlations, outcome.calls};
}

TEST(Correlator, Non2xxAckJoinsTheInviteTransactionAnd2xxAckIsItsOwn) {
    const auto rejected = trace({
        {request("INVITE", 1, "r"), true, 0},
        {response(486, "INVITE", 1, "r"), false, 1},
        {request("ACK", 1, "r", "b1"), true, 2},  // same branch z9hG4bK1
    });
    EXPECT_EQ(rejected.correlations[2].transactionKey, rejected.correlations[0].transactionKey);
    EXPECT_EQ(rejected.correlations[1].transactionKey, rejected.correlations[0].transactionKey);
    ASSERT_EQ(rejected.calls[0].transactions.size(), 1u);
    EXPECT_EQ(rejected.calls[0].transactions[0].requests, 2u);  // INVITE and its ACK
    EXPECT_EQ(rejected.calls[0].transactions[0].finalStatus, 486);

    const auto answered = trace({
        {request("INVITE", 1, "a"), true, 0},
        {response(200, "INVITE", 1, "a"), false, 1},
        {request("ACK", 1, "a", "b1", "z9hG4bKack"), true, 2},
    });
    EXPECT_NE(answered.correlations[2].transactionKey, answered.correlations[0].transactionKey);
    ASSERT_EQ(answered.calls[0].transactions.size(), 2u);
    EXPECT_EQ(answered.calls[0].transactions[1].method, "ACK");
}

TEST(Correlator, CancelIsTiedToTheInviteItCancelsAndTheRaceEndsCancelled) {
    const auto outcome = trace({
        {request("INVITE", 1, "c"), true, 0},
        {response(180, "INVITE", 1, "c"), false, 1},
        {request("CANCEL", 1, "c"), true, 2},  // same branch as the INVITE (RFC 3261 §9.1)
        {response(200, "CANCEL", 1, "c"), false, 3},
        {response(487, "INVITE", 1, "c"), false, 4},
        {request("ACK", 1, "c", "b1"), true, 5},
    });
    const CallSummary& call = outcome.calls[0];
    ASSERT_EQ(call.transactions.size(), 2u);
    EXPECT_EQ(call.transactions[1].method, "CANCEL");
    EXPECT_EQ(call.transactions[1].cancelledKey, call.transactions[0].key);
    EXPECT_EQ(call.transactions[1].finalStatus, 200);
    EXPECT_EQ(call.transactions[0].finalStatus, 487);
    EXPECT_EQ(call.state, CallState::Cancelled);
    EXPECT_EQ(call.endedBy, "caller");
    ASSERT_EQ(call.dialogRecords.size(), 1u);
    EXPECT_EQ(call.dialogRecords[0].state, DialogState::Terminated);  // early dialog ended by the 487
}

TEST(Correlator, ForkingMakesOneEarlyDialogPerToTagAndOneIsConfirmed) {
    const auto outcome = trace({
        {request("INVITE", 1, "f"), true, 0},
        {response(180, "INVITE", 1, "f", "fork1"), false, 1},
        {response(180, "INVITE", 1, "f", "fork2"), false, 2},
        {response(200, "INVITE", 1, "f", "fork2"), false, 3},
        {request("ACK", 1, "f", "fork2", "z9hG4bKack"), true, 4},
    });
    const CallSummary& call = outcome.calls[0];
    ASSERT_EQ(call.dialogRecords.size(), 2u);
    EXPECT_EQ(call.dialogs, 2u);
    EXPECT_EQ(call.dialogRecords[0].toTag, "fork1");
    EXPECT_EQ(call.dialogRecords[0].state, DialogState::Early);
    EXPECT_EQ(call.dialogRecords[1].toTag, "fork2");
    EXPECT_EQ(call.dialogRecords[1].state, DialogState::Confirmed);
    EXPECT_EQ(call.dialogRecords[1].confirmedUs, 3);
    EXPECT_EQ(outcome.correlations[4].dialogKey, call.dialogRecords[1].key);
    EXPECT_EQ(outcome.correlations[0].dialogKey, 0u);  // no To tag yet
    EXPECT_EQ(call.state, CallState::Answered);
}

TEST(Correlator, ReInviteHoldAndResumeFromSdpDirection) {
    const auto outcome = trace({
        {withSdp(request("INVITE", 1, "h"), "sendrecv"), true, 0},
        {withSdp(response(200, "INVITE", 1, "h"), "sendrecv"), false, 1},
        {request("ACK", 1, "h", "b1", "z9hG4bKa1"), true, 2},
        {withSdp(request("INVITE", 2, "h", "b1", "z9hG4bKr1"), "sendonly"), true, 10},
        {withSdp(response(200, "INVITE", 2, "h", "b1", "z9hG4bKr1"), "recvonly"), false, 11},
        {withSdp(request("INVITE", 3, "h", "b1", "z9hG4bKr2"), "sendrecv"), true, 20},
        {withSdp(response(200, "INVITE", 3, "h", "b1", "z9hG4bKr2"), "sendrecv"), false, 21},
    });
    const CallSummary& call = outcome.calls[0];
    EXPECT_EQ(call.reinvites, 2u);
    EXPECT_EQ(call.holds, 1u);
    EXPECT_EQ(call.resumes, 1u);
    EXPECT_FALSE(call.isOnHold);
    EXPECT_EQ(call.finalStatus, 200);  // re-INVITEs do not change the outcome of the initial INVITE
}

TEST(Correlator, GlareIsNoted) {
    const auto outcome = trace({
        {request("INVITE", 1, "g"), true, 0},
        {response(200, "INVITE", 1, "g"), false, 1},
        {request("INVITE", 2, "g", "b1", "z9hG4bKr"), true, 5},
        {response(491, "INVITE", 2, "g", "b1", "z9hG4bKr"), false, 6},
    });
    EXPECT_TRUE(outcome.calls[0].hasGlare);
    EXPECT_EQ(outcome.calls[0].state, CallState::Answered);
}

TEST(Correlator, RegisterChallengeThenSuccessGivesTwoRegistrationRecords) {
    std::string first = request("REGISTER", 1, "reg");
    first.insert(first.find("Content-Length"), "Contact: <sip:alice@10.0.0.1:5060>;expires=600\r\n");
    std::string second = request("REGISTER", 2, "reg", "", "z9hG4bK2");
    second.insert(second.find("Content-Length"), "Contact: <sip:alice@10.0.0.1:5060>\r\nExpires: 3600\r\n");
    std::string ok = response(200, "REGISTER", 2, "reg", "b1", "z9hG4bK2");
    ok.insert(ok.find("Content-Length"), "Contact: <sip:alice@10.0.0.1:5060>;expires=1800\r\n");
    const auto outcome = trace({
        {first, true, 0},
        {response(401, "REGISTER", 1, "reg"), false, 1000},
        {second, true, 2000},
        {ok, false, 5000},
    });
    const CallSummary& call = outcome.calls[0];
    ASSERT_EQ(call.registrations.size(), 2u);
    EXPECT_EQ(call.registrations[0].status, 401);
    EXPECT_EQ(call.registrations[0].expires, 600);
    EXPECT_EQ(call.registrations[1].status, 200);
    EXPECT_EQ(call.registrations[1].aor, "sip:bob@example.com");
    EXPECT_EQ(call.registrations[1].contact, "sip:alice@10.0.0.1:5060");
    EXPECT_EQ(call.registrations[1].expires, 3600);
    EXPECT_EQ(call.registrations[1].grantedExpires, 1800);
    EXPECT_EQ(call.registrations[1].bindings, "sip:alice@10.0.0.1:5060;expires=1800");
    EXPECT_EQ(call.registrations[0].bindings, "");  // a challenge holds no bindings
    EXPECT_EQ(call.registrations[1].responseUs - call.registrations[1].requestUs, 3000);
    EXPECT_EQ(call.attemptUs, 2000);  // the authenticated retry is the attempt that counts
    EXPECT_EQ(call.finalUs, 5000);
}

TEST(Correlator, RegistrationBindingsAreEveryContactOfThe2xx) {
    std::string registerRequest = request("REGISTER", 1, "two");
    registerRequest.insert(registerRequest.find("Content-Length"),
                           "Contact: <sip:alice@10.0.0.1:5060>\r\nExpires: 600\r\n");
    std::string ok = response(200, "REGISTER", 1, "two");
    // RFC 3261 §10.3: the 200 lists every binding of the AOR, here one from another device; the one without an
    // expires parameter takes the Expires header.
    ok.insert(ok.find("Content-Length"), "Contact: <sip:alice@10.0.0.1:5060>;expires=600, \"Desk\" "
                                         "<sip:alice@10.0.0.9:5062;transport=tcp>;expires=120\r\n"
                                         "Contact: <sip:alice@[2001:db8::7]>\r\nExpires: 600\r\n");
    const auto outcome = trace({{registerRequest, true, 0}, {ok, false, 10}});
    ASSERT_EQ(outcome.calls[0].registrations.size(), 1u);
    EXPECT_EQ(outcome.calls[0].registrations[0].bindings,
              "sip:alice@10.0.0.1:5060;expires=600, sip:alice@10.0.0.9:5062;transport=tcp;expires=120, "
              "sip:alice@[2001:db8::7];expires=600");
}

TEST(Correlator, TimingsOfACompletedCall) {
    const auto outcome = trace({
        {request("INVITE", 1, "t"), true, 1'000},
        {response(100, "INVITE", 1, "t", ""), false, 1'100},
        {response(180, "INVITE", 1, "t"), false, 1'500},
        {response(200, "INVITE", 1, "t"), false, 4'000},
        {request("ACK", 1, "t", "b1", "z9hG4bKa"), true, 4'100},
        {request("BYE", 2, "t", "b1", "z9hG4bKbye"), false, 64'000},  // sent by the callee
        {response(200, "BYE", 2, "t", "b1", "z9hG4bKbye"), true, 64'300},
    });
    const CallSummary& call = outcome.calls[0];
    EXPECT_EQ(call.attemptUs, 1'000);
    EXPECT_EQ(call.firstProvisionalUs, 1'500);  // 100 Trying does not count (RFC 6076 §4.2)
    EXPECT_EQ(call.answeredUs, 4'000);
    EXPECT_EQ(call.byeUs, 64'000);
    EXPECT_EQ(call.byeAnsweredUs, 64'300);
    EXPECT_EQ(call.state, CallState::Completed);
}

TEST(Correlator, ResponsesWithoutTheirRequestAreOrphanTransactions) {
    const auto outcome = trace({{response(200, "OPTIONS", 4, "o"), false, 0}});
    ASSERT_EQ(outcome.calls[0].transactions.size(), 1u);
    EXPECT_TRUE(outcome.calls[0].transactions[0].isOrphan);
    EXPECT_FALSE(outcome.calls[0].hasFirstRequest);
}

TEST(Correlator, Rfc2543TransactionsMatchWithoutTheMagicCookie) {
    const auto outcome = trace({
        {request("INVITE", 1, "old", "", "oldbranch"), true, 0},
        {response(404, "INVITE", 1, "old", "x", "oldbranch"), false, 1},
        {request("ACK", 1, "old", "x", "oldbranch"), true, 2},
    });
    ASSERT_EQ(outcome.calls[0].transactions.size(), 1u);
    EXPECT_TRUE(outcome.calls[0].transactions[0].isRfc2543);
    EXPECT_EQ(outcome.correlations[2].transactionKey, outcome.correlations[0].transactionKey);
}

}  // namespace

// A live capture rewrites open calls as they stand; snapshotChanged hands out only those with a message since the
// previous snapshot (every open call the first time), most recent first, and keeps them open.
TEST(Correlator, SnapshotHandsOutOnlyCallsChangedSinceTheLastOne) {
    Correlator correlator(1);
    SipParser parser;
    std::int64_t now = 0;
    auto send = [&](const std::string& text) {
        const SipMessageView& message = parser.parse(text);
        correlator.onMessage(message, {now += 1000, Alice, Bob, capture::Transport::Udp});
    };
    auto snapshot = [&] {
        std::vector<CallSummary> out;
        correlator.snapshotChanged(out);
        std::vector<std::string> ids;
        for (const CallSummary& call : out)
            ids.push_back(call.callId + "/" + std::to_string(call.messages));
        return ids;
    };
    send(request("INVITE", 1, "s1"));
    send(request("INVITE", 1, "s2"));
    send(request("INVITE", 1, "s3"));
    EXPECT_EQ(snapshot(), (std::vector<std::string>{"s3/1", "s2/1", "s1/1"}));
    EXPECT_TRUE(snapshot().empty());
    send(response(180, "INVITE", 1, "s2"));
    EXPECT_EQ(snapshot(), (std::vector<std::string>{"s2/2"}));
    send(response(180, "INVITE", 1, "s1"));
    send(request("INVITE", 1, "s4"));
    send(response(200, "INVITE", 1, "s1"));
    EXPECT_EQ(snapshot(), (std::vector<std::string>{"s1/3", "s4/1"}));
    EXPECT_TRUE(snapshot().empty());
    EXPECT_EQ(correlator.openCalls(), 4u);
}

namespace {

// A dialogs-per-call limit above what a record key holds (0xffff indexes per call) must not make keys of one call
// run into the next call's: dialogs past 0xffff get no key, as past any other cap.
TEST(Correlator, DialogKeysStayInTheirCallWhateverTheLimit) {
    CorrelatorLimits limits;
    limits.maxDialogsPerCall = 100'000;
    limits.maxSubscriptionsPerCall = 100'000;
    Correlator correlator(1, limits);
    SipParser parser;
    correlate(correlator, parser, request("INVITE", 1, "forks"), {0, Alice, Bob, capture::Transport::Udp});
    std::uint64_t lastKey = 0;
    for (int i = 0; i < 0x10001; ++i) {
        const Correlation c =
            correlate(correlator, parser, response(180, "INVITE", 1, "forks", concat("t", std::to_string(i))),
                      {1 + i, Bob, Alice, capture::Transport::Udp});
        if (c.dialogKey == 0)
            continue;
        ASSERT_EQ(c.dialogKey >> 16, c.callKey) << "response " << i;
        ASSERT_GT(c.dialogKey, lastKey) << "response " << i;
        lastKey = c.dialogKey;
    }
    EXPECT_EQ(lastKey & 0xffff, 0xffffu);
}

// Dialogs refused at maxDialogsPerCall are records dropped like those refused at the other caps: each counted once
// in the summary's recordsDropped (not once per message), and their messages get dialog key 0.
TEST(Correlator, DialogsBeyondTheCapAreCountedOnceAsDropped) {
    CorrelatorLimits limits;
    limits.maxDialogsPerCall = 2;
    const auto outcome = run(
        {
            {request("INVITE", 1, "forks"), true, 0},
            {response(180, "INVITE", 1, "forks", "f1"), false, 100},
            {response(180, "INVITE", 1, "forks", "f2"), false, 200},
            {response(180, "INVITE", 1, "forks", "f3"), false, 300},  // past the cap
            {response(183, "INVITE", 1, "forks", "f3"), false, 400},  // the same refused dialog
            {response(180, "INVITE", 1, "forks", "f4"), false, 500},  // past the cap
            {response(200, "INVITE", 1, "forks", "f4"), false, 600},
            {response(200, "INVITE", 1, "forks", "f1"), false, 700},
        },
        limits);
    ASSERT_EQ(outcome.calls.size(), 1u);
    const CallSummary& call = outcome.calls[0];
    ASSERT_EQ(call.dialogRecords.size(), 2u);
    EXPECT_EQ(call.dialogs, 2u);
    EXPECT_EQ(call.recordsDropped, 2u);
    for (std::size_t i : {3u, 4u, 5u, 6u})
        EXPECT_EQ(outcome.correlations[i].dialogKey, 0u) << "message " << i;
    EXPECT_EQ(outcome.correlations[7].dialogKey, call.dialogRecords[0].key);
    EXPECT_EQ(call.dialogRecords[0].toTag, "f1");
    EXPECT_EQ(call.dialogRecords[0].state, DialogState::Confirmed);
}

}  // namespace
