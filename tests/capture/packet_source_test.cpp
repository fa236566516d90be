// openCaptureFile on pcap files written by the test: clean, nanosecond, damaged, missing and not a capture.
#include "capture/packet_source.hpp"
#include "common/error.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <future>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

namespace sipscope::capture {
namespace {

void putLe32(std::string& out, std::uint32_t value) {
    for (int i = 0; i < 4; ++i)
        out.push_back(static_cast<char>(value >> (8 * i)));
}

void putLe16(std::string& out, std::uint16_t value) {
    out.push_back(static_cast<char>(value));
    out.push_back(static_cast<char>(value >> 8));
}

// A classic pcap file (little-endian) with one record per payload, one second apart.
std::string pcapFile(const std::vector<std::string>& frames, bool isNanosecond = false, std::uint32_t linkType = 1) {
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
                 ("sipscope_capture_test_" + std::to_string(::getpid()) + "_" + std::to_string(s_counter++) + suffix)) {
        std::ofstream(m_path, std::ios::binary) << content;
    }
    ~TempFile() { std::filesystem::remove(m_path); }
    std::string path() const { return m_path.string(); }

private:
    static inline int s_counter = 0;
    std::filesystem::path m_path;
};

const std::vector<std::string> Frames = {std::string(60, 'a'), std::string(100, 'b'), std::string(42, 'c')};

TEST(PacketSource, ReadsEveryRecord) {
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
TEST(PacketSource, SecondsPast2038AreUnsigned) {
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

TEST(PacketSource, NanosecondFilesBecomeMicroseconds) {
    TempFile file(pcapFile(Frames, true, 101));
    auto source = openCaptureFile(file.path());
    RawPacket packet;
    ASSERT_TRUE(source->next(packet));
    EXPECT_EQ(packet.timestampUs, 1'700'000'000LL * 1'000'000 + 123'456);
    EXPECT_EQ(packet.linkType, 101u);
}

TEST(PacketSource, DamagedFileKeepsThePacketsBefore) {
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

TEST(PacketSource, CutAtARecordBoundaryIsACleanEnd) {
    const std::string content = pcapFile(Frames);
    TempFile file(content.substr(0, 24 + 16 + 60));
    auto source = openCaptureFile(file.path());
    RawPacket packet;
    EXPECT_TRUE(source->next(packet));
    EXPECT_FALSE(source->next(packet));
}

// Records of every size, many of them straddling the reader's 1 MiB chunks, come out whole and in order, from a
// file and from a pipe (which reads in pieces as the writer fills it).
std::vector<std::string> variedFrames() {
    std::vector<std::string> frames;
    std::uint32_t seed = 12345;
    for (int i = 0; i < 400; ++i) {
        seed = seed * 1103515245u + 12345u;
        const std::size_t size = i % 50 == 7 ? 200'000 + seed % 62'144 : 1 + (seed >> 8) % 9000;
        std::string frame(size, static_cast<char>('a' + i % 26));
        frame[0] = static_cast<char>(i);  // tells records apart
        frames.push_back(std::move(frame));
    }
    return frames;
}

void expectFrames(PacketSource& source, const std::vector<std::string>& frames) {
    RawPacket packet;
    for (std::size_t i = 0; i < frames.size(); ++i) {
        SCOPED_TRACE(i);
        ASSERT_TRUE(source.next(packet));
        ASSERT_EQ(packet.bytes.size(), frames[i].size());
        EXPECT_TRUE(packet.bytes == frames[i]);
        EXPECT_EQ(packet.frameNumber, i + 1);
        EXPECT_EQ(packet.timestampUs, (1'700'000'000LL + static_cast<std::int64_t>(i)) * 1'000'000 + 123'456);
    }
    EXPECT_FALSE(source.next(packet));
}

TEST(PacketSource, RecordsAcrossReadChunksComeOutWhole) {
    const std::vector<std::string> frames = variedFrames();
    const std::string content = pcapFile(frames);
    ASSERT_GT(content.size(), 3u << 20);  // three chunks at least
    TempFile file(content);
    auto source = openCaptureFile(file.path());
    expectFrames(*source, frames);
    EXPECT_EQ(source->bytesRead(), content.size());

    int ends[2];
    ASSERT_EQ(pipe(ends), 0);
    std::thread writer([&] {
        for (std::size_t at = 0; at < content.size();) {  // in uneven pieces
            const std::size_t piece = std::min<std::size_t>(content.size() - at, 1 + (at * 7) % 70'000);
            const ssize_t wrote = write(ends[1], content.data() + at, piece);
            if (wrote <= 0)
                break;
            at += static_cast<std::size_t>(wrote);
        }
        close(ends[1]);
    });
    std::FILE* stream = fdopen(ends[0], "rb");
    ASSERT_NE(stream, nullptr);
    {
        auto piped = openCaptureStream(stream, "pipe");
        expectFrames(*piped, frames);
    }
    writer.join();
}

// From a pipe a packet is handed out as soon as it has arrived, not when a whole read chunk has (tcpdump -w - |).
TEST(PacketSource, PipedPacketComesOutBeforeThePipeCloses) {
    const std::string content = pcapFile(Frames);
    const std::size_t firstRecordEnd = 24 + 16 + Frames[0].size();
    int ends[2];
    ASSERT_EQ(pipe(ends), 0);
    std::promise<void> gotFirst;
    std::future<void> firstSeen = gotFirst.get_future();
    bool waitedInVain = false;
    std::thread writer([&] {
        EXPECT_EQ(write(ends[1], content.data(), firstRecordEnd), static_cast<ssize_t>(firstRecordEnd));
        waitedInVain = firstSeen.wait_for(std::chrono::seconds(10)) != std::future_status::ready;
        const std::string rest = content.substr(firstRecordEnd);
        EXPECT_EQ(write(ends[1], rest.data(), rest.size()), static_cast<ssize_t>(rest.size()));
        close(ends[1]);
    });
    std::FILE* stream = fdopen(ends[0], "rb");
    ASSERT_NE(stream, nullptr);
    {
        auto piped = openCaptureStream(stream, "pipe");
        RawPacket packet;
        ASSERT_TRUE(piped->next(packet));
        EXPECT_EQ(packet.bytes, Frames[0]);
        gotFirst.set_value();
        ASSERT_TRUE(piped->next(packet));
        ASSERT_TRUE(piped->next(packet));
        EXPECT_EQ(packet.bytes, Frames[2]);
        EXPECT_FALSE(piped->next(packet));
    }
    writer.join();
    EXPECT_FALSE(waitedInVain) << "the first packet came out only when the pipe closed";
}

TEST(PacketSource, BigEndianFiles) {
    auto putBe32 = [](std::string& out, std::uint32_t value) {
        for (int i = 3; i >= 0; --i)
            out.push_back(static_cast<char>(value >> (8 * i)));
    };
    for (const bool isNanosecond : {false, true}) {
        SCOPED_TRACE(isNanosecond);
        std::string content;
        putBe32(content, isNanosecond ? 0xa1b23c4d : 0xa1b2c3d4);
        content += std::string("\x00\x02\x00\x04", 4);
        putBe32(content, 0);
        putBe32(content, 0);
        putBe32(content, 65535);
        putBe32(content, 113);  // Linux cooked
        putBe32(content, 1'700'000'000);
        putBe32(content, isNanosecond ? 123'456'789 : 123'456);
        putBe32(content, 60);
        putBe32(content, 70);
        content += Frames[0];
        TempFile file(content);
        auto source = openCaptureFile(file.path());
        RawPacket packet;
        ASSERT_TRUE(source->next(packet));
        EXPECT_EQ(packet.bytes, Frames[0]);
        EXPECT_EQ(packet.linkType, 113u);
        EXPECT_EQ(packet.originalLength, 70u);
        EXPECT_EQ(packet.timestampUs, 1'700'000'000LL * 1'000'000 + 123'456);
        EXPECT_FALSE(source->next(packet));
    }
}

// A captured length no capture holds is damage at that record, as libpcap also refuses it.
TEST(PacketSource, ImpossibleCapturedLengthIsDamage) {
    std::string content = pcapFile(Frames);
    const std::size_t secondRecord = 24 + 16 + 60;
    const std::uint32_t huge = 1u << 20;
    for (int i = 0; i < 4; ++i)
        content[secondRecord + 8 + i] = static_cast<char>(huge >> (8 * i));
    TempFile file(content);
    auto source = openCaptureFile(file.path());
    RawPacket packet;
    ASSERT_TRUE(source->next(packet));
    try {
        source->next(packet);
        FAIL() << "expected sipscope::Error";
    } catch (const Error& error) {
        const std::string message = error.what();
        EXPECT_NE(message.find("at byte " + std::to_string(secondRecord) + " (after packet 1)"), std::string::npos)
            << message;
        EXPECT_NE(message.find("1048576"), std::string::npos) << message;
    }
    EXPECT_FALSE(source->next(packet));
}

TEST(PacketSource, CutFileHeaderIsDamageAtByteZero) {
    TempFile file(pcapFile(Frames).substr(0, 10));
    try {
        openCaptureFile(file.path());
        FAIL() << "expected sipscope::Error";
    } catch (const Error& error) {
        const std::string message = error.what();
        EXPECT_EQ(message.rfind(file.path() + ": damaged capture at byte 0", 0), 0u) << message;
    }
}

TEST(PacketSource, OpeningErrorsNameTheFile) {
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

}  // namespace
}  // namespace sipscope::capture
