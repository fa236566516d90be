#include "cli/ingest_shared.hpp"

#include <CLI/CLI.hpp>

#include <charconv>
#include <cstdint>
#include <utility>

namespace sipscope::cli {

namespace {

// The heading, then each counter that is not zero with what it means; nothing when all are zero.
template <std::size_t N>
void printNonZero(std::ostream& out, const char* heading, const std::pair<const char*, std::uint64_t> (&counts)[N]) {
    bool any = false;
    for (const auto& [what, count] : counts) {
        if (count == 0)
            continue;
        if (!any)
            out << heading << '\n';
        any = true;
        out << "  " << count << ' ' << what << '\n';
    }
}

}  // namespace

// What an import could not decode or had to give up, named so an engineer knows what is missing. Only the counters
// that are not zero are printed.
void printLosses(std::ostream& out, const store::IngestReport& report) {
    const capture::DecoderStats& d = report.decoder;
    const std::pair<const char*, std::uint64_t> losses[] = {
        {"truncated packets (snaplen shorter than the headers)", d.truncatedPackets},
        {"packets of an unknown link type", d.unknownLinkType},
        {"malformed packets (lengths that contradict themselves)", d.malformedPackets},
        {"tunnels nested too deep", d.tooDeeplyNested},
        {"fragmented datagrams never completed", d.fragmentsIncomplete},
        {"  of which evicted because the fragment table was full", d.fragmentsEvicted},
        {"TCP streams closed early (too many at once)", d.tcpFlowsEvicted},
        {"TCP gaps skipped (lost or missing segments)", d.tcpGaps},
        {"TCP bytes skipped while resynchronising", d.tcpBytesSkipped},
        {"SIP messages cut by a TCP gap or the stream's end", d.tcpMessagesIncomplete},
        {"TCP framing errors (bad Content-Length, oversized headers)", d.tcpFramingErrors},
        {"TLS segments (encrypted SIP, not decrypted)", d.tlsSegments},
        {"HEP packets that could not be decoded", d.hepErrors},
        {"UDP datagrams on a HEP port that are neither HEP nor SIP", d.hepPortNotHep},
        {"SCTP messages never completed", d.sctpMessagesIncomplete},
        {"packets skipped by --sip-ports", d.outsideSipPorts},
        {"calls written early to bound memory (too many open calls at once)", report.correlator.callsEvictedForSpace},
        {"transactions, subscriptions or links not recorded (per-call limits)", report.callRecordsDropped},
        {"link header values forgotten (--limit link-values)", report.correlator.linkValuesEvicted},
        {"REFERs forgotten before their call (--limit pending-transfers)", report.correlator.transfersEvicted},
    };
    printNonZero(out, "not decoded or incomplete:", losses);
}

void printHepSent(std::ostream& out, const capture::HepSender& sender, int version) {
    const capture::HepSenderStats& s = sender.stats();
    out << "sent " << s.sent << " SIP messages to " << sender.name() << " as HEPv" << version << '\n';
    const std::pair<const char*, std::uint64_t> losses[] = {
        {"SIP messages dropped: the socket's send buffer was full", s.dropped},
        {"SIP messages too large for one HEP packet", s.tooLarge},
        {"SIP messages not sent: the collector refused them or could not be reached", s.failed},
    };
    printNonZero(out, "not sent to the HEP collector:", losses);
}

std::vector<std::uint16_t> parsePortList(const std::string& text) {
    std::vector<std::uint16_t> ports;
    auto number = [&text](std::string_view part) {
        unsigned value = 0;
        const auto [end, error] = std::from_chars(part.data(), part.data() + part.size(), value);
        if (part.empty() || error != std::errc() || end != part.data() + part.size() || value > 65535)
            throw CLI::ValidationError("--sip-ports", "'" + std::string(part) + "' in '" + text +
                                                          "' is not a port (0-65535); example: 5060,5080,6000-6010");
        return static_cast<std::uint16_t>(value);
    };
    std::string_view rest = text;
    while (!rest.empty()) {
        const std::size_t comma = rest.find(',');
        const std::string_view item = rest.substr(0, comma);
        rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
        const std::size_t dash = item.find('-');
        const std::uint16_t first = number(item.substr(0, dash));
        const std::uint16_t last = dash == std::string_view::npos ? first : number(item.substr(dash + 1));
        if (last < first)
            throw CLI::ValidationError("--sip-ports", "range '" + std::string(item) + "' runs backwards");
        for (unsigned port = first; port <= last; ++port)
            ports.push_back(static_cast<std::uint16_t>(port));
    }
    if (ports.empty())
        throw CLI::ValidationError("--sip-ports", "no port given; example: 5060,5080");
    return ports;
}

}  // namespace sipscope::cli
