// Correlator rules: calls by Call-ID, state and final status, retransmissions, flushing and eviction.
#include "decode/correlator.hpp"
#include "decode/sip_parser.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

using namespace sipscope;
using namespace sipscope::decode;

namespace {

capture::Endpoint endpoint(std::uint8_t last, std::uint16_t port = 5060) {
    capture::Endpoint e;
    e.ip = capture::IpAddress::v4(0x0a000000u | last);
    e.port = port;
    return e;
}

const capture::Endpoint Alice = endpoint(1);
const capture::Endpoint Bob = endpoint(2);

struct Step {
    std::string text;
    bool fromAlice = true;
    std::int64_t atUs = 0;
};

std::string request(const std::string& method, int cseq, const std::string& callId, const std::string& toTag = "",
                    const std::string& branch = "z9hG4bK1", const std::string& cseqMethod = "") {
    return method + " sip:bob@example.com SIP/2.0\r\n"
                    "Via: SIP/2.0/UDP 10.0.0.1:5060;branch=" + branch + "\r\n"
                    "From: <sip:alice@example.com>;tag=a1\r\n"
                    "To: <sip:bob@example.com>" + (toTag.empty() ? "" : ";tag=" + toTag) + "\r\n"
                    "Call-ID: " + callId + "\r\n"
                    "CSeq: " + std::to_string(cseq) + " " + (cseqMethod.empty() ? method : cseqMethod) + "\r\n"
                    "Content-Length: 0\r\n\r\n";
}

std::string response(int status, const std::string& method, int cseq, const std::string& callId,
                     const std::string& toTag = "b1", const std::string& branch = "z9hG4bK1") {
    return "SIP/2.0 " + std::to_string(status) + " Reason\r\n"
           "Via: SIP/2.0/UDP 10.0.0.1:5060;branch=" + branch + "\r\n"
           "From: <sip:alice@example.com>;tag=a1\r\n"
           "To: <sip:bob@example.com>" + (toTag.empty() ? "" : ";tag=" + toTag) + "\r\n"
           "Call-ID: " + callId + "\r\n"
           "CSeq: " + std::to_string(cseq) + " " + method + "\r\n"
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
        const SipMessageView& message = parser.parse(step.text);
        EXPECT_TRUE(message.isValid()) << message.error().reason << "\n" << step.text;
        MessageMeta meta{step.atUs, step.fromAlice ? Alice : Bob, step.fromAlice ? Bob : Alice,
                         capture::Transport::Udp};
        outcome.correlations.push_back(correlator.onMessage(message, meta));
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
    feed(request("OPTIONS", 1, "done"), 0);
    feed(response(200, "OPTIONS", 1, "done"), 10);
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

} // namespace
