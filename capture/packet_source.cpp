// Capture files: classic pcap through libpcap, pcapng and NetMon through our own readers. The only file of
// sipscope that includes <pcap.h>.
#include "capture/packet_source.hpp"

#include "capture/detail/netmon_source.hpp"
#include "capture/detail/pcap_reader.hpp"
#include "capture/detail/pcapng_reader.hpp"
#include "common/error.hpp"

#include <pcap/pcap.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

namespace sipscope::capture {
namespace {

// libpcap hands back DLT_ values; RawPacket promises the LINKTYPE_ numbers of the file formats.
std::uint32_t linkTypeOf(int dlt) {
    if (dlt == DLT_RAW)
        return 101;  // LINKTYPE_RAW: DLT_RAW is 12 or 14 depending on the platform
    return static_cast<std::uint32_t>(dlt);
}

class PcapFileSource final : public PacketSource {
public:
    PcapFileSource(pcap_t* pcap, std::string name, std::uint64_t totalBytes)
        : m_pcap(pcap), m_name(std::move(name)), m_totalBytes(totalBytes), m_linkType(linkTypeOf(pcap_datalink(pcap))) {
    }

    ~PcapFileSource() override { pcap_close(m_pcap); }
    PcapFileSource(const PcapFileSource&) = delete;
    PcapFileSource& operator=(const PcapFileSource&) = delete;

    bool next(RawPacket& packet) override {
        if (m_isFinished)
            return false;
        // The record starts where the previous one ended: remember it to name the damage precisely.
        const std::int64_t recordOffset = m_offset;
        pcap_pkthdr* header = nullptr;
        const u_char* data = nullptr;
        const int result = pcap_next_ex(m_pcap, &header, &data);
        if (result == 1) {
            // The file holds unsigned 32-bit seconds (good until 2106); libpcap 1.10 sign-extends them, which
            // would put a timestamp after 2038 before 1970. tshark reads them unsigned too.
            packet.timestampUs = static_cast<std::int64_t>(static_cast<std::uint32_t>(header->ts.tv_sec)) * 1'000'000 +
                                 static_cast<std::int64_t>(header->ts.tv_usec);
            // libpcap 1.10 reports one link type per file, even for pcapng with several interfaces.
            packet.linkType = m_linkType;
            packet.bytes = std::string_view(reinterpret_cast<const char*>(data), header->caplen);
            packet.originalLength = header->len;
            packet.frameNumber = ++m_frames;
            advance(header->caplen);
            return true;
        }
        m_isFinished = true;
        syncOffset();
        if (result == PCAP_ERROR_BREAK)
            return false;
        const std::string where =
            recordOffset >= 0 ? "at byte " + std::to_string(recordOffset) : "at an unknown byte offset (a stream)";
        const std::string reason = pcap_geterr(m_pcap);
        // libpcap 1.10 refuses a pcapng whose interfaces have different link types: not damage, a limit.
        const bool isMixedLinkTypes =
            reason.find("different from the type of the first interface") != std::string::npos;
        throw Error(
            m_name +
            (isMixedLinkTypes ? ": unsupported pcapng (interfaces with different link types) " : ": damaged capture ") +
            where + " (after packet " + std::to_string(m_frames) + "): " + reason +
            "; the packets before it were kept");
    }

    std::uint64_t bytesRead() const override { return m_bytesRead; }
    std::uint64_t totalBytes() const override { return m_totalBytes; }
    const std::string& name() const override { return m_name; }

private:
    // Where the FILE stands, asked of stdio (-1 for a stream that cannot tell).
    void syncOffset() {
        m_offset = std::ftell(pcap_file(m_pcap));
        if (m_offset > 0)
            m_bytesRead = static_cast<std::uint64_t>(m_offset);
    }

    // After a record of `caplen` bytes: its end, without asking stdio for every packet (two ftell calls a
    // packet were a visible part of an import). The first record tells the record header's size (16 bytes, 24
    // in the modified format); a record cut to the snapshot length (libpcap may skip bytes past it) and every
    // 4096th record ask stdio again, so the offset stays exact.
    void advance(std::uint32_t caplen) {
        if (m_offset < 0 || m_recordHeaderBytes < 0 || caplen >= m_snapshot || (m_frames & 4095) == 0) {
            const std::int64_t before = m_offset;
            syncOffset();
            if (before >= 0 && m_offset >= 0 && m_recordHeaderBytes < 0 && caplen < m_snapshot)
                m_recordHeaderBytes = m_offset - before - caplen;
            return;
        }
        m_offset += m_recordHeaderBytes + caplen;
        m_bytesRead = static_cast<std::uint64_t>(m_offset);
    }

