// A classic pcap file is a 24-byte header (magic, version, time zone, accuracy, snapshot length, link type) and
// then records: a 16-byte header (seconds, micro- or nanoseconds, captured length, original length) and the
// captured bytes. This reader keeps a chunk of the file in memory and hands out packets where they lie in it.
#include "capture/detail/pcap_reader.hpp"

#include "capture/detail/capture_file.hpp"
#include "capture/detail/damage.hpp"
#include "common/error.hpp"

#include <algorithm>
#include <cassert>
#include <cerrno>
#include <cstring>

namespace sipscope::capture::detail {

namespace {

constexpr std::size_t FileHeaderBytes = 24;
constexpr std::size_t RecordHeaderBytes = 16;
// libpcap's largest captured length for the link types SIP travels over; a record above it is damage.
constexpr std::uint32_t MaxCapturedBytes = 262144;
// Read up to this much at a time; a record (at most 16 + MaxCapturedBytes bytes) always fits. The chunk starts at
// the file's size when that is smaller (a small file costs no MiB) and grows to this as reading goes on.
constexpr std::size_t ChunkBytes = 1u << 20;
constexpr std::size_t FirstStreamChunkBytes = 64u << 10;
// The link type field keeps flags (FCS length) above its low 26 bits.
constexpr std::uint32_t LinkTypeMask = 0x03ffffff;

enum class Magic { None, Micro, Nano };

Magic magicOf(const unsigned char* bytes, bool& isSwapped) {
    static constexpr struct {
        unsigned char bytes[4];
        Magic magic;
        bool isSwapped;  // a big-endian file (a little-endian one starts d4 c3 b2 a1)
    } Known[] = {{{0xd4, 0xc3, 0xb2, 0xa1}, Magic::Micro, false},
                 {{0xa1, 0xb2, 0xc3, 0xd4}, Magic::Micro, true},
                 {{0x4d, 0x3c, 0xb2, 0xa1}, Magic::Nano, false},
                 {{0xa1, 0xb2, 0x3c, 0x4d}, Magic::Nano, true}};
    for (const auto& known : Known)
        if (std::memcmp(bytes, known.bytes, 4) == 0) {
            isSwapped = known.isSwapped;
            return known.magic;
        }
    return Magic::None;
}

class ClassicPcapSource final : public PacketSource {
public:
    ClassicPcapSource(std::FILE* file, std::string name, std::uint64_t totalBytes, bool closesFile)
        : m_file(file, closesFile), m_name(std::move(name)), m_totalBytes(totalBytes) {
        resize(totalBytes ? std::min<std::uint64_t>(std::max<std::uint64_t>(totalBytes, FileHeaderBytes), ChunkBytes)
                          : FirstStreamChunkBytes);
        readFileHeader();
    }

    ClassicPcapSource(const ClassicPcapSource&) = delete;
    ClassicPcapSource& operator=(const ClassicPcapSource&) = delete;

    bool next(RawPacket& packet) override {
        if (m_isFinished)
            return false;
        if (!ensure(RecordHeaderBytes)) {
            if (available() == 0) {
                m_isFinished = true;
                m_file.close();
                return false;
            }
            damage("the 16-byte record header is cut short after " + std::to_string(available()) + " bytes");
        }
        const unsigned char* header = m_chunk.get() + m_at;
        const std::uint32_t seconds = load32(header);
        const std::uint32_t fraction = load32(header + 4);
        const std::uint32_t captured = load32(header + 8);
        const std::uint32_t original = load32(header + 12);
        if (captured > MaxCapturedBytes)
            damage("its captured length " + std::to_string(captured) + " is larger than the largest a capture holds (" +
                   std::to_string(MaxCapturedBytes) + ")");
        if (!ensure(RecordHeaderBytes + captured))
            damage("the packet is cut short: " + std::to_string(available() - RecordHeaderBytes) + " of its " +
                   std::to_string(captured) + " captured bytes are in the file");
        header = m_chunk.get() + m_at;  // the chunk may have moved
        assert(m_at + RecordHeaderBytes + captured <= m_end && "pcap reader: a record past the chunk's bytes");
        // Seconds are unsigned 32-bit (good until 2106), as tshark reads them.
        packet.timestampUs = static_cast<std::int64_t>(seconds) * 1'000'000 +
                             (m_isNano ? fraction / 1000 : static_cast<std::int64_t>(fraction));
        packet.linkType = m_linkType;
        packet.bytes = std::string_view(reinterpret_cast<const char*>(header + RecordHeaderBytes), captured);
        packet.originalLength = std::max(original, captured);
        packet.frameNumber = ++m_frames;
        m_at += RecordHeaderBytes + captured;
        return true;
    }

