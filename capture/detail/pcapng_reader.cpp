// pcapng (draft-ietf-opsawg-pcapng §3-§4): blocks of {type, total length, body, total length}, read one at a time.
#include "capture/detail/pcapng_reader.hpp"

#include "capture/detail/capture_file.hpp"
#include "capture/detail/damage.hpp"
#include "common/error.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

namespace sipscope::capture::detail {
namespace {

// [SECTION] Constants of the format
constexpr std::uint32_t SectionHeaderType = 0x0A0D0D0A;
constexpr std::uint32_t InterfaceDescriptionType = 1;
constexpr std::uint32_t ObsoletePacketType = 2;  // §4.4 of older drafts: kept for files of old writers
constexpr std::uint32_t SimplePacketType = 3;
constexpr std::uint32_t EnhancedPacketType = 6;
constexpr std::uint32_t ByteOrderMagic = 0x1A2B3C4D;
constexpr std::uint32_t ByteOrderMagicSwapped = 0x4D3C2B1A;

constexpr std::uint32_t BlockFrameBytes = 12;        // type, total length, trailing total length
constexpr std::uint32_t MaxBlockBytes = 64u << 20;   // far above any packet; bounds the one block buffer
constexpr std::size_t SkipChunkBytes = 64 * 1024;    // a skipped block is read through in chunks of this size
constexpr std::size_t SectionHeaderBodyBytes = 16;   // magic, version, section length
constexpr std::size_t InterfaceBodyBytes = 8;        // link type, reserved, snap length
constexpr std::size_t EnhancedPacketBodyBytes = 20;  // interface, timestamp high/low, captured, original
constexpr std::size_t ObsoletePacketBodyBytes = 20;  // interface (16 bits), drops, timestamp, captured, original
constexpr std::size_t SimplePacketBodyBytes = 4;     // original length

constexpr std::uint16_t OptionEnd = 0;
constexpr std::uint16_t OptionTimestampResolution = 9;  // if_tsresol
constexpr std::uint16_t OptionTimestampOffset = 14;     // if_tsoffset

__extension__ typedef unsigned __int128 Uint128;  // a 64-bit timestamp times 10^6 needs 84 bits

struct Interface {
    std::uint32_t linkType = 0;
    std::uint32_t snapLength = 0;     // 0: no limit
    bool isBinaryResolution = false;  // units are 2^-exponent s, else 10^-exponent s
    unsigned exponent = 6;            // §4.2 if_tsresol: microseconds when absent
    std::int64_t offsetSeconds = 0;   // if_tsoffset, added to every timestamp
};

std::uint64_t powerOfTen(unsigned exponent) {
    std::uint64_t value = 1;
    for (unsigned i = 0; i < exponent; ++i)
        value *= 10;
    return value;
}

// Interface units → µs since the epoch, truncated as libpcap's microsecond mode does. False when out of range.
bool toMicroseconds(std::uint64_t ticks, const Interface& interface, std::int64_t& timestampUs) {
    std::uint64_t sinceOffsetUs = 0;
    if (interface.isBinaryResolution) {
        const Uint128 value = (Uint128{ticks} * 1'000'000u) >> interface.exponent;
        if (value > std::numeric_limits<std::uint64_t>::max())
            return false;
        sinceOffsetUs = static_cast<std::uint64_t>(value);
    } else if (interface.exponent <= 6) {
        if (__builtin_mul_overflow(ticks, powerOfTen(6 - interface.exponent), &sinceOffsetUs))
            return false;
    } else {
        sinceOffsetUs = ticks / powerOfTen(interface.exponent - 6);
    }
    if (sinceOffsetUs > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
        return false;
    std::int64_t offsetUs = 0;
    return !__builtin_mul_overflow(interface.offsetSeconds, std::int64_t{1'000'000}, &offsetUs) &&
           !__builtin_add_overflow(static_cast<std::int64_t>(sinceOffsetUs), offsetUs, &timestampUs);
}

std::size_t paddedTo4(std::size_t bytes) { return (bytes + 3) & ~std::size_t{3}; }

std::string hex32(std::uint32_t value) {
    char text[16];
    std::snprintf(text, sizeof text, "0x%08X", value);
    return text;
}

// [SECTION] The reader
class PcapngReader final : public PacketSource {
public:
    PcapngReader(std::FILE* file, std::string name, std::uint64_t totalBytes, bool closesFile)
        : m_file(file, closesFile), m_name(std::move(name)), m_totalBytes(totalBytes) {
        // §4.1: a file starts with a Section Header Block; it also tells the byte order of what follows.
        if (!readBlock())
            throw Error(m_name + ": not a pcapng file (it does not start with a Section Header Block)");
        startSection();
    }

    PcapngReader(const PcapngReader&) = delete;
    PcapngReader& operator=(const PcapngReader&) = delete;

    bool next(RawPacket& packet) override {
        while (!m_isFinished) {
            if (!readBlock()) {
                m_isFinished = true;
                return false;
            }
            switch (m_blockType) {
            case SectionHeaderType: startSection(); break;
            case InterfaceDescriptionType: addInterface(); break;
            case EnhancedPacketType: readEnhancedPacket(packet); return true;
            case SimplePacketType: readSimplePacket(packet); return true;
            case ObsoletePacketType: readObsoletePacket(packet); return true;
            default: break;  // read through already by readBlock()
            }
        }
        return false;
    }

    std::uint64_t bytesRead() const override { return m_offset; }
    std::uint64_t totalBytes() const override { return m_totalBytes; }
    const std::string& name() const override { return m_name; }

private:
    // [SECTION] Blocks
    static bool isKept(std::uint32_t type) {
        return type == SectionHeaderType || type == InterfaceDescriptionType || type == EnhancedPacketType ||
               type == SimplePacketType || type == ObsoletePacketType;
    }

    // Reads the next block: its body into m_block for the kinds we read, through it for the others. False at a
    // clean end of the file (between blocks); throws on damage.
    bool readBlock() {
        m_blockOffset = m_offset;
        unsigned char header[8];
        const std::size_t headerBytes = readUpTo(header, sizeof header);
        if (headerBytes == 0)
            return false;
        if (headerBytes < sizeof header)
            damage("the file ends inside a block header (" + std::to_string(headerBytes) + " of 8 bytes)");
        std::uint32_t type = load32(header);
        if (m_blockOffset == 0 && type != SectionHeaderType)
            throw Error(m_name + ": not a pcapng file (it does not start with a Section Header Block)");
        std::size_t bodyStart = 0;
        if (type == SectionHeaderType) {
            // §4.1: the byte-order magic follows the length; only it says how to read the length.
            m_block.resize(4);
            readBody(m_block.data(), 4, 0);
            const std::uint32_t magic = load32(m_block.data());
            if (magic == ByteOrderMagicSwapped)
                m_isBigEndian = !m_isBigEndian;
            else if (magic != ByteOrderMagic)
                damage("the Section Header Block's byte-order magic is " + hex32(magic) + ", not 0x1A2B3C4D");
            type = SectionHeaderType;
            bodyStart = 4;
        }
        m_blockType = type;
        const std::uint32_t totalLength = load32(header + 4);
        checkLength(totalLength);
        const std::size_t bodyBytes = totalLength - BlockFrameBytes;
        if (bodyBytes < bodyStart)  // a Section Header Block of 12 bytes has no room for the magic already read
            damage("the Section Header Block is too short (" + std::to_string(totalLength) + " bytes)");
        if (isKept(type)) {
            m_block.resize(bodyBytes);
            readBody(m_block.data() + bodyStart, bodyBytes - bodyStart, totalLength);
        } else {
            skipBody(bodyBytes, totalLength);
        }
        unsigned char trailer[4];
        readBody(trailer, sizeof trailer, totalLength);
        if (load32(trailer) != totalLength)
            damage("the block's trailing length " + std::to_string(load32(trailer)) + " differs from its length " +
                   std::to_string(totalLength));
        return true;
    }

    void checkLength(std::uint32_t totalLength) {
        const std::string length = std::to_string(totalLength);
        if (totalLength < BlockFrameBytes)
            damage("the block length " + length + " is below the minimum of 12");
        if (totalLength % 4 != 0)
            damage("the block length " + length + " is not a multiple of 4");
        if (totalLength > MaxBlockBytes)
            damage("the block length " + length + " is above the limit of " + std::to_string(MaxBlockBytes));
        if (m_totalBytes > 0 && totalLength > m_totalBytes - std::min(m_totalBytes, m_blockOffset))
            damage("the file ends inside the block (its length is " + length + ", " +
                   std::to_string(m_totalBytes - std::min(m_totalBytes, m_blockOffset)) + " bytes are left)");
    }

    // `totalLength` is 0 while it is not known yet (the start of a Section Header Block).
    void readBody(unsigned char* into, std::size_t count, std::uint32_t totalLength) {
        const std::size_t got = readUpTo(into, count);
        if (got < count)
            damage("the file ends inside the block (" +
                   (totalLength > 0 ? "its length is " + std::to_string(totalLength) + ", " : std::string()) + "only " +
                   std::to_string(m_offset - m_blockOffset) + " bytes are there)");
    }

    // A stream cannot seek, and a block we skip is seldom large: read through it.
    void skipBody(std::size_t bodyBytes, std::uint32_t totalLength) {
        m_block.resize(std::min(bodyBytes, SkipChunkBytes));
        for (std::size_t left = bodyBytes; left > 0;) {
            const std::size_t chunk = std::min(left, SkipChunkBytes);
            readBody(m_block.data(), chunk, totalLength);
            left -= chunk;
        }
    }

    // §4.1: each section starts afresh: its own byte order (already set by readBlock) and interfaces.
    void startSection() {
        if (m_block.size() < SectionHeaderBodyBytes)
            damage("the Section Header Block is too short (" + std::to_string(m_block.size() + BlockFrameBytes) +
                   " bytes)");
        const std::uint16_t major = load16(m_block.data() + 4);
        if (major != 1)
            damage("pcapng version " + std::to_string(major) + "." + std::to_string(load16(m_block.data() + 6)) +
                   " is not supported (only 1.x)");
        m_interfaces.clear();
    }

    // §4.2: link type, snap length and the options that shape timestamps.
    void addInterface() {
        if (m_block.size() < InterfaceBodyBytes)
            damage("the Interface Description Block is too short (" + std::to_string(m_block.size() + BlockFrameBytes) +
                   " bytes)");
        Interface interface;
        interface.linkType = load16(m_block.data());
        interface.snapLength = load32(m_block.data() + 4);
        // §3.5: options are {code, length, value padded to 32 bits}, ended by opt_endofopt or the block's end.
        for (std::size_t at = InterfaceBodyBytes; m_block.size() - at >= 4;) {
            const std::uint16_t code = load16(m_block.data() + at);
            const std::uint16_t length = load16(m_block.data() + at + 2);
            if (code == OptionEnd)
                break;
            const unsigned char* value = m_block.data() + at + 4;
            if (paddedTo4(length) > m_block.size() - at - 4)
                damage("option " + std::to_string(code) + " of the Interface Description Block runs past the block");
            if (code == OptionTimestampResolution && length >= 1) {
                interface.isBinaryResolution = (value[0] & 0x80) != 0;
                interface.exponent = value[0] & 0x7f;
                if (interface.exponent > (interface.isBinaryResolution ? 63u : 19u))
                    damage("the interface's timestamp resolution " +
                           std::string(interface.isBinaryResolution ? "2^-" : "10^-") +
                           std::to_string(interface.exponent) + " does not fit a 64-bit timestamp");
            } else if (code == OptionTimestampOffset && length == 8) {
                interface.offsetSeconds = static_cast<std::int64_t>(load64(value));
            }
            at += 4 + paddedTo4(length);
        }
        m_interfaces.push_back(interface);
    }

    // [SECTION] Packets
    // §4.3: interface id, 64-bit timestamp, captured and original lengths, data padded to 32 bits, options.
    void readEnhancedPacket(RawPacket& packet) {
        if (m_block.size() < EnhancedPacketBodyBytes)
            damage("the Enhanced Packet Block is too short");
        const unsigned char* body = m_block.data();
        const std::uint64_t ticks = (std::uint64_t{load32(body + 4)} << 32) | load32(body + 8);
        deliver(packet, load32(body), ticks, load32(body + 12), load32(body + 16), EnhancedPacketBodyBytes);
    }

    // Obsolete Packet Block: the Enhanced one with a 16-bit interface id followed by a drops count.
    void readObsoletePacket(RawPacket& packet) {
        if (m_block.size() < ObsoletePacketBodyBytes)
            damage("the Packet Block is too short");
        const unsigned char* body = m_block.data();
        const std::uint64_t ticks = (std::uint64_t{load32(body + 4)} << 32) | load32(body + 8);
        deliver(packet, load16(body), ticks, load32(body + 12), load32(body + 16), ObsoletePacketBodyBytes);
    }

    // §4.4: interface 0, no timestamp (the previous packet's is the best guess), captured = min(original, snap).
    void readSimplePacket(RawPacket& packet) {
        if (m_block.size() < SimplePacketBodyBytes)
            damage("the Simple Packet Block is too short");
        if (m_interfaces.empty())
            damage("a Simple Packet Block comes before any Interface Description Block");
        const std::uint32_t originalLength = load32(m_block.data());
        const std::uint32_t snapLength = m_interfaces[0].snapLength;
        const std::uint32_t capturedLength = snapLength == 0 ? originalLength : std::min(originalLength, snapLength);
        checkCaptured(capturedLength, SimplePacketBodyBytes);
        fill(packet, m_interfaces[0].linkType, m_lastTimestampUs, capturedLength, originalLength,
             SimplePacketBodyBytes);
    }

    void deliver(RawPacket& packet, std::uint32_t interfaceId, std::uint64_t ticks, std::uint32_t capturedLength,
                 std::uint32_t originalLength, std::size_t dataAt) {
        if (interfaceId >= m_interfaces.size())
            damage("the packet names interface " + std::to_string(interfaceId) + ", but the section describes " +
                   std::to_string(m_interfaces.size()));
        checkCaptured(capturedLength, dataAt);
        const Interface& interface = m_interfaces[interfaceId];
        std::int64_t timestampUs = 0;
        if (!toMicroseconds(ticks, interface, timestampUs))
            damage("the packet's timestamp is out of range");
        m_lastTimestampUs = timestampUs;
        fill(packet, interface.linkType, timestampUs, capturedLength, originalLength, dataAt);
    }

    void checkCaptured(std::uint32_t capturedLength, std::size_t dataAt) {
        if (paddedTo4(capturedLength) > m_block.size() - dataAt)
            damage("the captured length " + std::to_string(capturedLength) + " is larger than the block's " +
                   std::to_string(m_block.size() - dataAt) + " bytes of packet data");
    }

    void fill(RawPacket& packet, std::uint32_t linkType, std::int64_t timestampUs, std::uint32_t capturedLength,
              std::uint32_t originalLength, std::size_t dataAt) {
        packet.timestampUs = timestampUs;
        packet.linkType = linkType;
        packet.bytes = std::string_view(reinterpret_cast<const char*>(m_block.data() + dataAt), capturedLength);
        packet.originalLength = std::max(originalLength, capturedLength);
        packet.frameNumber = ++m_frames;
    }

    // [SECTION] Bytes
    std::size_t readUpTo(unsigned char* into, std::size_t count) {
        const std::size_t got = count == 0 ? 0 : std::fread(into, 1, count, m_file.get());
        m_offset += got;
        if (got < count && std::ferror(m_file.get())) {
            m_isFinished = true;
            throw Error(m_name + ": cannot read at byte " + std::to_string(m_offset) + ": " + std::strerror(errno));
        }
        return got;
    }

    std::uint16_t load16(const unsigned char* at) const {
        return static_cast<std::uint16_t>(m_isBigEndian ? (at[0] << 8) | at[1] : at[0] | (at[1] << 8));
    }

    std::uint32_t load32(const unsigned char* at) const {
        return m_isBigEndian ? (std::uint32_t{load16(at)} << 16) | load16(at + 2)
                             : std::uint32_t{load16(at)} | (std::uint32_t{load16(at + 2)} << 16);
    }

    std::uint64_t load64(const unsigned char* at) const {
        return m_isBigEndian ? (std::uint64_t{load32(at)} << 32) | load32(at + 4)
                             : std::uint64_t{load32(at)} | (std::uint64_t{load32(at + 4)} << 32);
    }

    [[noreturn]] void damage(const std::string& reason) {
        m_isFinished = true;
        throw damagedCapture(m_name, m_blockOffset, m_frames, reason);
    }

    CaptureFile m_file;
    std::string m_name;
    std::uint64_t m_totalBytes;
    bool m_isBigEndian = false;  // of the current section
    bool m_isFinished = false;
    std::uint64_t m_offset = 0;       // bytes consumed from the stream
    std::uint64_t m_blockOffset = 0;  // where the current block starts
    std::uint32_t m_blockType = 0;
    std::vector<unsigned char> m_block;  // the current block's body: packet bytes point into it
    std::vector<Interface> m_interfaces;
    std::uint64_t m_frames = 0;
    std::int64_t m_lastTimestampUs = 0;
};

}  // namespace

bool isPcapngMagic(const char* firstFourBytes) { return std::memcmp(firstFourBytes, "\x0A\x0D\x0D\x0A", 4) == 0; }

std::unique_ptr<PacketSource> openPcapng(std::FILE* file, std::string name, std::uint64_t totalBytes, bool closesFile) {
    return std::make_unique<PcapngReader>(file, std::move(name), totalBytes, closesFile);
}

}  // namespace sipscope::capture::detail
