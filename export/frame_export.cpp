// Frames built byte by byte: Ethernet II, IPv4 (RFC 791) or IPv6 (RFC 8200), UDP (RFC 768), TCP (RFC 9293),
// SCTP (RFC 9260, CRC32c checksum). Every checksum is computed, so tshark reports none as bad.
#include "export/frame_export.hpp"

#include <array>
#include <map>

namespace sipscope::exports {

namespace {

constexpr std::uint32_t PcapMagicMicroseconds = 0xa1b2c3d4;
constexpr std::uint32_t SnapLength = 262144;
constexpr std::uint32_t LinkTypeEthernet = 1;
constexpr std::size_t TcpSegmentBytes = 1460;
constexpr std::size_t MaxIpPayloadBytes = 65535 - 60;  // fits an IPv4 total length and an IPv6 payload length
constexpr std::uint8_t ProtocolTcp = 6, ProtocolUdp = 17, ProtocolSctp = 132;
constexpr std::uint8_t TcpSyn = 0x02, TcpPush = 0x08, TcpAck = 0x10;

// The address bytes of an endpoint as they go on the wire: 4 for IPv4, 16 for IPv6.
std::string_view addressBytes(const capture::Endpoint& endpoint) {
    return {reinterpret_cast<const char*>(endpoint.ip.bytes.data()), endpoint.ip.version == 4 ? 4u : 16u};
}

void put16(std::string& out, std::uint16_t value) {
    out += static_cast<char>(value >> 8);
    out += static_cast<char>(value & 0xff);
}
void put32(std::string& out, std::uint32_t value) {
    put16(out, static_cast<std::uint16_t>(value >> 16));
    put16(out, static_cast<std::uint16_t>(value & 0xffff));
}
void putLe32(std::ostream& out, std::uint32_t value) {
    const char bytes[4] = {static_cast<char>(value & 0xff), static_cast<char>((value >> 8) & 0xff),
                           static_cast<char>((value >> 16) & 0xff), static_cast<char>(value >> 24)};
    out.write(bytes, 4);
}
void set16(std::string& out, std::size_t at, std::uint16_t value) {
    out[at] = static_cast<char>(value >> 8);
    out[at + 1] = static_cast<char>(value & 0xff);
}

// RFC 1071 ones' complement sum, folded.
std::uint32_t sumWords(std::string_view bytes, std::uint32_t sum = 0) {
    for (std::size_t i = 0; i + 1 < bytes.size(); i += 2)
        sum += static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i]) << 8 |
                                          static_cast<unsigned char>(bytes[i + 1]));
    if (bytes.size() % 2)
        sum += static_cast<std::uint32_t>(static_cast<unsigned char>(bytes.back()) << 8);
    return sum;
}
std::uint16_t finish(std::uint32_t sum) {
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return static_cast<std::uint16_t>(~sum & 0xffff);
}

// CRC32c (Castagnoli), reflected, as SCTP uses it.
std::uint32_t crc32c(std::string_view bytes) {
    static const auto table = [] {
        std::array<std::uint32_t, 256> t{};
        for (std::uint32_t i = 0; i < 256; ++i) {
            std::uint32_t c = i;
            for (int k = 0; k < 8; ++k)
                c = c & 1 ? (c >> 1) ^ 0x82f63b78u : c >> 1;
            t[i] = c;
        }
        return t;
    }();
    std::uint32_t crc = 0xffffffffu;
    for (unsigned char byte : bytes)
        crc = table[(crc ^ byte) & 0xff] ^ (crc >> 8);
    return ~crc;
}

class FrameWriter {
public:
    explicit FrameWriter(std::ostream& out) : m_out(out) {
        putLe32(out, PcapMagicMicroseconds);
        const char version[4] = {2, 0, 4, 0};  // 2.4, little-endian
        out.write(version, 4);
        putLe32(out, 0);  // thiszone
        putLe32(out, 0);  // sigfigs
        putLe32(out, SnapLength);
        putLe32(out, LinkTypeEthernet);
    }

