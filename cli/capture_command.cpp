// `sipscope capture`: open the interface or HEP socket and the database as root, drop root, then ingest live.
#include "cli/capture_command.hpp"

#include "capture/hep_listener.hpp"
#include "capture/hep_sender.hpp"
#include "capture/live_source.hpp"
#include "cli/ingest_shared.hpp"
#include "cli/limits.hpp"
#include "cli/output.hpp"
#include "cli/privileges.hpp"
#include "common/error.hpp"
#include "store/database.hpp"
#include "store/ingest.hpp"

#include <CLI/CLI.hpp>

#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>

namespace sipscope::cli {

namespace {

constexpr int ExitOk = 0;
constexpr int ExitInput = 2;
constexpr std::uint32_t FlushIntervalMs = 200;
constexpr int HepFlushTimeoutMs = 2000;  // at the end, what the TCP connection to the collector still holds

extern "C" void onStopSignal(int) { capture::requestStop(); }

// SIGINT and SIGTERM end the capture cleanly; SA_RESETHAND lets a second Ctrl-C kill a stuck process at once.
void installStopHandlers() {
    struct sigaction action {};
    action.sa_handler = onStopSignal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESETHAND | SA_RESTART;
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);
}

// Lends a live source to the ingest pipeline while this command keeps it, to read pcap_stats after the end.
class LentSource final : public capture::PacketSource {
public:
    explicit LentSource(std::shared_ptr<capture::LiveSource> source) : m_source(std::move(source)) {}
    bool next(capture::RawPacket& packet) override { return m_source->next(packet); }
    std::uint64_t bytesRead() const override { return m_source->bytesRead(); }
    std::uint64_t totalBytes() const override { return 0; }
    const std::string& name() const override { return m_source->name(); }

private:
    std::shared_ptr<capture::LiveSource> m_source;
};

// The packet statistics line both ends print: what was decoded beside what the kernel or socket saw.
void printCaptured(std::ostream& out, const capture::LiveSource& source, std::uint64_t captured) {
    // pcap_stats counts what the kernel saw; on Linux loopback that is each packet twice (out and in), while
    // libpcap hands us one copy, so the packets we decoded are printed beside it.
    const capture::LiveStats stats = source.stats();
    out << source.name() << ": " << captured << " packets captured (" << stats.received << " received, "
        << stats.droppedByKernel << " dropped by kernel, " << stats.droppedByInterface << " dropped by interface)\n";
    if (source.name().starts_with("hep:tcp:"))
        printHepAgents(out, stats);
}

// --no-store: the packets are decoded and every SIP payload goes to the collector; no parser, no correlator, no
// database. Ends as a capture does (duration, count, SIGINT/SIGTERM).
int captureWithoutStore(capture::LiveSource& source, const store::IngestOptions& ingest, capture::HepSender& hep,
                        int version) {
    capture::PacketDecoder decoder(ingest.onPayload, ingest.decoder);
    capture::RawPacket packet;
    std::uint64_t captured = 0;
    int code = ExitOk;
    try {
        while (!capture::stopRequested().load() && source.next(packet)) {
            if (packet.bytes.empty() && packet.frameNumber == 0)
                continue;  // an idle tick
            ++captured;
            decoder.decode(packet);
        }
    } catch (const Error& failure) {
        std::cerr << "sipscope: " << escapeForTerminal(failure.what()) << '\n';
        code = ExitInput;
    }
    decoder.finish();
    printCaptured(std::cout, source, captured);
    store::IngestReport report;
    report.decoder = decoder.stats();
    printLosses(std::cout, report);
    hep.flush(HepFlushTimeoutMs);
    printHepSent(std::cout, hep, version);
    return code;
}

}  // namespace

