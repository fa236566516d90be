// NetMon 2.x: a 128-byte header, frames anywhere in the file, and a table of their offsets (usually at the end).
#include "capture/detail/netmon_source.hpp"

#include "capture/detail/capture_file.hpp"
#include "common/error.hpp"

#include <sys/types.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

namespace sipscope::capture::detail {
namespace {

constexpr std::size_t HeaderBytes = 128;
constexpr std::size_t FrameHeaderBytes = 16;           // 2.x: timestamp offset, frame length, captured length
constexpr std::size_t TableChunkEntries = 4096;        // frame-table entries read at once
constexpr std::uint32_t MaxCapturedBytes = 16u << 20;  // larger than any link's frame; guards the buffer
constexpr std::uint16_t NetworkEthernet = 1;
// NetMon 3 stores pcap link types as 0xE000 + LINKTYPE_*; above 0xFFE0 are its own records (filters, DNS cache).
constexpr std::uint16_t NetworkPcapBase = 0xe000;
constexpr std::uint16_t NetworkPcapEnd = 0xffe0;
// A link type no decoder knows: unknown NetMon media are delivered, and counted there as unknown.
constexpr std::uint32_t UnknownLinkTypeBase = 0xffff0000u;

std::uint16_t le16(const unsigned char* bytes) { return static_cast<std::uint16_t>(bytes[0] | (bytes[1] << 8)); }

std::uint32_t le32(const unsigned char* bytes) {
    return std::uint32_t{bytes[0]} | (std::uint32_t{bytes[1]} << 8) | (std::uint32_t{bytes[2]} << 16) |
           (std::uint32_t{bytes[3]} << 24);
}

std::uint64_t le64(const unsigned char* bytes) {
    return std::uint64_t{le32(bytes)} | (std::uint64_t{le32(bytes + 4)} << 32);
}

// The header's SYSTEMTIME (year, month, day of week, day, hour, minute, second, ms), taken as UTC as Wireshark
// does. An impossible date gives 0 (the epoch): the frames are still worth reading.
std::int64_t startTimeUs(const unsigned char* systemTime) {
    using namespace std::chrono;
    const int yearValue = le16(systemTime);
    const unsigned monthValue = le16(systemTime + 2);
    const unsigned dayValue = le16(systemTime + 6);
    const unsigned hour = le16(systemTime + 8);
    const unsigned minute = le16(systemTime + 10);
    const unsigned second = le16(systemTime + 12);
    const unsigned ms = le16(systemTime + 14);
    const year_month_day date{year{yearValue}, month{monthValue}, day{dayValue}};
    if (!date.ok() || hour > 23 || minute > 59 || second > 60 || ms > 999)
        return 0;
    const auto days = sys_days{date}.time_since_epoch();
    return duration_cast<microseconds>(days).count() + ((std::int64_t{hour} * 60 + minute) * 60 + second) * 1'000'000 +
           std::int64_t{ms} * 1'000;
}

class NetMonSource final : public PacketSource {
public:
    NetMonSource(std::FILE* file, std::string name) : m_file(file, true), m_name(std::move(name)) { readHeader(); }

    NetMonSource(const NetMonSource&) = delete;
    NetMonSource& operator=(const NetMonSource&) = delete;

    void readHeader() {
        if (fseeko(m_file.get(), 0, SEEK_END) != 0 || ftello(m_file.get()) < 0)
            throw Error(m_name + ": cannot read a NetMon capture from a stream that cannot seek");
        m_fileBytes = static_cast<std::uint64_t>(ftello(m_file.get()));
        unsigned char header[HeaderBytes] = {};
        if (m_fileBytes < HeaderBytes || !readAt(0, header, HeaderBytes))
            fail(0, "the 128-byte file header is cut short (" + std::to_string(m_fileBytes) + " bytes in the file)");
        const int minor = header[4];
        const int major = header[5];
        if (major != 2)
            fail(4, "NetMon version " + std::to_string(major) + "." + std::to_string(minor) +
                        " is not supported (only 2.x)");
        const std::uint16_t network = le16(header + 6);
        if (network == NetworkEthernet)
            m_linkType = 1;
        else if (network >= NetworkPcapBase && network < NetworkPcapEnd)
            m_linkType = network - NetworkPcapBase;
        else
            m_linkType = UnknownLinkTypeBase | network;
        m_startUs = startTimeUs(header + 8);
        m_tableOffset = le32(header + 24);
        const std::uint32_t tableBytes = le32(header + 28);
        if (m_tableOffset < HeaderBytes || m_tableOffset > m_fileBytes || tableBytes > m_fileBytes - m_tableOffset)
            fail(24, "the frame table (" + std::to_string(tableBytes) + " bytes at byte " +
                         std::to_string(m_tableOffset) + ") lies outside the file's " + std::to_string(m_fileBytes) +
                         " bytes; the file is probably truncated");
        m_frameCount = tableBytes / 4;
    }