    // `transportBytes`: the UDP/TCP/SCTP header and payload, its checksum field at `checksumAt` (or npos for
    // SCTP, whose checksum is already in place).
    void write(std::int64_t timestampUs, const capture::Endpoint& src, const capture::Endpoint& dst,
               std::uint8_t protocol, std::string transportBytes, std::size_t checksumAt) {
        if (checksumAt != std::string::npos) {
            // Pseudo-header: addresses, protocol, length (RFC 768, RFC 9293 §3.1, RFC 8200 §8.1).
            std::uint32_t sum = sumWords(addressBytes(src));
            sum = sumWords(addressBytes(dst), sum);
            sum += protocol;
            sum += static_cast<std::uint32_t>(transportBytes.size() & 0xffff);
            sum += static_cast<std::uint32_t>(transportBytes.size() >> 16);
            std::uint16_t checksum = finish(sumWords(transportBytes, sum));
            if (checksum == 0 && protocol == ProtocolUdp)
                checksum = 0xffff;
            set16(transportBytes, checksumAt, checksum);
        }
        std::string frame;
        frame.reserve(14 + 40 + transportBytes.size());
        auto mac = [&frame](const capture::Endpoint& address) {  // locally administered, from the address's last bytes
            frame += '\x02';
            frame += '\x00';
            frame += addressBytes(address).substr(addressBytes(address).size() - 4);
        };
        mac(dst);
        mac(src);
        if (src.ip.version == 4) {
            put16(frame, 0x0800);
            const std::size_t ip = frame.size();
            frame += '\x45';
            frame += '\0';
            put16(frame, static_cast<std::uint16_t>(20 + transportBytes.size()));
            put16(frame, m_ipId++);
            put16(frame, 0x4000);  // don't fragment
            frame += '\x40';       // TTL 64
            frame += static_cast<char>(protocol);
            put16(frame, 0);
            frame += addressBytes(src);
            frame += addressBytes(dst);
            set16(frame, ip + 10, finish(sumWords(std::string_view(frame).substr(ip, 20))));
        } else {
            put16(frame, 0x86dd);
            put32(frame, 0x60000000);
            put16(frame, static_cast<std::uint16_t>(transportBytes.size()));
            frame += static_cast<char>(protocol);
            frame += '\x40';  // hop limit 64
            frame += addressBytes(src);
            frame += addressBytes(dst);
        }
        frame += transportBytes;
        // The format's seconds are an unsigned 32-bit count (1970 to 2106, as tshark and our reader take them);
        // a time outside that range keeps only its low 32 bits. Microseconds always 0..999999.
        std::int64_t seconds = timestampUs / 1'000'000;
        std::int64_t micros = timestampUs % 1'000'000;
        if (micros < 0) {
            micros += 1'000'000;
            --seconds;
        }
        putLe32(m_out, static_cast<std::uint32_t>(seconds));
        putLe32(m_out, static_cast<std::uint32_t>(micros));
        putLe32(m_out, static_cast<std::uint32_t>(frame.size()));
        putLe32(m_out, static_cast<std::uint32_t>(frame.size()));
        m_out.write(frame.data(), static_cast<std::streamsize>(frame.size()));
        ++frames;
    }

    std::uint64_t frames = 0;

private:
    std::ostream& m_out;
    std::uint16_t m_ipId = 1;
};

std::string udpBytes(const capture::Endpoint& src, const capture::Endpoint& dst, std::string_view payload) {
    std::string bytes;
    put16(bytes, src.port);
    put16(bytes, dst.port);
    put16(bytes, static_cast<std::uint16_t>(8 + payload.size()));
    put16(bytes, 0);
    bytes += payload;
    return bytes;
}

std::string tcpBytes(const capture::Endpoint& src, const capture::Endpoint& dst, std::uint32_t sequence,
                     std::uint32_t acknowledgement, std::uint8_t flags, std::string_view payload) {
    std::string bytes;
    put16(bytes, src.port);
    put16(bytes, dst.port);
    put32(bytes, sequence);
    put32(bytes, acknowledgement);
    bytes += '\x50';  // 5 words of header, no options
    bytes += static_cast<char>(flags);
    put16(bytes, 65535);  // window
    put16(bytes, 0);      // checksum
    put16(bytes, 0);      // urgent pointer
    bytes += payload;
    return bytes;
}

// Key of one direction of a connection or association.
std::string flowKey(const capture::Endpoint& src, const capture::Endpoint& dst) {
    std::string key(addressBytes(src));
    key += addressBytes(dst);
    put16(key, src.port);
    put16(key, dst.port);
    return key;
}

struct TcpDirection {
    std::uint32_t next = 0;  // next sequence number this side sends
};

struct SctpDirection {
    std::uint32_t tsn = 1;
    std::uint16_t ssn = 0;
    std::uint32_t tag = 0;  // verification tag the peer expects
};

}  // namespace

namespace {

void skip(PcapExportReport& report, std::string reason) {
    if (report.skipped.size() < PcapExportReport::MaxSkippedReasons)
        report.skipped.push_back(std::move(reason));
    ++report.skippedMessages;
}

}  // namespace

struct PcapExporter::State {
    explicit State(std::ostream& out) : writer(out) {}
    PcapExportReport report;
    FrameWriter writer;
    std::map<std::string, TcpDirection> tcp;
    std::map<std::string, SctpDirection> sctp;
    std::uint32_t nextInitialSequence = 1000;
};