CaptureCommand addCaptureCommand(CLI::App& app) {
    CaptureCommand capture;
    capture.options = std::make_unique<CaptureOptions>();
    CaptureOptions& o = *capture.options;
    CLI::App* command = app.add_subcommand("capture", "Capture live SIP from an interface or HEP agents");
    CLI::Option* interface =
        command->add_option("-i,--interface", o.interface, "Interface to capture on (any = all; default any)");
    command->add_option("-f,--filter", o.filter, "BPF capture filter, e.g. 'port 5060'");
    command->add_option("--snaplen", o.snaplenBytes, "Bytes kept per packet")
        ->check(CLI::Range(64, 262144))
        ->default_str("262144");
    command->add_option("--buffer", o.bufferMegabytes, "Kernel capture buffer in MB (default: libpcap's)")
        ->check(CLI::Range(1, 4096));
    command->add_flag("--promisc", o.isPromiscuous, "Put the interface in promiscuous mode");
    command->add_option("-w,--write", o.writePath, "Also write every captured packet to this pcap file");
    command->add_option("--duration", o.durationSeconds, "Stop after this many seconds")->check(CLI::PositiveNumber);
    command->add_option("-c,--count", o.maxPackets, "Stop after this many packets")->check(CLI::PositiveNumber);
    CLI::Option* hep = command->add_option(
        "--hep-listen", o.hepListen,
        "Receive HEP on udp:ADDR:PORT (v1-v3) or tcp:ADDR:PORT (HEPv3, many agents) instead of an interface");
    hep->excludes(interface);
    command->add_option("--user", o.user, "When root, switch to this user once the capture is open (default nobody)")
        ->each([&o](const std::string&) { o.isUserExplicit = true; });
    command->add_flag("--no-drop", o.noDrop, "Stay root (same as --user root)");
    CLI::Option* db = command->add_option("--db", o.db, "SQLite file or postgresql:// URL (default ./sipscope.db)");
    command->add_flag("-q,--quiet", o.quiet, "No progress line");
    command
        ->add_option("--link-header", o.linkHeaders,
                     "Also link calls (B2BUA/SBC legs) by this header, besides X-Call-ID, X-CID, X-Orig-Call-ID "
                     "and X-Original-Call-ID; repeatable")
        ->type_name("NAME");
    command->add_option("--sip-ports", o.sipPorts,
                        "Only look for SIP on these ports, e.g. 5060,5080,6000-6010 (default: any port)");
    command->add_option("--limit", o.limits, limitsHelp())->type_name("NAME=VALUE")->allow_extra_args(false);
    addFindingOptions(command, o.findingTimes);
    CLI::Option* hepSend =
        command->add_option("--hep-send", o.hepSend,
                            "Also send every SIP message captured (original addresses, ports, transport, time) to "
                            "this HEP collector: udp:HOST:PORT or tcp:HOST:PORT (HEPv3; Homer, heplify-server, "
                            "Kamailio sipcapture)");
    command->add_option("--hep-version", o.hepVersion, "HEP version --hep-send speaks: 2 or 3 (default 3)")
        ->check(CLI::IsMember({2, 3}))
        ->needs(hepSend);
    command->add_option("--hep-id", o.hepId, "Capture id --hep-send puts in each packet (default 0)")->needs(hepSend);
    command->add_option("--hep-password", o.hepPassword, "Auth key --hep-send puts in each HEPv3 packet")
        ->needs(hepSend);
    command->add_flag("--no-store", o.noStore, "Only send to --hep-send: no database")->needs(hepSend)->excludes(db);
    command->footer("Examples:\n  sipscope capture -i eth0 -f 'port 5060' --db today.db\n"
                    "  sipscope capture -i any -w raw.pcap --duration 3600\n"
                    "  sipscope capture --hep-listen udp:0.0.0.0:9060\n"
                    "  sipscope capture --hep-listen tcp:0.0.0.0:9061\n"
                    "  sipscope capture -i eth0 --hep-send udp:10.0.0.5:9060 --hep-id 101 --no-store\n"
                    "Ctrl-C or SIGTERM stops it; everything captured so far is stored. The database is written "
                    "every 200 ms, so `sipscope calls` and the viewer see calls while they happen.");
    capture.command = command;
    return capture;
}

