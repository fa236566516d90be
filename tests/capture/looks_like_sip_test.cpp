// The cheap "is this SIP" test: start lines accepted and refused.
#include "capture/packet_decoder.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <memory>

namespace sipscope::capture {
namespace {

bool check(std::string_view text)
{
    // Exactly sized heap copy, so ASan sees reads past the end.
    std::unique_ptr<char[]> copy(new char[text.size() + 1]);
    std::memcpy(copy.get(), text.data(), text.size());
    return looksLikeSip(std::string_view(copy.get(), text.size()));
}

TEST(LooksLikeSip, Table)
{
    struct Case {
        const char* text;
        bool expected;
    };
    const Case cases[] = {
        {"INVITE sip:bob@example.com SIP/2.0\r\nVia: x\r\n", true},
        {"REGISTER sips:example.com SIP/2.0\r\n", true},
        {"OPTIONS tel:+15551234 SIP/2.0\r\n", true},
        {"FOOBAR sip:x@y SIP/2.0\r\n", true},  // unknown methods are fine
        {"invite sip:x@y sip/2.0\r\n", true},   // RFC 3261 §7.1: the version is case-insensitive
        {"INVITE sip:x@y SIP/2.0\n", true},     // bare LF line ends
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

TEST(LooksLikeSip, LongMethodsAreStillRequests)
{
    // PROTOS c07-sip-r2 sends methods of thousands of bytes; tshark counts them as (unknown) requests.
    EXPECT_TRUE(check(std::string(4000, 'a') + " sip:tori@localhost SIP/2.0\r\nVia: x\r\n"));
    EXPECT_FALSE(check(std::string(4000, 'a') + " sip:tori@localhost HTTP/1.1\r\nVia: x\r\n"));
    EXPECT_FALSE(check(std::string(4000, 'a') + "\r\nVia: x\r\n"));
}

} // namespace
} // namespace sipscope::capture
