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
        {"calls the finding checks forgot before they ended (too many open)", report.findings.callsEvicted},
        {"messages past the finding checks' 256 per call, not looked at by the call checks",
         report.findings.messagesDropped},
        {"sources or AORs past the finding checks' 65536, not counted for scanners and brute force",
         report.findings.sourcesDropped},
    };
    printNonZero(out, "not decoded or incomplete:", losses);
}

void printFindingsFound(std::ostream& out, const store::IngestReport& report, const std::string& db) {
    if (report.findings.findings)
        out << "found " << report.findings.findings << (report.findings.findings == 1 ? " problem" : " problems")
            << ": sipscope findings --db " << db << '\n';
}

void printHepSent(std::ostream& out, const capture::HepSender& sender, int version) {
    const capture::HepSenderStats& s = sender.stats();
    out << "sent " << s.sent << " SIP messages to " << sender.name() << " as HEPv" << version << '\n';
    if (s.reconnects)
        out << "connected to " << sender.name() << " again " << s.reconnects << (s.reconnects == 1 ? " time" : " times")
            << " (the connection failed or the collector closed it)\n";
    const std::pair<const char*, std::uint64_t> losses[] = {
        {"SIP messages dropped: the socket's send buffer was full", s.dropped},
        {"SIP messages too large for one HEP packet", s.tooLarge},
        {"SIP messages not sent: the collector refused them, could not be reached or closed the connection", s.failed},
    };
    printNonZero(out, "not sent to the HEP collector:", losses);
}

void printHepAgents(std::ostream& out, const capture::LiveStats& stats) {
    out << stats.agentsConnected << " HEP agents connected over TCP\n";
    const std::pair<const char*, std::uint64_t> losses[] = {
        {"agents refused: more connected at once than the listener takes", stats.agentsRefused},
        {"connections closed: bytes that cannot be HEPv3 (no HEP3 magic, or a length below 6)", stats.streamsNotHep},
        {"connections that ended within a HEP packet", stats.streamsCut},
        {"HEP packets over 65,507 bytes, skipped", stats.packetsTooLarge},
    };
    printNonZero(out, "not received from the HEP agents:", losses);
}

std::optional<std::int64_t> parseDurationUs(std::string_view text) {
    double value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || value <= 0)
        return std::nullopt;
    const std::string_view unit(end, static_cast<std::size_t>(text.data() + text.size() - end));
    double scale = 0;
    if (unit == "s")
        scale = 1e6;
    else if (unit == "ms")
        scale = 1e3;
    else if (unit == "us")
        scale = 1;
    if (scale == 0 || value * scale > 3.6e9 || value * scale < 1)
        return std::nullopt;
    return static_cast<std::int64_t>(value * scale + 0.5);
}

void addFindingOptions(CLI::App* command, FindingTimes& times) {
    command
        ->add_option("--t1", times.t1,
                     "SIP timer T1 of the endpoints (default 500ms): retransmission intervals and Timer B/F "
                     "(64 × T1) that findings check")
        ->type_name("DURATION");
    command
        ->add_option("--srd-warn", times.srdWarn,
                     "Report calls whose post-dial delay (INVITE to first 18x) is above this (default 3s)")
        ->type_name("DURATION");
}

void applyFindingOptions(const FindingTimes& times, store::IngestOptions& ingest) {
    const auto t1 = parseDurationUs(times.t1);
    if (!t1)
        throw CLI::ValidationError("--t1", "'" + times.t1 + "' is not a duration: use e.g. 500ms or 1s");
    const auto srd = parseDurationUs(times.srdWarn);
    if (!srd)
        throw CLI::ValidationError("--srd-warn", "'" + times.srdWarn + "' is not a duration: use e.g. 3s or 2500ms");
    ingest.findings.t1Us = *t1;
    ingest.findings.srdWarnUs = *srd;
    ingest.correlator.transactionTimeoutUs = 64 * *t1;  // Timer B and F (RFC 3261 §17.1.1.2, §17.1.2.2)
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
