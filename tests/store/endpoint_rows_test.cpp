// Rows carry endpoints as values (capture::Endpoint): the reader turns the endpoints table's text into them with
// capture's parser, IPv4 and IPv6 alike, in every kind of row; a text that is no endpoint is refused by name.
#include "common/error.hpp"
#include "store/ingest.hpp"
#include "store/reader.hpp"
#include "tests/capture/packet_builder.hpp"
#include "tests/tools/pcap_writer.hpp"
#include "tests/tools/run.hpp"
#include "tests/tools/test_sql.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

namespace sipscope {
namespace {

using capture::Endpoint;
using capture::test::ip4;
using capture::test::ip6;
using test::sipMessage;

const Endpoint Alice6{ip6({0x2001, 0xdb8, 0, 0, 0, 0, 0, 1}), 5060};
const Endpoint Bob6{ip6({0x2001, 0xdb8, 0, 0, 0, 0, 0, 2}), 5062};
const Endpoint Phone4{ip4(10, 0, 0, 1), 5070};
const Endpoint Registrar4{ip4(10, 0, 0, 2), 5060};

// One SIP message over UDP in an Ethernet frame, IPv4 or IPv6 as the endpoints are.
std::string frame(const Endpoint& src, const Endpoint& dst, const std::string& text) {
    namespace build = capture::test;
    const auto udp = build::udp(src.port, dst.port, build::bytesOf(text));
    const bool isV6 = src.ip.version == 6;
    const auto bytes = build::ethernet(isV6 ? 0x86dd : 0x0800, isV6 ? build::ipv6(src.ip, dst.ip, 17, udp)
                                                                    : build::ipv4(src.ip, dst.ip, 17, udp));
    return std::string(bytes.begin(), bytes.end());
}

// An INVITE rejected over IPv6, a REGISTER over IPv4, a SUBSCRIBE over IPv6.
std::string importCalls(const test::TempDir& dir) {
    test::PcapWriter pcap;
    pcap.addFrame(1'000'000,
                  frame(Alice6, Bob6, sipMessage("INVITE sip:bob@example.com SIP/2.0", "v6-call", "1 INVITE")));
    pcap.addFrame(1'100'000, frame(Bob6, Alice6, sipMessage("SIP/2.0 486 Busy Here", "v6-call", "1 INVITE", "", "b")));
    pcap.addFrame(1'200'000,
                  frame(Alice6, Bob6, sipMessage("ACK sip:bob@example.com SIP/2.0", "v6-call", "1 ACK", "", "b")));
    pcap.addFrame(2'000'000, frame(Phone4, Registrar4,
                                   sipMessage("REGISTER sip:example.com SIP/2.0", "v4-reg", "1 REGISTER",
                                              "Contact: <sip:alice@10.0.0.1:5070>\r\nExpires: 600\r\n")));
    pcap.addFrame(2'050'000, frame(Registrar4, Phone4,
                                   sipMessage("SIP/2.0 200 OK", "v4-reg", "1 REGISTER",
                                              "Contact: <sip:alice@10.0.0.1:5070>;expires=600\r\n", "r")));
    pcap.addFrame(3'000'000,
                  frame(Alice6, Bob6,
                        sipMessage("SUBSCRIBE sip:bob@example.com SIP/2.0", "v6-sub", "1 SUBSCRIBE",
                                   "Event: presence\r\nExpires: 600\r\nContact: <sip:alice@[2001:db8::1]>\r\n")));
    pcap.addFrame(3'050'000,
                  frame(Bob6, Alice6, sipMessage("SIP/2.0 200 OK", "v6-sub", "1 SUBSCRIBE", "Expires: 600\r\n", "s")));
    pcap.write(dir.file("calls.pcap"));
    const auto report = store::importFiles(dir.database(), {dir.file("calls.pcap")});
    EXPECT_FALSE(report.hasErrors());
    EXPECT_EQ(report.sipMessages, 7u);
    return dir.database();
}

TEST(EndpointRows, EveryRowCarriesItsEndpointsAsValues) {
    test::TempDir dir;
    store::Reader reader(importCalls(dir));

    const auto calls = reader.calls({});
    ASSERT_EQ(calls.size(), 3u);
    EXPECT_EQ(calls[0].callId, "v6-call");
    EXPECT_EQ(calls[0].src, Alice6);
    EXPECT_EQ(calls[0].dst, Bob6);
    EXPECT_EQ(calls[0].src->toString(), "[2001:db8::1]:5060");
    EXPECT_EQ(calls[1].src, Phone4);
    EXPECT_EQ(calls[1].dst, Registrar4);
    EXPECT_EQ(calls[1].src->toString(), "10.0.0.1:5070");

    // A response goes the other way; the same endpoint is the same value in every row.
    const auto messages = reader.callMessages(calls[0].key, false);
    ASSERT_EQ(messages.size(), 3u);
    EXPECT_EQ(messages[0].src, Alice6);
    EXPECT_EQ(messages[0].dst, Bob6);
    EXPECT_EQ(messages[1].src, Bob6);
    EXPECT_EQ(messages[1].dst, Alice6);
    EXPECT_EQ(messages[2].src, messages[0].src);
    std::size_t ipv6Messages = 0;
    for (const store::MessageRow& message : reader.messages({})) {
        EXPECT_EQ(message.src.ip.version, message.dst.ip.version);
        ipv6Messages += message.src.ip.version == 6;
    }
    EXPECT_EQ(ipv6Messages, 5u);  // the INVITE's three and the SUBSCRIBE's two

    const auto registrations = reader.registrations({});
    ASSERT_EQ(registrations.size(), 1u);
    EXPECT_EQ(registrations[0].src, Phone4);
    EXPECT_EQ(registrations[0].dst, Registrar4);

    const auto subscriptions = reader.subscriptions({});
    ASSERT_EQ(subscriptions.size(), 1u);
    EXPECT_EQ(subscriptions[0].src, Alice6);
    EXPECT_EQ(subscriptions[0].dst, Bob6);

    // Hosts: each endpoint once, as a value; a host filter given as text selects by the same endpoints.
    std::set<Endpoint> hosts;
    for (const store::HostStats& host : reader.hostStats({}))
        hosts.insert(host.host);
    EXPECT_EQ(hosts, (std::set<Endpoint>{Alice6, Bob6, Phone4, Registrar4}));
    std::set<Endpoint> statsHosts;
    for (const store::HostStats& host : reader.stats({}).hosts)
        statsHosts.insert(host.host);
    EXPECT_EQ(statsHosts, hosts);
    store::Filter byHost;
    byHost.host = "[2001:db8::2]:5062";
    const auto bobsCalls = reader.calls(byHost);
    ASSERT_EQ(bobsCalls.size(), 2u);
    EXPECT_TRUE(std::all_of(bobsCalls.begin(), bobsCalls.end(), [](const store::CallRow& c) { return c.dst == Bob6; }));
}

TEST(EndpointRows, AnEndpointTextThatIsNoneIsRefused) {
    test::TempDir dir;
    const std::string db = importCalls(dir);
    test::execSql(db, "UPDATE endpoints SET text = '2001:db8::2:5062' WHERE text = '[2001:db8::2]:5062'");
    EXPECT_EQ(test::queryRow(db, "SELECT count(*) FROM endpoints WHERE text = '2001:db8::2:5062'"), "1");
    store::Reader reader(db);
    try {
        reader.calls({});
        ADD_FAILURE() << "a bare IPv6 address with a colon and a number was read as an endpoint";
    } catch (const Error& error) {
        EXPECT_NE(std::string(error.what()).find("'2001:db8::2:5062'"), std::string::npos) << error.what();
    }
    EXPECT_THROW(reader.messages({}), Error);
    EXPECT_THROW(reader.hostStats({}), Error);
    // Rows that do not name it still read.
    EXPECT_EQ(reader.registrations({}).size(), 1u);
}

}  // namespace
}  // namespace sipscope
