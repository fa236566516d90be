// pcapng files written by the test: interfaces of different link types, timestamp resolutions, byte orders,
// sections, simple and obsolete packets, skipped blocks, damage with its offset, pipes and standard input.
#include "capture/packet_decoder.hpp"
#include "capture/packet_source.hpp"
#include "common/error.hpp"
#include "tests/capture/packet_builder.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace sipscope::capture {
namespace {

// [SECTION] A small pcapng writer
class PcapngWriter {
public:
    // Starts a section (§4.1) in the given byte order; later blocks use it.
    PcapngWriter& section(bool isBigEndian = false) {
        m_isBigEndian = isBigEndian;
        std::string body;
        put(body, 0x1A2B3C4D, 4);
        put(body, 1, 2);  // version 1.0
        put(body, 0, 2);
        put(body, ~std::uint64_t{0}, 8);  // section length unknown
        return block(0x0A0D0D0A, body);
    }

    PcapngWriter& interface(std::uint16_t linkType, std::optional<std::uint8_t> resolution = std::nullopt,
                            std::optional<std::int64_t> offsetSeconds = std::nullopt, std::uint32_t snapLength = 0) {
        std::string body;
        put(body, linkType, 2);
        put(body, 0, 2);
        put(body, snapLength, 4);
        putOption(body, 2, "eth0");  // if_name: an option we do not read
        if (resolution)
            putOption(body, 9, std::string(1, static_cast<char>(*resolution)));
        if (offsetSeconds) {
            std::string value;
            put(value, static_cast<std::uint64_t>(*offsetSeconds), 8);
            putOption(body, 14, value);
        }
        put(body, 0, 4);  // opt_endofopt
        return block(1, body);
    }

    PcapngWriter& enhanced(std::uint32_t interfaceId, std::uint64_t ticks, const std::string& data,
                           std::uint32_t extraOriginal = 0) {
        std::string body;
        put(body, interfaceId, 4);
        put(body, ticks >> 32, 4);
        put(body, ticks & 0xffffffff, 4);
        put(body, data.size(), 4);
        put(body, data.size() + extraOriginal, 4);
        body += padded(data);
        putOption(body, 1, std::string(m_isBigEndian ? "\0\0\0\1" : "\1\0\0\0", 4));  // epb_flags: inbound
        put(body, 0, 4);
        return block(6, body);
    }

    PcapngWriter& simple(const std::string& data, std::uint32_t originalLength) {
        std::string body;
        put(body, originalLength, 4);
        body += padded(data);
        return block(3, body);
    }

    PcapngWriter& obsolete(std::uint16_t interfaceId, std::uint64_t ticks, const std::string& data) {
        std::string body;
        put(body, interfaceId, 2);
        put(body, 0, 2);  // drops
        put(body, ticks >> 32, 4);
        put(body, ticks & 0xffffffff, 4);
        put(body, data.size(), 4);
        put(body, data.size(), 4);
        body += padded(data);
        return block(2, body);
    }

    // Any block: the body must already be padded to 32 bits.
    PcapngWriter& block(std::uint32_t type, const std::string& body) {
        m_starts.push_back(m_bytes.size());
        put(m_bytes, type, 4);
        put(m_bytes, body.size() + 12, 4);
        m_bytes += body;
        put(m_bytes, body.size() + 12, 4);
        return *this;
    }

    const std::string& bytes() const { return m_bytes; }
    std::size_t blockStart(std::size_t index) const { return m_starts.at(index); }
    // Overwrites 4 bytes at `at` with `value` in the byte order of the last section.
    void patch32(std::size_t at, std::uint32_t value) {
        std::string field;
        put(field, value, 4);
        m_bytes.replace(at, 4, field);
    }

private:
    void put(std::string& out, std::uint64_t value, int bytes) const {
        for (int i = 0; i < bytes; ++i) {
            const int shift = 8 * (m_isBigEndian ? bytes - 1 - i : i);
            out.push_back(static_cast<char>(value >> shift));
        }
    }