    pcap_t* m_pcap;
    std::string m_name;
    std::uint64_t m_totalBytes;
    std::uint32_t m_linkType;
    std::uint64_t m_frames = 0;
    std::uint64_t m_bytesRead = 0;
    std::int64_t m_offset = std::ftell(pcap_file(m_pcap));  // the next record's offset; -1: unknown (a stream)
    std::int64_t m_recordHeaderBytes = -1;                  // learnt from the first record
    std::uint32_t m_snapshot = static_cast<std::uint32_t>(std::max(pcap_snapshot(m_pcap), 0));
    bool m_isFinished = false;
};

bool isFormatComplaint(const char* reason) {
    // libpcap's words for "this is not a capture file" (sf-pcap.c, sf-pcapng.c, savefile.c).
    return std::strstr(reason, "unknown file format") != nullptr ||
           std::strstr(reason, "truncated dump file") != nullptr || std::strstr(reason, "archive data") != nullptr;
}

// What a stream that cannot seek (a pipe) gave up to the format test: replayed before the rest of it.
struct ReplayedStream {
    std::FILE* inner;
    char bytes[4];
    std::size_t size;
    std::size_t at;
};

ssize_t readReplayed(void* cookie, char* buffer, std::size_t size) {
    auto* stream = static_cast<ReplayedStream*>(cookie);
    const std::size_t replayed = std::min(size, stream->size - stream->at);
    std::memcpy(buffer, stream->bytes + stream->at, replayed);
    stream->at += replayed;
    if (replayed > 0)
        return static_cast<ssize_t>(replayed);
    // What is there now, not `size` bytes: stdio asks for a whole buffer, and waiting for all of it would hold back
    // packets already written to the pipe until more arrive. First what the inner stream has buffered, then one
    // read(2) of what the pipe holds (it waits only while the pipe is empty).
    std::FILE* inner = stream->inner;
    std::size_t ask = size;
#ifdef __GLIBC__
    if (const auto buffered = inner->_IO_read_end - inner->_IO_read_ptr; buffered > 0)
        ask = std::min(size, static_cast<std::size_t>(buffered));
    else if (const int fd = fileno(inner); fd >= 0) {
        ssize_t got;
        do
            got = read(fd, buffer, size);
        while (got < 0 && errno == EINTR);
        return got;
    }
#endif
    const std::size_t got = std::fread(buffer, 1, ask, inner);
    if (got == 0 && std::ferror(inner))
        return -1;
    return static_cast<ssize_t>(got);
}

int closeReplayed(void* cookie) {
    auto* stream = static_cast<ReplayedStream*>(cookie);
    const int result = stream->inner == stdin ? 0 : std::fclose(stream->inner);
    delete stream;
    return result;
}

// Reads the first four bytes into `magic` and gives them back: by seeking where the stream can, else through a
// new stream (glibc fopencookie) that replays them and then reads on; it owns `file` (never closing stdin).
std::FILE* peekMagic(std::FILE* file, char (&magic)[4]) {
    const off_t start = ftello(file);
    const std::size_t size = std::fread(magic, 1, sizeof magic, file);
    if (start >= 0 && fseeko(file, start, SEEK_SET) == 0)
        return file;
    std::clearerr(file);
    auto* stream = new ReplayedStream{file, {}, size, 0};
    std::memcpy(stream->bytes, magic, size);
    std::FILE* replaying = fopencookie(stream, "rb", {readReplayed, nullptr, nullptr, closeReplayed});
    if (replaying == nullptr) {
        delete stream;
        return nullptr;
    }
    return replaying;
}

std::unique_ptr<PacketSource> openStream(std::FILE* file, const std::string& name, std::uint64_t totalBytes,
                                         bool isStdin) {
    char magic[4] = {};
    std::FILE* peeked = peekMagic(file, magic);
    if (peeked == nullptr) {
        if (!isStdin)
            std::fclose(file);
        throw Error(name + ": cannot open: " + std::strerror(errno));
    }
    file = peeked;
    isStdin = file == stdin;  // a replaying stream is ours to close
    if (detail::isNetMonMagic(magic))
        return detail::openNetMon(file, name);
    // Every pcapng goes through our reader, one or several interfaces alike: libpcap 1.10 refuses interfaces of
    // different link types and has one timestamp resolution per file.
    if (detail::isPcapngMagic(magic))
        return detail::openPcapng(file, name, totalBytes, !isStdin);
    // Classic pcap too, in large chunks; libpcap (below) for its rarer variants.
    if (detail::isClassicPcapMagic(magic))
        return detail::openClassicPcap(file, name, totalBytes, !isStdin);

    char errorText[PCAP_ERRBUF_SIZE] = {};
    // Microsecond precision makes libpcap scale nanosecond files down for us.
    pcap_t* pcap = pcap_fopen_offline_with_tstamp_precision(file, PCAP_TSTAMP_PRECISION_MICRO, errorText);
    if (pcap == nullptr) {
        if (!isStdin)
            std::fclose(file);
        // A pcap magic with a header libpcap refuses (cut short, bad version) is damage at byte 0; anything else is
        // not a capture at all.
        static constexpr unsigned char PcapMagics[4][4] = {
            {0xd4, 0xc3, 0xb2, 0xa1}, {0xa1, 0xb2, 0xc3, 0xd4}, {0x4d, 0x3c, 0xb2, 0xa1}, {0xa1, 0xb2, 0x3c, 0x4d}};
        bool isPcapMagic = false;
        for (const auto& known : PcapMagics)
            isPcapMagic = isPcapMagic || std::memcmp(magic, known, 4) == 0;
        if (isPcapMagic)
            throw Error(name + ": damaged capture at byte 0 (the pcap file header): " + errorText +
                        "; nothing could be read from it");
        if (isFormatComplaint(errorText) || totalBytes == 0) {
            char found[16];
            std::snprintf(found, sizeof found, "%02x %02x %02x %02x", static_cast<unsigned char>(magic[0]),
                          static_cast<unsigned char>(magic[1]), static_cast<unsigned char>(magic[2]),
                          static_cast<unsigned char>(magic[3]));
            const bool isShort = std::strstr(errorText, "truncated dump file") != nullptr;
            throw Error(name + ": not a pcap, pcapng or NetMon capture file (at byte 0: " +
                        (isShort ? std::string("shorter than any capture header")
                                 : std::string("magic ") + found + ", " + errorText) +
                        ")");
        }
        throw Error(name + ": cannot open: " + errorText);
    }
    return std::make_unique<PcapFileSource>(pcap, name, totalBytes);
}

}  // namespace

std::unique_ptr<PacketSource> openCaptureFile(const std::string& path) {
    const bool isStdin = path == "-";
    const std::string name = isStdin ? std::string("<stdin>") : path;
    std::FILE* file = isStdin ? stdin : std::fopen(path.c_str(), "rb");
    if (file == nullptr)
        throw Error(name + ": cannot open: " + std::strerror(errno));

    std::uint64_t totalBytes = 0;
    struct stat status {};
    if (!isStdin && fstat(fileno(file), &status) == 0) {
        if (S_ISDIR(status.st_mode)) {
            std::fclose(file);
            throw Error(name + ": cannot open: " + std::strerror(EISDIR));
        }
        if (S_ISREG(status.st_mode))
            totalBytes = static_cast<std::uint64_t>(status.st_size);
    }
    return openStream(file, name, totalBytes, isStdin);
}

std::unique_ptr<PacketSource> openCaptureStream(std::FILE* file, const std::string& name) {
    if (file == nullptr)
        throw Error(name + ": cannot open: no stream");
    std::uint64_t totalBytes = 0;
    const off_t start = ftello(file);
    if (start >= 0 && fseeko(file, 0, SEEK_END) == 0) {
        const off_t end = ftello(file);
        if (end > start)
            totalBytes = static_cast<std::uint64_t>(end);
        fseeko(file, start, SEEK_SET);
    }
    return openStream(file, name, totalBytes, false);
}

}  // namespace sipscope::capture
