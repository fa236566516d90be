// The streams listing and the media lines of `show`.
#include "cli/streams_command.hpp"

#include "cli/call_lookup.hpp"
#include "cli/output.hpp"

#include <CLI/CLI.hpp>

#include <cstdio>

namespace sipscope::cli {

namespace {

using exports::valueOrNull;

std::string hexSsrc(std::uint32_t ssrc) {
    char text[16];
    std::snprintf(text, sizeof text, "0x%08X", ssrc);
    return text;
}

// Milliseconds as JSON numbers with µs precision: 12.3456789 -> 12.346.
double ms(double value) { return static_cast<double>(static_cast<std::int64_t>(value * 1000.0 + 0.5)) / 1000.0; }

Row optionalMs(const std::optional<double>& value) { return value ? Row(ms(*value)) : Row(); }

}  // namespace

Row streamRow(const store::StreamRow& stream) {
    Row row;
    row["key"] = stream.id;
    row["call_id"] = stream.callKey ? Row(stream.callId) : Row();
    row["call_key"] = stream.callKey ? Row(stream.callKey) : Row();
    row["media_index"] = stream.callKey ? Row(stream.mediaIndex) : Row();
    row["sender"] = stream.sender == decode::MediaParty::Unknown ? Row() : Row(decode::mediaPartyName(stream.sender));
    row["src"] = stream.src.toString();
    row["dst"] = stream.dst.toString();
    row["ssrc"] = hexSsrc(stream.ssrc);
    row["payload_type"] = stream.payloadType;
    row["codec"] = stream.codec.empty() ? Row() : Row(stream.codec);
    row["start"] = isoTimestamp(stream.firstUs);
    row["end"] = isoTimestamp(stream.lastUs);
    row["packets"] = stream.packets;
    row["expected"] = stream.expected;
    row["lost"] = stream.lost;
    row["lost_percent"] = ms(stream.lostPercent());
    row["duplicates"] = stream.duplicates;
    row["out_of_order"] = stream.outOfOrder;
    row["wraps"] = stream.wraps;
    row["ssrc_changes"] = stream.ssrcChanges;
    row["max_delta_ms"] = ms(stream.maxDeltaMs);
    row["mean_jitter_ms"] = ms(stream.meanJitterMs);
    row["max_jitter_ms"] = ms(stream.maxJitterMs);
    row["mos"] = stream.mos ? Row(static_cast<double>(static_cast<int>(*stream.mos * 100.0 + 0.5)) / 100.0) : Row();
    row["dtmf"] = stream.dtmf.empty() ? Row() : Row(stream.dtmf);
    row["rtcp_reports"] = stream.rtcpReports;
    row["rtcp_lost_percent"] = optionalMs(stream.rtcpLostPercent);
    row["rtcp_jitter_ms"] = optionalMs(stream.rtcpJitterMs);
    row["rtt_ms"] = optionalMs(stream.rttMs);
    row["rtcp_mux"] = stream.rtcpMux;
    row["address_mismatch"] = stream.addressMismatch;
    return row;
}

CLI::App* addStreamsCommand(CLI::App& app, ListingOptions& options) {
    CLI::App* streams =
        app.add_subcommand("streams", "RTP streams: loss, jitter, max delta, MOS, the call they are of");
    addFormat(streams, options.format);
    addFilters(streams, options.filters);
    streams->add_option("--call", options.call,
                        "Only streams of this call (Call-ID, call key, or a unique start of a Call-ID)");
    streams->footer("Examples:\n  sipscope streams --call a84b4c76e66710\n"
                    "  sipscope streams --host 10.0.0.5 --format json\n"
                    "(call filters select the streams of those calls; --host and --since/--until are the stream's)");
    addDatabase(streams, options.db);
    return streams;
}

int runStreams(const ListingOptions& options, std::ostream& out, bool forTerminal) {
    store::Filter filter = options.filters.filter;
    store::Reader reader(options.db);
    resolveCallIdFilter(reader, filter);
    if (!options.call.empty())
        filter.callKey = resolveCall(reader, options.call, options.db).key;
    std::vector<Row> rows;
    for (const store::StreamRow& stream : reader.streams(filter))
        rows.push_back(streamRow(stream));
    const std::vector<Column> columns = {{"key", "Key", 6},
                                         {"start", "Start", 27},
                                         {"src", "Source", 24},
                                         {"dst", "Destination", 24},
                                         {"ssrc", "SSRC", 10, false, 3},
                                         {"codec", "Codec", 8, false, 4},
                                         {"packets", "Pkts", 7},
                                         {"lost", "Lost", 6},
                                         {"max_delta_ms", "Max delta", 9, false, 2},
                                         {"max_jitter_ms", "Max jitter", 10, false, 1},
                                         {"mos", "MOS", 4},
                                         {"call_id", "Call-ID", 40, true}};
    printRows(out, formatOf(options.format), rows, columns, forTerminal, {streamRow(store::StreamRow{})});
    return ExitOk;
}

void printCallVerdict(std::ostream& out, const store::Reader& reader, const store::CallRow& call) {
    if (const auto verdict = reader.mediaVerdict(call))
        out << "RTP:     " << decode::mediaVerdictName(verdict->verdict) << " (" << escapeForTerminal(verdict->reason)
            << ")\n";
}

void printCallStreams(std::ostream& out, const store::Reader& reader, const store::CallRow& call,
                      decode::Redactor* redactor) {
    const std::vector<store::StreamRow> streams = reader.callStreams(call.key);
    if (streams.empty())
        return;
    out << "\nStreams:\n";
    for (const store::StreamRow& s : streams) {
        char figures[256];
        std::snprintf(figures, sizeof figures, "%llu pkts, lost %lld (%.1f%%), max delta %.1f ms, jitter %.2f/%.2f ms",
                      static_cast<unsigned long long>(s.packets), static_cast<long long>(s.lost), s.lostPercent(),
                      s.maxDeltaMs, s.meanJitterMs, s.maxJitterMs);
        const capture::Endpoint src = redactor ? redactor->endpoint(s.src) : s.src;
        const capture::Endpoint dst = redactor ? redactor->endpoint(s.dst) : s.dst;
        out << "  #" << s.id << ' ' << src.toString() << " -> " << dst.toString() << "  " << hexSsrc(s.ssrc) << " "
            << (s.codec.empty() ? "pt " + std::to_string(s.payloadType) : escapeForTerminal(s.codec)) << "  "
            << figures;
        if (s.mos) {
            std::snprintf(figures, sizeof figures, ", MOS %.2f", *s.mos);
            out << figures;
        }
        if (!s.dtmf.empty())
            out << ", DTMF " << escapeForTerminal(s.dtmf);
        if (s.addressMismatch)
            out << ", not the SDP's address";
        out << '\n';
    }
}

}  // namespace sipscope::cli
