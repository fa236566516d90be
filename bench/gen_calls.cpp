// Workload generator: writes a pcap of N complete SIP calls (INVITE/100/180/200/ACK/BYE/200 with SDP) over UDP
// or TCP, optionally with RTP packets each way, many calls overlapping in time like a loaded proxy's capture.
//   gen_calls --calls N [--rate CPS] [--transport udp|tcp] [--rtp PACKETS_PER_DIRECTION] [--concurrency C]
//             [--options] -o FILE
// --rate: new calls per second of capture time (1000 by default). Each call's seven messages span about 200 ms
// whatever the rate, so the calls open at once grow with it (--concurrency, by default rate / 5: 200 at 1,000/s,
// 1,000 at 5,000/s, 4,000 at 20,000/s). --options: each "call" is an OPTIONS and its 200 instead (a keepalive, a
// call of a request other than INVITE), at the same rate.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>
#include <vector>

namespace {

struct Options {
    std::uint64_t calls = 10000;
    std::uint64_t rate = 1000;  // new calls per second
    bool tcp = false;
    int rtpPerDirection = 0;
    std::uint64_t concurrency = 0;  // 0: rate / 5 (calls of about 200 ms)
    bool options = false;           // OPTIONS and its 200 instead of an INVITE call
    std::string output;
};

class PcapOut {
public:
    explicit PcapOut(const std::string& path) : m_file(std::fopen(path.c_str(), "wb")) {
        if (!m_file) {
            std::perror(path.c_str());
            std::exit(2);
        }
        const std::uint32_t header[6] = {0xa1b2c3d4, 0x00040002, 0, 0, 65535, 1};
        std::fwrite(header, sizeof header, 1, m_file);
    }
    ~PcapOut() { std::fclose(m_file); }

    // One Ethernet/IPv4 frame with a UDP (proto 17) or TCP (proto 6) header around `payload`.
    void packet(std::uint64_t timestampUs, std::uint32_t srcIp, std::uint32_t dstIp, std::uint16_t srcPort,
                std::uint16_t dstPort, bool tcp, std::uint32_t seq, const std::string& payload) {
        m_frame.clear();
        static const unsigned char Ethernet[14] = {2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 8, 0};
        append(Ethernet, sizeof Ethernet);
        const std::size_t l4 = tcp ? 20 : 8;
        const std::size_t ipLength = 20 + l4 + payload.size();
        // clang-format off
        const unsigned char ip[20] = {0x45, 0, static_cast<unsigned char>(ipLength >> 8),
                                      static_cast<unsigned char>(ipLength), 0, 0, 0x40, 0, 64,
                                      static_cast<unsigned char>(tcp ? 6 : 17), 0, 0,
                                      static_cast<unsigned char>(srcIp >> 24), static_cast<unsigned char>(srcIp >> 16),
                                      static_cast<unsigned char>(srcIp >> 8), static_cast<unsigned char>(srcIp),
                                      static_cast<unsigned char>(dstIp >> 24), static_cast<unsigned char>(dstIp >> 16),
                                      static_cast<unsigned char>(dstIp >> 8), static_cast<unsigned char>(dstIp)};
        // clang-format on
        append(ip, sizeof ip);
        if (tcp) {
            // clang-format off
            const unsigned char header[20] = {static_cast<unsigned char>(srcPort >> 8), static_cast<unsigned char>(srcPort),
                                              static_cast<unsigned char>(dstPort >> 8), static_cast<unsigned char>(dstPort),
                                              static_cast<unsigned char>(seq >> 24), static_cast<unsigned char>(seq >> 16),
                                              static_cast<unsigned char>(seq >> 8), static_cast<unsigned char>(seq),
                                              0, 0, 0, 1, 0x50, 0x18, 0xff, 0xff, 0, 0, 0, 0};
            // clang-format on
            append(header, sizeof header);
        } else {
            const std::size_t udpLength = 8 + payload.size();
            // clang-format off
            const unsigned char header[8] = {static_cast<unsigned char>(srcPort >> 8), static_cast<unsigned char>(srcPort),
                                             static_cast<unsigned char>(dstPort >> 8), static_cast<unsigned char>(dstPort),
                                             static_cast<unsigned char>(udpLength >> 8),
                                             static_cast<unsigned char>(udpLength), 0, 0};
            // clang-format on
            append(header, sizeof header);
        }
        append(payload.data(), payload.size());
        const std::uint32_t record[4] = {
            static_cast<std::uint32_t>(timestampUs / 1000000), static_cast<std::uint32_t>(timestampUs % 1000000),
            static_cast<std::uint32_t>(m_frame.size()), static_cast<std::uint32_t>(m_frame.size())};
        std::fwrite(record, sizeof record, 1, m_file);
        std::fwrite(m_frame.data(), m_frame.size(), 1, m_file);
    }

private:
    void append(const void* data, std::size_t size) {
        // Grown, then copied into: GCC 12 misreads a range insert here as out of bounds (-Warray-bounds).
        const std::size_t at = m_frame.size();
        m_frame.resize(at + size);
        std::memcpy(m_frame.data() + at, data, size);
    }

