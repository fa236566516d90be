// decode::Redactor (issue 16): what a redacted message keeps (its grammar, the relations between its fields) and
// what it loses (names, addresses, credentials, keys).
#include "decode/detail/redact_hash.hpp"
#include "decode/redact.hpp"
#include "decode/sdp.hpp"
#include "decode/sip_parser.hpp"

#include <gtest/gtest.h>

#include <string>

using sipscope::decode::Redactor;
using sipscope::decode::SipParser;

namespace {

const std::string Body =
    "v=0\r\n"
    "o=alice 2890844526 2890844526 IN IP4 pc33.atlanta.example.com\r\n"
    "s=Alice Liddell's call\r\n"
    "c=IN IP4 198.51.100.7\r\n"
    "t=0 0\r\n"
    "m=audio 49172 RTP/SAVP 0\r\n"
    "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20|1:32\r\n"
    "a=ice-pwd:asd88fgpdd777uzjYhagZg\r\n"
    "a=candidate:1 1 UDP 2130706431 198.51.100.7 49172 typ host\r\n"
    "a=rtpmap:0 PCMU/8000\r\n";

std::string invite() {
    return "INVITE sip:+15551234567@biloxi.example.com;user=phone SIP/2.0\r\n"
           "Via: SIP/2.0/UDP pc33.atlanta.example.com:5060;branch=z9hG4bK776asdhds;received=198.51.100.7\r\n"
           "Via: SIP/2.0/TCP [2001:db8:42::17]:5061;branch=z9hG4bKnashds8\r\n"
           "Max-Forwards: 70\r\n"
           "To: \"Bob Smith\" <sip:+15551234567@biloxi.example.com;user=phone>\r\n"
           "From: \"Alice Liddell\" <sip:alice@atlanta.example.com>;tag=1928alice301774\r\n"
           "Call-ID: a84b4c76e66710@pc33.atlanta.example.com\r\n"
           "CSeq: 314159 INVITE\r\n"
           "Contact: <sip:alice@198.51.100.7:5060;transport=udp>\r\n"
           "Proxy-Authorization: Digest username=\"alice\", realm=\"atlanta.example.com\", "
           "nonce=\"wf84f1ceczx41ae6cbe5aea9c8e88d359\", uri=\"sip:bob@biloxi.example.com\", "
           "response=\"42ce3cef44b22f50c6a6071bc8\", cnonce=\"0a4f113b\", qop=auth, nc=00000001\r\n"
           "Subject: alice calls from pc33.atlanta.example.com\r\n"
           "Content-Type: application/sdp\r\n"
           "Content-Length: " +
           std::to_string(Body.size()) + "\r\n\r\n" + Body;
}

TEST(Redactor, NamesAddressesAndCredentialsAreGone) {
    Redactor redactor;
    const std::string out = redactor.message(invite());
    for (const char* gone : {"alice", "Alice", "Liddell", "Bob Smith", "5551234567", "atlanta", "biloxi",
                             "198.51.100.7", "2001:db8:42::17", "42ce3cef44b22f50c6a6071bc8", "0a4f113b",
                             "PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR", "asd88fgpdd777uzjYhagZg"})
        EXPECT_EQ(out.find(gone), std::string::npos) << gone << " in\n" << out;
    for (const char* kept : {"CSeq: 314159 INVITE", "Max-Forwards: 70", "branch=z9hG4bK776asdhds", ";user=phone",
                             "m=audio 49172 RTP/SAVP 0", "a=rtpmap:0 PCMU/8000", "transport=udp", "qop=auth",
                             "AES_CM_128_HMAC_SHA1_80 inline:REDACTED"})
        EXPECT_NE(out.find(kept), std::string::npos) << kept << " not in\n" << out;
    // Users are numbered as they come (the display names are users too), numbers apart. One input, one pseudonym,
    // wherever it is: the Contact's address is the Via's received, the From's user the
    // credentials' username and the SDP's origin.
    EXPECT_NE(out.find("INVITE sip:+5550001@host-0001.invalid;user=phone SIP/2.0"), std::string::npos) << out;
    EXPECT_NE(out.find("received=192.0.2.1"), std::string::npos) << out;
    EXPECT_NE(out.find("<sip:user-0003@192.0.2.1:5060;transport=udp>"), std::string::npos) << out;
    EXPECT_NE(out.find("username=\"user-0003\""), std::string::npos) << out;
    EXPECT_NE(out.find("o=user-0003 "), std::string::npos) << out;
    EXPECT_NE(out.find("[2001:db8::1]:5061"), std::string::npos) << out;
    EXPECT_NE(out.find("tag=1928user-0003301774"), std::string::npos) << out;
    EXPECT_NE(out.find("Call-ID: a84b4c76e66710@host-0003.invalid"), std::string::npos) << out;
    EXPECT_NE(out.find("response=\"redacted\""), std::string::npos) << out;
}

TEST(Redactor, TheResultParsesWithItsContentLength) {
    Redactor redactor;
    const std::string out = redactor.message(invite());
    SipParser parser;
    const auto& message = parser.parse(out);
    ASSERT_TRUE(message.isValid()) << message.error().reason << "\n" << out;
    ASSERT_TRUE(message.contentLength());
    EXPECT_EQ(*message.contentLength(), message.body().size());
    EXPECT_EQ(out.size(), message.raw().size());
    EXPECT_NE(message.body().size(), Body.size());  // the body did change length
    EXPECT_EQ(message.cseq().number, 314159u);
    EXPECT_EQ(message.from().displayName, redactor.user("Alice Liddell"));
    sipscope::decode::SdpParser sdp;
    EXPECT_TRUE(sdp.parse(message.body()).isValid()) << message.body();
}

TEST(Redactor, ABodyThatDisagreedWithItsLengthStillDoes) {
    Redactor redactor;
    std::string text = invite();
    const std::string declared = "Content-Length: " + std::to_string(Body.size());
    text.replace(text.find(declared), declared.size(), "Content-Length: " + std::to_string(Body.size() + 10));
    SipParser parser;
    ASSERT_FALSE(parser.parse(text).isValid());
    const std::string out = redactor.message(text);
    const auto& message = parser.parse(out);
    EXPECT_EQ(message.error().code, sipscope::decode::ParseErrorCode::BodyTruncated);
}

TEST(Redactor, HoldAddressesAndProtocolWordsStay) {
    Redactor redactor;
    redactor.user("udp");
    const std::string out = redactor.message("SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK1;transport=udp"
                                             "\r\nContent-Type: application/sdp\r\nContent-Length: 36\r\n\r\n"
                                             "v=0\r\nc=IN IP4 0.0.0.0\r\na=sendonly\r\n");
    EXPECT_NE(out.find("c=IN IP4 0.0.0.0"), std::string::npos) << out;
    EXPECT_NE(out.find("transport=udp"), std::string::npos) << out;
    EXPECT_NE(out.find("Via: SIP/2.0/UDP 192.0.2.1;"), std::string::npos) << out;
}

TEST(Redactor, KeyedPseudonymsDependOnTheKeyOnly) {
    Redactor first("key one"), again("key one"), other("key two");
    first.user("someone else");  // a sequential redactor would number alice second here
    EXPECT_EQ(first.user("alice"), again.user("alice"));
    EXPECT_NE(first.user("alice"), other.user("alice"));
    EXPECT_EQ(first.text("sip:alice@example.com"), again.text("sip:alice@example.com"));
    sipscope::capture::IpAddress ip = sipscope::capture::IpAddress::v4(0x0a000001);
    EXPECT_EQ(first.address(ip), again.address(ip));
    EXPECT_EQ(first.address(ip).toString().rfind("198.1", 0), 0u) << first.address(ip).toString();
}

TEST(Redactor, SipHashMatchesItsReferenceVector) {
    // SipHash-2-4 with key 00 01 .. 0f: the empty input and the input 00 01 .. 0e (the paper's appendix A).
    const std::uint64_t k0 = 0x0706050403020100u, k1 = 0x0f0e0d0c0b0a0908u;
    EXPECT_EQ(sipscope::decode::detail::sipHash24(k0, k1, ""), 0x726fdb47dd0e0e31u);
    std::string input;
    for (char c = 0; c < 15; ++c)
        input += c;
    EXPECT_EQ(sipscope::decode::detail::sipHash24(k0, k1, input), 0xa129ca6149be45e5u);
}

}  // namespace
