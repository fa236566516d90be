// A HEPv3 sender for the live tests: sends CALLS answered calls (INVITE 100 180 200 ACK BYE 200) as a HEP agent
// would copy them, between 10.20.30.40:5060 and 192.0.2.7:5080, stamped from 2021-03-04T05:06:07.000123Z on.
// Usage: hep_sender HOST PORT CALLS [burst]: 1 ms apart, or with "burst" all at once (to overflow a collector's
// socket). Exits non-zero when a datagram cannot be sent.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

namespace {

constexpr std::uint32_t FirstSeconds = 1614834367;  // 2021-03-04T05:06:07Z
constexpr std::uint32_t FirstMicros = 123;
const char* const Caller = "10.20.30.40";
const char* const Callee = "192.0.2.7";
constexpr std::uint16_t CallerPort = 5060;
constexpr std::uint16_t CalleePort = 5080;

class HepPacket {
public:
    HepPacket() { m_bytes = {'H', 'E', 'P', '3', 0, 0}; }

    void chunk(std::uint16_t type, const void* data, std::size_t length) {
        put16(0);  // vendor: generic
        put16(type);
        put16(static_cast<std::uint16_t>(6 + length));
        const auto* bytes = static_cast<const std::uint8_t*>(data);
        m_bytes.insert(m_bytes.end(), bytes, bytes + length);
    }
    void chunk8(std::uint16_t type, std::uint8_t value) { chunk(type, &value, 1); }
    void chunk16(std::uint16_t type, std::uint16_t value) {
        const std::uint16_t wire = htons(value);
        chunk(type, &wire, 2);
    }
    void chunk32(std::uint16_t type, std::uint32_t value) {
        const std::uint32_t wire = htonl(value);
        chunk(type, &wire, 4);
    }
    const std::vector<std::uint8_t>& finish() {
        m_bytes[4] = static_cast<std::uint8_t>(m_bytes.size() >> 8);
        m_bytes[5] = static_cast<std::uint8_t>(m_bytes.size());
        return m_bytes;
    }

private:
    void put16(std::uint16_t value) {
        m_bytes.push_back(static_cast<std::uint8_t>(value >> 8));
        m_bytes.push_back(static_cast<std::uint8_t>(value));
    }
    std::vector<std::uint8_t> m_bytes;
};

std::string sipMessage(int call, int step) {
    const std::string callId = "hep-call-" + std::to_string(call) + "@10.20.30.40";
    const std::string from = "From: <sip:alice@10.20.30.40>;tag=a" + std::to_string(call) + "\r\n";
    const std::string to = "To: <sip:bob@192.0.2.7>";
    const std::string toTagged = to + ";tag=b" + std::to_string(call) + "\r\n";
    const std::string via = "Via: SIP/2.0/UDP 10.20.30.40:5060;branch=z9hG4bK-" + std::to_string(call);
    const std::string common = "Call-ID: " + callId + "\r\nMax-Forwards: 70\r\n";
    auto request = [&](const char* method, const std::string& branchSuffix, int cseq, const std::string& toLine) {
        return std::string(method) + " sip:bob@192.0.2.7:5080 SIP/2.0\r\n" + via + branchSuffix + "\r\n" + from +
               toLine + common + "CSeq: " + std::to_string(cseq) + " " + method +
               "\r\nContact: <sip:alice@10.20.30.40:5060>\r\nContent-Length: 0\r\n\r\n";
    };
    auto response = [&](const char* status, const std::string& branchSuffix, int cseq, const char* method,
                        const std::string& toLine) {
        return std::string("SIP/2.0 ") + status + "\r\n" + via + branchSuffix + "\r\n" + from + toLine + common +
               "CSeq: " + std::to_string(cseq) + " " + method + "\r\nContent-Length: 0\r\n\r\n";
    };
    switch (step) {
    case 0: return request("INVITE", "i", 1, to + "\r\n");
    case 1: return response("100 Trying", "i", 1, "INVITE", to + "\r\n");
    case 2: return response("180 Ringing", "i", 1, "INVITE", toTagged);
    case 3: return response("200 OK", "i", 1, "INVITE", toTagged);
    case 4: return request("ACK", "a", 1, toTagged);
    case 5: return request("BYE", "b", 2, toTagged);
    default: return response("200 OK", "b", 2, "BYE", toTagged);
    }
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 4 && argc != 5) {
        std::fprintf(stderr, "usage: hep_sender HOST PORT CALLS [burst]\n");
        return 1;
    }
    sockaddr_in collector{};
    collector.sin_family = AF_INET;
    collector.sin_port = htons(static_cast<std::uint16_t>(std::atoi(argv[2])));
    if (inet_pton(AF_INET, argv[1], &collector.sin_addr) != 1) {
        std::fprintf(stderr, "hep_sender: %s is not an IPv4 address\n", argv[1]);
        return 1;
    }
    const int calls = std::atoi(argv[3]);
    const bool isBurst = argc == 5 && std::string(argv[4]) == "burst";
    const int fd = socket(AF_INET, SOCK_DGRAM, 0);
    if (fd < 0)
        return 1;
    std::uint32_t caller = 0;
    std::uint32_t callee = 0;
    inet_pton(AF_INET, Caller, &caller);
    inet_pton(AF_INET, Callee, &callee);
    for (int call = 0; call < calls; ++call) {
        for (int step = 0; step < 7; ++step) {
            // INVITE, ACK and BYE go from the caller; the responses come back from the callee.
            const bool fromCaller = step == 0 || step == 4 || step == 5;
            const std::string sip = sipMessage(call, step);
            HepPacket hep;
            hep.chunk8(0x0001, 2);   // IP family: IPv4
            hep.chunk8(0x0002, 17);  // IP protocol: UDP
            hep.chunk(0x0003, fromCaller ? &caller : &callee, 4);
            hep.chunk(0x0004, fromCaller ? &callee : &caller, 4);
            hep.chunk16(0x0007, fromCaller ? CallerPort : CalleePort);
            hep.chunk16(0x0008, fromCaller ? CalleePort : CallerPort);
            hep.chunk32(0x0009, FirstSeconds + static_cast<std::uint32_t>(call));
            hep.chunk32(0x000a, FirstMicros + static_cast<std::uint32_t>(step) * 10'000);
            hep.chunk8(0x000b, 1);      // protocol type: SIP
            hep.chunk32(0x000c, 2001);  // capture agent id
            hep.chunk(0x000f, sip.data(), sip.size());
            const std::vector<std::uint8_t>& bytes = hep.finish();
            if (sendto(fd, bytes.data(), bytes.size(), 0, reinterpret_cast<sockaddr*>(&collector), sizeof collector) !=
                static_cast<ssize_t>(bytes.size())) {
                std::perror("hep_sender: sendto");
                return 1;
            }
            if (!isBurst)
                std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
    }
    close(fd);
    return 0;
}