    std::FILE* m_file;
    std::vector<unsigned char> m_frame;
};

std::string ipText(std::uint32_t ip) {
    char address[32];
    std::snprintf(address, sizeof address, "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 255, (ip >> 8) & 255, ip & 255);
    return address;
}

std::string sdp(std::uint32_t ip, int port) {
    const std::string address = ipText(ip);
    return std::string("v=0\r\no=user 53655765 2353687637 IN IP4 ") + address + "\r\ns=-\r\nc=IN IP4 " + address +
           "\r\nt=0 0\r\nm=audio " + std::to_string(port) +
           " RTP/AVP 0 8 101\r\na=rtpmap:0 PCMU/8000\r\n"
           "a=rtpmap:8 PCMA/8000\r\na=rtpmap:101 telephone-event/8000\r\na=sendrecv\r\n";
}

struct Call {
    std::uint64_t index;
    std::uint32_t callerIp, calleeIp;
    std::string callId, fromTag, toTag;
};

std::string request(const Call& c, const char* method, int cseq, bool withToTag, const std::string& branch,
                    const std::string& body) {
    std::string m =
        std::string(method) + " sip:" + std::to_string(2000 + c.index % 5000) + "@10.1.0.1:5060 SIP/2.0\r\n";
    m += "Via: SIP/2.0/UDP 10.0." + std::to_string((c.callerIp >> 8) & 255) + "." + std::to_string(c.callerIp & 255) +
         ":5060;branch=z9hG4bK" + branch + "\r\n";
    m += "From: \"User " + std::to_string(c.index % 5000) + "\" <sip:" + std::to_string(1000 + c.index % 5000) +
         "@example.com>;tag=" + c.fromTag + "\r\n";
    m += "To: <sip:" + std::to_string(2000 + c.index % 5000) + "@example.com>" +
         (withToTag ? ";tag=" + c.toTag : std::string()) + "\r\n";
    m += "Call-ID: " + c.callId + "\r\nCSeq: " + std::to_string(cseq) + " " + method + "\r\n";
    m += "Contact: <sip:" + std::to_string(1000 + c.index % 5000) + "@10.0.0.1:5060>\r\nMax-Forwards: 70\r\n";
    m += "User-Agent: sipscope-bench\r\n";
    if (!body.empty())
        m += "Content-Type: application/sdp\r\n";
    m += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
    return m;
}

std::string response(const Call& c, int status, const char* reason, const char* method, int cseq, bool withToTag,
                     const std::string& branch, const std::string& body) {
    std::string m = "SIP/2.0 " + std::to_string(status) + " " + reason + "\r\n";
    m += "Via: SIP/2.0/UDP 10.0." + std::to_string((c.callerIp >> 8) & 255) + "." + std::to_string(c.callerIp & 255) +
         ":5060;branch=z9hG4bK" + branch + "\r\n";
    m += "From: \"User " + std::to_string(c.index % 5000) + "\" <sip:" + std::to_string(1000 + c.index % 5000) +
         "@example.com>;tag=" + c.fromTag + "\r\n";
    m += "To: <sip:" + std::to_string(2000 + c.index % 5000) + "@example.com>" +
         (withToTag ? ";tag=" + c.toTag : std::string()) + "\r\n";
    m += "Call-ID: " + c.callId + "\r\nCSeq: " + std::to_string(cseq) + " " + method + "\r\n";
    if (withToTag && std::string_view(method) == "INVITE")  // a dialog-creating answer names where the callee is
        m += "Contact: <sip:" + std::to_string(2000 + c.index % 5000) + "@" + ipText(c.calleeIp) + ":5060>\r\n";
    m += "Server: sipscope-bench\r\n";
    if (!body.empty())
        m += "Content-Type: application/sdp\r\n";
    m += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
    return m;
}

}  // namespace

int main(int argc, char** argv) {
    Options options;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) {
                std::fprintf(stderr, "gen_calls: %s needs a value\n", arg.c_str());
                std::exit(1);
            }
            return argv[++i];
        };
        if (arg == "--calls")
            options.calls = std::strtoull(value().c_str(), nullptr, 10);
        else if (arg == "--rate")
            options.rate = std::strtoull(value().c_str(), nullptr, 10);
        else if (arg == "--transport")
            options.tcp = value() == "tcp";
        else if (arg == "--rtp")
            options.rtpPerDirection = std::atoi(value().c_str());
        else if (arg == "--concurrency")
            options.concurrency = std::strtoull(value().c_str(), nullptr, 10);
        else if (arg == "--options")
            options.options = true;
        else if (arg == "-o")
            options.output = value();
        else {
            std::fprintf(stderr,
                         "usage: gen_calls --calls N [--rate CPS] [--transport udp|tcp] [--rtp N] [--concurrency C] "
                         "[--options] -o FILE\n");
            return 1;
        }
    }
    if (options.output.empty()) {
        std::fprintf(stderr, "gen_calls: -o FILE is required\n");
        return 1;
    }
    if (options.rate == 0 || options.rate > 1'000'000) {
        std::fprintf(stderr, "gen_calls: --rate is 1 to 1000000 calls per second\n");
        return 1;
    }
    if (options.concurrency == 0)
        options.concurrency = options.rate / 5 ? options.rate / 5 : 1;
    PcapOut out(options.output);
    // Call k starts at k / rate seconds; each call's messages are spread over its lifetime, so `concurrency` calls
    // overlap. Messages of overlapping calls are written in time order by stepping through a window of active calls.
    // A slot is 1 / rate s; the messages of one slot are 10 µs apart, less when a slot is shorter than 70 µs (above
    // 14,285 calls/s), so the file stays in time order.
    const std::uint64_t t0 = 1'700'000'000'000'000ULL;
    const int steps = 7;
    const std::uint64_t stepUs = std::min<std::uint64_t>(10, 1'000'000 / options.rate / steps);
    std::map<std::uint64_t, std::uint32_t> tcpSequence;  // next sequence number per direction of a flow
    // Interleave: at time slot k, call k starts (step 0), call k - s*C/steps does step s.
    const std::uint64_t lag = options.concurrency / steps ? options.concurrency / steps : 1;
    for (std::uint64_t slot = 0; slot < options.calls + lag * steps; ++slot) {
        for (int step = 0; step < steps; ++step) {
            if (slot < static_cast<std::uint64_t>(step) * lag)
                continue;
            const std::uint64_t index = slot - static_cast<std::uint64_t>(step) * lag;
            if (index >= options.calls || (options.options && step != 0 && step != 3))
                continue;
            Call c{index,
                   0x0a000000u | static_cast<std::uint32_t>(1 + index % 200),
                   0x0a010000u | static_cast<std::uint32_t>(1 + index % 50),
                   "",
                   "",
                   ""};
            c.callId = std::to_string(index) + "-bench@10.0.0.1";
            c.fromTag = std::to_string(index * 7 + 1);
            c.toTag = std::to_string(index * 13 + 5);
            const std::uint64_t at = t0 + slot * 1'000'000 / options.rate + static_cast<std::uint64_t>(step) * stepUs;
            const std::string b1 = std::to_string(index) + "a", b2 = std::to_string(index) + "b",
                              b3 = std::to_string(index) + "c";
            std::string msg;
            bool fromCaller = true;
            if (options.options) {
                msg = step == 0 ? request(c, "OPTIONS", 1, false, b1, "")
                                : response(c, 200, "OK", "OPTIONS", 1, true, b1, "");
                fromCaller = step == 0;
            }
            switch (options.options ? -1 : step) {
            case 0: msg = request(c, "INVITE", 1, false, b1, sdp(c.callerIp, 10000 + index % 20000 * 2)); break;
            case 1:
                msg = response(c, 100, "Trying", "INVITE", 1, false, b1, "");
                fromCaller = false;
                break;
            case 2:
                msg = response(c, 180, "Ringing", "INVITE", 1, true, b1, "");
                fromCaller = false;
                break;
            case 3:
                msg = response(c, 200, "OK", "INVITE", 1, true, b1, sdp(c.calleeIp, 20000 + index % 20000 * 2));
                fromCaller = false;
                break;
            case 4: msg = request(c, "ACK", 1, true, b2, ""); break;
            case 5: msg = request(c, "BYE", 2, true, b3, ""); break;
            case 6:
                msg = response(c, 200, "OK", "BYE", 2, true, b3, "");
                fromCaller = false;
                break;
            }
            const std::uint32_t src = fromCaller ? c.callerIp : c.calleeIp;
            const std::uint32_t dst = fromCaller ? c.calleeIp : c.callerIp;
            std::uint32_t& seq = tcpSequence.try_emplace((std::uint64_t{src} << 32) | dst, 1).first->second;
            out.packet(at, src, dst, 5060, 5060, options.tcp, seq, msg);
            seq += static_cast<std::uint32_t>(msg.size());
            if (step == 4 && options.rtpPerDirection > 0) {
                // After the ACK, PCMU each way between the SDP's addresses, alternating: the caller's stream from
                // its offered port to the answer's, the callee's back. Each stream has its own SSRC and sequence
                // numbers (from a different start per call); packets 1 µs apart, timestamps as constant as that.
                const auto callerPort = static_cast<std::uint16_t>(10000 + index % 20000 * 2);
                const auto calleePort = static_cast<std::uint16_t>(20000 + index % 20000 * 2);
                std::string rtp(172, '\0');
                rtp[0] = static_cast<char>(0x80);
                for (int k = 0; k < options.rtpPerDirection * 2; ++k) {
                    const bool forward = k % 2 == 0;
                    const auto sequence = static_cast<std::uint16_t>(index * 7919 + static_cast<std::uint64_t>(k / 2));
                    const auto ssrc = static_cast<std::uint32_t>(index * 2 + (forward ? 0 : 1) + 1);
                    rtp[2] = static_cast<char>(sequence >> 8);
                    rtp[3] = static_cast<char>(sequence);
                    for (int b = 0; b < 4; ++b)
                        rtp[8 + b] = static_cast<char>(ssrc >> (24 - 8 * b));
                    out.packet(at + 1 + static_cast<std::uint64_t>(k), forward ? c.callerIp : c.calleeIp,
                               forward ? c.calleeIp : c.callerIp, forward ? callerPort : calleePort,
                               forward ? calleePort : callerPort, false, 0, rtp);
                }
            }
        }
    }
    return 0;
}
