// NetMon 2.x files written by the test: timestamps, link types, the table anywhere, and damage with its offset.
#include "capture/packet_source.hpp"
#include "common/error.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace sipscope::capture {
namespace {

void putLe(std::string& out, std::uint64_t value, int bytes) {
    for (int i = 0; i < bytes; ++i)
        out.push_back(static_cast<char>(value >> (8 * i)));
}

struct NetMonFrame {
    std::uint64_t deltaUs;
    std::string bytes;
};

// A NetMon 2.0 file starting 2005-07-17 15:39:20.502 UTC. The frame table goes after the frames, as NetMon
// writes it, or right after the header when `isTableFirst`.
std::string netMonFile(const std::vector<NetMonFrame>& frames, std::uint16_t network = 1, bool isTableFirst = false) {
    std::string header = "GMBU";
    header.push_back(0);  // minor
    header.push_back(2);  // major
    putLe(header, network, 2);
    for (std::uint16_t field : {2005, 7, 0, 17, 15, 39, 20, 502})
        putLe(header, field, 2);
    const std::size_t tableBytes = 4 * frames.size();
    std::string body;
    std::vector<std::uint32_t> offsets;
    std::size_t at = 128 + (isTableFirst ? tableBytes : 0);
    for (const NetMonFrame& frame : frames) {
        offsets.push_back(static_cast<std::uint32_t>(at + body.size()));
        putLe(body, frame.deltaUs, 8);
        putLe(body, frame.bytes.size() + 4, 4);  // "originally" 4 bytes longer
        putLe(body, frame.bytes.size(), 4);
        body += frame.bytes;
    }
    std::string table;
    for (std::uint32_t offset : offsets)
        putLe(table, offset, 4);
    putLe(header, isTableFirst ? 128 : 128 + body.size(), 4);
    putLe(header, tableBytes, 4);
    header.resize(128, '\0');
    return isTableFirst ? header + table + body : header + body + table;
}

class TempFile {
public:
    explicit TempFile(const std::string& content)
        : m_path(std::filesystem::temp_directory_path() /
                 ("sipscope_netmon_test_" + std::to_string(::getpid()) + "_" + std::to_string(s_counter++) + ".cap")) {
        std::ofstream(m_path, std::ios::binary) << content;
    }
    ~TempFile() { std::filesystem::remove(m_path); }
    std::string path() const { return m_path.string(); }

private:
    static inline int s_counter = 0;
    std::filesystem::path m_path;
};

constexpr std::int64_t StartUs = 1'121'614'760'502'000;  // 2005-07-17T15:39:20.502Z

const std::vector<NetMonFrame> Frames = {
    {0, std::string(60, 'a')}, {1'500, std::string(100, 'b')}, {2'000'001, std::string(42, 'c')}};

TEST(NetMonSource, ReadsEveryFrameWithItsTime) {
    for (bool isTableFirst : {false, true}) {
        SCOPED_TRACE(isTableFirst);
        const std::string content = netMonFile(Frames, 1, isTableFirst);
        TempFile file(content);
        auto source = openCaptureFile(file.path());
        EXPECT_EQ(source->totalBytes(), content.size());
        RawPacket packet;
        for (std::size_t i = 0; i < Frames.size(); ++i) {
            ASSERT_TRUE(source->next(packet));
            EXPECT_EQ(packet.bytes, Frames[i].bytes);
            EXPECT_EQ(packet.originalLength, Frames[i].bytes.size() + 4);
            EXPECT_EQ(packet.frameNumber, i + 1);
            EXPECT_EQ(packet.linkType, 1u);
            EXPECT_EQ(packet.timestampUs, StartUs + static_cast<std::int64_t>(Frames[i].deltaUs));
        }
        EXPECT_FALSE(source->next(packet));
        EXPECT_FALSE(source->next(packet));
        EXPECT_EQ(source->bytesRead(), content.size());
    }
}

TEST(NetMonSource, NetworkTypesBecomeLinkTypes) {
    const struct {
        std::uint16_t network;
        std::uint32_t linkType;
    } cases[] = {
        {1, 1},               // Ethernet
        {0xe000 + 101, 101},  // a pcap link type, NetMon 3 style
        {0xe000 + 113, 113},
        {2, 0xffff0002u},       // Token Ring: delivered, and unknown to the decoder
        {0xfffe, 0xfffffffeu},  // NetMon's own records
    };
    for (const auto& item : cases) {
        SCOPED_TRACE(item.network);
        TempFile file(netMonFile(Frames, item.network));
        auto source = openCaptureFile(file.path());
        RawPacket packet;
        ASSERT_TRUE(source->next(packet));
        EXPECT_EQ(packet.linkType, item.linkType);
    }
}

TEST(NetMonSource, StreamsOpenThroughFmemopen) {
    std::string content = netMonFile(Frames);
    std::FILE* stream = fmemopen(content.data(), content.size(), "rb");
    ASSERT_NE(stream, nullptr);
    auto source = openCaptureStream(stream, "memory");
    RawPacket packet;
    int count = 0;
    while (source->next(packet))
        ++count;
    EXPECT_EQ(count, 3);
}

void expectDamage(const std::string& content, int framesBefore, const std::string& words) {
    TempFile file(content);
    std::unique_ptr<PacketSource> source;
    RawPacket packet;
    try {
        source = openCaptureFile(file.path());
        for (int i = 0; i < framesBefore; ++i) {
            ASSERT_TRUE(source->next(packet));
            EXPECT_EQ(packet.bytes, Frames[static_cast<std::size_t>(i)].bytes);
        }
        source->next(packet);
        FAIL() << "expected sipscope::Error";
    } catch (const Error& error) {
        const std::string message = error.what();
        EXPECT_EQ(message.rfind(file.path() + ": damaged NetMon capture", 0), 0u) << message;
        EXPECT_NE(message.find(words), std::string::npos) << message;
    }
    if (source) {
        EXPECT_FALSE(source->next(packet));  // after the damage, a clean end
    }
}

TEST(NetMonSource, DamageNamesTheFileAndOffset) {
    const std::string tableFirst = netMonFile(Frames, 1, true);
    const std::size_t third = 128 + 12 + (16 + 60) + (16 + 100);
    // Frame 3's bytes, then its header, cut off.
    expectDamage(tableFirst.substr(0, third + 16 + 10), 2, "at byte " + std::to_string(third) + " (frame 3");
    expectDamage(tableFirst.substr(0, third + 7), 2, "at byte " + std::to_string(third) + " (frame 3");
    // Table at the end (NetMon's way) and the file truncated: the table is gone, said at open.
    const std::string tableLast = netMonFile(Frames);
    expectDamage(tableLast.substr(0, tableLast.size() - 2), 0, "at byte 24: the frame table");
    // A header cut short, a table entry pointing into the header, a lying captured length.
    expectDamage(tableLast.substr(0, 100), 0, "at byte 0: the 128-byte file header is cut short");
    std::string intoHeader = tableFirst;
    intoHeader[128 + 4] = 8;  // second entry: byte 8
    intoHeader[128 + 5] = 0;
    expectDamage(intoHeader, 1, "at byte 8 (frame 2");
    std::string lying = tableFirst;
    lying[128 + 12 + 12 + 3] = 0x10;  // frame 1 captured length += 256 MB
    expectDamage(lying, 0, "at byte 140 (frame 1, after packet 0): its captured length");
    std::string version1 = tableFirst;
    version1[5] = 1;
    expectDamage(version1, 0, "NetMon version 1.0 is not supported");
}

}  // namespace
}  // namespace sipscope::capture
