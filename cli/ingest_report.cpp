#include "cli/ingest_report.hpp"

#include <cstdint>
#include <utility>

namespace sipscope::cli {

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
        {"SCTP messages never completed", d.sctpMessagesIncomplete},
    };
    bool any = false;
    for (const auto& [what, count] : losses) {
        if (count == 0)
            continue;
        if (!any)
            out << "not decoded or incomplete:\n";
        any = true;
        out << "  " << count << ' ' << what << '\n';
    }
    if (report.correlator.callsEvictedForSpace)
        out << "  " << report.correlator.callsEvictedForSpace
                  << " calls written early to bound memory (too many open calls at once)\n";
}

} // namespace sipscope::cli
