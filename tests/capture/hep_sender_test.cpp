// The HEP encoder against the HEP decoder (round trips, v2 and v3, IPv4 and IPv6, every transport), its bytes chunk
// by chunk, and the UDP and TCP senders over loopback (the TCP one connected again after the collector closed).
#include "capture/detail/hep_stream.hpp"
#include "capture/hep.hpp"
#include "capture/hep_sender.hpp"
#include "common/error.hpp"

#include "tests/capture/decoder_harness.hpp"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <map>
#include <optional>
#include <vector>

namespace sipscope::capture {
namespace {

using namespace test;

PayloadView viewOf(const std::string& text, IpAddress src, std::uint16_t srcPort, IpAddress dst, std::uint16_t dstPort,
                   Transport transport, std::int64_t timestampUs) {
    PayloadView view;
    view.bytes = text;
    view.src = Endpoint{src, srcPort};
    view.dst = Endpoint{dst, dstPort};
    view.transport = transport;
    view.timestampUs = timestampUs;
    return view;
}

struct Decoded {
    HepStatus status = HepStatus::NotHep;
    std::optional<Delivered> message;
    std::uint32_t captureId = 0;
};

Decoded decodeBack(const std::string& packet) {
    HepDecoder decoder;
    Decoded result;
    result.status = decoder.decode(packet, -1, 7, [&](const PayloadView& view) {
        result.message =
            Delivered{std::string(view.bytes), view.src, view.dst, view.transport, view.frameNumber, view.timestampUs};
    });
    result.captureId = decoder.lastCaptureId();
    return result;
}

// The decoder gives back what was encoded: the bytes, both ends, the transport (as HEP carries it), the time
// and the capture id.
void expectRoundTrip(const std::string& packet, const PayloadView& sent, Transport received, std::uint32_t captureId) {
    const Decoded back = decodeBack(packet);
    ASSERT_EQ(back.status, HepStatus::Delivered);
    EXPECT_EQ(back.message->bytes, sent.bytes);
    EXPECT_EQ(back.message->src, sent.src);
    EXPECT_EQ(back.message->dst, sent.dst);
    EXPECT_EQ(back.message->transport, received);
    EXPECT_EQ(back.message->timestampUs, sent.timestampUs);
    EXPECT_EQ(back.captureId, captureId);
}

std::uint16_t be16At(const std::string& bytes, std::size_t at) {
    return static_cast<std::uint16_t>(static_cast<std::uint8_t>(bytes[at]) << 8 |
                                      static_cast<std::uint8_t>(bytes[at + 1]));
}

// HEPv3's chunks by type (vendor 0), checking that they tile the packet exactly.
std::map<std::uint16_t, std::string> chunksOf(const std::string& packet) {
    EXPECT_EQ(packet.substr(0, 4), "HEP3");
    EXPECT_EQ(be16At(packet, 4), packet.size());
    std::map<std::uint16_t, std::string> chunks;
    std::size_t at = 6;
    while (at + 6 <= packet.size()) {
        EXPECT_EQ(be16At(packet, at), 0) << "vendor of the chunk at " << at;
        const std::uint16_t type = be16At(packet, at + 2);
        const std::uint16_t length = be16At(packet, at + 4);
        EXPECT_GE(length, 6);
        EXPECT_LE(at + length, packet.size());
        EXPECT_EQ(chunks.count(type), 0u) << "chunk " << type << " twice";
        chunks[type] = packet.substr(at + 6, length - 6u);
        at += length;
    }
    EXPECT_EQ(at, packet.size());
    return chunks;
}

std::string bytes(std::initializer_list<int> values) {
    std::string out;
    for (int value : values)
        out.push_back(static_cast<char>(value));
    return out;
}

constexpr std::int64_t When = 1'614'834'367'000'123;  // 2021-03-04T05:06:07.000123Z

TEST(HepEncoder, Version3IsTheDecodersInverseChunkByChunk) {
    HepEncodeOptions options;
    options.captureId = 0x01020304;
    const PayloadView view =
        viewOf(InviteText, ip4(10, 20, 30, 40), 5060, ip4(192, 0, 2, 7), 5080, Transport::Udp, When);
    std::string packet;
    ASSERT_TRUE(encodeHep(view, options, packet));
    const auto chunks = chunksOf(packet);
    EXPECT_EQ(chunks.at(0x0001), bytes({2}));
    EXPECT_EQ(chunks.at(0x0002), bytes({17}));
    EXPECT_EQ(chunks.at(0x0003), bytes({10, 20, 30, 40}));
    EXPECT_EQ(chunks.at(0x0004), bytes({192, 0, 2, 7}));
    EXPECT_EQ(chunks.at(0x0007), bytes({0x13, 0xc4}));
    EXPECT_EQ(chunks.at(0x0008), bytes({0x13, 0xd8}));
    EXPECT_EQ(chunks.at(0x0009), bytes({0x60, 0x40, 0x6a, 0xbf}));  // 1614834367
    EXPECT_EQ(chunks.at(0x000a), bytes({0, 0, 0, 123}));
    EXPECT_EQ(chunks.at(0x000b), bytes({1}));
    EXPECT_EQ(chunks.at(0x000c), bytes({1, 2, 3, 4}));
    EXPECT_EQ(chunks.at(0x000f), InviteText);
    EXPECT_EQ(chunks.count(0x000e), 0u) << "no auth key without a password";
    EXPECT_EQ(chunks.size(), 11u);

    expectRoundTrip(packet, view, Transport::Udp, 0x01020304u);
}

TEST(HepEncoder, Version3CarriesThePasswordAsTheAuthKeyChunk) {
    HepEncodeOptions options;
    options.password = "s3cret";
    const PayloadView view = viewOf(OkText, ip4(10, 0, 0, 2), 5060, ip4(10, 0, 0, 1), 5060, Transport::Udp, When);
    std::string packet;
    ASSERT_TRUE(encodeHep(view, options, packet));
    EXPECT_EQ(chunksOf(packet).at(0x000e), "s3cret");
    EXPECT_EQ(decodeBack(packet).status, HepStatus::Delivered);
}

TEST(HepEncoder, Version2IsTheLayoutOfKamailiosSiptrace) {
    HepEncodeOptions options;
    options.version = 2;
    options.captureId = 2001;
    const PayloadView view =
        viewOf(InviteText, ip4(10, 20, 30, 40), 5060, ip4(192, 0, 2, 7), 5080, Transport::Tcp, When);
    std::string packet;
    ASSERT_TRUE(encodeHep(view, options, packet));
    // version, length of header + addresses (the time header uncounted), family, protocol, ports, addresses
    EXPECT_EQ(packet.substr(0, 16), bytes({2, 16, 2, 6, 0x13, 0xc4, 0x13, 0xd8, 10, 20, 30, 40, 192, 0, 2, 7}));
    // seconds and microseconds little-endian, the 16-bit capture id, 2 bytes of padding
    EXPECT_EQ(packet.substr(16, 12), bytes({0xbf, 0x6a, 0x40, 0x60, 123, 0, 0, 0, 0xd1, 0x07, 0, 0}));
    EXPECT_EQ(packet.substr(28), InviteText);
    expectRoundTrip(packet, view, Transport::Tcp, 2001u);
}

TEST(HepEncoder, RoundTripsEveryFamilyTransportAndVersion) {
    const IpAddress v6a = ip6({0x2001, 0xdb8, 0, 0, 0, 0, 0, 1});
    const IpAddress v6b = ip6({0x2001, 0xdb8, 0, 0, 0, 0, 0xabcd, 2});
    struct Case {
        IpAddress src, dst;
        std::uint16_t srcPort, dstPort;
        Transport sent, received;  // HEP has no TLS or WebSocket protocol: they go as TCP
    };
    const Case cases[] = {
        {ip4(127, 0, 0, 1), ip4(127, 0, 0, 2), 5060, 5060, Transport::Udp, Transport::Udp},
        {ip4(10, 0, 0, 1), ip4(10, 0, 0, 2), 40000, 5061, Transport::Tls, Transport::Tls},
        {ip4(10, 0, 0, 1), ip4(10, 0, 0, 2), 40000, 8080, Transport::Ws, Transport::Tcp},
        {ip4(10, 0, 0, 1), ip4(10, 0, 0, 2), 5060, 5070, Transport::Sctp, Transport::Sctp},
        {v6a, v6b, 5060, 5062, Transport::Udp, Transport::Udp},
        {v6b, v6a, 5062, 5060, Transport::Tcp, Transport::Tcp},
    };
    for (int version : {2, 3})
        for (const Case& c : cases)
            for (const std::string& text : {InviteText, OkText}) {
                HepEncodeOptions options;
                options.version = version;
                options.captureId = 77;
                const PayloadView view = viewOf(text, c.src, c.srcPort, c.dst, c.dstPort, c.sent, When + 999'876);
                std::string packet;
                ASSERT_TRUE(encodeHep(view, options, packet));
                SCOPED_TRACE("HEPv" + std::to_string(version) + " " + view.src.toString() + " -> " +
                             view.dst.toString() + " " + std::string(transportName(c.sent)));
                EXPECT_TRUE(looksLikeHep(packet));
                expectRoundTrip(packet, view, c.received, 77u);
            }
}

TEST(HepEncoder, RefusesWhatOnePacketCannotHold) {
    const std::string huge = InviteText + std::string(70'000, 'x');
    const std::string fits = InviteText + std::string(65'000, 'x');
    for (int version : {2, 3}) {
        HepEncodeOptions options;
        options.version = version;
        std::string packet = "left over";
        EXPECT_FALSE(
            encodeHep(viewOf(huge, ip4(1, 2, 3, 4), 1, ip4(5, 6, 7, 8), 2, Transport::Tcp, When), options, packet));
        EXPECT_TRUE(packet.empty());
        EXPECT_TRUE(
            encodeHep(viewOf(fits, ip4(1, 2, 3, 4), 1, ip4(5, 6, 7, 8), 2, Transport::Tcp, When), options, packet));
        EXPECT_LE(packet.size(), 65'507u);
    }
}

TEST(HepDestination, ParsesUdpHostPortAndRefusesTheRest) {
    const HepDestination v4 = parseHepDestination("udp:10.0.0.5:9060", "--to");
    EXPECT_EQ(v4.host, "10.0.0.5");
    EXPECT_EQ(v4.port, 9060);
    const HepDestination v6 = parseHepDestination("udp:[2001:db8::5]:9061", "--to");
    EXPECT_EQ(v6.host, "2001:db8::5");
    EXPECT_EQ(v6.port, 9061);
    EXPECT_EQ(parseHepDestination("udp:homer.example.com:9060", "--to").host, "homer.example.com");
    EXPECT_FALSE(v4.isTcp);
    const HepDestination tcp = parseHepDestination("tcp:10.0.0.5:9061", "--to");
    EXPECT_EQ(tcp.host, "10.0.0.5");
    EXPECT_EQ(tcp.port, 9061);
    EXPECT_TRUE(tcp.isTcp);
    for (const char* bad : {"10.0.0.5:9060", "udp:10.0.0.5", "udp:10.0.0.5:0", "udp:10.0.0.5:70000",
                            "tls:10.0.0.5:9060", "udp::9060", "tcp::9060", "udp:2001:db8::5:9060", ""}) {
        try {
            parseHepDestination(bad, "--hep-send");
            ADD_FAILURE() << "accepted '" << bad << "'";
        } catch (const Error& error) {
            EXPECT_NE(std::string(error.what()).find("--hep-send"), std::string::npos) << error.what();
            EXPECT_NE(std::string(error.what()).find("udp:HOST:PORT"), std::string::npos) << error.what();
        }
    }
}

// A UDP socket on 127.0.0.1 with a kernel-chosen port, as a collector.
class Collector {
public:
    Collector() {
        m_socket = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        sockaddr_in local{};
        local.sin_family = AF_INET;
        local.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        EXPECT_EQ(::bind(m_socket, reinterpret_cast<sockaddr*>(&local), sizeof local), 0);
        socklen_t length = sizeof local;
        ::getsockname(m_socket, reinterpret_cast<sockaddr*>(&local), &length);
        m_port = ntohs(local.sin_port);
        timeval timeout{5, 0};  // a bound on a broken test, not a measured time
        ::setsockopt(m_socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    }
    ~Collector() { ::close(m_socket); }
    std::string address() const { return "udp:127.0.0.1:" + std::to_string(m_port); }
    std::string receive() {
        std::string datagram(65536, '\0');
        const ssize_t got = ::recv(m_socket, datagram.data(), datagram.size(), 0);
        datagram.resize(got > 0 ? static_cast<std::size_t>(got) : 0);
        return datagram;
    }
    void close() {
        ::close(m_socket);
        m_socket = -1;
    }

private:
    int m_socket = -1;
    std::uint16_t m_port = 0;
};

TEST(HepSender, SendsEachMessageAsOneDatagramToTheCollector) {
    Collector collector;
    for (int version : {2, 3}) {
        HepEncodeOptions options;
        options.version = version;
        options.captureId = 9;
        HepSender sender(collector.address(), options, HepSender::WhenFull::Wait);
        EXPECT_EQ(sender.name(), collector.address());
        const std::vector<std::string> texts = {InviteText, OkText, InviteText};
        for (std::size_t i = 0; i < texts.size(); ++i)
            EXPECT_TRUE(sender.send(viewOf(texts[i], ip4(10, 0, 0, 1), 5060, ip4(10, 0, 0, 2),
                                           static_cast<std::uint16_t>(5060 + i), Transport::Udp,
                                           When + static_cast<std::int64_t>(i))));
        EXPECT_EQ(sender.stats().sent, 3u);
        EXPECT_EQ(sender.stats().dropped + sender.stats().failed + sender.stats().tooLarge, 0u);
        for (std::size_t i = 0; i < texts.size(); ++i) {
            const Decoded back = decodeBack(collector.receive());
            ASSERT_EQ(back.status, HepStatus::Delivered) << "HEPv" << version << " message " << i;
            EXPECT_EQ(back.message->bytes, texts[i]);
            EXPECT_EQ(back.message->dst.port, 5060 + i);
            EXPECT_EQ(back.message->timestampUs, When + static_cast<std::int64_t>(i));
            EXPECT_EQ(back.captureId, 9u);
        }
    }
}

TEST(HepSender, CountsWhatItCouldNotSend) {
    std::string address;
    {
        Collector gone;
        address = gone.address();
    }  // nobody listens there now: the kernel answers with ICMP port unreachable
    HepSender sender(address, {}, HepSender::WhenFull::Drop);
    const std::string huge = InviteText + std::string(70'000, 'x');
    EXPECT_FALSE(sender.send(viewOf(huge, ip4(10, 0, 0, 1), 5060, ip4(10, 0, 0, 2), 5060, Transport::Tcp, When)));
    EXPECT_EQ(sender.stats().tooLarge, 1u);
    constexpr int Messages = 20;
    for (int i = 0; i < Messages; ++i)
        sender.send(viewOf(InviteText, ip4(10, 0, 0, 1), 5060, ip4(10, 0, 0, 2), 5060, Transport::Udp, When));
    EXPECT_GE(sender.stats().failed, 1u) << "a refused collector is never reported";
    EXPECT_EQ(sender.stats().sent + sender.stats().failed + sender.stats().dropped, std::uint64_t{Messages});
}

// A TCP collector on 127.0.0.1 with a kernel-chosen port: accepts one agent at a time and frames its HEPv3.
class TcpCollector {
public:
    TcpCollector() {
        m_listening = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in local{};
        local.sin_family = AF_INET;
        local.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        EXPECT_EQ(::bind(m_listening, reinterpret_cast<sockaddr*>(&local), sizeof local), 0);
        EXPECT_EQ(::listen(m_listening, 4), 0);
        socklen_t length = sizeof local;
        ::getsockname(m_listening, reinterpret_cast<sockaddr*>(&local), &length);
        m_port = ntohs(local.sin_port);
    }
    ~TcpCollector() {
        closeAgent();
        ::close(m_listening);
    }
    std::string address() const { return "tcp:127.0.0.1:" + std::to_string(m_port); }
    void accept() {
        closeAgent();
        m_agent = ::accept(m_listening, nullptr, nullptr);
        timeval timeout{5, 0};  // a bound on a broken test, not a measured time
        ::setsockopt(m_agent, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
        m_framer = detail::HepStreamFramer();
    }
    // The next HEPv3 packet of the connection; empty when it ended or timed out first.
    std::string receive() {
        for (;;) {
            std::string_view packet;
            if (m_framer.next(packet) == detail::HepStreamFramer::Result::Packet)
                return std::string(packet);
            const std::span<char> space = m_framer.space();
            const ssize_t got = ::recv(m_agent, space.data(), space.size(), 0);
            if (got <= 0)
                return {};
            m_framer.commit(static_cast<std::size_t>(got));
        }
    }
    void closeAgent() {
        if (m_agent >= 0)
            ::close(m_agent);
        m_agent = -1;
    }

private:
    int m_listening = -1;
    int m_agent = -1;
    std::uint16_t m_port = 0;
    detail::HepStreamFramer m_framer;
};

TEST(HepSender, SendsHepv3OverTcpAndConnectsAgainWhenTheCollectorCloses) {
    TcpCollector collector;
    HepEncodeOptions options;
    options.captureId = 7;
    HepSender sender(collector.address(), options, HepSender::WhenFull::Wait);
    EXPECT_TRUE(sender.peer().isTcp);
    collector.accept();
    auto message = [](std::size_t i) {
        return viewOf(i % 2 ? OkText : InviteText, ip4(10, 0, 0, 1), 5060, ip4(10, 0, 0, 2),
                      static_cast<std::uint16_t>(6000 + i), Transport::Udp, When + static_cast<std::int64_t>(i));
    };
    for (std::size_t i = 0; i < 3; ++i)
        EXPECT_TRUE(sender.send(message(i)));
    for (std::size_t i = 0; i < 3; ++i) {
        const Decoded back = decodeBack(collector.receive());
        ASSERT_EQ(back.status, HepStatus::Delivered) << "message " << i;
        EXPECT_EQ(back.message->dst.port, 6000 + i);
        EXPECT_EQ(back.message->timestampUs, When + static_cast<std::int64_t>(i));
        EXPECT_EQ(back.captureId, 7u);
    }
    // The collector closes the connection (a restart): the next messages go over a new one.
    collector.closeAgent();
    for (std::size_t i = 3; i < 5; ++i)
        EXPECT_TRUE(sender.send(message(i)));
    collector.accept();
    for (std::size_t i = 3; i < 5; ++i) {
        const Decoded back = decodeBack(collector.receive());
        ASSERT_EQ(back.status, HepStatus::Delivered) << "message " << i;
        EXPECT_EQ(back.message->dst.port, 6000 + i);
    }
    sender.flush(1000);
    EXPECT_EQ(sender.stats().sent, 5u);
    EXPECT_EQ(sender.stats().reconnects, 1u);
    EXPECT_EQ(sender.stats().failed + sender.stats().dropped, 0u);
}

TEST(HepSender, RefusesHepv2OverTcpAndACollectorNotListening) {
    TcpCollector collector;
    HepEncodeOptions v2;
    v2.version = 2;
    try {
        HepSender sender(collector.address(), v2, HepSender::WhenFull::Wait, "export hep");
        ADD_FAILURE() << "HEPv2 over TCP accepted";
    } catch (const Error& error) {
        EXPECT_NE(std::string(error.what()).find("HEPv2 has no length field"), std::string::npos) << error.what();
    }
    std::string address;
    {
        TcpCollector gone;
        address = gone.address();
    }
    try {
        HepSender sender(address, {}, HepSender::WhenFull::Drop);
        ADD_FAILURE() << "connected to nobody";
    } catch (const Error& error) {
        EXPECT_NE(std::string(error.what()).find("cannot connect"), std::string::npos) << error.what();
    }
}

TEST(HepSender, TcpCollectorGoneCountsWhatWasNotSent) {
    auto collector = std::make_unique<TcpCollector>();
    HepSender sender(collector->address(), {}, HepSender::WhenFull::Drop);
    collector->accept();
    collector.reset();  // the connection and the listening socket closed: reconnecting is refused
    for (int i = 0; i < 10; ++i)
        sender.send(viewOf(InviteText, ip4(10, 0, 0, 1), 5060, ip4(10, 0, 0, 2), 5060, Transport::Udp, When));
    sender.flush(1000);
    EXPECT_GE(sender.stats().failed, 1u);
    EXPECT_EQ(sender.stats().sent + sender.stats().failed + sender.stats().dropped, 10u);
}

}  // namespace
}  // namespace sipscope::capture
