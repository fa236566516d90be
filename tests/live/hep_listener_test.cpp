// parseHepListenAddress: the forms --hep-listen accepts and the ones it refuses with a message.
#include "capture/hep_listener.hpp"
#include "common/error.hpp"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>

namespace sipscope::capture {
namespace {

TEST(HepListenAddress, AcceptsUdpAddressAndPort) {
    struct Case {
        const char* text;
        const char* host;
        std::uint16_t port;
    };
    const Case cases[] = {
        {"udp:127.0.0.1:9060", "127.0.0.1", 9060},
        {"0.0.0.0:9060", "0.0.0.0", 9060},
        {"udp:[::1]:29060", "::1", 29060},
        {"udp:[::]:9060", "::", 9060},
        {"udp::9060", "0.0.0.0", 9060},
        {"udp:10.0.0.1:65535", "10.0.0.1", 65535},
    };
    for (const Case& c : cases) {
        SCOPED_TRACE(c.text);
        const HepListenAddress address = parseHepListenAddress(c.text);
        EXPECT_EQ(address.host, c.host);
        EXPECT_EQ(address.port, c.port);
    }
}

TEST(HepListenAddress, RefusesWithTheExpectedForm) {
    const char* const cases[] = {"udp:127.0.0.1",    "udp:127.0.0.1:0", "udp:127.0.0.1:65536", "udp:1.2.3.4:90x",
                                 "tcp:1.2.3.4:9060", "udp:::1:9060",    "udp:[::1]9060",       ""};
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

    listener->stop();
    EXPECT_FALSE(listener->next(packet));
}

}  // namespace
}  // namespace sipscope::capture