    std::uint64_t bytesRead() const override { return m_chunkOffset + m_at; }
    std::uint64_t totalBytes() const override { return m_totalBytes; }
    const std::string& name() const override { return m_name; }

private:
    std::size_t available() const {
        assert(m_at <= m_end && m_end <= m_capacity && "pcap reader: chunk bounds out of order");
        return m_end - m_at;
    }

    // Makes `count` bytes from m_at available in the chunk, reading on as needed; false at the end of the input.
    bool ensure(std::size_t count) {
        if (available() >= count)
            return true;
        // Move the unread tail to the front, then fill the rest of the chunk, grown first if it is small.
        std::memmove(m_chunk.get(), m_chunk.get() + m_at, available());
        m_chunkOffset += m_at;
        m_end -= m_at;
        m_at = 0;
        if (count > m_capacity || m_capacity < ChunkBytes)
            resize(std::max(count, std::min(m_capacity * 2, ChunkBytes)));
        while (m_end < count && m_file.get() != nullptr) {
            // A file of known size: as much as fits. A pipe: only what this record needs, so a packet written to it
            // is read as soon as it arrives, not when a whole chunk has (fread waits for all it is asked for).
            const std::size_t want = m_totalBytes ? m_capacity - m_end : count - m_end;
            const std::size_t got = std::fread(m_chunk.get() + m_end, 1, want, m_file.get());
            m_end += got;
            if (got == 0) {
                if (std::ferror(m_file.get())) {
                    m_isFinished = true;
                    throw Error(m_name + ": cannot read at byte " + std::to_string(m_chunkOffset + m_end) + ": " +
                                std::strerror(errno));
                }
                break;
            }
        }
        return m_end >= count;
    }

    // A chunk of `capacity` bytes keeping the unread ones (uninitialised beyond them: every byte is read before use).
    void resize(std::size_t capacity) {
        if (capacity == m_capacity)
            return;
        std::unique_ptr<unsigned char[]> chunk(new unsigned char[capacity]);
        if (m_end > 0)
            std::memcpy(chunk.get(), m_chunk.get(), m_end);
        m_chunk = std::move(chunk);
        m_capacity = capacity;
    }

    void readFileHeader() {
        if (!ensure(FileHeaderBytes))
            throw Error(m_name + ": damaged capture at byte 0 (the pcap file header): cut short after " +
                        std::to_string(available()) + " of its 24 bytes; nothing could be read from it");
        const unsigned char* header = m_chunk.get();
        const Magic magic = magicOf(header, m_isSwapped);
        if (magic == Magic::None)
            throw Error(m_name + ": not a classic pcap file (at byte 0)");
        m_isNano = magic == Magic::Nano;
        const std::uint16_t major = load16(header + 4);
        const std::uint16_t minor = load16(header + 6);
        if (major != 2)
            throw Error(m_name + ": damaged capture at byte 0 (the pcap file header): version " +
                        std::to_string(major) + "." + std::to_string(minor) +
                        " is not one this reader knows (2.x); nothing could be read from it");
        m_linkType = load32(header + 20) & LinkTypeMask;
        m_at = FileHeaderBytes;
    }

    std::uint16_t load16(const unsigned char* at) const {
        return static_cast<std::uint16_t>(m_isSwapped ? (at[0] << 8) | at[1] : at[0] | (at[1] << 8));
    }

    std::uint32_t load32(const unsigned char* at) const {
        return m_isSwapped ? (std::uint32_t{load16(at)} << 16) | load16(at + 2)
                           : std::uint32_t{load16(at)} | (std::uint32_t{load16(at + 2)} << 16);
    }

    [[noreturn]] void damage(const std::string& reason) {
        m_isFinished = true;
        m_file.close();
        throw damagedCapture(m_name, m_chunkOffset + m_at, m_frames, reason);
    }

    CaptureFile m_file;
    std::string m_name;
    std::uint64_t m_totalBytes;
    std::unique_ptr<unsigned char[]> m_chunk;
    std::size_t m_capacity = 0;
    std::size_t m_at = 0;             // the next record's start in m_chunk
    std::size_t m_end = 0;            // the chunk holds bytes [0, m_end)
    std::uint64_t m_chunkOffset = 0;  // the file offset of m_chunk[0]
    bool m_isSwapped = false;         // big-endian file
    bool m_isNano = false;
    std::uint32_t m_linkType = 1;
    std::uint64_t m_frames = 0;
    bool m_isFinished = false;
};

}  // namespace

bool isClassicPcapMagic(const char* firstFourBytes) {
    bool isSwapped = false;
    return magicOf(reinterpret_cast<const unsigned char*>(firstFourBytes), isSwapped) != Magic::None;
}

std::unique_ptr<PacketSource> openClassicPcap(std::FILE* file, std::string name, std::uint64_t totalBytes,
                                              bool closesFile) {
    return std::make_unique<ClassicPcapSource>(file, std::move(name), totalBytes, closesFile);
}

}  // namespace sipscope::capture::detail
