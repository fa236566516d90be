// Writes small classic pcap files (Ethernet / IPv4 / UDP, or frames given whole) for tests that need a capture file of
// their own.
#pragma once

#include <cstdint>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

namespace sipscope::test {

struct UdpPacket {
    std::int64_t timestampUs = 0;
    std::uint32_t srcIp = 0x0a000001;  // 10.0.0.1
    std::uint32_t dstIp = 0x0a000002;
    std::uint16_t srcPort = 5060;
    std::uint16_t dstPort = 5060;
    std::string payload;
};

class PcapWriter {
public:
    void add(const UdpPacket& packet) {
        std::string frame;
        frame.append("\x02\x00\x00\x00\x00\x02\x02\x00\x00\x00\x00\x01\x08\x00", 14);
        const std::size_t ipLength = 20 + 8 + packet.payload.size();
        std::uint8_t ip[20] = {
            0x45, 0, static_cast<std::uint8_t>(ipLength >> 8), static_cast<std::uint8_t>(ipLength), 0, 1, 0, 0, 64, 17,
            0,    0};
        put32(ip + 12, packet.srcIp);
        put32(ip + 16, packet.dstIp);
        frame.append(reinterpret_cast<const char*>(ip), 20);
        const std::size_t udpLength = 8 + packet.payload.size();
        std::uint8_t udp[8] = {static_cast<std::uint8_t>(packet.srcPort >> 8),
                               static_cast<std::uint8_t>(packet.srcPort),
                               static_cast<std::uint8_t>(packet.dstPort >> 8),
                               static_cast<std::uint8_t>(packet.dstPort),
                               static_cast<std::uint8_t>(udpLength >> 8),
                               static_cast<std::uint8_t>(udpLength),
                               0,
                               0};
        frame.append(reinterpret_cast<const char*>(udp), 8);
        frame += packet.payload;
        addFrame(packet.timestampUs, frame);
    }
    // An Ethernet frame built elsewhere (tests/capture/packet_builder.hpp: IPv6, TCP, ...).
    void addFrame(std::int64_t timestampUs, std::string_view frame) {
        appendLe32(static_cast<std::uint32_t>(timestampUs / 1'000'000));
        appendLe32(static_cast<std::uint32_t>(timestampUs % 1'000'000));
        appendLe32(static_cast<std::uint32_t>(frame.size()));
        appendLe32(static_cast<std::uint32_t>(frame.size()));
        m_records += frame;
    }

    // The whole file: global header (microsecond pcap, Ethernet) and every packet added so far.
    std::string bytes() const {
        std::string header(
            "\xd4\xc3\xb2\xa1\x02\x00\x04\x00\x00\x00\x00\x00\x00\x00\x00\x00\xff\xff\x00\x00\x01\x00\x00\x00", 24);
        return header + m_records;
    }
    void write(const std::string& path) const { std::ofstream(path, std::ios::binary) << bytes(); }

private:
    static void put32(std::uint8_t* at, std::uint32_t value) {
        at[0] = static_cast<std::uint8_t>(value >> 24);
        at[1] = static_cast<std::uint8_t>(value >> 16);
        at[2] = static_cast<std::uint8_t>(value >> 8);
        at[3] = static_cast<std::uint8_t>(value);
    }
    void appendLe32(std::uint32_t value) {
        for (int i = 0; i < 4; ++i)
            m_records += static_cast<char>((value >> (8 * i)) & 0xff);
    }

    std::string m_records;
};

// A minimal valid SIP request or response for tests.
inline std::string sipMessage(const std::string& startLine, const std::string& callId, const std::string& cseq,
                              const std::string& extraHeaders = "", const std::string& toTag = "") {
    return startLine + "\r\nVia: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK" + callId + cseq.substr(0, 1) +
           "\r\nFrom: \"Alice\" <sip:alice@example.com>;tag=1928301774\r\nTo: <sip:bob@example.com>" +
           (toTag.empty() ? "" : ";tag=" + toTag) + "\r\nCall-ID: " + callId + "\r\nCSeq: " + cseq +
           "\r\nMax-Forwards: 70\r\n" + extraHeaders + "Content-Length: 0\r\n\r\n";
}

}  // namespace sipscope::test
