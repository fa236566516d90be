// `sipscope export`: each subcommand writes what its command prints (or a ladder drawing, or a pcap) to a file
// through writeExportFile, so a failed export never destroys the file it would have replaced.
#include "cli/export_command.hpp"

#include "cli/findings_command.hpp"
#include "cli/streams_command.hpp"

#include "cli/call_ladder.hpp"
#include "cli/call_lookup.hpp"
#include "cli/output.hpp"
#include "export/audio_export.hpp"
#include "export/export_file.hpp"
#include "export/frame_export.hpp"
#include "ladder/ladder_export.hpp"
#include "ladder/svg_to_png.hpp"

#include <CLI/CLI.hpp>
#include <unistd.h>

#include <functional>
#include <iostream>
#include <sstream>

namespace sipscope::cli {

namespace {

// The exporters live below the front ends (ladder/, export/), which the viewer shares.
using exports::PcapExporter;
using exports::PcapExportReport;
using exports::writeExportFile;
using ladder::exportLadder;
using ladder::LadderFormat;
using ladder::parseLadderFormat;
using ladder::PngRendererPackage;
using ladder::renderSvgToPng;
using ladder::writeLadderSvg;

// Runs an export into its file (or standard output for "-"); `write` is told whether it writes for a terminal
// (standard output) or a file. A failed export leaves the file as it was.
int runExport(const std::string& output, const std::function<int(std::ostream&, bool forTerminal)>& write) {
    if (output == "-")
        return write(std::cout, true);
    const int code = writeExportFile(output, [&](std::ostream& file) { return write(file, false); });
    if (code == ExitOk)
        std::cerr << "sipscope: wrote " << escapeForTerminal(output) << '\n';
    return code;
}

}  // namespace

ExportCommands addExportCommands(CLI::App& app) {
    ExportCommands exports;
    exports.options = std::make_unique<ExportOptions>();
    ExportOptions& o = *exports.options;
    CLI::App* exporter = app.add_subcommand("export", "Write calls, messages, statistics, streams, findings, a ladder "
                                                      "or a call's audio to a file, or messages to a HEP "
                                                      "collector");
    exporter->require_subcommand(1);
    exporter->footer("Examples:\n  sipscope export ladder CALL-ID --format png -o call.png\n"
                     "  sipscope export pcap --state rejected -o rejected.pcap\n"
                     "  sipscope export calls --format csv -o calls.csv\n"
                     "  sipscope export hep udp:10.0.0.5:9060 --since 2024-05-01T12:00:00Z\n"
                     "  sipscope export audio a84b4c76e66710 -o call.wav");
    CLI::App* ladder = exporter->add_subcommand("ladder", "One call's ladder as SVG, PNG, PlantUML, Mermaid or text");
    ladder->add_option("call", o.ladder.call, "Call-ID, call key, or a unique start of a Call-ID")->required();
    ladder
        ->add_option("--format", o.ladder.format,
                     std::string("svg, png (needs rsvg-convert, Debian package ") + PngRendererPackage +
                         "), plantuml, mermaid or text")
        ->required();
    ladder->add_flag("--by-ip", o.ladder.byIp, "One column per IP address");
    ladder->add_flag("--all-legs", o.ladder.allLegs, "Draw the calls linked to this one in the same ladder");
    addAliases(ladder, o.ladder.aliases);
    ladder->footer("Examples:\n  sipscope export ladder a84b4c76e66710 --format svg -o call.svg\n"
                   "  sipscope export ladder a84b4c76e66710 --format png -o call.png");
    CLI::App* calls = exporter->add_subcommand("calls", "The call list as CSV or JSON");
    CLI::App* messages = exporter->add_subcommand("messages", "The message list as CSV or JSON");
    CLI::App* stats = exporter->add_subcommand("stats", "The statistics as CSV or JSON");
    CLI::App* streams = exporter->add_subcommand("streams", "The RTP stream list as CSV or JSON");
    streams->add_option("--call", o.streams.call, "Only this call's streams");
    CLI::App* findings = exporter->add_subcommand("findings", "The findings (problems found) as CSV or JSON");
    CLI::App* pcap = exporter->add_subcommand(
        "pcap", "The messages of the calls the filters choose (or of --call) as a pcap file for Wireshark");
    pcap->add_option("--call", o.pcap.call, "Only this call (Call-ID, call key, or a unique start of a Call-ID)");
    addFilters(pcap, o.pcap.filters);
    addRedact(pcap, o.pcap.redact);
    addRedact(calls, o.calls.redact);
    addRedact(messages, o.messages.redact);
    pcap->footer("Examples:\n  sipscope export pcap --call a84b4c76e66710 -o call.pcap\n"
                 "  sipscope export pcap --status 503 --since 2024-05-01T12:00:00Z -o failed.pcap\n"
                 "  sipscope export pcap --call a84b4c76e66710 --redact -o shareable.pcap");
    CLI::App* hep = exporter->add_subcommand(
        "hep", "Replay the messages the filters choose to a HEP collector (Homer, heplify-server, Kamailio "
               "sipcapture), with their original addresses, ports, transport and time");
    // The collector is an argument: --to is the listings' To filter.
    hep->add_option("collector", o.hep.collector, "The HEP collector: udp:HOST:PORT, or tcp:HOST:PORT (HEPv3)")
        ->required();
    hep->add_option("--hep-version", o.hep.version, "2 or 3 (default 3)")->check(CLI::IsMember({2, 3}));
    hep->add_option("--hep-id", o.hep.captureId, "Capture id in each packet (default 0)");
    hep->add_option("--hep-password", o.hep.password, "Auth key in each HEPv3 packet");
    hep->add_option("--pace", o.hep.pace,
                    "fast: as fast as the socket takes them (default); original: with the gaps between the "
                    "messages as captured")
        ->check(CLI::IsMember({"fast", "original"}));
    hep->add_option("--rate", o.hep.rate, "At most N messages a second (with either pace)")
        ->type_name("N")
        ->check(CLI::PositiveNumber);
    addFilters(hep, o.hep.filters);
    addDatabase(hep, o.hep.db);
    hep->footer("Examples:\n  sipscope export hep udp:10.0.0.5:9060 --db today.db\n"
                "  sipscope export hep udp:127.0.0.1:9060 --state failed --pace original\n"
                "  sipscope export hep tcp:10.0.0.5:9061 --rate 500");
    for (auto [sub, db] :
         {std::pair(ladder, &o.ladder.db), std::pair(calls, &o.calls.db), std::pair(messages, &o.messages.db),
          std::pair(stats, &o.stats.db), std::pair(pcap, &o.pcap.db), std::pair(streams, &o.streams.db),
          std::pair(findings, &o.findings.db)}) {
        sub->add_option("-o,--output", o.output, "File to write (- for standard output)")->required();
        addDatabase(sub, *db);
    }
    for (auto [sub, format, filters] : {std::tuple(calls, &o.calls.format, &o.calls.filters),
                                        std::tuple(messages, &o.messages.format, &o.messages.filters),
                                        std::tuple(stats, &o.stats.format, &o.stats.filters),
                                        std::tuple(streams, &o.streams.format, &o.streams.filters),
                                        std::tuple(findings, &o.findings.format, &o.findings.filters)}) {
        sub->add_option("--format", *format, "csv or json")->check(CLI::IsMember({"csv", "json"}))->required();
        addFilters(sub, *filters);
    }
    messages->add_flag("--raw", o.messages.raw, "Include each message's text");
    addSort(calls, o.calls.sort);
    addGrep(calls, o.calls.grep, true);
    addSort(messages, o.messages.sort);
    addGrep(messages, o.messages.grep);
    addStatsOptions(stats, o.stats);
    calls->footer("Example: sipscope export calls --format csv -o calls.csv --status 486");
    messages->footer("Example: sipscope export messages --format csv --raw -o messages.csv --call a84b4c76e66710");
    stats->footer("Example: sipscope export stats --format json --interval 1h -o hourly.json");
    streams->footer("Example: sipscope export streams --format csv -o streams.csv --host 10.0.0.5");
    addFindingFilters(findings, o.findings);
    findings->footer("Example: sipscope export findings --format json --severity error -o errors.json");
    CLI::App* audio = exporter->add_subcommand(
        "audio", "A stream's audio (mono) or a call's (stereo: left the offerer's side, the caller's in a plain call; "
                 "right the answerer's) as WAV; "
                 "G.711 only, read again from the capture file");
    audio
        ->add_option("target", o.audio.target,
                     "A stream key (the key column of `sipscope streams`), else a Call-ID, call key, or a unique "
                     "start of a Call-ID")
        ->required();
    audio->add_option("-o,--output", o.output, "WAV file to write (- for standard output)")->required();
    audio->add_option("--capture", o.audio.capturePath,
                      "Where the capture file is now, if it moved since the import (checked to be the same file)");
    addDatabase(audio, o.audio.db);
    audio->footer("Examples:\n  sipscope export audio a84b4c76e66710 -o call.wav\n"
                  "  sipscope export audio 7 -o stream7.wav --capture /archive/monday.pcap");
    exports.command = exporter;
    exports.audio = audio;
    exports.ladder = ladder;
    exports.calls = calls;
    exports.messages = messages;
    exports.stats = stats;
    exports.pcap = pcap;
    exports.hep = hep;
    exports.streams = streams;
    exports.findings = findings;
    return exports;
}

int runExportLadder(const ExportOptions& options) {
    const LadderExportOptions& o = options.ladder;
    LadderFormat format = LadderFormat::Svg;
    const bool png = o.format == "png";
    if (!png && !parseLadderFormat(o.format, format))
        throw CLI::ValidationError("--format", "'" + o.format +
                                                   "' is not a ladder format: svg, png, "
                                                   "plantuml, mermaid or text");
    return runExport(options.output, [&](std::ostream& out, bool) {
        const ladder::HostAliases aliases = loadAliases(o.aliases);
        store::Reader reader(o.db);
        const std::optional<store::CallRow> call = resolveCall(reader, o.call, o.db);
        auto messages = reader.callMessages(call->key, false);
        std::optional<AllLegs> all;
        if (o.allLegs) {
            all = allLegs(reader, *call, messages, false);
            messages = all->messages;
        }
        const ladder::Model model = ladderModel(reader, o.byIp, aliases, messages, all ? &*all : nullptr, call->key);
        if (png) {
            std::ostringstream svg;
            writeLadderSvg(svg, *call, model);
            const std::string bytes = renderSvgToPng(svg.str());
            out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
            return ExitOk;
        }
        exportLadder(out, format, *call, model);
        return ExitOk;
    });
}

int runExportCalls(const ExportOptions& options) {
    return runExport(options.output,
                     [&](std::ostream& out, bool forTerminal) { return runCalls(options.calls, out, forTerminal); });
}

int runExportMessages(const ExportOptions& options) {
    return runExport(options.output, [&](std::ostream& out, bool forTerminal) {
        return runMessages(options.messages, out, forTerminal);
    });
}

int runExportStreams(const ExportOptions& options) {
    return runExport(options.output, [&](std::ostream& out, bool forTerminal) {
        return runStreams(options.streams, out, forTerminal);
    });
}

int runExportFindings(const ExportOptions& options) {
    return runExport(options.output, [&](std::ostream& out, bool forTerminal) {
        return runFindings(options.findings, out, forTerminal);
    });
}

int runExportStats(const ExportOptions& options) {
    return runExport(options.output,
                     [&](std::ostream& out, bool forTerminal) { return runStats(options.stats, out, forTerminal); });
}

// The messages of the calls the filters choose (or of one call), as a pcap of made-up frames around their text.
int runExportPcap(const ExportOptions& options) {
    const PcapExportOptions& o = options.pcap;
    if (!o.call.empty() && (hasCallFilters(o.filters) || o.filters.limitText))
        throw CLI::ValidationError("--call", "--call chooses one call and the filters choose calls: give one or the "
                                             "other");
    return runExport(options.output, [&](std::ostream& out, bool) {
        store::Reader reader(o.db);
        std::vector<store::CallRow> calls;
        if (!o.call.empty()) {
            calls.push_back(resolveCall(reader, o.call, o.db));
        } else {
            store::Filter filter = o.filters.filter;
            resolveCallIdFilter(reader, filter);
            calls = reader.calls(filter);
        }
        // Streamed in time order (ties in capture order), one message in memory at a time.
        std::vector<std::int64_t> keys;
        for (const store::CallRow& call : calls)
            keys.push_back(call.key);
        PcapExporter exporter(out);
        const std::unique_ptr<decode::Redactor> redactor = redactorOf(o.redact);
        if (redactor)  // a first reading: every name is known before the first message is written
            reader.forEachCallMessage(keys, true, [&redactor](store::MessageRow& message) {
                redactMessage(*redactor, message);
                return true;
            });
        reader.forEachCallMessage(keys, true, [&exporter, &redactor](store::MessageRow& message) {
            if (redactor)
                redactMessage(*redactor, message);
            exporter.add(message);
            return true;
        });
        const PcapExportReport& report = exporter.report();
        for (const std::string& skipped : report.skipped)
            std::cerr << "sipscope: left out " << escapeForTerminal(skipped) << '\n';
        if (report.skippedMessages > report.skipped.size())
            std::cerr << "sipscope: left out " << report.skippedMessages - report.skipped.size() << " more messages\n";
        std::cerr << "sipscope: " << report.messages << " messages of " << calls.size() << " calls in " << report.frames
                  << " packets\n";
        return ExitOk;
    });
}

// The audio of a stream or of a call, decoded from the packets of its capture file. Every check (the codec, the
// capture file) is made before the output file is touched.
int runExportAudio(const ExportOptions& options) {
    const AudioExportOptions& o = options.audio;
    if (options.output == "-" && isatty(STDOUT_FILENO))
        throw CLI::ValidationError("-o", "a WAV file is binary: give -o FILE.wav, or pipe standard output to a "
                                         "player (-o - | aplay)");
    store::Reader reader(o.db);
    const bool isNumber =
        !o.target.empty() && o.target.find_first_not_of("0123456789") == std::string::npos && o.target.size() < 19;
    std::optional<store::StreamRow> stream;
    if (isNumber)
        stream = reader.stream(std::stoll(o.target));
    exports::AudioPlan plan;
    if (stream) {
        plan = exports::streamAudioPlan(reader, *stream, o.capturePath);
    } else {
        const store::CallRow call = resolveCall(reader, o.target, o.db);
        plan = exports::callAudioPlan(reader, call, o.capturePath);
    }
    for (const std::string& note : plan.leftOut)
        std::cerr << "sipscope: left out " << escapeForTerminal(note) << '\n';
    for (const std::string& note : plan.notes)
        std::cerr << "sipscope: " << escapeForTerminal(note) << '\n';
    for (std::size_t channel = 0; channel < plan.channels.size(); ++channel) {
        const char* side = plan.channels.size() == 1 ? "mono" : channel == 0 ? "left (offerer)" : "right (answerer)";
        std::string streams;
        for (const store::StreamRow& s : plan.channels[channel])
            streams += std::string(streams.empty() ? "" : ", ") + "stream " + std::to_string(s.id) + " " +
                       s.src.toString() + " -> " + s.dst.toString() + " " + s.codec;
        std::cerr << "sipscope: " << side << ": "
                  << escapeForTerminal(streams.empty() ? "silence (no stream)" : streams) << '\n';
    }
    return runExport(options.output, [&](std::ostream& out, bool) {
        const exports::AudioExportReport report = exports::writeAudio(plan, out);
        char seconds[32];
        std::snprintf(seconds, sizeof seconds, "%.3f", static_cast<double>(report.frames) / 8000.0);
        std::cerr << "sipscope: " << seconds << " s of audio from " << report.packets << " RTP packets of "
                  << escapeForTerminal(plan.capturePath);
        if (report.late)
            std::cerr << ", " << report.late << " late packets dropped";
        if (report.skipped)
            std::cerr << ", " << report.skipped << " packets of another payload type skipped";
        std::cerr << '\n';
        return ExitOk;
    });
}

}  // namespace sipscope::cli
