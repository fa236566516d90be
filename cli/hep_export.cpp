// `sipscope export hep`: a database's messages replayed to a HEP collector, in time order, with the addresses,
// ports, transport and timestamp each was captured with.
#include "capture/hep_sender.hpp"
#include "cli/call_lookup.hpp"
#include "cli/export_command.hpp"
#include "cli/hep_replay.hpp"
#include "cli/ingest_shared.hpp"

#include <CLI/CLI.hpp>

#include <chrono>
#include <iostream>
#include <thread>

namespace sipscope::cli {

namespace {

constexpr int FlushTimeoutMs = 10'000;  // what TCP still holds at the end; a collector stalled longer has failed

}  // namespace

int runExportHep(const ExportOptions& options) {
    const HepExportOptions& o = options.hep;
    if (o.version == 2 && !o.password.empty())
        throw CLI::ValidationError("--hep-password", "HEPv2 has no field for a password: use --hep-version 3");
    if (o.version == 2 && o.collector.starts_with("tcp:"))
        throw CLI::ValidationError("--hep-version",
                                   "HEPv2 has no length field to frame it over TCP: use --hep-version 3 or udp:");
    // The collector is checked before the database is read; an export waits for room in the socket's buffer
    // rather than dropping.
    capture::HepSender sender(o.collector, capture::HepEncodeOptions{o.version, o.captureId, o.password},
                              capture::HepSender::WhenFull::Wait, "export hep");
    store::Reader reader(o.db);
    store::Filter filter = o.filters.filter;
    resolveCallIdFilter(reader, filter);
    HepReplaySchedule schedule(o.pace == "original", o.rate);
    const auto started = std::chrono::steady_clock::now();
    std::uint64_t messages = 0;
    reader.forEachMessage(filter, true, [&](store::MessageRow& message) {
        if (const std::chrono::microseconds at = schedule.next(message.timestampUs); at.count() > 0)
            std::this_thread::sleep_until(started + at);
        capture::PayloadView payload;
        payload.timestampUs = message.timestampUs;
        payload.src = message.src;
        payload.dst = message.dst;
        payload.transport = message.transport;
        payload.bytes = message.text;
        payload.frameNumber = message.frame;
        sender.send(payload);
        ++messages;
        return true;
    });
    sender.flush(FlushTimeoutMs);
    printHepSent(std::cerr, sender, o.version);
    return sender.stats().sent == messages ? ExitOk : ExitInput;
}

}  // namespace sipscope::cli
