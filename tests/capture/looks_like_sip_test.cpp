// The cheap "is this SIP" test: start lines accepted and refused.
#include "capture/packet_decoder.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <random>
#include <string>

namespace sipscope::capture {
namespace {

bool check(std::string_view text, bool isOnSipPort = false) {
    // Exactly sized heap copy, so ASan sees reads past the end.
    std::unique_ptr<char[]> copy(new char[text.size() + 1]);
    if (!text.empty())
        std::memcpy(copy.get(), text.data(), text.size());
    return looksLikeSip(std::string_view(copy.get(), text.size()), isOnSipPort);
}

TEST(LooksLikeSip, Table) {
    struct Case {
        const char* text;
        bool expected;
    };
    const Case cases[] = {
        {"INVITE sip:bob@example.com SIP/2.0\r\nVia: x\r\n", true},
        {"REGISTER sips:example.com SIP/2.0\r\n", true},
        {"OPTIONS tel:+15551234 SIP/2.0\r\n", true},
        {"FOOBAR sip:x@y SIP/2.0\r\n", true},  // unknown methods are fine
        {"invite sip:x@y sip/2.0\r\n", true},  // RFC 3261 §7.1: the version is case-insensitive
        {"INVITE sip:x@y SIP/2.0\n", true},    // bare LF line ends
        {"SIP/2.0 200 OK\r\n", true},
        {"SIP/2.0 100 Trying\r\nVia: x\r\n", true},
        {"SIP/2.0 180\r\n", true},
        {"\r\n\r\nSIP/2.0 200 OK\r\n", true},  // leading keepalive CRLFs
        {"\r\n\r\n", false},
        {"", false},
        {"SIP/2.0 200 OK", false},  // no line end: not a message
        {"GET / HTTP/1.1\r\nHost: x\r\n", false},
        {"HTTP/1.1 200 OK\r\n", false},
        {"SIP/2.0 20 OK\r\n", false},
        {"SIP/2.0 2000 OK\r\n", false},
        {"SIP/3.0 200 OK\r\n", false},
        {"INVITE  sip:x@y SIP/2.0\r\n", false},  // empty Request-URI
        {"INVITE sip:x@y\r\n", false},
        {"INVITE bob SIP/2.0\r\n", false},  // no scheme
        {"IN(VITE sip:x@y SIP/2.0\r\n", false},
        {"INVITE sip:x@y SIP/2.0 extra\r\n", false},
        {"\x16\x03\x01\x02\x00", false},
        {"a", false},
    };
    for (const Case& c : cases) {
        SCOPED_TRACE(c.text);
        EXPECT_EQ(check(c.text), c.expected);
    }
}

TEST(LooksLikeSip, LongMethodsAreStillRequests) {
    // PROTOS c07-sip-r2 sends methods of thousands of bytes; tshark counts them as (unknown) requests.
    EXPECT_TRUE(check(std::string(4000, 'a') + " sip:tori@localhost SIP/2.0\r\nVia: x\r\n"));
    EXPECT_FALSE(check(std::string(4000, 'a') + " sip:tori@localhost HTTP/1.1\r\nVia: x\r\n"));
    EXPECT_FALSE(check(std::string(4000, 'a') + "\r\nVia: x\r\n"));
}

// The headers that make a message with a broken start line plainly SIP.
constexpr std::string_view CoreHeaders =
    "Via: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK1\r\nCall-ID: c1\r\nCSeq: 1 INVITE\r\n"
    "Content-Length: 0\r\n\r\n";

TEST(LooksLikeSip, BrokenStartLinesWithSipHeaders) {
    struct Case {
        std::string startLine;
        bool expected;
    };
    const Case cases[] = {
        {"OPTIONS sip:t.watson@example.org SIP/7.0", true},  // RFC 4475 badvers
        {"INVITE sip:bob@example.com SIP/7.0", true},
        {"SIP/2.0 4294967301 better not break the receiver", true},  // bigcode
        {"SIP/7.0 200 OK", true},
        {"SIP/2.0 20 OK", true},
        {"INVITE sip:user@example.com; lr SIP/2.0", true},  // lwsruri
        {"INVITE  sip:user@example.com  SIP/2.0", true},    // lwsstart
        {"GET / HTTP/1.1", false},                          // not a SIP start line shape
        {"HTTP/1.1 200 OK", false},
        {"SIP/2.0 OK", false},  // no status code
        {"SIP/x.y 200 OK", false},
        {"INVITE sip:x@y", false},  // no version
        {"INVITE bob SIP/2.0x", false},
        {"INVITE bob SIP/2.0", false},  // no ':' before the version
        {"SIP/2.0", false},
        {"Via: SIP/2.0/UDP x", false},  // a header line, not a start line
        {" SIP/2.0 200 OK", false},
    };
    for (const Case& c : cases) {
        SCOPED_TRACE(c.startLine);
        EXPECT_EQ(check(c.startLine + "\r\n" + std::string(CoreHeaders)), c.expected);
        // The shape alone is not enough off the SIP ports, nor with only some of the core headers.
        EXPECT_FALSE(check(c.startLine + "\r\n"));
        EXPECT_FALSE(check(c.startLine + "\r\nVia: x\r\nCall-ID: c1\r\n\r\n"));
        EXPECT_FALSE(check(c.startLine + "\r\nContent-Type: text/plain\r\n\r\nVia: x\r\nCall-ID: c\r\nCSeq: 1 X\r\n"));
        // On a SIP port a header line after the shape is enough.
        EXPECT_EQ(check(c.startLine + "\r\nFrom: <sip:a@b>\r\n\r\n", true), c.expected);
        EXPECT_FALSE(check(c.startLine + "\r\n\r\n", true));
    }
    // Compact forms count (RFC 3261 §7.3.3), and the headers may come in any order.
    EXPECT_TRUE(check("SIP/7.0 200 OK\r\nCSeq: 1 INVITE\r\ni: c1\r\nv: SIP/2.0/UDP x\r\n\r\n"));
}

TEST(LooksLikeSip, RandomDatagramsAreNotSip) {
    // Random bytes, random printable text with line breaks, and text made of the very words SIP uses: none is SIP.
    std::mt19937 random(4475);
    const std::string_view words[] = {"SIP/2.0", "SIP/", "INVITE", " ", "\r\n", "sip:", "Via:", "Call-ID:",
                                      "CSeq:",   "200",  "x",      ":", "/",    "2.0",  "\t"};
    int accepted = 0;
    for (int i = 0; i < 20000; ++i) {
        std::string text;
        const int size = static_cast<int>(random() % 300);
        for (int j = 0; j < size; ++j) {
            switch (i % 3) {
            case 0: text += static_cast<char>(random() % 256); break;
            case 1: text += static_cast<char>(random() % 8 == 0 ? '\n' : ' ' + random() % 95); break;
            default: text += words[random() % std::size(words)]; break;
            }
        }
        // Only a word salad that happens to spell a start line and the three core headers may pass; count them.
        if (check(text) &&
            (i % 3 != 2 || !(text.find("Via:") != std::string::npos && text.find("Call-ID:") != std::string::npos &&
                             text.find("CSeq:") != std::string::npos))) {
            ++accepted;
            ADD_FAILURE() << "taken for SIP: " << testing::PrintToString(text);
        }
    }
    EXPECT_EQ(accepted, 0);
    // RTP, DNS, STUN and TLS shapes.
    EXPECT_FALSE(check(std::string("\x80\x00\x12\x34\x00\x00\x00\xa0\xde\xad\xbe\xef\r\nSIP/2.0 200 OK\r\n", 30)));
    EXPECT_FALSE(check(std::string("\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\x03www\x07"
                                   "example\x03"
                                   "com\x00",
                                   29)));
    EXPECT_FALSE(check(std::string("\x00\x01\x00\x00\x21\x12\xa4\x42\n", 9), true));
    EXPECT_FALSE(check("\x16\x03\x01\x02\x00\n", true));
}

}  // namespace
}  // namespace sipscope::capture
