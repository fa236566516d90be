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

TEST(Packet, ParseIsTheInverseOfToString) {
    const IpAddress addresses[] = {
        ip4(10, 0, 0, 1),
        ip4(0, 0, 0, 0),
        ip4(255, 255, 255, 255),
        ip6({0x2001, 0xdb8, 0, 0, 0, 0, 0, 1}),
        ip6({0, 0, 0, 0, 0, 0, 0, 0}),
        ip6({0, 0, 0, 0, 0, 0, 0, 1}),
        ip6({0x2001, 0xdb8, 0, 1, 1, 1, 1, 1}),
        ip6({0xfe80, 0, 0, 0, 0x0abc, 0xdef0, 0, 0}),
        ip6({0, 0, 0, 0, 0, 0xffff, 0xc000, 0x0280}),  // IPv4-mapped: the dotted quad inside
        ip6({0, 0, 0, 0, 0, 0, 0xc000, 0x0280}),       // IPv4-compatible: printed as groups, read back the same
    };
    for (const IpAddress& address : addresses) {
        SCOPED_TRACE(address.toString());
        EXPECT_EQ(parseIpAddress(address.toString()), address);
        for (const std::uint16_t port : {std::uint16_t{0}, std::uint16_t{5060}, std::uint16_t{65535}}) {
            const Endpoint endpoint{address, port};
            EXPECT_EQ(parseEndpoint(endpoint.toString()), endpoint);
            EXPECT_EQ(parseHost(endpoint.toString()), (Host{address, port}));
            EXPECT_EQ((Host{address, port}).toString(), endpoint.toString());
        }
        EXPECT_EQ(parseHost(address.toString()), (Host{address, std::nullopt}));
        EXPECT_EQ((Host{address, std::nullopt}).toString(), address.toString());
    }
}

TEST(Packet, ParseReadsEverySpellingOfAnAddress) {
    // Text from elsewhere (a user's file, a --host value) need not be RFC 5952's: it reads as the same value.
    EXPECT_EQ(parseIpAddress("2001:0DB8:0000:0000:0000:0000:0000:0001"), ip6({0x2001, 0xdb8, 0, 0, 0, 0, 0, 1}));
    EXPECT_EQ(parseIpAddress("2001:db8:0:0::1"), ip6({0x2001, 0xdb8, 0, 0, 0, 0, 0, 1}));
    EXPECT_EQ(parseEndpoint("[2001:DB8::0:1]:5060"), (Endpoint{ip6({0x2001, 0xdb8, 0, 0, 0, 0, 0, 1}), 5060}));
    EXPECT_EQ(parseEndpoint("10.0.0.1:05060"), (Endpoint{ip4(10, 0, 0, 1), 5060}));
    EXPECT_EQ(parseHost("[2001:db8::1]"), (Host{ip6({0x2001, 0xdb8, 0, 0, 0, 0, 0, 1}), std::nullopt}));
    EXPECT_EQ(parseHost("2001:db8::1"), (Host{ip6({0x2001, 0xdb8, 0, 0, 0, 0, 0, 1}), std::nullopt}));
    EXPECT_EQ(parseIpAddress("10.0.0.1")->version, 4);
    EXPECT_EQ(parseIpAddress("::1")->version, 6);
}

TEST(Packet, ParseRejectsWhatIsNoAddress) {
    const char* notEndpoints[] = {
        "",
        "10.0.0.1",            // no port
        "10.0.0.1:",           // an empty port
        "10.0.0.1:65536",      // beyond 16 bits
        "10.0.0.1:123456",     // six digits
        "10.0.0.1:50x0",       // not decimal
        "10.0.0.1:-1",         //
        "10.0.0.1: 5060",      // no spaces anywhere
        " 10.0.0.1:5060",      //
        "10.0.0.256:5060",     // an octet beyond 255
        "10.0.0:5060",         // three parts
        "10.0.0.1.1:5060",     // five parts
        "010.0.0.1:5060",      // a leading zero (octal in some readers)
        "host.example:5060",   // a name, not an address
        "2001:db8::1",         // a bare IPv6 address: its last group is no port
        "2001:db8::1:5060",    //
        "[2001:db8::1]",       // no port
        "[2001:db8::1]:",      //
        "[2001:db8::1]5060",   // no colon
        "[2001:db8::1:5060",   // no closing bracket
        "[10.0.0.1]:5060",     // brackets hold IPv6 only
        "[2001:db8::g]:5060",  // not hexadecimal
        "[1:2:3:4:5:6:7:8:9]:5060",
        "[fe80::1%eth0]:5060",  // a zone is not stored
        "10.0.0.1:5060:5060",   //
        "10.0.0.1:5060\n",      //
    };
    for (const char* text : notEndpoints) {
        SCOPED_TRACE(text);
        EXPECT_FALSE(parseEndpoint(text));
    }
    const char* notHosts[] = {"", "[2001:db8::1", "[10.0.0.1]", "10.0.0.1:", "localhost", "1.2.3.4.5", "[::1]x"};
    for (const char* text : notHosts) {
        SCOPED_TRACE(text);
        EXPECT_FALSE(parseHost(text));
    }
    EXPECT_FALSE(parseIpAddress("[::1]"));  // an address alone has no brackets
    EXPECT_FALSE(parseIpAddress("10.0.0.1:5060"));
    EXPECT_FALSE(parseIpAddress(std::string(100, '1')));  // longer than any address: refused without a copy
    // Not terminated where the view ends: only the view's characters count.
    const std::string_view cut = std::string_view("10.0.0.1:5060").substr(0, 8);
    EXPECT_EQ(parseIpAddress(cut), ip4(10, 0, 0, 1));
}

}  // namespace
}  // namespace sipscope::capture