int runCapture(const CaptureCommand& capture, const std::string& globalDb) {
    const CaptureOptions& o = *capture.options;
    const std::string dbPath = o.db.value_or(globalDb);
    // Resolve the account first, so a misspelt --user fails before anything is opened.
    const std::optional<PrivilegeTarget> target =
        o.noDrop ? std::nullopt : privilegeTargetFor(o.user, o.isUserExplicit);

    // The collector's address is checked first: a misspelt one fails before anything is opened.
    std::unique_ptr<capture::HepSender> hep;
    if (!o.hepSend.empty()) {
        if (o.hepVersion == 2 && !o.hepPassword.empty())
            throw CLI::ValidationError("--hep-password", "HEPv2 has no field for a password: use --hep-version 3");
        if (o.hepVersion == 2 && o.hepSend.starts_with("tcp:"))
            throw CLI::ValidationError("--hep-version",
                                       "HEPv2 has no length field to frame it over TCP: use --hep-version 3 or udp:");
        // Never waits for the collector: what the socket cannot take at once is dropped and counted.
        hep = std::make_unique<capture::HepSender>(o.hepSend,
                                                   capture::HepEncodeOptions{o.hepVersion, o.hepId, o.hepPassword},
                                                   capture::HepSender::WhenFull::Drop);
    }

    // The source is opened before the database so a bad interface or filter creates no file.
    std::shared_ptr<capture::LiveSource> source;
    if (!o.hepListen.empty()) {
        source = capture::openHepListener(o.hepListen, o.durationSeconds, o.maxPackets);
    } else {
        capture::LiveOptions live;
        live.interface = o.interface.empty() ? "any" : o.interface;
        live.filter = o.filter;
        if (hep) {
            // What is sent to the collector is not captured again (and resent, without end) when it leaves by
            // this interface.
            const capture::HepDestination& peer = hep->peer();
            const std::string own =
                peer.isTcp ? "tcp and host " + peer.host + " and port " + std::to_string(peer.port)
                           : "udp and dst host " + peer.host + " and dst port " + std::to_string(peer.port);
            live.filter = o.filter.empty() ? "not (" + own + ")" : "(" + o.filter + ") and not (" + own + ")";
        }
        live.snaplenBytes = o.snaplenBytes;
        live.bufferMegabytes = o.bufferMegabytes;
        live.isPromiscuous = o.isPromiscuous;
        live.writePath = o.writePath;
        live.maxDurationSeconds = o.durationSeconds;
        live.maxPackets = o.maxPackets;
        source = capture::openLiveSource(live);
    }
    installStopHandlers();

    // ingestSources opens (or creates) the database and starts its writer before it calls open(); only then is
    // root given up. The connection keeps its database, -wal and -shm descriptors for the whole run, so writing
    // goes on as the unprivileged user even in a directory only root may enter, e.g. /root.
    store::SourceOpener opener{source->name(), [&]() -> std::unique_ptr<capture::PacketSource> {
                                   if (target)
                                       dropPrivileges(*target);
                                   return std::make_unique<LentSource>(source);
                               }};

    store::IngestOptions ingest;
    ingest.flushIntervalMs = FlushIntervalMs;
    applyFindingOptions(o.findingTimes, ingest);
    if (!o.sipPorts.empty())
        ingest.decoder.sipPorts = parsePortList(o.sipPorts);
    for (const std::string& name : o.linkHeaders)
        ingest.correlator.linkHeaders.push_back(name);
    if (!o.hepListen.empty())
        ingest.decoder.hepPorts.push_back(capture::parseHepListenAddress(o.hepListen).port);
    applyLimits(o.limits, ingest);
    if (hep)
        ingest.onPayload = [&hep](const capture::PayloadView& payload) { hep->send(payload); };
    if (o.noStore) {
        if (!o.quiet)
            std::cerr << "capturing on " << source->name() << (o.filter.empty() ? "" : " (" + o.filter + ")") << " for "
                      << hep->name() << ", storing nothing; Ctrl-C stops\n";
        if (target)
            dropPrivileges(*target);
        return captureWithoutStore(*source, ingest, *hep, o.hepVersion);
    }
    ingest.writeOpenCalls = true;
    ingest.stop = &capture::stopRequested();
    const bool showProgress = !o.quiet && isatty(STDERR_FILENO);
    if (showProgress) {
        ingest.onProgress = [&source](const store::IngestProgress& progress) {
            const capture::LiveStats stats = source->stats();
            std::fprintf(stderr, "\r%s: %llu packets, %llu dropped, %llu SIP messages   ", progress.file.c_str(),
                         static_cast<unsigned long long>(stats.received),
                         static_cast<unsigned long long>(stats.droppedByKernel + stats.droppedByInterface),
                         static_cast<unsigned long long>(progress.messages));
        };
    }
    if (!o.quiet)
        std::cerr << "capturing on " << source->name() << (o.filter.empty() ? "" : " (" + o.filter + ")") << " into "
                  << store::databaseName(dbPath) << (hep ? " and to " + hep->name() : "")
                  << (target ? " as user " + target->user : "") << "; Ctrl-C stops\n";

    const store::IngestReport report = store::ingestSources(dbPath, {opener}, ingest);
    if (showProgress)
        std::fputs("\n", stderr);
    printCaptured(std::cout, *source, report.files.empty() ? 0 : report.files.front().packets);
    std::cout << "stored " << report.sipMessages << " SIP messages in " << report.calls << " calls into "
              << store::databaseName(dbPath) << '\n';
    printFindingsFound(std::cout, report, store::databaseName(dbPath));
    printLosses(std::cout, report);
    if (hep) {
        hep->flush(HepFlushTimeoutMs);
        printHepSent(std::cout, *hep, o.hepVersion);
    }
    int code = ExitOk;
    for (const store::FileReport& file : report.files)
        if (file.error) {
            std::cerr << "sipscope: " << escapeForTerminal(*file.error) << '\n';
            code = ExitInput;
        }
    return code;
}

}  // namespace sipscope::cli