    void putOption(std::string& out, std::uint16_t code, const std::string& value) const {
        put(out, code, 2);
        put(out, value.size(), 2);
        out += padded(value);
    }

    static std::string padded(std::string data) {
        data.resize((data.size() + 3) & ~std::size_t{3}, '\0');
        return data;
    }

    bool m_isBigEndian = false;
    std::string m_bytes;
    std::vector<std::size_t> m_starts;
};

class TempFile {
public:
    explicit TempFile(const std::string& content)
        : m_path(std::filesystem::temp_directory_path() / ("sipscope_pcapng_test_" + std::to_string(::getpid()) + "_" +
                                                           std::to_string(s_counter++) + ".pcapng")) {
        std::ofstream(m_path, std::ios::binary) << content;
    }
    ~TempFile() { std::filesystem::remove(m_path); }
    std::string path() const { return m_path.string(); }

private:
    static inline int s_counter = 0;
    std::filesystem::path m_path;
};

struct Packet {
    std::int64_t timestampUs;
    std::uint32_t linkType;
    std::string bytes;
    std::uint32_t originalLength;
    std::uint64_t frameNumber;
};

std::vector<Packet> readAll(PacketSource& source) {
    std::vector<Packet> packets;
    RawPacket packet;
    while (source.next(packet))
        packets.push_back({packet.timestampUs, packet.linkType, std::string(packet.bytes), packet.originalLength,
                           packet.frameNumber});
    return packets;
}

std::vector<Packet> readFile(const std::string& content) {
    TempFile file(content);
    auto source = openCaptureFile(file.path());
    return readAll(*source);
}

constexpr std::int64_t BaseUs = 1'700'000'000'123'456;  // 2023-11-14 22:13:20.123456 UTC
const std::string FrameA(60, 'a');
const std::string FrameB(41, 'b');  // not a multiple of 4: the padding must be skipped
const std::string FrameC(100, 'c');

// [SECTION] Interfaces, resolutions, byte orders, sections
TEST(PcapngReader, EachPacketHasTheLinkTypeAndResolutionOfItsInterface) {
    for (bool isBigEndian : {false, true}) {
        SCOPED_TRACE(isBigEndian ? "big-endian" : "little-endian");
        PcapngWriter writer;
        writer.section(isBigEndian)
            .interface(1)               // Ethernet, µs by default
            .interface(101, 9)          // raw IP, ns
            .interface(113, 0x80 | 20)  // Linux SLL, 2^-20 s
            .enhanced(0, BaseUs, FrameA, 4)
            .enhanced(1, BaseUs * 1000 + 789, FrameB)
            .enhanced(2, (1'700'000'001ULL << 20) | (1u << 19), FrameC)
            .enhanced(0, BaseUs + 1, FrameB);
        TempFile file(writer.bytes());
        auto source = openCaptureFile(file.path());
        EXPECT_EQ(source->totalBytes(), writer.bytes().size());
        const std::vector<Packet> packets = readAll(*source);
        EXPECT_EQ(source->bytesRead(), writer.bytes().size());
        ASSERT_EQ(packets.size(), 4u);
        const std::vector<Packet> expected = {
            {BaseUs, 1, FrameA, 64, 1},
            {BaseUs, 101, FrameB, 41, 2},
            {1'700'000'001'500'000, 113, FrameC, 100, 3},
            {BaseUs + 1, 1, FrameB, 41, 4},
        };
        for (std::size_t i = 0; i < expected.size(); ++i) {
            SCOPED_TRACE(i);
            EXPECT_EQ(packets[i].timestampUs, expected[i].timestampUs);
            EXPECT_EQ(packets[i].linkType, expected[i].linkType);
            EXPECT_EQ(packets[i].bytes, expected[i].bytes);
            EXPECT_EQ(packets[i].originalLength, expected[i].originalLength);
            EXPECT_EQ(packets[i].frameNumber, expected[i].frameNumber);
        }
    }
}

TEST(PcapngReader, TimestampResolutionsAndOffsets) {
    struct Case {
        const char* what;
        std::optional<std::uint8_t> resolution;
        std::optional<std::int64_t> offsetSeconds;
        std::uint64_t ticks;
        std::int64_t expectedUs;
    };
    const Case cases[] = {
        {"default µs", std::nullopt, std::nullopt, BaseUs, BaseUs},
        {"explicit µs", 6, std::nullopt, BaseUs, BaseUs},
        {"ns, truncated", 9, std::nullopt, 1'700'000'000'123'456'999ULL, BaseUs},
        {"ms", 3, std::nullopt, 1'700'000'000'123ULL, 1'700'000'000'123'000},
        {"seconds", 0, std::nullopt, 1'700'000'000ULL, 1'700'000'000'000'000},
        {"10^-19", 19, std::nullopt, 17'000'000'000'000'000'000ULL, 1'700'000},  // 1.7 s
        {"2^-10", 0x80 | 10, std::nullopt, (1'700'000'000ULL << 10) | 256, 1'700'000'000'250'000},
        {"2^-32", 0x80 | 32, std::nullopt, (1'700'000'000ULL << 32) | (1ULL << 31), 1'700'000'000'500'000},
        {"2^-63", 0x80 | 63, std::nullopt, 1ULL << 63, 1'000'000},
        {"µs + offset", std::nullopt, 1'700'000'000, 123'456, BaseUs},
        {"ns + negative offset", 9, -100, 1'700'000'100'123'456'000ULL, BaseUs},
    };
    for (const Case& item : cases) {
        SCOPED_TRACE(item.what);
        PcapngWriter writer;
        writer.section().interface(1, item.resolution, item.offsetSeconds).enhanced(0, item.ticks, FrameA);
        const std::vector<Packet> packets = readFile(writer.bytes());
        ASSERT_EQ(packets.size(), 1u);
        EXPECT_EQ(packets[0].timestampUs, item.expectedUs);
    }
}

TEST(PcapngReader, EachSectionHasItsOwnByteOrderAndInterfaces) {
    PcapngWriter writer;
    writer.section(false).interface(1).interface(101).enhanced(1, BaseUs, FrameA);
    writer.section(true).interface(113, 9).enhanced(0, BaseUs * 1000, FrameB);
    writer.section(false).interface(276).enhanced(0, BaseUs + 5, FrameC);
    const std::vector<Packet> packets = readFile(writer.bytes());
    ASSERT_EQ(packets.size(), 3u);
    EXPECT_EQ(packets[0].linkType, 101u);
    EXPECT_EQ(packets[1].linkType, 113u);
    EXPECT_EQ(packets[1].timestampUs, BaseUs);
    EXPECT_EQ(packets[1].bytes, FrameB);
    EXPECT_EQ(packets[2].linkType, 276u);
    EXPECT_EQ(packets[2].timestampUs, BaseUs + 5);
    EXPECT_EQ(packets[2].frameNumber, 3u);
}

// [SECTION] Packet blocks and skipped blocks
TEST(PcapngReader, SimplePacketsUseInterfaceZeroAndThePreviousTimestamp) {
    PcapngWriter writer;
    writer.section().interface(101, std::nullopt, std::nullopt, 64).interface(1);
    writer.simple(FrameB, 41);  // before any timestamp: 0
    writer.enhanced(1, BaseUs, FrameA);
    writer.simple(FrameC.substr(0, 64), 100);  // cut to the snap length of interface 0
    const std::vector<Packet> packets = readFile(writer.bytes());
    ASSERT_EQ(packets.size(), 3u);
    EXPECT_EQ(packets[0].timestampUs, 0);
    EXPECT_EQ(packets[0].linkType, 101u);
    EXPECT_EQ(packets[0].bytes, FrameB);
    EXPECT_EQ(packets[2].timestampUs, BaseUs);
    EXPECT_EQ(packets[2].linkType, 101u);
    EXPECT_EQ(packets[2].bytes, FrameC.substr(0, 64));
    EXPECT_EQ(packets[2].originalLength, 100u);
    EXPECT_EQ(packets[2].frameNumber, 3u);
}

TEST(PcapngReader, ObsoletePacketBlocks) {
    PcapngWriter writer;
    writer.section().interface(1).interface(113, 9).obsolete(1, BaseUs * 1000, FrameB);
    const std::vector<Packet> packets = readFile(writer.bytes());
    ASSERT_EQ(packets.size(), 1u);
    EXPECT_EQ(packets[0].linkType, 113u);
    EXPECT_EQ(packets[0].timestampUs, BaseUs);
    EXPECT_EQ(packets[0].bytes, FrameB);
}

TEST(PcapngReader, OtherBlocksAreSkipped) {
    PcapngWriter writer;
    writer.section().interface(1);
    writer.block(4, std::string(16, '\0'));  // Name Resolution Block
    writer.enhanced(0, BaseUs, FrameA);
    writer.block(5, std::string(24, '\x05'));         // Interface Statistics Block
    writer.block(0x0BAD, std::string(200'004, 'x'));  // custom, larger than one read chunk
    writer.block(10, std::string(8, '\0'));           // Decryption Secrets Block
    writer.block(0x80000001, "");                     // local use, empty body
    writer.enhanced(0, BaseUs + 1, FrameB);
    const std::vector<Packet> packets = readFile(writer.bytes());
    ASSERT_EQ(packets.size(), 2u);
    EXPECT_EQ(packets[1].bytes, FrameB);
    EXPECT_EQ(packets[1].frameNumber, 2u);
}

// [SECTION] Damage
// Three packets: blocks 0 SHB, 1 IDB, 2-4 EPBs.
PcapngWriter threePackets() {
    PcapngWriter writer;
    writer.section()
        .interface(1)
        .enhanced(0, BaseUs, FrameA)
        .enhanced(0, BaseUs + 1, FrameB)
        .enhanced(0, BaseUs + 2, FrameC);
    return writer;
}

TEST(PcapngReader, DamageNamesTheOffsetAndKeepsThePacketsBefore) {
    struct Case {
        const char* what;
        std::function<std::string(PcapngWriter&)> damage;  // returns the file's bytes
        std::size_t block;                                 // where the damage is reported
        std::size_t packetsBefore;
        const char* words;
    };
    auto lengthOf = [](PcapngWriter& writer, std::size_t block, std::uint32_t value) {
        writer.patch32(writer.blockStart(block) + 4, value);
        return writer.bytes();
    };
    const Case cases[] = {
        {"length not a multiple of 4", [&](PcapngWriter& w) { return lengthOf(w, 3, 66); }, 3, 1,
         "not a multiple of 4"},
        {"length too small", [&](PcapngWriter& w) { return lengthOf(w, 3, 8); }, 3, 1, "below the minimum"},
        {"length past the end", [&](PcapngWriter& w) { return lengthOf(w, 4, 1 << 20); }, 4, 2,
         "the file ends inside the block"},
        {"length above the limit", [&](PcapngWriter& w) { return lengthOf(w, 2, 0x7ffffff0); }, 2, 0,
         "above the limit"},
        {"trailing length differs",
         [](PcapngWriter& w) {
             w.patch32(w.blockStart(4) - 4, 12);
             return w.bytes();
         },
         3, 1, "trailing length 12 differs from its length 88"},
        {"cut inside a block", [](PcapngWriter& w) { return w.bytes().substr(0, w.blockStart(4) + 30); }, 4, 2,
         "the file ends inside the block"},
        {"cut inside a block header", [](PcapngWriter& w) { return w.bytes().substr(0, w.blockStart(3) + 5); }, 3, 1,
         "inside a block header (5 of 8 bytes)"},
        {"cut before the trailing length", [](PcapngWriter& w) { return w.bytes().substr(0, w.blockStart(3) - 2); }, 2,
         0, "the file ends inside the block"},
        {"unknown interface",
         [](PcapngWriter& w) {
             w.patch32(w.blockStart(3) + 8, 7);
             return w.bytes();
         },
         3, 1, "interface 7, but the section describes 1"},
        {"captured length larger than the block",
         [](PcapngWriter& w) {
             w.patch32(w.blockStart(3) + 20, 57);  // 44 padded bytes + 12 of options are there
             return w.bytes();
         },
         3, 1, "captured length 57 is larger than the block's 56 bytes"},
        {"bad byte-order magic in a later section",
         [](PcapngWriter& w) {
             w.section();
             w.patch32(w.blockStart(5) + 8, 0x11223344);
             return w.bytes();
         },
         5, 3, "byte-order magic"},
        {"interfaces reset by a new section",
         [](PcapngWriter& w) {
             w.section().enhanced(0, BaseUs, FrameA);
             return w.bytes();
         },
         6, 3, "interface 0, but the section describes 0"},
    };
    for (const Case& item : cases) {
        SCOPED_TRACE(item.what);
        PcapngWriter writer = threePackets();
        const std::string content = item.damage(writer);
        const std::size_t offset = writer.blockStart(item.block);
        TempFile file(content);
        auto source = openCaptureFile(file.path());
        RawPacket packet;
        for (std::size_t i = 0; i < item.packetsBefore; ++i)
            ASSERT_TRUE(source->next(packet));
        try {
            source->next(packet);
            FAIL() << "expected sipscope::Error";
        } catch (const Error& error) {
            const std::string message = error.what();
            const std::string head = file.path() + ": damaged capture at byte " + std::to_string(offset) +
                                     " (after packet " + std::to_string(item.packetsBefore) + "): ";
            EXPECT_EQ(message.rfind(head, 0), 0u) << message;
            EXPECT_NE(message.find(item.words), std::string::npos) << message;
            EXPECT_NE(message.find("; the packets before it were kept"), std::string::npos) << message;
        }
        EXPECT_FALSE(source->next(packet));
    }
}

TEST(PcapngReader, CutAtABlockBoundaryIsACleanEnd) {
    const PcapngWriter writer = threePackets();
    for (std::size_t block : {2, 3, 4}) {
        SCOPED_TRACE(block);
        const std::vector<Packet> packets = readFile(writer.bytes().substr(0, writer.blockStart(block)));
        EXPECT_EQ(packets.size(), block - 2);
    }
}

TEST(PcapngReader, DamagedFirstSectionFailsAtOpen) {
    PcapngWriter writer;
    writer.section();
    std::string bytes = writer.bytes();
    bytes[12] = 2;  // version 2.0
    TempFile file(bytes);
    try {
        openCaptureFile(file.path());
        FAIL() << "expected sipscope::Error";
    } catch (const Error& error) {
        EXPECT_NE(std::string(error.what()).find("version 2.0 is not supported"), std::string::npos) << error.what();
    }
}

// [SECTION] Pipes and standard input
// Feeds `content` through a pipe from a thread (it may exceed the pipe's buffer); returns the read end.
class Pipe {
public:
    explicit Pipe(std::string content) {
        int ends[2];
        EXPECT_EQ(::pipe(ends), 0);
        m_readEnd = ends[0];
        m_writer = std::thread([content = std::move(content), fd = ends[1]] {
            for (std::size_t at = 0; at < content.size();) {
                const ssize_t wrote = ::write(fd, content.data() + at, content.size() - at);
                if (wrote <= 0)
                    break;
                at += static_cast<std::size_t>(wrote);
            }
            ::close(fd);
        });
    }
    ~Pipe() { m_writer.join(); }
    int readEnd() const { return m_readEnd; }

private:
    int m_readEnd = -1;
    std::thread m_writer;
};

std::string classicPcap() {
    std::string out("\xd4\xc3\xb2\xa1\x02\x00\x04\x00", 8);
    out += std::string(8, '\0');
    out += std::string("\xff\xff\x00\x00\x01\x00\x00\x00", 8);
    out += std::string("\x00\xf1\x53\x65\x40\xe2\x01\x00", 8);  // 1700000000 s, 123456 µs
    out += std::string("\x3c\x00\x00\x00\x3c\x00\x00\x00", 8);
    return out + FrameA;
}

TEST(PcapngReader, PipesCarryBothFormats) {
    PcapngWriter writer;
    writer.section().interface(1).interface(101).enhanced(1, BaseUs, FrameA);
    writer.block(0x0BAD, std::string(100'000, 'x'));  // more than a pipe buffer holds
    writer.enhanced(0, BaseUs + 1, FrameB);
    for (const std::string& content : {writer.bytes(), classicPcap()}) {
        Pipe pipe(content);
        auto source = openCaptureStream(::fdopen(pipe.readEnd(), "rb"), "pipe");
        const std::vector<Packet> packets = readAll(*source);
        ASSERT_FALSE(packets.empty());
        EXPECT_EQ(packets[0].timestampUs, BaseUs);
        EXPECT_EQ(packets[0].bytes, FrameA);
        EXPECT_EQ(packets[0].linkType, content == classicPcap() ? 1u : 101u);
        EXPECT_EQ(packets.size(), content == classicPcap() ? 1u : 2u);
    }
}

TEST(PcapngReader, StandardInputCarriesBothFormats) {
    PcapngWriter writer;
    writer.section().interface(101).enhanced(0, BaseUs, FrameA);
    for (const std::string& content : {writer.bytes(), classicPcap()}) {
        Pipe pipe(content);
        const int savedStdin = ::dup(STDIN_FILENO);
        ASSERT_EQ(::dup2(pipe.readEnd(), STDIN_FILENO), STDIN_FILENO);
        ::close(pipe.readEnd());
        std::clearerr(stdin);
        std::vector<Packet> packets;
        {
            auto source = openCaptureFile("-");
            EXPECT_EQ(source->name(), "<stdin>");
            packets = readAll(*source);
        }
        ::dup2(savedStdin, STDIN_FILENO);
        ::close(savedStdin);
        std::clearerr(stdin);
        ASSERT_EQ(packets.size(), 1u);
        EXPECT_EQ(packets[0].timestampUs, BaseUs);
        EXPECT_EQ(packets[0].bytes, FrameA);
    }
}

// [SECTION] Through the decoder
TEST(PcapngReader, DecoderFindsTheSipOfBothInterfaces) {
    using namespace test;
    const std::string invite = "INVITE sip:bob@example.com SIP/2.0\r\nCall-ID: two-links\r\nContent-Length: 0\r\n\r\n";
    const std::string ok = "SIP/2.0 200 OK\r\nCall-ID: two-links\r\nContent-Length: 0\r\n\r\n";
    const Bytes overEthernet =
        ethernet(0x0800, ipv4(ip4(10, 0, 0, 1), ip4(10, 0, 0, 2), 17, udp(5060, 5060, bytesOf(invite))));
    const Bytes overRawIp = ipv4(ip4(10, 0, 0, 2), ip4(10, 0, 0, 1), 17, udp(5060, 5060, bytesOf(ok)));
    PcapngWriter writer;
    writer.section().interface(1).interface(101, 9);
    writer.enhanced(0, BaseUs, std::string(overEthernet.begin(), overEthernet.end()));
    writer.enhanced(1, (BaseUs + 2'000) * 1000, std::string(overRawIp.begin(), overRawIp.end()));
    TempFile file(writer.bytes());
    auto source = openCaptureFile(file.path());

    std::vector<std::pair<std::string, PayloadView>> delivered;
    PacketDecoder decoder([&](const PayloadView& view) { delivered.emplace_back(std::string(view.bytes), view); });
    RawPacket packet;
    while (source->next(packet))
        decoder.decode(packet);
    decoder.finish();
    ASSERT_EQ(delivered.size(), 2u);
    EXPECT_EQ(delivered[0].first, invite);
    EXPECT_EQ(delivered[0].second.timestampUs, BaseUs);
    EXPECT_EQ(delivered[0].second.src.toString(), "10.0.0.1:5060");
    EXPECT_EQ(delivered[0].second.frameNumber, 1u);
    EXPECT_EQ(delivered[1].first, ok);
    EXPECT_EQ(delivered[1].second.timestampUs, BaseUs + 2'000);
    EXPECT_EQ(delivered[1].second.src.toString(), "10.0.0.2:5060");
    EXPECT_EQ(delivered[1].second.frameNumber, 2u);
}

}  // namespace
}  // namespace sipscope::capture
