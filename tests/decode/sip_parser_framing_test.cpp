// Unit tests of decode/sip_parser.cpp, framing and hostile input: Content-Length and body, line ends, leading
// CRLF, mandatory and repeated headers, limits, garbage and every truncation of a message.
//
// Index
// [SECTION] Content-Length and body
// [SECTION] Line ends
// [SECTION] Mandatory, repeated and too many headers
// [SECTION] Malformed input
#include "decode/sip_parser.hpp"

#include "tests/decode/parser_test_util.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

namespace sipscope::decode {
namespace {

using namespace test;

//--------------------------------------------------------------------------------------------------
// [SECTION] Content-Length and body
//--------------------------------------------------------------------------------------------------

struct BodyCase {
    std::vector<std::string_view> lengthHeaders;
    std::string_view payloadAfterHeaders;
    ParseErrorCode code;
    std::optional<std::uint32_t> contentLength;
    std::string_view body;
};

TEST_F(ParserTest, ContentLengthFramesTheBody) {
    const BodyCase cases[] = {
        // RFC 3261 §18.3: without Content-Length a datagram's body runs to its end.
        {{}, "abc", ParseErrorCode::None, std::nullopt, "abc"},
        {{}, "", ParseErrorCode::None, std::nullopt, ""},
        {{"Content-Length: 0"}, "", ParseErrorCode::None, 0, ""},
        {{"Content-Length: 0"}, "trailing datagram bytes", ParseErrorCode::None, 0, ""},
        {{"Content-Length: 3"}, "abc", ParseErrorCode::None, 3, "abc"},
        {{"Content-Length: 3"}, "abcdef", ParseErrorCode::None, 3, "abc"},
        {{"L:3"}, "abc", ParseErrorCode::None, 3, "abc"},
        {{"Content-Length:   3   "}, "abc", ParseErrorCode::None, 3, "abc"},
        {{"Content-Length: 3", "l: 3"}, "abc", ParseErrorCode::None, 3, "abc"},
        {{"Content-Length: 10"}, "abc", ParseErrorCode::BodyTruncated, 10, "abc"},
        {{"Content-Length: 3", "l: 4"}, "abcd", ParseErrorCode::BadContentLength, 3, "abcd"},
        {{"Content-Length: -1"}, "abc", ParseErrorCode::BadContentLength, std::nullopt, "abc"},
        {{"Content-Length: abc"}, "abc", ParseErrorCode::BadContentLength, std::nullopt, "abc"},
        {{"Content-Length: 3 4"}, "abc", ParseErrorCode::BadContentLength, std::nullopt, "abc"},
        {{"Content-Length:"}, "abc", ParseErrorCode::BadContentLength, std::nullopt, "abc"},
        {{"Content-Length: 4294967296"}, "abc", ParseErrorCode::BadContentLength, std::nullopt, "abc"},
        {{"Content-Length: 4294967295"}, "abc", ParseErrorCode::BodyTruncated, 4294967295u, "abc"},
    };
    for (const BodyCase& c : cases) {
        std::string head = std::string(InviteLine) + "\r\n";
        for (std::string_view line : {Via, To, From, CallId, CSeqInvite}) {
            head += std::string(line) + "\r\n";
        }
        for (std::string_view line : c.lengthHeaders) {
            head += std::string(line) + "\r\n";
        }
        head += "\r\n";
        const std::string text = head + std::string(c.payloadAfterHeaders);
        SCOPED_TRACE(text);
        const SipMessageView& message = parse(text);
        if (c.code == ParseErrorCode::None) {
            EXPECT_TRUE(message.isValid()) << message.error().reason;
        } else {
            expectError(message, c.code);
        }
        EXPECT_EQ(message.contentLength(), c.contentLength);
        EXPECT_EQ(message.body(), c.body);
        EXPECT_EQ(message.raw().size(), head.size() + c.body.size());
        EXPECT_TRUE(message.raw().starts_with("INVITE "));
        EXPECT_TRUE(message.raw().ends_with(std::string(c.body) + (c.body.empty() ? "\r\n\r\n" : "")));
    }
}

//--------------------------------------------------------------------------------------------------
// [SECTION] Line ends
//--------------------------------------------------------------------------------------------------

TEST_F(ParserTest, BareLineFeedsAndMixedLineEnds) {
    const std::string_view inputs[] = {
        "INVITE sip:bob@biloxi.example.com SIP/2.0\n"
        "Via: SIP/2.0/UDP h.example.com;branch=z9hG4bKlf\n"
        "To: <sip:bob@biloxi.example.com>\n"
        "From: <sip:alice@atlanta.example.com>;\n tag=lf1\n"
        "Call-ID: lf@h.example.com\n"
        "CSeq: 2 INVITE\n"
        "Content-Length: 4\n"
        "\n"
        "v=0\n",
        "INVITE sip:bob@biloxi.example.com SIP/2.0\r\n"
        "Via: SIP/2.0/UDP h.example.com;branch=z9hG4bKlf\n"
        "To: <sip:bob@biloxi.example.com>\r\n"
        "From: <sip:alice@atlanta.example.com>;\r\n tag=lf1\n"
        "Call-ID: lf@h.example.com\r\n"
        "CSeq: 2 INVITE\n"
        "Content-Length: 4\r\n"
        "\n"
        "v=0\n",
    };
    for (std::string_view input : inputs) {
        SCOPED_TRACE(input);
        const SipMessageView& message = parse(input);
        ASSERT_TRUE(message.isValid()) << message.error().reason;
        EXPECT_EQ(message.requestUri(), "sip:bob@biloxi.example.com");
        EXPECT_EQ(message.topViaBranch(), "z9hG4bKlf");
        EXPECT_EQ(message.from().tag, "lf1");
        EXPECT_EQ(message.callId(), "lf@h.example.com");
        EXPECT_EQ(message.cseq().number, 2u);
        EXPECT_EQ(message.body(), "v=0\n");
        EXPECT_EQ(message.headers().size(), 6u);
    }
}

TEST_F(ParserTest, LeadingLineBreaksAreSkipped) {
    // RFC 3261 §7.5: CRLFs before the start line (stream keep-alives) are ignored.
    for (std::string_view prefix : {"\r\n", "\r\n\r\n", "\n", "\n\r\n"}) {
        SCOPED_TRACE(testing::PrintToString(std::string(prefix)));
        const std::string text = std::string(prefix) + invite();
        const SipMessageView& message = parse(text);
        ASSERT_TRUE(message.isValid()) << message.error().reason;
        EXPECT_EQ(message.method(), "INVITE");
        EXPECT_TRUE(message.raw().starts_with("INVITE "));
        EXPECT_EQ(message.raw().size(), text.size() - prefix.size());
    }
}

//--------------------------------------------------------------------------------------------------
// [SECTION] Mandatory, repeated and too many headers
//--------------------------------------------------------------------------------------------------

TEST_F(ParserTest, MissingMandatoryHeaders) {
    const std::pair<std::string_view, std::string_view> mandatory[] = {
        {CallId, "missing Call-ID header"}, {CSeqInvite, "missing CSeq header"}, {From, "missing From header"},
        {To, "missing To header"},          {Via, "missing Via header"},
    };
    for (const auto& [left, reason] : mandatory) {
        SCOPED_TRACE(reason);
        std::string text = std::string(InviteLine) + "\r\n";
        for (std::string_view line : {Via, To, From, CallId, CSeqInvite, std::string_view("l: 0")}) {
            if (line != left) {
                text += std::string(line) + "\r\n";
            }
        }
        text += "\r\n";
        const SipMessageView& message = parse(text);
        expectError(message, ParseErrorCode::MissingHeader);
        EXPECT_EQ(message.error().reason, reason);
        EXPECT_EQ(message.method(), "INVITE");
    }
    // Max-Forwards is not required of what we observe (RFC 2543 peers omit it, RFC 4475 §3.4.1).
    const SipMessageView& message = parse(buildMessage(InviteLine, {Via, To, From, CallId, CSeqInvite, "l: 0"}));
    EXPECT_TRUE(message.isValid()) << message.error().reason;
}

TEST_F(ParserTest, RepeatedSingleValueHeaders) {
    const std::string_view repeated[] = {
        CallId, CSeqInvite, From, To, "Max-Forwards: 70", "Content-Type: application/sdp", "i: other-call-id"};
    for (std::string_view again : repeated) {
        SCOPED_TRACE(again);
        const SipMessageView& message =
            parse(buildMessage(InviteLine, {Via, To, From, CallId, CSeqInvite, "Max-Forwards: 70",
                                            "Content-Type: text/plain", again, "l: 0"}));
        expectError(message, ParseErrorCode::DuplicateHeader);
        EXPECT_EQ(message.callId(), "a84b4c76e66710@pc33.atlanta.example.com");  // the first one counts
    }
    // List headers may repeat (RFC 3261 §7.3.1).
    const SipMessageView& message =
        parse(buildMessage(InviteLine, {Via, Via, To, From, CallId, CSeqInvite, "Contact: <sip:a@a.example.com>",
                                        "Contact: <sip:b@b.example.com>", "Route: <sip:p1.example.com;lr>",
                                        "Route: <sip:p2.example.com>", "l: 0"}));
    EXPECT_TRUE(message.isValid()) << message.error().reason;
    EXPECT_EQ(message.headerCount("v"), 2u);
    EXPECT_EQ(message.headerCount("Contact"), 2u);
    EXPECT_EQ(message.header("route"), "<sip:p1.example.com;lr>");
}

TEST(SipParserLimits, TooManyHeaders) {
    SipParser parser(ParserLimits{.maxHeaders = 5});
    const ExactBuffer buffer(
        buildMessage(InviteLine, {Via, To, From, CallId, CSeqInvite, "X-A: 1", "X-B: 2", "l: 3"}, "abc"));
    const SipMessageView& message = parser.parse(buffer.view());
    expectError(message, ParseErrorCode::TooManyHeaders);
    EXPECT_EQ(message.headers().size(), 5u);
    EXPECT_EQ(message.cseq().number, 314159u);
    EXPECT_EQ(message.body(), "abc");  // the header section is still walked to find the body
}

//--------------------------------------------------------------------------------------------------
// [SECTION] Malformed input
//--------------------------------------------------------------------------------------------------

TEST_F(ParserTest, Garbage) {
    const std::string headersNoBlank = std::string(InviteLine) + "\r\n" + std::string(Via) + "\r\n" + std::string(To) +
                                       "\r\n" + std::string(From) + "\r\n" + std::string(CallId) + "\r\n" +
                                       std::string(CSeqInvite) + "\r\n";
    const std::pair<std::string, ParseErrorCode> cases[] = {
        {"", ParseErrorCode::Empty},
        {"   \r\n\t", ParseErrorCode::Empty},
        {"\r\n\r\n", ParseErrorCode::Empty},
        {"hello", ParseErrorCode::BadStartLine},
        {std::string("\0\0\0\0", 4), ParseErrorCode::BadStartLine},
        {"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", ParseErrorCode::BadStartLine},
        {"GET / HTTP/1.1\r\nHost: example.com\r\n\r\n", ParseErrorCode::BadStartLine},
        {"INVITE sip:bob@biloxi.example.com SIP/2.0", ParseErrorCode::HeadersUnterminated},
        {"INVITE sip:bob@biloxi.example.com SIP/2.0\r", ParseErrorCode::HeadersUnterminated},
        {headersNoBlank, ParseErrorCode::HeadersUnterminated},
        {headersNoBlank.substr(0, headersNoBlank.size() - 2), ParseErrorCode::HeadersUnterminated},
        {std::string(InviteLine) + "\r\nFoobar roobar\r\n" + invite().substr(InviteLine.size() + 2),
         ParseErrorCode::BadHeader},
        {std::string(InviteLine) + "\r\n folded first\r\n" + invite().substr(InviteLine.size() + 2),
         ParseErrorCode::BadHeader},
        {std::string(InviteLine) + "\r\n: no name\r\n" + invite().substr(InviteLine.size() + 2),
         ParseErrorCode::BadHeader},
        {std::string(InviteLine) + "\r\nFo@o: x\r\n" + invite().substr(InviteLine.size() + 2),
         ParseErrorCode::BadHeader},
    };
    for (const auto& [input, code] : cases) {
        SCOPED_TRACE(testing::PrintToString(input));
        const SipMessageView& message = parse(input);
        expectError(message, code);
        EXPECT_LE(message.error().offset, input.size());
    }
}

TEST_F(ParserTest, ErrorOffsetPointsAtTheCulprit) {
    const std::string text = buildMessage(InviteLine, {Via, To, From, CallId, "CSeq: 1 ACK", "l: 0"});
    const SipMessageView& message = parse(text);
    expectError(message, ParseErrorCode::BadCSeq);
    EXPECT_EQ(message.error().offset, text.find("1 ACK"));
}

TEST_F(ParserTest, EveryTruncationIsSafeAndInvalid) {
    // Each prefix sits in its own exact-size buffer, so ASan flags any read past the cut.
    const std::string full =
        buildMessage(InviteLine,
                     {Via, "v: SIP/2.0/TCP b.example.com;branch=z9hG4bK2", "Max-Forwards: 70", To, From, CallId,
                      CSeqInvite, "Contact: \"A\" <sip:a@a.example.com>;expires=60",
                      "Date: Sat, 13 Nov 2010 23:29:00 GMT", "Subject: folded\r\n  line", "Content-Length: 4"},
                     "v=0\n");
    for (std::size_t size = 0; size < full.size(); ++size) {
        const ExactBuffer buffer(std::string_view(full).substr(0, size));
        const SipMessageView& message = m_parser.parse(buffer.view());
        ASSERT_FALSE(message.isValid()) << "prefix of " << size << " bytes";
        ASSERT_LE(message.error().offset, size);
        ASSERT_LE(message.raw().size(), size);
    }
    const ExactBuffer buffer(full);
    EXPECT_TRUE(m_parser.parse(buffer.view()).isValid());
}

TEST_F(ParserTest, ReuseLeavesNothingBehind) {
    const SipMessageView& first = parse(buildMessage(
        InviteLine, {Via, To, From, CallId, CSeqInvite, "User-Agent: ua", "X-1: a", "X-2: b", "l: 3"}, "abc"));
    ASSERT_TRUE(first.isValid());
    const SipMessageView& second = parse("garbage");
    EXPECT_FALSE(second.isRequest());
    EXPECT_TRUE(second.method().empty());
    EXPECT_TRUE(second.headers().empty());
    EXPECT_TRUE(second.callId().empty());
    EXPECT_TRUE(second.from().tag.empty());
    EXPECT_TRUE(second.topViaBranch().empty());
    EXPECT_FALSE(second.contentLength().has_value());
    EXPECT_EQ(second.cseq().number, 0u);
    EXPECT_TRUE(second.userAgent().empty());
}

}  // namespace
}  // namespace sipscope::decode
