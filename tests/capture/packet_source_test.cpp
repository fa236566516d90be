// openCaptureFile on pcap files written by the test: clean, nanosecond, damaged, missing and not a capture.
#include "capture/error.hpp"
#include "capture/packet_source.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace sipscope::capture {
namespace {

void putLe32(std::string& out, std::uint32_t value)
{
    for (int i = 0; i < 4; ++i)
        out.push_back(static_cast<char>(value >> (8 * i)));
}

void putLe16(std::string& out, std::uint16_t value)
{
    out.push_back(static_cast<char>(value));
    out.push_back(static_cast<char>(value >> 8));
}

// A classic pcap file (little-endian) with one record per payload, one second apart.
std::string pcapFile(const std::vector<std::string>& frames, bool isNanosecond = false, std::uint32_t linkType = 1)
{
    std::string out;
    putLe32(out, isNanosecond ? 0xa1b23c4d : 0xa1b2c3d4);
    putLe16(out, 2);
    putLe16(out, 4);
    putLe32(out, 0);
    putLe32(out, 0);
    putLe32(out, 65535);
    putLe32(out, linkType);
    std::uint32_t seconds = 1'700'000'000;
    for (const std::string& frame : frames) {
        putLe32(out, seconds++);
        putLe32(out, isNanosecond ? 123'456'789 : 123'456);
        putLe32(out, static_cast<std::uint32_t>(frame.size()));
        putLe32(out, static_cast<std::uint32_t>(frame.size() + 10));  // "originally" longer
        out += frame;
    }
    return out;
}

class TempFile {
public:
    explicit TempFile(const std::string& content, const char* suffix = ".pcap")
        : m_path(std::filesystem::temp_directory_path() /
                 ("sipscope_capture_test_" + std::to_string(::getpid()) + "_" + std::to_string(s_counter++) + suffix))
    {
        std::ofstream(m_path, std::ios::binary) << content;
    }
    ~TempFile() { std::filesystem::remove(m_path); }
    std::string path() const { return m_path.string(); }

private:
    static inline int s_counter = 0;
    std::filesystem::path m_path;
};

const std::vector<std::string> Frames = {std::string(60, 'a'), std::string(100, 'b'), std::string(42, 'c')};

TEST(PacketSource, ReadsEveryRecord)
{
    const std::string content = pcapFile(Frames);
    TempFile file(content);
    auto source = openCaptureFile(file.path());
    EXPECT_EQ(source->name(), file.path());
    EXPECT_EQ(source->totalBytes(), content.size());
    RawPacket packet;
    for (std::size_t i = 0; i < Frames.size(); ++i) {
        ASSERT_TRUE(source->next(packet));
        EXPECT_EQ(packet.bytes, Frames[i]);
        EXPECT_EQ(packet.originalLength, Frames[i].size() + 10);
        EXPECT_EQ(packet.frameNumber, i + 1);
        EXPECT_EQ(packet.linkType, 1u);
        EXPECT_EQ(packet.timestampUs, (1'700'000'000LL + static_cast<std::int64_t>(i)) * 1'000'000 + 123'456);
    }
    EXPECT_FALSE(source->next(packet));
    EXPECT_FALSE(source->next(packet));
    EXPECT_EQ(source->bytesRead(), content.size());
}

// pcap seconds are unsigned 32-bit: a record after 2038 stays after 2038 (libpcap alone would sign-extend it).
TEST(PacketSource, SecondsPast2038AreUnsigned)
{
    std::string content = pcapFile({Frames[0]});
    const std::uint32_t seconds = 3'867'576'602u;  // 2092-07-22, as in a heplify sample capture
    for (int i = 0; i < 4; ++i)
        content[24 + i] = static_cast<char>((seconds >> (8 * i)) & 0xff);
    TempFile file(content);
    auto source = openCaptureFile(file.path());
    RawPacket packet;
    ASSERT_TRUE(source->next(packet));
    EXPECT_EQ(packet.timestampUs, static_cast<std::int64_t>(seconds) * 1'000'000 + 123'456);
}

TEST(PacketSource, NanosecondFilesBecomeMicroseconds)
{
    TempFile file(pcapFile(Frames, true, 101));
    auto source = openCaptureFile(file.path());
    RawPacket packet;
    ASSERT_TRUE(source->next(packet));
    EXPECT_EQ(packet.timestampUs, 1'700'000'000LL * 1'000'000 + 123'456);
    EXPECT_EQ(packet.linkType, 101u);
}

TEST(PacketSource, DamagedFileKeepsThePacketsBefore)
{
    const std::string content = pcapFile(Frames);
    const std::size_t thirdRecord = 24 + (16 + 60) + (16 + 100);
    // Cut inside the third record's data, and inside its header.
    for (std::size_t cut : {thirdRecord + 16 + 20, thirdRecord + 5}) {
        SCOPED_TRACE(cut);
        TempFile file(content.substr(0, cut));
        auto source = openCaptureFile(file.path());
        RawPacket packet;
        ASSERT_TRUE(source->next(packet));
        ASSERT_TRUE(source->next(packet));
        EXPECT_EQ(packet.bytes, Frames[1]);
        try {
            source->next(packet);
            FAIL() << "expected sipscope::Error";
        } catch (const Error& error) {
            const std::string message = error.what();
            EXPECT_NE(message.find(file.path()), std::string::npos) << message;
            EXPECT_NE(message.find("at byte " + std::to_string(thirdRecord)), std::string::npos) << message;
            EXPECT_NE(message.find("after packet 2"), std::string::npos) << message;
        }
    }
}

TEST(PacketSource, CutAtARecordBoundaryIsACleanEnd)
{
    const std::string content = pcapFile(Frames);
    TempFile file(content.substr(0, 24 + 16 + 60));
    auto source = openCaptureFile(file.path());
    RawPacket packet;
    EXPECT_TRUE(source->next(packet));
    EXPECT_FALSE(source->next(packet));
}

TEST(PacketSource, OpeningErrorsNameTheFile)
{
    auto expectError = [](const std::string& path, const std::string& words) {
        try {
            openCaptureFile(path);
            FAIL() << "expected sipscope::Error for " << path;
        } catch (const Error& error) {
            const std::string message = error.what();
            EXPECT_EQ(message.rfind(path + ": ", 0), 0u) << message;
            EXPECT_NE(message.find(words), std::string::npos) << message;
        }
    };
    expectError("/nonexistent/dir/none.pcap", "cannot open");
    TempFile text("this is not a capture file at all, just text\n", ".txt");
    expectError(text.path(), "not a pcap, pcapng or NetMon capture file");
    TempFile empty("", ".pcap");
    expectError(empty.path(), "not a pcap, pcapng or NetMon capture file");
}

} // namespace
} // namespace sipscope::capture
