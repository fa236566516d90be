// Unit tests of decode/sip_parser.cpp, message contents: table-driven, inputs in exact-size heap copies.
// Framing and malformed input are in sip_parser_framing_test.cpp.
//
// Index
// [SECTION] Start lines
// [SECTION] Headers: compact forms, folding, lookups
// [SECTION] Typed fields: Via, name-addr, Contact, CSeq, others
#include "decode/sip_parser.hpp"

#include "tests/decode/parser_test_util.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace sipscope::decode {
namespace {

using namespace test;

//--------------------------------------------------------------------------------------------------
// [SECTION] Start lines
//--------------------------------------------------------------------------------------------------

struct RequestLineCase {
    std::string_view line;
    ParseErrorCode code;
    std::string_view method;
    std::string_view uri;
};

TEST_F(ParserTest, RequestLines) {
    const RequestLineCase cases[] = {
        {"INVITE sip:bob@biloxi.example.com SIP/2.0", ParseErrorCode::None, "INVITE", "sip:bob@biloxi.example.com"},
        {"INVITE sip:bob@biloxi.example.com sip/2.0", ParseErrorCode::None, "INVITE", "sip:bob@biloxi.example.com"},
        {"INVITE tel:+15551234567;phone-context=example.com SIP/2.0", ParseErrorCode::None, "INVITE",
         "tel:+15551234567;phone-context=example.com"},
        {"INVITE sips:bob@[2001:db8::1]:5061;transport=tls SIP/2.0", ParseErrorCode::None, "INVITE",
         "sips:bob@[2001:db8::1]:5061;transport=tls"},
        {"INVITE  sip:bob@biloxi.example.com SIP/2.0", ParseErrorCode::BadStartLine, "INVITE",
         "sip:bob@biloxi.example.com"},
        {"INVITE sip:bob@biloxi.example.com  SIP/2.0", ParseErrorCode::BadStartLine, "INVITE",
         "sip:bob@biloxi.example.com"},
        {"INVITE sip:bob@biloxi.example.com SIP/2.0 ", ParseErrorCode::BadStartLine, "INVITE",
         "sip:bob@biloxi.example.com"},
        {"INVITE sip:bob@biloxi.example.com", ParseErrorCode::BadStartLine, "INVITE", "sip:bob@biloxi.example.com"},
        {"INVITE sip:bob@biloxi.example.com SIP/3.0", ParseErrorCode::BadVersion, "INVITE",
         "sip:bob@biloxi.example.com"},
        {"INVITE sip:bob@biloxi.example.com HTTP/1.1", ParseErrorCode::BadStartLine, "INVITE",
         "sip:bob@biloxi.example.com"},
        {"INVITE <sip:bob@biloxi.example.com> SIP/2.0", ParseErrorCode::BadStartLine, "INVITE",
         "<sip:bob@biloxi.example.com>"},
        {"INVITE sip:bob@biloxi.example.com; lr SIP/2.0", ParseErrorCode::BadStartLine, "INVITE",
         "sip:bob@biloxi.example.com; lr"},
        {"INVITE sip:bob@biloxi.example.com?Subject=hi SIP/2.0", ParseErrorCode::BadStartLine, "INVITE",
         "sip:bob@biloxi.example.com?Subject=hi"},
        {"INVITE bob@biloxi.example.com SIP/2.0", ParseErrorCode::BadStartLine, "INVITE", "bob@biloxi.example.com"},
        {"INVITE  SIP/2.0", ParseErrorCode::BadStartLine, "INVITE", ""},
        // RFC 5118 §4.2-4.4: an IPv6 host needs brackets; a port follows them.
        {"INVITE sip:2001:db8::10 SIP/2.0", ParseErrorCode::BadStartLine, "INVITE", "sip:2001:db8::10"},
        {"INVITE sip:[2001:db8::10]:5070 SIP/2.0", ParseErrorCode::None, "INVITE", "sip:[2001:db8::10]:5070"},
        {"INVITE sip:bob@host.example.com:50x0 SIP/2.0", ParseErrorCode::BadStartLine, "INVITE",
         "sip:bob@host.example.com:50x0"},
        {"INVITE sip:bob@ SIP/2.0", ParseErrorCode::BadStartLine, "INVITE", "sip:bob@"},
    };
    for (const RequestLineCase& c : cases) {
        SCOPED_TRACE(c.line);
        const SipMessageView& message = parse(invite(c.line));
        if (c.code == ParseErrorCode::None) {
            EXPECT_TRUE(message.isValid()) << message.error().reason;
        } else {
            expectError(message, c.code);
        }
        EXPECT_TRUE(message.isRequest());
        EXPECT_FALSE(message.isResponse());
        EXPECT_EQ(message.method(), c.method);
        EXPECT_EQ(message.requestUri(), c.uri);
        EXPECT_EQ(message.callId(), "a84b4c76e66710@pc33.atlanta.example.com");  // headers read regardless
    }
}

TEST_F(ParserTest, RequestMethodMustBeAToken) {
    const std::string_view lines[] = {"INV@TE sip:a@b.example.com SIP/2.0", "garbage", "(x) y SIP/2.0"};
    for (std::string_view line : lines) {
        SCOPED_TRACE(line);
        const SipMessageView& message = parse(invite(line));
        expectError(message, ParseErrorCode::BadStartLine);
        EXPECT_FALSE(message.isRequest());
        EXPECT_FALSE(message.isResponse());
    }
}

struct StatusLineCase {
    std::string_view line;
    ParseErrorCode code;
    int status;
    std::string_view reason;
};

TEST_F(ParserTest, StatusLines) {
    const StatusLineCase cases[] = {
        {"SIP/2.0 200 OK", ParseErrorCode::None, 200, "OK"},
        {"SIP/2.0 486 Busy Here", ParseErrorCode::None, 486, "Busy Here"},
        {"SIP/2.0 100 ", ParseErrorCode::None, 100, ""},
        {"SIP/2.0 180", ParseErrorCode::None, 180, ""},
        {"sip/2.0 603 Decline", ParseErrorCode::None, 603, "Decline"},
        {"SIP/2.0 200 \xC3\xA7"
         "a marche",
         ParseErrorCode::None, 200,
         "\xC3\xA7"
         "a marche"},
        {"SIP/2.0 099 Too Low", ParseErrorCode::BadStatusCode, 99, "Too Low"},
        {"SIP/2.0 700 Too High", ParseErrorCode::BadStatusCode, 700, "Too High"},
        {"SIP/2.0 20 OK", ParseErrorCode::BadStatusCode, 0, "OK"},
        {"SIP/2.0 2000 OK", ParseErrorCode::BadStatusCode, 0, "OK"},
        {"SIP/2.0 4294967301 big", ParseErrorCode::BadStatusCode, 0, "big"},
        {"SIP/2.0 2x0 OK", ParseErrorCode::BadStatusCode, 0, "OK"},
        {"SIP/2.0", ParseErrorCode::BadStatusCode, 0, ""},
        {"SIP/3.0 200 OK", ParseErrorCode::BadVersion, 200, "OK"},
    };
    for (const StatusLineCase& c : cases) {
        SCOPED_TRACE(c.line);
        const SipMessageView& message =
            parse(buildMessage(c.line, {Via, To, From, CallId, CSeqInvite, "Content-Length: 0"}));
        if (c.code == ParseErrorCode::None) {
            EXPECT_TRUE(message.isValid()) << message.error().reason;
        } else {
            expectError(message, c.code);
        }
        EXPECT_FALSE(message.isRequest());
        EXPECT_EQ(message.statusCode(), c.status);
        EXPECT_EQ(message.reasonPhrase(), c.reason);
        EXPECT_TRUE(message.method().empty());
        EXPECT_EQ(message.cseq().method, "INVITE");
    }
}

//--------------------------------------------------------------------------------------------------
// [SECTION] Headers: compact forms, folding, lookups
//--------------------------------------------------------------------------------------------------

TEST_F(ParserTest, CompactFormsFillTypedFields) {
    const SipMessageView& message = parse(
        buildMessage("INVITE sip:bob@biloxi.example.com SIP/2.0",
                     {"v: SIP/2.0/TCP client.example.com:5070;branch=z9hG4bKc1", "t: <sip:bob@biloxi.example.com>",
                      "f: <sip:alice@atlanta.example.com>;tag=ft", "i: compact-call-id", "CSeq: 7 INVITE",
                      "m: <sip:alice@client.example.com>", "c: text/plain", "k: timer", "s: hello", "l: 3"},
                     "abc"));
    ASSERT_TRUE(message.isValid()) << message.error().reason;
    EXPECT_EQ(message.callId(), "compact-call-id");
    EXPECT_EQ(message.topViaBranch(), "z9hG4bKc1");
    EXPECT_EQ(message.topViaSentBy(), "client.example.com:5070");
    EXPECT_EQ(message.from().tag, "ft");
    EXPECT_EQ(message.to().uri, "sip:bob@biloxi.example.com");
    EXPECT_EQ(message.contentLength(), 3u);
    EXPECT_EQ(message.body(), "abc");
    EXPECT_EQ(message.header("Call-ID"), "compact-call-id");
    EXPECT_EQ(message.header("call-id"), "compact-call-id");
    EXPECT_EQ(message.header("I"), "compact-call-id");
    EXPECT_EQ(message.header("Content-Type"), "text/plain");
    EXPECT_EQ(message.header("Supported"), "timer");
    EXPECT_EQ(message.header("Subject"), "hello");
    EXPECT_EQ(message.header("Contact"), "<sip:alice@client.example.com>");
    EXPECT_EQ(message.headerCount("Via"), 1u);
    EXPECT_TRUE(message.header("Route").empty());
    EXPECT_EQ(message.headerCount("Route"), 0u);
}

TEST(HeaderNameIs, CompactAndCanonicalBothWays) {
    struct Case {
        std::string_view wire;
        std::string_view canonical;
        bool expected;
    };
    const Case cases[] = {
        {"i", "Call-ID", true},
        {"Call-ID", "i", true},
        {"CALL-ID", "call-id", true},
        {"I", "Call-ID", true},
        {"f", "From", true},
        {"t", "To", true},
        {"v", "Via", true},
        {"l", "Content-Length", true},
        {"m", "Contact", true},
        {"c", "Content-Type", true},
        {"s", "Subject", true},
        {"k", "Supported", true},
        {"e", "Content-Encoding", true},
        {"o", "Event", true},
        {"r", "Refer-To", true},
        {"u", "Allow-Events", true},
        {"x", "Session-Expires", true},
        {"y", "Identity", true},
        {"a", "Accept-Contact", true},
        {"b", "Referred-By", true},
        {"j", "Reject-Contact", true},
        {"d", "Request-Disposition", true},
        {"i", "From", false},
        {"Call-Id", "Call-IDs", false},
        {"z", "Z", true},
        {"z", "Via", false},
        {"", "Via", false},
        {"Via", "Viaa", false},
    };
    for (const Case& c : cases) {
        SCOPED_TRACE(std::string(c.wire) + " vs " + std::string(c.canonical));
        EXPECT_EQ(headerNameIs(c.wire, c.canonical), c.expected);
    }
}

TEST_F(ParserTest, FoldedValuesSpanTheirLines) {
    const SipMessageView& message = parse(buildMessage(
        InviteLine, {Via, To, From, CallId, "CSeq: 0009\r\n  INVITE", "Subject: first\r\n second\r\n\tthird",
                     "X-Empty:", "X-Spaces :   padded   ", "Content-Length: 0"}));
    ASSERT_TRUE(message.isValid()) << message.error().reason;
    EXPECT_EQ(message.header("Subject"), "first\r\n second\r\n\tthird");
    EXPECT_EQ(message.cseq().number, 9u);
    EXPECT_EQ(message.cseq().method, "INVITE");
    EXPECT_EQ(message.header("X-Empty"), "");
    EXPECT_EQ(message.header("x-spaces"), "padded");
    ASSERT_EQ(message.headers().size(), 9u);
    EXPECT_EQ(message.headers()[7].name, "X-Spaces");
}

TEST_F(ParserTest, UserAgentOrServer) {
    const SipMessageView& request =
        parse(buildMessage(InviteLine, {Via, To, From, CallId, CSeqInvite, "User-Agent: softphone/1.0", "l: 0"}));
    EXPECT_EQ(request.userAgent(), "softphone/1.0");
    const SipMessageView& response =
        parse(buildMessage("SIP/2.0 200 OK", {Via, To, From, CallId, CSeqInvite, "Server: pbx/2.0", "l: 0"}));
    EXPECT_EQ(response.userAgent(), "pbx/2.0");
    const SipMessageView& none = parse(invite());
    EXPECT_TRUE(none.userAgent().empty());
}

//--------------------------------------------------------------------------------------------------
// [SECTION] Typed fields: Via, name-addr, CSeq
//--------------------------------------------------------------------------------------------------

struct ViaCase {
    std::vector<std::string_view> viaHeaders;
    bool isValid;
    std::string_view branch;
    std::string_view sentBy;
};

TEST_F(ParserTest, TopVia) {
    const ViaCase cases[] = {
        {{"Via: SIP/2.0/UDP a.example.com;branch=z9hG4bK1, SIP/2.0/TCP b.example.com;branch=z9hG4bK2"},
         true,
         "z9hG4bK1",
         "a.example.com"},
        {{"Via: SIP/2.0/UDP a.example.com:5070;rport;branch=z9hG4bKa", "v: SIP/2.0/UDP b.example.com;branch=x"},
         true,
         "z9hG4bKa",
         "a.example.com:5070"},
        {{"Via: SIP/2.0/UDP [2001:db8::9]:5060;branch=z9hG4bK6"}, true, "z9hG4bK6", "[2001:db8::9]:5060"},
        {{"Via: SIP / 2.0 / UDP host.example.com ; BRANCH = z9hG4bKsp ; received=192.0.2.1"},
         true,
         "z9hG4bKsp",
         "host.example.com"},
        {{"Via: SIP/2.0/UDP host.example.com"}, true, "", "host.example.com"},
        {{"Via: SIP/2.0/UDP host.example.com;branch=z9hG4bK1;;"}, false, "z9hG4bK1", "host.example.com"},
        {{"Via: SIP/2.0/UDP host.example.com;branch=z9hG4bK1,,"}, false, "z9hG4bK1", "host.example.com"},
        {{"Via: SIP/2.0/UDP"}, false, "", ""},
        {{"Via: SIP/2.0 UDP host.example.com"}, false, "", ""},
        {{"Via: SIP/1.0/UDP host.example.com;branch=old"}, false, "old", "host.example.com"},
        {{"Via: SIP/2.0/UDP host.example.com;branch="}, false, "", "host.example.com"},
        {{"Via: SIP/2.0/UDP host.example.com junk"}, false, "", "host.example.com"},
    };
    for (const ViaCase& c : cases) {
        SCOPED_TRACE(c.viaHeaders.front());
        std::string text = std::string(InviteLine) + "\r\n";
        for (std::string_view via : c.viaHeaders) {
            text += std::string(via) + "\r\n";
        }
        text += buildMessage("To: <sip:b@example.com>", {From, CallId, CSeqInvite, "l: 0"});
        const SipMessageView& message = parse(text);
        if (c.isValid) {
            EXPECT_TRUE(message.isValid()) << message.error().reason;
        } else {
            expectError(message, ParseErrorCode::BadHeaderValue);
        }
        EXPECT_EQ(message.topViaBranch(), c.branch);
        EXPECT_EQ(message.topViaSentBy(), c.sentBy);
    }
}

struct NameAddrCase {
    std::string_view value;
    bool isValid;
    std::string_view displayName;
    std::string_view uri;
    std::string_view user;
    std::string_view host;
    std::string_view tag;
};

TEST_F(ParserTest, NameAddrForms) {
    const NameAddrCase cases[] = {
        {"\"Alice\" <sip:alice@atlanta.example.com>;tag=1928301774", true, "Alice", "sip:alice@atlanta.example.com",
         "alice", "atlanta.example.com", "1928301774"},
        {"Alice Liddell <sip:alice@atlanta.example.com:5070;transport=tcp>;tag=abc", true, "Alice Liddell",
         "sip:alice@atlanta.example.com:5070;transport=tcp", "alice", "atlanta.example.com:5070", "abc"},
        {"<sip:alice@atlanta.example.com>", true, "", "sip:alice@atlanta.example.com", "alice", "atlanta.example.com",
         ""},
        {"sip:alice@atlanta.example.com;tag=88", true, "", "sip:alice@atlanta.example.com", "alice",
         "atlanta.example.com", "88"},
        {"sip:alice@atlanta.example.com ;\r\n tag = 88", true, "", "sip:alice@atlanta.example.com", "alice",
         "atlanta.example.com", "88"},
        {"<sip:alice@atlanta.example.com;tag=uri-param>", true, "", "sip:alice@atlanta.example.com;tag=uri-param",
         "alice", "atlanta.example.com", ""},
        {"\"A \\\"quoted\\\" name\" <sips:bob:secret@biloxi.example.com>", true, "A \\\"quoted\\\" name",
         "sips:bob:secret@biloxi.example.com", "bob", "biloxi.example.com", ""},
        {"<tel:+15551234567;phone-context=example.com>;TAG=t1", true, "", "tel:+15551234567;phone-context=example.com",
         "+15551234567", "", "t1"},
        {"Bob<sip:biloxi.example.com>", true, "Bob", "sip:biloxi.example.com", "", "biloxi.example.com", ""},
        {"<urn:service:sos>;tag=\"q\"", true, "", "urn:service:sos", "", "", "q"},
        {"\"Unterminated <sip:a@b.example.com>", false, "", "sip:a@b.example.com", "a", "b.example.com", ""},
        {"Bell, Alexander <sip:a@b.example.com>;tag=43", false, "Bell, Alexander", "sip:a@b.example.com", "a",
         "b.example.com", "43"},
        {"< sip:a@b.example.com >", false, "", "sip:a@b.example.com", "a", "b.example.com", ""},
        {"sip:a@b.example.com?Subject=x", false, "", "sip:a@b.example.com?Subject=x", "a", "b.example.com", ""},
        {"<sip:a@b.example.com", false, "", "", "", "", ""},
        {"sip:a@b.example.com;;tag=1", false, "", "sip:a@b.example.com", "a", "b.example.com", ""},
        {"alice@example.com", false, "", "alice@example.com", "", "", ""},
        {"<sip:a@b.example.com>;tag=x junk", false, "", "sip:a@b.example.com", "a", "b.example.com", "x"},
        {"<sip:a@b.example.com>>", false, "", "sip:a@b.example.com", "a", "b.example.com", ""},
        {"\"Alice\" sip:a@b.example.com", false, "Alice", "", "", "", ""},
        {"<sip:a@[2001:db8::1>", false, "", "sip:a@[2001:db8::1", "a", "[2001:db8::1", ""},
        {"", false, "", "", "", "", ""},
    };
    for (const NameAddrCase& c : cases) {
        SCOPED_TRACE(c.value);
        const std::string fromLine = "From: " + std::string(c.value);
        const SipMessageView& message =
            parse(buildMessage(InviteLine, {Via, To, fromLine, CallId, CSeqInvite, "l: 0"}));
        if (c.isValid) {
            EXPECT_TRUE(message.isValid()) << message.error().reason;
        } else {
            expectError(message, ParseErrorCode::BadHeaderValue);
        }
        for (const NameAddr& got : {message.from(), parseNameAddr(message.header("From"))}) {
            EXPECT_EQ(got.displayName, c.displayName);
            EXPECT_EQ(got.uri, c.uri);
            EXPECT_EQ(got.user, c.user);
            EXPECT_EQ(got.host, c.host);
            EXPECT_EQ(got.tag, c.tag);
        }
    }
}

TEST_F(ParserTest, ContactValues) {
    const std::pair<std::string_view, bool> cases[] = {
        {"Contact: *", true},
        {"Contact: <sip:a@a.example.com>, \"B, the second\" <sip:b@b.example.com>;expires=60", true},
        {"m: sip:+19725552222@gw1.example.net;unknownparam", true},
        {"Contact: <sip:user@example.com?Route=%3Csip:sip.example.com%3E>", true},
        {"Contact: sip:user@example.com?Route=%3Csip:sip.example.com%3E", false},
        {"Contact: \"Joe\" <sip:joe@example.org>;;;;", false},
        {"Contact: <sip:a@a.example.com>,,<sip:b@b.example.com>", false},
    };
    for (const auto& [contact, isValid] : cases) {
        SCOPED_TRACE(contact);
        const SipMessageView& message = parse(buildMessage(
            "REGISTER sip:example.com SIP/2.0", {Via, To, From, CallId, "CSeq: 1 REGISTER", contact, "l: 0"}));
        EXPECT_EQ(message.isValid(), isValid) << message.error().reason;
    }
}

struct CSeqCase {
    std::string_view startLine;
    std::string_view value;
    ParseErrorCode code;
    std::uint32_t number;
    std::string_view method;
};

TEST_F(ParserTest, CSeqValues) {
    const CSeqCase cases[] = {
        {InviteLine, "1 INVITE", ParseErrorCode::None, 1, "INVITE"},
        {InviteLine, "4294967295 INVITE", ParseErrorCode::None, 4294967295u, "INVITE"},
        {InviteLine, "  12\t INVITE  ", ParseErrorCode::None, 12, "INVITE"},
        {InviteLine, "4294967296 INVITE", ParseErrorCode::BadCSeq, 0, "INVITE"},
        {InviteLine, "INVITE", ParseErrorCode::BadCSeq, 0, ""},
        {InviteLine, "1", ParseErrorCode::BadCSeq, 1, ""},
        {InviteLine, "1INVITE", ParseErrorCode::BadCSeq, 1, ""},
        {InviteLine, "1 INVITE extra", ParseErrorCode::BadCSeq, 1, "INVITE"},
        {InviteLine, "1 ACK", ParseErrorCode::BadCSeq, 1, "ACK"},
        {InviteLine, "1 invite", ParseErrorCode::BadCSeq, 1, "invite"},  // methods are case-sensitive, §7.1
        {"ACK sip:bob@biloxi.example.com SIP/2.0", "1 ACK", ParseErrorCode::None, 1, "ACK"},
        {"SIP/2.0 200 OK", "5 BYE", ParseErrorCode::None, 5, "BYE"},
    };
    for (const CSeqCase& c : cases) {
        SCOPED_TRACE(std::string(c.startLine) + " / " + std::string(c.value));
        const std::string cseqLine = "CSeq: " + std::string(c.value);
        const SipMessageView& message = parse(buildMessage(c.startLine, {Via, To, From, CallId, cseqLine, "l: 0"}));
        if (c.code == ParseErrorCode::None) {
            EXPECT_TRUE(message.isValid()) << message.error().reason;
        } else {
            expectError(message, c.code);
        }
        EXPECT_EQ(message.cseq().number, c.number);
        EXPECT_EQ(message.cseq().method, c.method);
    }
}

TEST_F(ParserTest, OtherCheckedHeaders) {
    const std::pair<std::string_view, ParseErrorCode> cases[] = {
        {"Max-Forwards: 0", ParseErrorCode::None},
        {"Max-Forwards: 255", ParseErrorCode::None},
        {"Max-Forwards: 256", ParseErrorCode::BadHeaderValue},
        {"Max-Forwards: -1", ParseErrorCode::BadHeaderValue},
        {"Date: Sat, 13 Nov 2010 23:29:00 GMT", ParseErrorCode::None},
        {"Date: Sat, 3 Nov 2010 23:29:00 GMT", ParseErrorCode::None},
        {"Date: Fri, 01 Jan 2010 16:00:00 EST", ParseErrorCode::BadHeaderValue},
        {"Date: yesterday", ParseErrorCode::BadHeaderValue},
        {"Call-ID: has space", ParseErrorCode::BadHeaderValue},
        {"Call-ID:", ParseErrorCode::BadHeaderValue},
    };
    for (const auto& [line, code] : cases) {
        SCOPED_TRACE(line);
        const bool isCallId = line.starts_with("Call-ID");
        const SipMessageView& message =
            parse(isCallId ? buildMessage(InviteLine, {Via, To, From, line, CSeqInvite, "l: 0"})
                           : buildMessage(InviteLine, {Via, To, From, CallId, CSeqInvite, line, "l: 0"}));
        if (code == ParseErrorCode::None) {
            EXPECT_TRUE(message.isValid()) << message.error().reason;
        } else {
            expectError(message, code);
        }
    }
}

}  // namespace
}  // namespace sipscope::decode
