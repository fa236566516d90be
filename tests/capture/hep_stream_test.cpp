// HepStreamFramer: HEPv3 packets cut from a TCP stream by their length, whatever the reads' sizes (every size from
// 1 up, random splits, everything at once), and streams that cannot be HEPv3 refused at the same packet.
#include "capture/detail/hep_stream.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <functional>
#include <random>
#include <string>
#include <vector>

namespace sipscope::capture::detail {
namespace {

using Result = HepStreamFramer::Result;

// A HEP3 header of `length` (header included) and `length - 6` bytes of body.
std::string hepPacket(std::size_t length, char fill = 'x') {
    std::string packet = "HEP3";
    packet.push_back(static_cast<char>(length >> 8));
    packet.push_back(static_cast<char>(length & 0xff));
    packet.append(length >= 6 ? length - 6 : 0, fill);
    return packet;
}

struct Outcome {
    std::vector<std::string> packets;
    bool isNotHep = false;
    std::size_t pending = 0;  // at the stream's end, when it was HEP
};

// Feeds `stream` to a framer in reads of nextRead() bytes (capped by the framer's space), taking every packet
// before the next read as the listener does.
Outcome feed(const std::string& stream, const std::function<std::size_t()>& nextRead) {
    HepStreamFramer framer;
    Outcome outcome;
    std::size_t at = 0;
    for (;;) {
        std::string_view packet;
        Result result;
        while ((result = framer.next(packet)) == Result::Packet)
            outcome.packets.emplace_back(packet);
        if (result == Result::NotHep) {
            outcome.isNotHep = true;
            EXPECT_EQ(framer.next(packet), Result::NotHep);  // it stays broken
            return outcome;
        }
        if (at == stream.size())
            break;
        const std::span<char> space = framer.space();
        EXPECT_GE(space.size(), 65535u);  // room for a whole packet, always
        const std::size_t bytes = std::min({std::max<std::size_t>(nextRead(), 1), space.size(), stream.size() - at});
        std::memcpy(space.data(), stream.data() + at, bytes);
        framer.commit(bytes);
        at += bytes;
        EXPECT_LE(framer.pending(), HepStreamFramer::BufferBytes);
    }
    outcome.pending = framer.pending();
    return outcome;
}

Outcome feedAtOnce(const std::string& stream) {
    return feed(stream, [] { return HepStreamFramer::BufferBytes; });
}

void expectSame(const Outcome& got, const Outcome& expected) {
    ASSERT_EQ(got.packets.size(), expected.packets.size());
    for (std::size_t i = 0; i < got.packets.size(); ++i)
        ASSERT_EQ(got.packets[i], expected.packets[i]) << "packet " << i;
    EXPECT_EQ(got.isNotHep, expected.isNotHep);
    if (!got.isNotHep)
        EXPECT_EQ(got.pending, expected.pending);
}

TEST(HepStreamFramer, CutsPacketsWhateverTheReadSizes) {
    // The smallest packet (a header alone), ordinary ones, and the largest HEPv3 allows.
    const std::vector<std::string> packets = {hepPacket(6),      hepPacket(300, 'a'),  hepPacket(65535, 'b'),
                                              hepPacket(7, 'c'), hepPacket(1500, 'd'), hepPacket(65535, 'e')};
    std::string stream;
    for (const std::string& packet : packets)
        stream += packet;
    const Outcome expected{packets, false, 0};
    expectSame(feedAtOnce(stream), expected);
    for (std::size_t size = 1; size <= 300; ++size) {
        SCOPED_TRACE("reads of " + std::to_string(size));
        expectSame(feed(stream, [size] { return size; }), expected);
    }
    std::mt19937 random(17);
    for (int round = 0; round < 200; ++round) {
        SCOPED_TRACE("random round " + std::to_string(round));
        expectSame(feed(stream, [&random] { return std::size_t{1} + random() % 70000; }), expected);
    }
}

TEST(HepStreamFramer, HoldsAPacketCutShort) {
    const std::string stream = hepPacket(40) + hepPacket(100).substr(0, 57);
    for (std::size_t size = 1; size <= stream.size(); ++size) {
        SCOPED_TRACE("reads of " + std::to_string(size));
        expectSame(feed(stream, [size] { return size; }), Outcome{{hepPacket(40)}, false, 57});
    }
}

TEST(HepStreamFramer, RefusesWhatCannotBeHepv3AfterThePacketsBefore) {
    const std::string good = hepPacket(20, 'g') + hepPacket(33, 'h');
    struct Case {
        const char* name;
        std::string tail;
    };
    const Case cases[] = {
        {"an HTTP request", "GET / HTTP/1.1\r\n\r\n"},
        {"HEPv2", std::string("\x02\x10\x02\x11", 4) + std::string(30, 'z')},
        {"a length below the header", std::string("HEP3\x00\x05", 6) + std::string(30, 'z')},
        {"a zero length", std::string("HEP3\x00\x00", 6)},
        {"a wrong magic's first byte only", "X"},
        {"a magic wrong in its last byte", "HEP2"},
        {"SIP", "INVITE sip:bob@example.com SIP/2.0\r\n"},
    };
    for (const Case& c : cases) {
        SCOPED_TRACE(c.name);
        const std::string stream = good + c.tail + hepPacket(50);
        const Outcome expected{{hepPacket(20, 'g'), hepPacket(33, 'h')}, true, 0};
        for (std::size_t size = 1; size <= stream.size(); ++size)
            expectSame(feed(stream, [size] { return size; }), expected);
    }
}

// Fuzz-ish: random streams of valid packets with bytes overwritten at random places. Whatever the reads' sizes,
// the framer hands out the same packets as from one read, each one "HEP3" + its own length, then stops at the
// same place.
TEST(HepStreamFramer, RandomDamageGivesTheSameAnswerForEverySplit) {
    std::mt19937 random(2024);
    for (int round = 0; round < 300; ++round) {
        SCOPED_TRACE("round " + std::to_string(round));
        std::string stream;
        const int packets = 1 + static_cast<int>(random() % 8);
        for (int i = 0; i < packets; ++i)
            stream += hepPacket(6 + random() % 2000, static_cast<char>('a' + i));
        const int damages = static_cast<int>(random() % 3);
        for (int i = 0; i < damages; ++i)
            stream[random() % stream.size()] = static_cast<char>(random());
        if (random() % 4 == 0)
            stream.resize(random() % stream.size());
        const Outcome expected = feedAtOnce(stream);
        for (const std::string& packet : expected.packets) {
            ASSERT_GE(packet.size(), 6u);
            EXPECT_EQ(packet.substr(0, 4), "HEP3");
            EXPECT_EQ(static_cast<unsigned char>(packet[4]) << 8 | static_cast<unsigned char>(packet[5]),
                      static_cast<int>(packet.size()));
        }
        expectSame(feed(stream, [] { return std::size_t{1}; }), expected);
        expectSame(feed(stream, [&random] { return std::size_t{1} + random() % 3000; }), expected);
    }
}

}  // namespace
}  // namespace sipscope::capture::detail