    bool next(RawPacket& packet) override {
        if (m_index >= m_frameCount)
            return false;
        const std::uint64_t offset = frameOffset(m_index);
        unsigned char frameHeader[FrameHeaderBytes];
        if (offset < HeaderBytes || offset > m_fileBytes || m_fileBytes - offset < FrameHeaderBytes ||
            !readAt(offset, frameHeader, FrameHeaderBytes))
            failFrame(offset, "its 16-byte header lies outside the file");
        const std::uint64_t deltaUs = le64(frameHeader);
        const std::uint32_t frameBytes = le32(frameHeader + 8);
        const std::uint32_t capturedBytes = le32(frameHeader + 12);
        if (capturedBytes > MaxCapturedBytes)
            failFrame(offset, "its captured length " + std::to_string(capturedBytes) + " is implausible");
        if (capturedBytes > m_fileBytes - offset - FrameHeaderBytes)
            failFrame(offset, "its " + std::to_string(capturedBytes) + " captured bytes run past the file's end");
        // A start before 1970 is negative: the room left is then the whole positive range (no overflow either way).
        if (deltaUs >
            static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max() - std::max<std::int64_t>(m_startUs, 0)))
            failFrame(offset, "its timestamp is out of range");
        m_buffer.resize(capturedBytes);
        if (capturedBytes > 0 && !readAt(offset + FrameHeaderBytes, m_buffer.data(), capturedBytes))
            failFrame(offset, "its bytes could not be read");
        packet.timestampUs = m_startUs + static_cast<std::int64_t>(deltaUs);
        packet.linkType = m_linkType;
        packet.bytes = std::string_view(reinterpret_cast<const char*>(m_buffer.data()), capturedBytes);
        packet.originalLength = std::max(frameBytes, capturedBytes);
        packet.frameNumber = ++m_index;
        m_bytesRead = std::max(m_bytesRead, offset + FrameHeaderBytes + capturedBytes);
        if (m_index == m_frameCount)
            m_bytesRead = m_fileBytes;
        return true;
    }

    std::uint64_t bytesRead() const override { return m_bytesRead; }
    std::uint64_t totalBytes() const override { return m_fileBytes; }
    const std::string& name() const override { return m_name; }

private:
    bool readAt(std::uint64_t offset, void* into, std::size_t count) {
        return fseeko(m_file.get(), static_cast<off_t>(offset), SEEK_SET) == 0 &&
               std::fread(into, 1, count, m_file.get()) == count;
    }

    // The table is read in chunks as frames are reached, never whole (a file may hold millions of frames).
    std::uint64_t frameOffset(std::uint64_t index) {
        if (index < m_tableFirst || index >= m_tableFirst + m_table.size()) {
            m_tableFirst = index;
            const std::uint64_t count = std::min<std::uint64_t>(TableChunkEntries, m_frameCount - index);
            std::vector<unsigned char> raw(count * 4);
            const std::uint64_t at = m_tableOffset + index * 4;
            if (!readAt(at, raw.data(), raw.size()))
                fail(at, "the frame table cannot be read");
            m_table.resize(count);
            for (std::size_t i = 0; i < count; ++i)
                m_table[i] = le32(raw.data() + 4 * i);
        }
        return m_table[index - m_tableFirst];
    }

    [[noreturn]] void fail(std::uint64_t offset, const std::string& reason) {
        m_index = m_frameCount;
        throw Error(m_name + ": damaged NetMon capture at byte " + std::to_string(offset) + ": " + reason);
    }

    [[noreturn]] void failFrame(std::uint64_t offset, const std::string& reason) {
        const std::uint64_t frame = m_index + 1;
        m_index = m_frameCount;
        throw Error(m_name + ": damaged NetMon capture at byte " + std::to_string(offset) + " (frame " +
                    std::to_string(frame) + ", after packet " + std::to_string(frame - 1) + "): " + reason +
                    "; the packets before it were kept");
    }

    CaptureFile m_file;
    std::string m_name;
    std::uint64_t m_fileBytes = 0;
    std::uint32_t m_linkType = 1;
    std::int64_t m_startUs = 0;
    std::uint64_t m_tableOffset = 0;
    std::uint64_t m_frameCount = 0;
    std::uint64_t m_index = 0;  // frames returned so far
    std::uint64_t m_tableFirst = 0;
    std::vector<std::uint32_t> m_table;
    std::vector<unsigned char> m_buffer;
    std::uint64_t m_bytesRead = 0;
};

}  // namespace

bool isNetMonMagic(const char* firstFourBytes) { return std::memcmp(firstFourBytes, "GMBU", 4) == 0; }

std::unique_ptr<PacketSource> openNetMon(std::FILE* file, std::string name) {
    return std::make_unique<NetMonSource>(file, std::move(name));
}

}  // namespace sipscope::capture::detail
