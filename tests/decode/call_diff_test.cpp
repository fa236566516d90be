// decode/call_diff: the alignment of two calls' steps and what their headers and SDP are compared by.
#include "decode/call_diff.hpp"

#include <gtest/gtest.h>

#include <sstream>

namespace {

using sipscope::decode::CallDiff;
using sipscope::decode::DiffInput;
using sipscope::decode::DiffStepKind;

const sipscope::capture::Endpoint Caller{*sipscope::capture::parseIpAddress("10.0.0.1"), 5060};
const sipscope::capture::Endpoint Callee{*sipscope::capture::parseIpAddress("10.0.0.2"), 5060};

// "INVITE" or "200/INVITE" (status/CSeq method); a leading '<' sends it from the callee.
std::string messageText(std::string step, const std::string& extraHeaders, const std::string& viaParams) {
    if (step.front() == '<')
        step.erase(0, 1);
    const std::size_t slash = step.find('/');
    const bool isResponse = slash != std::string::npos;
    const std::string method = isResponse ? step.substr(slash + 1) : step;
    const std::string start = isResponse ? "SIP/2.0 " + step.substr(0, slash) + " Reason" : method + " sip:b@x SIP/2.0";
    return start + "\r\nVia: SIP/2.0/UDP 10.0.0.1:5060" + viaParams +
           "\r\nFrom: <sip:a@x>;tag=f1\r\nTo: <sip:b@x>\r\nCall-ID: c\r\nCSeq: 1 " + method + "\r\n" + extraHeaders +
           "Content-Length: 0\r\n\r\n";
}

struct Call {
    std::vector<std::string> texts;
    std::vector<DiffInput> inputs;
};

Call callOf(const std::string& steps) {
    Call call;
    std::istringstream words(steps);
    for (std::string step; words >> step;)
        call.texts.push_back(messageText(step, "", ";branch=z9hG4bK1"));
    std::istringstream again(steps);
    std::size_t i = 0;
    for (std::string step; again >> step; ++i) {
        const bool fromCallee = step.front() == '<';
        call.inputs.push_back({fromCallee ? Callee : Caller, fromCallee ? Caller : Callee, call.texts[i]});
    }
    return call;
}

// Each step as one character: = same, ! changed, < only A, > only B.
std::string kinds(const CallDiff& diff) {
    std::string out;
    for (const auto& step : diff.steps)
        out += step.kind == DiffStepKind::Same      ? '='
               : step.kind == DiffStepKind::Changed ? '!'
               : step.kind == DiffStepKind::OnlyA   ? '<'
                                                    : '>';
    return out;
}

TEST(CallDiff, AlignsSteps) {
    struct Case {
        const char* a;
        const char* b;
        const char* expected;
    };
    const Case cases[] = {
        {"INVITE <100/INVITE <200/INVITE ACK", "INVITE <100/INVITE <200/INVITE ACK", "===="},
        // A rejected call: the final responses align, the missing 180 and the BYE do not.
        {"INVITE <100/INVITE <180/INVITE <200/INVITE ACK BYE <200/BYE", "INVITE <100/INVITE <486/INVITE ACK",
         "==<!=<<"},
        // A challenge: the extra INVITE / 401 / ACK come first, the last INVITE aligns.
        {"INVITE <200/INVITE ACK", "INVITE <401/INVITE ACK INVITE <200/INVITE ACK", ">>>==="},
        // The same step on the other hop.
        {"INVITE <200/INVITE ACK", "INVITE 200/INVITE ACK", "=!="},
        // A provisional never stands for a final response, nor a request for another.
        {"INVITE <180/INVITE", "INVITE <603/INVITE", "=<>"},
        {"OPTIONS", "REGISTER", "<>"},
        {"", "INVITE", ">"},
    };
    for (const Case& c : cases) {
        SCOPED_TRACE(std::string(c.a) + " | " + c.b);
        const Call a = callOf(c.a), b = callOf(c.b);
        const CallDiff diff = sipscope::decode::diffCalls(a.inputs, b.inputs);
        EXPECT_EQ(kinds(diff), c.expected);
        EXPECT_EQ(diff.isIdentical(), std::string(c.expected).find_first_not_of('=') == std::string::npos);
    }
}

TEST(CallDiff, FirstDivergenceAndHosts) {
    const Call a = callOf("INVITE <100/INVITE <180/INVITE <200/INVITE ACK");
    const Call b = callOf("INVITE <100/INVITE <486/INVITE ACK");
    const CallDiff diff = sipscope::decode::diffCalls(a.inputs, b.inputs);
    ASSERT_TRUE(diff.firstDivergence);
    EXPECT_EQ(*diff.firstDivergence, 2u);
    ASSERT_EQ(diff.hostsA.size(), 2u);
    EXPECT_EQ(diff.hostsA[0], Caller);
    EXPECT_EQ(diff.steps[0].a->fromHost, 1u);
    EXPECT_EQ(diff.steps[1].a->fromHost, 2u);
    EXPECT_EQ(diff.steps[3].b->label, "486 Reason (INVITE)");
}

TEST(CallDiff, MessagesBeyondTheLimitAreCountedNotCompared) {
    const Call a = callOf("INVITE <100/INVITE <200/INVITE ACK");
    sipscope::decode::CallDiffOptions options;
    options.maxMessages = 2;
    const CallDiff diff = sipscope::decode::diffCalls(a.inputs, a.inputs, options);
    EXPECT_EQ(diff.steps.size(), 2u);
    EXPECT_EQ(diff.leftOutA, 2u);
    EXPECT_EQ(diff.leftOutB, 2u);
    EXPECT_FALSE(diff.isIdentical());
}

// What always differs between calls (tags, branches, received/rport, CSeq numbers, Call-ID, digest nonces) is left
// out unless allHeaders; anything else that differs is named.
TEST(CallDiff, HeadersThatAlwaysDifferAreLeftOut) {
    const std::string a =
        messageText("INVITE", "Authorization: Digest username=\"alice\", nonce=\"1\", response=\"x\"\r\n",
                    ";branch=z9hG4bK1;rport=5060");
    std::string b = messageText("INVITE", "Authorization: Digest username=\"alice\", nonce=\"2\", response=\"y\"\r\n",
                                ";received=192.0.2.1;branch=z9hG4bK2;rport");
    b.replace(b.find("tag=f1"), 6, "tag=f2");
    b.replace(b.find("CSeq: 1"), 7, "CSeq: 7");
    b.replace(b.find("Call-ID: c"), 10, "Call-ID: d");
    const DiffInput inA{Caller, Callee, a}, inB{Caller, Callee, b};
    const CallDiff alike = sipscope::decode::diffCalls({&inA, 1}, {&inB, 1});
    EXPECT_TRUE(alike.isIdentical()) << (alike.steps[0].headers.empty() ? "" : alike.steps[0].headers[0].name);

    sipscope::decode::CallDiffOptions all;
    all.allHeaders = true;
    const CallDiff every = sipscope::decode::diffCalls({&inA, 1}, {&inB, 1}, all);
    std::string names;
    for (const auto& header : every.steps[0].headers)
        names += header.name + " ";
    EXPECT_EQ(names, "Via From Call-ID CSeq Authorization ");

    std::string other = a;
    other.replace(other.find("<sip:a@x>"), 9, "\"Alice\" <sip:alice@x>");
    const DiffInput inOther{Caller, Callee, other};
    const CallDiff named = sipscope::decode::diffCalls({&inA, 1}, {&inOther, 1});
    ASSERT_EQ(named.steps[0].headers.size(), 1u);
    EXPECT_EQ(named.steps[0].headers[0].name, "From");
    EXPECT_EQ(named.steps[0].headers[0].a, std::vector<std::string>{"<sip:a@x>"});
    EXPECT_EQ(named.steps[0].headers[0].b, std::vector<std::string>{"\"Alice\" <sip:alice@x>"});
}

TEST(CallDiff, SdpPerMediaLine) {
    auto withSdp = [](const std::string& media) {
        const std::string sdp = "v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\n" + media;
        return "INVITE sip:b@x SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK1\r\nFrom: <sip:a@x>;tag=1\r\n"
               "To: <sip:b@x>\r\nCall-ID: c\r\nCSeq: 1 INVITE\r\nContent-Type: application/sdp\r\nContent-Length: " +
               std::to_string(sdp.size()) + "\r\n\r\n" + sdp;
    };
    const std::string a = withSdp("m=audio 4000 RTP/AVP 0 101\r\na=rtpmap:101 telephone-event/8000\r\n");
    const std::string b = withSdp("m=audio 4000 RTP/AVP 8\r\na=sendonly\r\nm=video 5000 RTP/AVP 96\r\n");
    const DiffInput inA{Caller, Callee, a}, inB{Caller, Callee, b};
    const CallDiff diff = sipscope::decode::diffCalls({&inA, 1}, {&inB, 1});
    ASSERT_EQ(diff.steps.size(), 1u);
    const auto& sdp = diff.steps[0].sdp;
    ASSERT_EQ(sdp.size(), 3u);
    EXPECT_EQ(sdp[0].field, "direction");
    EXPECT_EQ(sdp[0].a, "sendrecv");
    EXPECT_EQ(sdp[0].b, "sendonly");
    EXPECT_EQ(sdp[1].field, "codecs");
    EXPECT_EQ(sdp[1].a, "PCMU/8000,telephone-event/8000");
    EXPECT_EQ(sdp[1].b, "PCMA/8000");
    EXPECT_EQ(sdp[2].field, "media");
    EXPECT_EQ(*sdp[2].media, 1u);
    EXPECT_EQ(sdp[2].a, "");
    EXPECT_EQ(sdp[2].b, "video 5000 RTP/AVP");
    EXPECT_TRUE(diff.steps[0].headers.empty());
}

}  // namespace