PcapExporter::PcapExporter(std::ostream& out) : m_state(std::make_unique<State>(out)) {}
PcapExporter::~PcapExporter() = default;

const PcapExportReport& PcapExporter::report() {
    m_state->report.frames = m_state->writer.frames;
    return m_state->report;
}

PcapExportReport writePcap(std::ostream& out, const std::vector<store::MessageRow>& messages) {
    PcapExporter exporter(out);
    for (const store::MessageRow& message : messages)
        exporter.add(message);
    return exporter.report();
}

void PcapExporter::add(const store::MessageRow& message) {
    PcapExportReport& report = m_state->report;
    FrameWriter& writer = m_state->writer;
    auto& tcp = m_state->tcp;
    auto& sctp = m_state->sctp;
    std::uint32_t& nextInitialSequence = m_state->nextInitialSequence;
    const capture::Endpoint& src = message.src;
    const capture::Endpoint& dst = message.dst;
    if (src.ip.version != dst.ip.version) {
        skip(report, "message " + std::to_string(message.id) + ": addresses " + src.toString() + " -> " +
                         dst.toString() + " are of two IP versions: no one packet carries both");
        return;
    }
    const std::string_view text = message.text;
    const capture::Transport transport = message.transport;
    using capture::Transport;
    if (transport == Transport::Tcp || transport == Transport::Tls || transport == Transport::Ws ||
        transport == Transport::Wss) {
        const std::string forward = flowKey(src, dst);
        const std::string backward = flowKey(dst, src);
        if (!tcp.count(forward) && !tcp.count(backward)) {
            // A three-way handshake opens the connection, the first sender being the client.
            const std::uint32_t client = nextInitialSequence;
            const std::uint32_t server = nextInitialSequence + 500000;
            nextInitialSequence += 1000000;
            writer.write(message.timestampUs, src, dst, ProtocolTcp, tcpBytes(src, dst, client, 0, TcpSyn, {}), 16);
            writer.write(message.timestampUs, dst, src, ProtocolTcp,
                         tcpBytes(dst, src, server, client + 1, TcpSyn | TcpAck, {}), 16);
            writer.write(message.timestampUs, src, dst, ProtocolTcp,
                         tcpBytes(src, dst, client + 1, server + 1, TcpAck, {}), 16);
            tcp[forward].next = client + 1;
            tcp[backward].next = server + 1;
        }
        TcpDirection& mine = tcp[forward];
        const std::uint32_t theirs = tcp[backward].next;
        for (std::size_t at = 0; at < text.size(); at += TcpSegmentBytes) {
            const std::string_view segment = text.substr(at, TcpSegmentBytes);
            writer.write(message.timestampUs, src, dst, ProtocolTcp,
                         tcpBytes(src, dst, mine.next, theirs, TcpPush | TcpAck, segment), 16);
            mine.next += static_cast<std::uint32_t>(segment.size());
        }
        ++report.messages;
        return;
    }
    if (text.size() > MaxIpPayloadBytes - 28) {
        skip(report, "message " + std::to_string(message.id) + ": " + std::to_string(text.size()) +
                         " bytes do not fit one " + std::string(capture::transportName(transport)) + " packet");
        return;
    }
    if (transport == Transport::Sctp) {
        const std::string forward = flowKey(src, dst);
        if (!sctp.count(forward)) {
            SctpDirection& direction = sctp[forward];
            direction.tag = static_cast<std::uint32_t>(0x5c0000 + sctp.size());
            direction.tsn = static_cast<std::uint32_t>(1000 * sctp.size());
        }
        SctpDirection& direction = sctp[forward];
        std::string bytes;
        put16(bytes, src.port);
        put16(bytes, dst.port);
        put32(bytes, direction.tag);
        put32(bytes, 0);  // checksum, below
        bytes += '\0';    // DATA
        bytes += '\x03';  // beginning and end of one user message
        put16(bytes, static_cast<std::uint16_t>(16 + text.size()));
        put32(bytes, direction.tsn++);
        put16(bytes, 0);  // stream 0
        put16(bytes, direction.ssn++);
        put32(bytes, 0);  // payload protocol identifier: none registered for SIP
        bytes += text;
        bytes.append((4 - text.size() % 4) % 4, '\0');
        const std::uint32_t crc = crc32c(bytes);
        for (int i = 0; i < 4; ++i)
            bytes[8 + static_cast<std::size_t>(i)] = static_cast<char>((crc >> (8 * i)) & 0xff);
        writer.write(message.timestampUs, src, dst, ProtocolSctp, std::move(bytes), std::string::npos);
    } else {
        writer.write(message.timestampUs, src, dst, ProtocolUdp, udpBytes(src, dst, text), 6);
    }
    ++report.messages;
}

}  // namespace sipscope::exports
