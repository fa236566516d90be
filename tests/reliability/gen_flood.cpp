// Flood generator for the memory-bound tests: writes a classic pcap (Ethernet/IPv4) to a file or standard output.
//   gen_flood invites N [-o FILE]    N INVITEs over UDP, each with its own Call-ID, never answered, 50 µs apart,
//                                    from 65536 different source addresses
//   gen_flood half-open N [-o FILE]  N TCP connections from distinct address:port pairs, each one segment with the
//                                    first half of an INVITE (headers never end), never continued or closed
// Without -o (or with -o -) the capture goes to standard output, so a test can pipe it into `sipscope import -`.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

class PcapOut {
public:
    explicit PcapOut(std::FILE* file) : m_file(file) {
        const std::uint32_t header[6] = {0xa1b2c3d4, 0x00040002, 0, 0, 262144, 1};  // native order, Ethernet
        write(header, sizeof header);
    }

    void packet(std::uint64_t timestampUs, std::uint32_t srcIp, std::uint32_t dstIp, std::uint16_t srcPort,
                std::uint16_t dstPort, bool isTcp, std::uint32_t seq, const std::string& payload) {
        m_frame.clear();
        static const unsigned char Ethernet[14] = {2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 8, 0};
        append(Ethernet, sizeof Ethernet);
        const std::size_t ipLength = 20 + (isTcp ? 20 : 8) + payload.size();
        // clang-format off
        const unsigned char ip[20] = {0x45, 0, byte(ipLength, 1), byte(ipLength, 0), 0, 0, 0x40, 0, 64,
                                      static_cast<unsigned char>(isTcp ? 6 : 17), 0, 0,
                                      byte(srcIp, 3), byte(srcIp, 2), byte(srcIp, 1), byte(srcIp, 0),
                                      byte(dstIp, 3), byte(dstIp, 2), byte(dstIp, 1), byte(dstIp, 0)};
        // clang-format on
        append(ip, sizeof ip);
        if (isTcp) {
            // clang-format off
            const unsigned char tcp[20] = {byte(srcPort, 1), byte(srcPort, 0), byte(dstPort, 1), byte(dstPort, 0),
                                           byte(seq, 3), byte(seq, 2), byte(seq, 1), byte(seq, 0),
                                           0, 0, 0, 1, 0x50, 0x18, 0xff, 0xff, 0, 0, 0, 0};
            // clang-format on
            append(tcp, sizeof tcp);
        } else {
            const std::size_t udpLength = 8 + payload.size();
            // clang-format off
            const unsigned char udp[8] = {byte(srcPort, 1), byte(srcPort, 0), byte(dstPort, 1), byte(dstPort, 0),
                                          byte(udpLength, 1), byte(udpLength, 0), 0, 0};
            // clang-format on
            append(udp, sizeof udp);
        }
        append(payload.data(), payload.size());
        const std::uint32_t record[4] = {
            static_cast<std::uint32_t>(timestampUs / 1'000'000), static_cast<std::uint32_t>(timestampUs % 1'000'000),
            static_cast<std::uint32_t>(m_frame.size()), static_cast<std::uint32_t>(m_frame.size())};
        write(record, sizeof record);
        write(m_frame.data(), m_frame.size());
    }

private:
    static unsigned char byte(std::uint64_t value, int index) {
        return static_cast<unsigned char>(value >> (8 * index));
    }
    void append(const void* data, std::size_t size) {
        // Grown, then copied into: GCC 12 misreads a range insert here as out of bounds (-Warray-bounds).
        const std::size_t at = m_frame.size();
        m_frame.resize(at + size);
        std::memcpy(m_frame.data() + at, data, size);
    }
    void write(const void* data, std::size_t size) {
        if (std::fwrite(data, 1, size, m_file) != size) {
            std::perror("gen_flood: write");
            std::exit(2);
        }
    }

    std::FILE* m_file;
    std::vector<unsigned char> m_frame;
};

std::string invite(std::uint64_t index, std::uint32_t srcIp, bool isTcp) {
    const std::string n = std::to_string(index);
    char host[16];
    std::snprintf(host, sizeof host, "10.%u.%u.%u", (srcIp >> 16) & 0xff, (srcIp >> 8) & 0xff, srcIp & 0xff);
    return "INVITE sip:user" + n +
           "@example.com SIP/2.0\r\n"
           "Via: SIP/2.0/" +
           std::string(isTcp ? "TCP " : "UDP ") + host + ":5060;branch=z9hG4bK" + n +
           "\r\n"
           "From: <sip:flood@" +
           host + ">;tag=" + n +
           "\r\n"
           "To: <sip:user" +
           n +
           "@example.com>\r\n"
           "Call-ID: flood-" +
           n +
           "@gen\r\n"
           "CSeq: 1 INVITE\r\n"
           "Max-Forwards: 70\r\n"
           "Content-Length: 0\r\n\r\n";
}

int usage() {
    std::fputs("usage: gen_flood invites|half-open N [-o FILE]\n", stderr);
    return 1;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 3 && argc != 5)
        return usage();
    const std::string mode = argv[1];
    char* end = nullptr;
    const std::uint64_t count = std::strtoull(argv[2], &end, 10);
    if (*end != '\0' || (mode != "invites" && mode != "half-open"))
        return usage();
    std::FILE* file = stdout;
    if (argc == 5) {
        if (std::strcmp(argv[3], "-o") != 0)
            return usage();
        if (std::strcmp(argv[4], "-") != 0 && (file = std::fopen(argv[4], "wb")) == nullptr) {
            std::perror(argv[4]);
            return 2;
        }
    }
    {
        PcapOut out(file);
        const std::uint64_t startUs = 1'700'000'000ULL * 1'000'000;
        const std::uint32_t server = 0x0a000002;  // 10.0.0.2
        for (std::uint64_t i = 0; i < count; ++i) {
            const std::uint32_t client = 0x0a010000 | static_cast<std::uint32_t>(i & 0xffff);  // 10.1.x.y
            if (mode == "invites") {
                out.packet(startUs + i * 50, client, server, 5060, 5060, false, 0, invite(i, client, false));
            } else {
                // The headers stop before the blank line: the stream waits for the rest forever.
                std::string half = invite(i, client, true);
                half.resize(half.size() / 2);
                const auto port = static_cast<std::uint16_t>(1024 + (i >> 16));
                out.packet(startUs + i * 50, client, server, port, 5060, true, 1000, half);
            }
        }
    }
    if (std::fclose(file) != 0) {
        std::perror("gen_flood: close");
        return 2;
    }
    return 0;
}
