// The HEP listener on 127.0.0.1: the forms --hep-listen accepts and the ones it refuses with a message, the UDP
// socket's frames and idle ticks, the datagrams the kernel dropped when its buffer was full (SO_RXQ_OVFL), and
// HEPv3 over TCP from several agents at once (split, merged, garbage, cut short, too many agents).
#include "capture/hep_listener.hpp"
#include "common/error.hpp"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <map>
#include <vector>

namespace sipscope::capture {
namespace {

TEST(HepListenAddress, AcceptsUdpAddressAndPort) {
    struct Case {
        const char* text;
        const char* host;
        std::uint16_t port;
        bool isTcp = false;
    };
    const Case cases[] = {
        {"udp:127.0.0.1:9060", "127.0.0.1", 9060},
        {"0.0.0.0:9060", "0.0.0.0", 9060},
        {"udp:[::1]:29060", "::1", 29060},
        {"udp:[::]:9060", "::", 9060},
        {"udp::9060", "0.0.0.0", 9060},
        {"udp:10.0.0.1:65535", "10.0.0.1", 65535},
        {"tcp:127.0.0.1:9060", "127.0.0.1", 9060, true},
        {"tcp:[::1]:9061", "::1", 9061, true},
    };
    for (const Case& c : cases) {
        SCOPED_TRACE(c.text);
        const HepListenAddress address = parseHepListenAddress(c.text);
        EXPECT_EQ(address.host, c.host);
        EXPECT_EQ(address.port, c.port);
        EXPECT_EQ(address.isTcp, c.isTcp);
    }
}

TEST(HepListenAddress, RefusesWithTheExpectedForm) {
    const char* const cases[] = {"udp:127.0.0.1",    "udp:127.0.0.1:0", "udp:127.0.0.1:65536", "udp:1.2.3.4:90x",
                                 "tls:1.2.3.4:9060", "udp:::1:9060",    "udp:[::1]9060",       ""};
    for (const char* text : cases) {
        SCOPED_TRACE(text);
        try {
            parseHepListenAddress(text);
            ADD_FAILURE() << "accepted";
        } catch (const Error& error) {
            EXPECT_NE(std::string(error.what()).find("udp:ADDR:PORT"), std::string::npos) << error.what();
        }
    }
}

TEST(HepListener, SecondListenerOnThePortSaysWhy) {
    auto first = openHepListener("udp:127.0.0.1:29062");
    try {
        openHepListener("udp:127.0.0.1:29062");
        ADD_FAILURE() << "bound twice";
    } catch (const Error& error) {
        EXPECT_NE(std::string(error.what()).find("another collector"), std::string::npos) << error.what();
    }
}

TEST(HepListener, WrapsEachDatagramAndTicksWhenIdle) {
    auto listener = openHepListener("udp:127.0.0.1:29063");
    RawPacket packet;
    const auto before = std::chrono::steady_clock::now();
    ASSERT_TRUE(listener->next(packet));
    EXPECT_TRUE(packet.bytes.empty());  // an idle tick
    EXPECT_EQ(packet.frameNumber, 0u);
    EXPECT_LT(std::chrono::steady_clock::now() - before, std::chrono::milliseconds(600));

    const int fd = socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(29063);
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const std::string datagram = "HEP3 not really";
    ASSERT_EQ(sendto(fd, datagram.data(), datagram.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to),
              static_cast<ssize_t>(datagram.size()));
    close(fd);
    do
        ASSERT_TRUE(listener->next(packet));
    while (packet.bytes.empty());
    EXPECT_EQ(packet.linkType, 228u);  // LINKTYPE_IPV4
    EXPECT_EQ(packet.frameNumber, 1u);
    ASSERT_EQ(packet.bytes.size(), 28 + datagram.size());
    EXPECT_EQ(packet.bytes.substr(28), datagram);
    EXPECT_EQ(static_cast<unsigned char>(packet.bytes[9]), 17);  // UDP
    EXPECT_EQ(static_cast<unsigned char>(packet.bytes[22]) << 8 | static_cast<unsigned char>(packet.bytes[23]),
              29063);  // destination port
    EXPECT_EQ(listener->stats().received, 1u);
    EXPECT_EQ(listener->stats().droppedByKernel, 0u);

    listener->stop();
    EXPECT_FALSE(listener->next(packet));
}

// A UDP socket on 127.0.0.1 sending to `port`; closed by the destructor.
class UdpClient {
public:
    explicit UdpClient(std::uint16_t port) : m_socket(socket(AF_INET, SOCK_DGRAM, 0)) {
        m_to.sin_family = AF_INET;
        m_to.sin_port = htons(port);
        m_to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    }
    ~UdpClient() { close(m_socket); }
    bool send(const std::string& datagram) {
        return sendto(m_socket, datagram.data(), datagram.size(), 0, reinterpret_cast<const sockaddr*>(&m_to),
                      sizeof m_to) == static_cast<ssize_t>(datagram.size());
    }

private:
    int m_socket;
    sockaddr_in m_to{};
};

// Reads until an idle tick: the datagrams that were waiting.
std::uint64_t drain(LiveSource& listener) {
    std::uint64_t datagrams = 0;
    RawPacket packet;
    while (listener.next(packet) && !packet.bytes.empty())
        ++datagrams;
    return datagrams;
}

TEST(HepListener, CountsTheDatagramsTheKernelDropped) {
    // A small receive buffer (the kernel doubles it and keeps a floor) and every datagram sent before one is read:
    // most of them cannot be queued.
    auto listener = openHepListener("udp:127.0.0.1:29064", 0, 0, 4096);
    UdpClient client(29064);
    constexpr std::uint64_t Blast = 3000;
    std::uint64_t sent = 0;
    for (std::uint64_t i = 0; i < Blast; ++i)
        sent += client.send("HEP3 datagram " + std::to_string(i) + std::string(200, 'x')) ? 1 : 0;
    ASSERT_GT(sent, Blast / 2);
    std::uint64_t received = drain(*listener);
    const LiveStats afterBlast = listener->stats();
    EXPECT_EQ(afterBlast.received, received);
    EXPECT_GT(afterBlast.droppedByKernel, 0u);
    EXPECT_GT(received, 0u);
    EXPECT_EQ(received + afterBlast.droppedByKernel, sent);

    // One more datagram, queued in the emptied buffer, carries the socket's counter (SO_RXQ_OVFL) as it stood:
    // the same drops, none added.
    ASSERT_TRUE(client.send("HEP3 marker"));
    received += drain(*listener);
    const LiveStats atEnd = listener->stats();
    EXPECT_EQ(atEnd.received, sent + 1 - atEnd.droppedByKernel);
    EXPECT_EQ(atEnd.droppedByKernel, afterBlast.droppedByKernel);
    EXPECT_EQ(received, sent + 1 - afterBlast.droppedByKernel);
}

TEST(HepListener, DropsNothingItHasRoomFor) {
    auto listener = openHepListener("udp:127.0.0.1:29065");
    UdpClient client(29065);
    for (int i = 0; i < 100; ++i)
        ASSERT_TRUE(client.send("HEP3 datagram " + std::to_string(i)));
    EXPECT_EQ(drain(*listener), 100u);
    EXPECT_EQ(listener->stats().droppedByKernel, 0u);
}

// A TCP connection from 127.0.0.1 to `port`; closed by the destructor or close().
class TcpAgent {
public:
    explicit TcpAgent(std::uint16_t port) : m_socket(socket(AF_INET, SOCK_STREAM, 0)) {
        sockaddr_in to{};
        to.sin_family = AF_INET;
        to.sin_port = htons(port);
        to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        EXPECT_EQ(connect(m_socket, reinterpret_cast<const sockaddr*>(&to), sizeof to), 0);
        sockaddr_in own{};
        socklen_t length = sizeof own;
        getsockname(m_socket, reinterpret_cast<sockaddr*>(&own), &length);
        m_port = ntohs(own.sin_port);
    }
    ~TcpAgent() { close(); }
    void send(const std::string& bytes) {
        EXPECT_EQ(::send(m_socket, bytes.data(), bytes.size(), MSG_NOSIGNAL), static_cast<ssize_t>(bytes.size()));
    }
    void close() {
        if (m_socket >= 0)
            ::close(m_socket);
        m_socket = -1;
    }
    std::uint16_t port() const { return m_port; }

private:
    int m_socket;
    std::uint16_t m_port = 0;
};

std::string hepPacket(const std::string& body) {
    const std::size_t length = 6 + body.size();
    return "HEP3" + std::string{static_cast<char>(length >> 8), static_cast<char>(length & 0xff)} + body;
}

// The HEP packets (after the 28-byte IPv4 + UDP frame) read until two idle ticks in a row, by the agent's port.
std::map<std::uint16_t, std::vector<std::string>> readByAgent(LiveSource& listener) {
    std::map<std::uint16_t, std::vector<std::string>> packets;
    RawPacket packet;
    for (int idle = 0; idle < 2 && listener.next(packet);) {
        if (packet.bytes.empty()) {
            ++idle;
            continue;
        }
        idle = 0;
        EXPECT_EQ(packet.linkType, 228u);
        EXPECT_EQ(static_cast<unsigned char>(packet.bytes[9]), 17);  // framed as UDP, as a datagram would be
        const auto sourcePort = static_cast<std::uint16_t>(static_cast<unsigned char>(packet.bytes[20]) << 8 |
                                                           static_cast<unsigned char>(packet.bytes[21]));
        packets[sourcePort].emplace_back(packet.bytes.substr(28));
    }
    return packets;
}

TEST(HepTcpListener, FramesPacketsFromSeveralAgentsAtOnce) {
    auto listener = openHepListener("tcp:127.0.0.1:29066");
    EXPECT_EQ(listener->name(), "hep:tcp:127.0.0.1:29066");
    TcpAgent split(29066);
    TcpAgent merged(29066);
    TcpAgent garbage(29066);
    TcpAgent cut(29066);
    TcpAgent huge(29066);
    const std::string first = hepPacket("first"), second = hepPacket(std::string(3000, 's')), third = hepPacket("");
    // One packet in three writes, the next two in one write.
    split.send(first.substr(0, 3));
    split.send(first.substr(3, 4));
    split.send(first.substr(7) + second.substr(0, 1000));
    merged.send(first + second + third);
    garbage.send(third + "GET / HTTP/1.1\r\n\r\n" + first);
    cut.send(first + second.substr(0, 100));
    // HEPv3's largest packet is over what a frame for the decoder carries (65,507 bytes): skipped, the next one read.
    huge.send(hepPacket(std::string(65535 - 6, 'L')) + first);
    auto packets = readByAgent(*listener);
    split.send(second.substr(1000) + third);
    cut.close();
    split.close();
    for (auto& [port, more] : readByAgent(*listener))
        packets[port].insert(packets[port].end(), more.begin(), more.end());

    const std::vector<std::string> all = {first, second, third};
    EXPECT_EQ(packets[split.port()], all);
    EXPECT_EQ(packets[merged.port()], all);
    EXPECT_EQ(packets[garbage.port()], std::vector<std::string>{third});  // then closed
    EXPECT_EQ(packets[cut.port()], std::vector<std::string>{first});
    EXPECT_EQ(packets[huge.port()], std::vector<std::string>{first});
    const LiveStats stats = listener->stats();
    EXPECT_EQ(stats.received, 9u);
    EXPECT_EQ(stats.agentsConnected, 5u);
    EXPECT_EQ(stats.packetsTooLarge, 1u);
    EXPECT_EQ(stats.streamsNotHep, 1u);
    EXPECT_EQ(stats.streamsCut, 1u);
    EXPECT_EQ(stats.agentsRefused, 0u);

    // The connections that are left still deliver after the others went.
    merged.send(third);
    EXPECT_EQ(readByAgent(*listener)[merged.port()], std::vector<std::string>{third});
}

TEST(HepTcpListener, RefusesAgentsBeyondItsLimit) {
    auto listener = openHepListener("tcp:127.0.0.1:29067");
    std::vector<std::unique_ptr<TcpAgent>> agents;
    RawPacket packet;
    for (int i = 0; i < 130; ++i) {
        agents.push_back(std::make_unique<TcpAgent>(29067));
        if (i % 32 == 31)
            listener->next(packet);  // accepts those waiting, before the listen backlog (64) fills
    }
    readByAgent(*listener);
    agents.front()->send(hepPacket("still here"));
    EXPECT_EQ(readByAgent(*listener)[agents.front()->port()].size(), 1u);
    const LiveStats stats = listener->stats();
    EXPECT_EQ(stats.agentsConnected, 128u);
    EXPECT_EQ(stats.agentsRefused, 2u);
}

}  // namespace
}  // namespace sipscope::capture
