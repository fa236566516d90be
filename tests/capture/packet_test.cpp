// Text forms of transports, IP addresses (RFC 5952) and endpoints.
#include "capture/packet.hpp"
#include "tests/capture/packet_builder.hpp"

#include <gtest/gtest.h>

namespace sipscope::capture {
namespace {

using test::ip4;
using test::ip6;

TEST(Packet, TransportNames) {
    EXPECT_EQ(transportName(Transport::Udp), "udp");
    EXPECT_EQ(transportName(Transport::Tcp), "tcp");
    EXPECT_EQ(transportName(Transport::Tls), "tls");
    EXPECT_EQ(transportName(Transport::Ws), "ws");
    EXPECT_EQ(transportName(Transport::Wss), "wss");
    EXPECT_EQ(transportName(Transport::Sctp), "sctp");
}

TEST(Packet, Ipv4Text) {
    EXPECT_EQ(IpAddress::v4(0x0a000001).toString(), "10.0.0.1");
    EXPECT_EQ(ip4(255, 255, 255, 255).toString(), "255.255.255.255");
    EXPECT_EQ(IpAddress{}.toString(), "0.0.0.0");
}

TEST(Packet, Ipv6TextFollowsRfc5952) {
    struct Case {
        IpAddress address;
        const char* text;
    };
    const Case cases[] = {
        {ip6({0x2001, 0xdb8, 0, 0, 0, 0, 0, 1}), "2001:db8::1"},
        {ip6({0, 0, 0, 0, 0, 0, 0, 0}), "::"},
        {ip6({0, 0, 0, 0, 0, 0, 0, 1}), "::1"},
        {ip6({0x2001, 0xdb8, 0, 1, 1, 1, 1, 1}), "2001:db8:0:1:1:1:1:1"},  // §4.2.2: one zero group stays
        {ip6({0x2001, 0, 0, 1, 0, 0, 0, 1}), "2001:0:0:1::1"},             // §4.2.3: the longest run
        {ip6({0x2001, 0xdb8, 0, 0, 1, 0, 0, 1}), "2001:db8::1:0:0:1"},     // §4.2.3: the first on a tie
        {ip6({0xfe80, 0, 0, 0, 0x0abc, 0xDEF0, 0, 0}), "fe80::abc:def0:0:0"},
        {ip6({0x2001, 0xdb8, 0, 0, 0, 0, 0, 0}), "2001:db8::"},
        {ip6({0, 0, 0, 0, 0, 0xffff, 0xc000, 0x0280}), "::ffff:192.0.2.128"},  // §5
    };
    for (const Case& c : cases) {
        SCOPED_TRACE(c.text);
        EXPECT_EQ(c.address.toString(), c.text);
    }
}

TEST(Packet, EndpointText) {
    EXPECT_EQ((Endpoint{ip4(1, 2, 3, 4), 5060}).toString(), "1.2.3.4:5060");
    EXPECT_EQ((Endpoint{ip6({0x2001, 0xdb8, 0, 0, 0, 0, 0, 1}), 5060}).toString(), "[2001:db8::1]:5060");
}

}  // namespace
}  // namespace sipscope::capture
