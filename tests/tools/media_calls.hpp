// Generated SIP calls with SDP and RTP for the media tests (issue 15): the signalling of a call whose offer and
// answer name the given media addresses, and RTP streams with injected loss, reordering, duplicates, wraps, SSRC
// changes and DTMF, written in time order through PcapWriter.
#pragma once

#include "tests/decode/rtp_builder.hpp"
#include "tests/tools/pcap_writer.hpp"

#include <algorithm>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace sipscope::test {

// Packets added in any order, written in time order (ties in the order added), as a capture has them.
class TimedPcap {
public:
    void add(const UdpPacket& packet) { m_packets.push_back(packet); }
    void write(const std::string& path) const {
        std::vector<UdpPacket> sorted = m_packets;
        std::stable_sort(sorted.begin(), sorted.end(),
                         [](const UdpPacket& a, const UdpPacket& b) { return a.timestampUs < b.timestampUs; });
        PcapWriter pcap;
        for (const UdpPacket& packet : sorted)
            pcap.add(packet);
        pcap.write(path);
    }

private:
    std::vector<UdpPacket> m_packets;
};

inline std::string ipText(std::uint32_t ip) {
    return std::to_string(ip >> 24) + "." + std::to_string((ip >> 16) & 0xff) + "." + std::to_string((ip >> 8) & 0xff) +
           "." + std::to_string(ip & 0xff);
}

// An audio SDP: PCMU (0) and telephone-event (101) on `ip`:`port`, `extra` lines appended.
inline std::string audioSdp(std::uint32_t ip, std::uint16_t port, const std::string& extra = "") {
    const std::string address = ipText(ip);
    return "v=0\r\no=- 1 1 IN IP4 " + address + "\r\ns=-\r\nc=IN IP4 " + address + "\r\nt=0 0\r\nm=audio " +
           std::to_string(port) + " RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\n" +
           extra;
}

// sipMessage with an SDP body.
inline std::string sipWithSdp(const std::string& startLine, const std::string& callId, const std::string& cseq,
                              const std::string& toTag, const std::string& sdp) {
    std::string message = sipMessage(startLine, callId, cseq, "", toTag);
    const std::string empty = "Content-Length: 0\r\n\r\n";
    message.replace(message.find(empty), empty.size(),
                    "Content-Type: application/sdp\r\nContent-Length: " + std::to_string(sdp.size()) + "\r\n\r\n" +
                        sdp);
    return message;
}

// One call's signalling between caller and callee: INVITE with the offer at `atUs`, 200 with the answer 100 ms later
// (answeredUs), ACK, and BYE / 200 at `byeUs`.
struct SipCall {
    std::string callId;
    std::uint32_t caller = 0, callee = 0;
    std::string offer, answer;  // SDP bodies; an empty one is not sent
    std::int64_t atUs = 0;
    std::int64_t byeUs = 0;

    std::int64_t answeredUs() const { return atUs + 100'000; }
    void write(TimedPcap& pcap) const {
        const std::string uri = "INVITE sip:bob@example.com SIP/2.0";
        pcap.add(
            {atUs, caller, callee, 5060, 5060,
             offer.empty() ? sipMessage(uri, callId, "1 INVITE") : sipWithSdp(uri, callId, "1 INVITE", "", offer)});
        pcap.add({answeredUs(), callee, caller, 5060, 5060,
                  answer.empty() ? sipMessage("SIP/2.0 200 OK", callId, "1 INVITE", "", "t")
                                 : sipWithSdp("SIP/2.0 200 OK", callId, "1 INVITE", "t", answer)});
        pcap.add({answeredUs() + 1'000, caller, callee, 5060, 5060,
                  sipMessage("ACK sip:bob@example.com SIP/2.0", callId, "1 ACK", "", "t")});
        pcap.add({byeUs, caller, callee, 5060, 5060,
                  sipMessage("BYE sip:bob@example.com SIP/2.0", callId, "3 BYE", "", "t")});
        pcap.add({byeUs + 10'000, callee, caller, 5060, 5060, sipMessage("SIP/2.0 200 OK", callId, "3 BYE", "", "t")});
    }
};

// An RTP stream of 20 ms PCMU packets. `edit` may change each packet before it is written: return false to drop it.
struct RtpFlow {
    std::uint32_t srcIp = 0, dstIp = 0;
    std::uint16_t srcPort = 0, dstPort = 0;
    std::uint32_t ssrc = 0x1000;
    std::uint16_t firstSequence = 1;
    std::int64_t startUs = 0;
    int packets = 50;

    struct Packet {
        std::int64_t timeUs;
        std::uint8_t payloadType;
        std::uint16_t sequence;
        std::uint32_t timestamp;
        std::uint32_t ssrc;
        std::string payload;
    };
    void write(TimedPcap& pcap, const std::function<bool(int index, Packet&)>& edit = {}) const {
        for (int i = 0; i < packets; ++i) {
            Packet p{startUs + i * 20'000LL,
                     0,
                     static_cast<std::uint16_t>(firstSequence + i),
                     static_cast<std::uint32_t>(i * 160),
                     ssrc,
                     std::string(160, '\xFF')};
            if (edit && !edit(i, p))
                continue;
            pcap.add({p.timeUs, srcIp, dstIp, srcPort, dstPort,
                      rtpPacket(p.payloadType, p.sequence, p.timestamp, p.ssrc, p.payload)});
        }
    }
};

// `packets` RTP packets of one stream, 20 ms apart from `startUs`.
inline RtpFlow rtpFlow(std::uint32_t srcIp, std::uint16_t srcPort, std::uint32_t dstIp, std::uint16_t dstPort,
                       std::int64_t startUs, int packets, std::uint32_t ssrc) {
    RtpFlow flow;
    flow.srcIp = srcIp;
    flow.srcPort = srcPort;
    flow.dstIp = dstIp;
    flow.dstPort = dstPort;
    flow.startUs = startUs;
    flow.packets = packets;
    flow.ssrc = ssrc;
    return flow;
}

}  // namespace sipscope::test
